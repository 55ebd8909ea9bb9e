"""A single figure: spending against an allocation as a filling arc."""
from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen

from .chart_base import BLUE, GREEN, MUTED, OVER, TEXT, TRACK, Chart, Mark, money_units


class ProgressGauge(Chart):
    """An arc filling up with what has been spent of an allocation: blue within, red beyond it.

    The percentage is written in the middle and both amounts beside it, so "over" is read in
    words as well as in red. ``elapsed`` (0–1, e.g. how much of the quarter has passed) adds a
    tick on the arc to compare spending with time.
    """

    def __init__(self, parent=None):
        super().__init__(parent)
        self.spent = 0
        self.allocated = 0
        self.elapsed: float | None = None
        self.caption = ""
        self.spent_name, self.allocated_name = "已用", "预拨"
        self._has_data = False
        self._arc = QRectF()
        self._lines: list[tuple[str, str]] = []   # (text, colour) beside the arc

    def set_data(self, spent_fen: int | None, allocated_fen: int | None, caption: str = "",
                 elapsed: float | None = None, spent_name: str = "已用", allocated_name: str = "预拨") -> None:
        self._has_data = spent_fen is not None or allocated_fen is not None
        self.spent = int(spent_fen or 0)
        self.allocated = int(allocated_fen or 0)
        self.caption = caption
        self.elapsed = None if elapsed is None else max(0.0, min(1.0, elapsed))
        self.spent_name, self.allocated_name = spent_name, allocated_name
        self._changed()

    def is_empty(self) -> bool:
        return not self._has_data or (not self.spent and not self.allocated)

    def percent(self) -> float | None:
        return self.spent / self.allocated * 100 if self.allocated > 0 else None

    def is_over(self) -> bool:
        return self.spent > self.allocated

    def fill_color(self) -> QColor:
        return QColor(OVER if self.is_over() else BLUE)

    def fill_fraction(self) -> float:
        """How much of the arc is filled (never beyond the whole arc)."""
        if self.allocated <= 0:
            return 1.0 if self.spent > 0 else 0.0
        return max(0.0, min(1.0, self.spent / self.allocated))

    def centre_text(self) -> str:
        percent = self.percent()
        return f"{percent:.1f}%" if percent is not None else "未预拨"

    def lines(self) -> list[str]:
        self._ensure_layout()
        return [text for text, _colour in self._lines]

    def _lay_out(self, rect: QRectF, fm: QFontMetricsF) -> None:
        money = money_units()
        line = fm.height()
        caption_height = line + 4 if self.caption else 0
        body = rect.adjusted(0, caption_height, 0, 0)
        side = min(body.height() / 0.85, body.width() * 0.45, 280.0)   # a 240° arc is 0.75 as high as wide
        self._arc = QRectF(body.left() + 4, body.top() + max((body.height() - side * 0.8) / 2, 0) + 2,
                           side - 8, side - 8)
        spent = f"{self.spent_name}：{money.exact(self.spent)}"
        allocated = f"{self.allocated_name}：{money.exact(self.allocated)}" if self.allocated > 0 \
            else f"{self.allocated_name}：尚未录入"
        self._lines = [(spent, TEXT), (allocated, TEXT)]
        if self.allocated > 0 and self.is_over():
            self._lines.append((f"超出预拨 {money.exact(self.spent - self.allocated)}", OVER))
        elif self.allocated > 0:
            self._lines.append((f"剩余 {money.exact(self.allocated - self.spent)}", GREEN))
        if self.elapsed is not None:
            self._lines.append((f"时间进度 {self.elapsed * 100:.0f}%", MUTED))
        tooltip = "\n".join([self.caption, *(text for text, _c in self._lines)]).strip()
        self._marks.append(Mark(QRectF(self._arc), self.spent, self.caption, self.spent_name, self.fill_color(),
                                tooltip, self.centre_text(), QRectF(rect)))

    def _paint(self, painter: QPainter) -> None:
        fm = QFontMetricsF(self.font())
        rect = QRectF(self.rect()).adjusted(10, 6, -10, -6)
        if self.caption:
            self._text(painter, QRectF(rect.left(), rect.top(), rect.width(), fm.height()),
                       Qt.AlignLeft | Qt.AlignVCenter, self.caption, MUTED)
        arc = self._arc
        thickness = max(arc.width() * 0.12, 10)
        ring = arc.adjusted(thickness / 2, thickness / 2, -thickness / 2, -thickness / 2)
        start, span = 210 * 16, -240 * 16   # a 240° arc opening at the bottom
        painter.setBrush(Qt.NoBrush)
        painter.setPen(QPen(QColor(TRACK), thickness, Qt.SolidLine, Qt.FlatCap))
        painter.drawArc(ring, start, span)
        fraction = self.fill_fraction()
        if fraction > 0:
            painter.setPen(QPen(self.fill_color(), thickness, Qt.SolidLine, Qt.FlatCap))
            painter.drawArc(ring, start, int(span * fraction))
        if self.elapsed is not None:
            angle = math.radians(210 - 240 * self.elapsed)
            centre, r = ring.center(), ring.width() / 2
            inner = QPointF(centre.x() + (r - thickness * 0.75) * math.cos(angle),
                            centre.y() - (r - thickness * 0.75) * math.sin(angle))
            outer = QPointF(centre.x() + (r + thickness * 0.75) * math.cos(angle),
                            centre.y() - (r + thickness * 0.75) * math.sin(angle))
            painter.setPen(QPen(QColor(TEXT), 2.5, Qt.SolidLine, Qt.RoundCap))
            painter.drawLine(inner, outer)
        big = QFont(self.font())
        big.setPointSizeF(max(self.font().pointSizeF() * min(arc.width() / 110, 2.4), 11))
        big.setBold(True)
        colour = OVER if self.is_over() and self.allocated > 0 else TEXT
        big_height = QFontMetricsF(big).height()
        centre = ring.center()
        self._text(painter, QRectF(centre.x() - ring.width() / 2, centre.y() - big_height / 2, ring.width(),
                                   big_height), Qt.AlignCenter, self.centre_text(), colour, big)
        below = "超出预拨" if self.is_over() and self.allocated > 0 else "已用/预拨"
        self._text(painter, QRectF(centre.x() - ring.width() / 2, centre.y() + big_height / 2, ring.width(),
                                   fm.height()), Qt.AlignCenter, below, colour)
        left = arc.right() + 18
        width = rect.right() - left
        line = fm.height() * 1.45
        top = arc.center().y() - line * len(self._lines) / 2
        bold = QFont(self.font())
        bold.setPointSizeF(self.font().pointSizeF() * 1.1)
        for number, (text, colour) in enumerate(self._lines):
            font = bold if number < 2 or colour == OVER else None
            elided = QFontMetricsF(font or self.font()).elidedText(text, Qt.ElideRight, width)
            self._text(painter, QRectF(left, top + number * line, width, line), Qt.AlignLeft | Qt.AlignVCenter,
                       elided, colour, font)
