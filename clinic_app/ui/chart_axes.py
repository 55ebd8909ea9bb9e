"""Charts over categories (months): the value axes and their ticks, the legend with the unit
titles, the labels under the columns, and the painting the bar and line charts share."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPen

from .chart_base import AXIS, COUNT, GRID, HOVER, MUTED, TEXT, Chart, Mark, Units, nice_ticks, tick_text


@dataclass
class _LegendEntry:
    rect: QRectF
    name: str
    color: QColor
    kind: str  # "box" or "line"


class CategoryChart(Chart):
    """Bars (and a line) over categories, with a value axis on the left (and one on the right).

    ``categories`` name each column in tooltips (e.g. 2026年10月); ``axis_labels`` are what is
    written under the columns — a second line (e.g. the year) is written only where it changes.
    """

    def __init__(self, parent=None):
        super().__init__(parent)
        self.categories: list[str] = []
        self.axis_labels: list[str] = []
        self.units: Units = COUNT
        self.right_units: Units | None = None
        self.plot = QRectF()
        self.ticks: list[float] = []
        self.right_ticks: list[float] = []
        self._legend: list[_LegendEntry] = []
        self._x_labels: list[tuple[QRectF, str]] = []
        self._titles: list[tuple[QRectF, str, int]] = []

    def _set_categories(self, categories: Sequence[str], axis_labels: Sequence[str] | None) -> None:
        self.categories = [str(c) for c in categories]
        labels = [str(a) for a in axis_labels] if axis_labels is not None else list(self.categories)
        if len(labels) != len(self.categories):
            raise ValueError("axis_labels must name every category")
        self.axis_labels = labels

    def legend(self) -> list[str]:
        self._ensure_layout()
        return [entry.name for entry in self._legend]

    def x_labels(self) -> list[str]:
        """The labels actually written under the columns (crowded ones are thinned out)."""
        self._ensure_layout()
        return [text for _rect, text in self._x_labels]

    def slot(self, index: int) -> QRectF:
        self._ensure_layout()
        width = self.plot.width() / max(len(self.categories), 1)
        return QRectF(self.plot.left() + index * width, self.plot.top(), width, self.plot.height())

    def y_of(self, value: float, right: bool = False) -> float:
        self._ensure_layout()
        ticks = self.right_ticks if right else self.ticks
        lo, hi = ticks[0], ticks[-1]
        return self.plot.bottom() - (value - lo) / (hi - lo) * self.plot.height()

    def _frame(self, rect: QRectF, fm: QFontMetricsF, lo: float, hi: float,
               legend: Sequence[tuple[str, QColor, str]], right: tuple[float, float] | None = None) -> None:
        """Place the legend, the axes and the plot area; afterwards ``plot`` and ``y_of`` work."""
        line = fm.height()
        top = self._lay_out_legend(rect, fm, legend)
        bottom_lines = 2 if any("\n" in label for label in self.axis_labels) else 1
        plot_top = top + line * 0.8
        plot_bottom = rect.bottom() - bottom_lines * line - 4
        target = max(3, min(6, int((plot_bottom - plot_top) // 30)))
        self.ticks = nice_ticks(lo, hi, target, self.units.integer)
        left = max(fm.horizontalAdvance(tick_text(t, self.ticks, self.units)) for t in self.ticks) + 8
        right_width = 6.0
        self.right_ticks = []
        if right is not None and self.right_units is not None:
            self.right_ticks = nice_ticks(right[0], right[1], len(self.ticks) - 1, self.right_units.integer)
            right_width = max(fm.horizontalAdvance(tick_text(t, self.right_ticks, self.right_units))
                              for t in self.right_ticks) + 8
        self.plot = QRectF(rect.left() + left, plot_top, rect.width() - left - right_width,
                           max(plot_bottom - plot_top, 10))
        self._lay_out_x_labels(fm)

    def _lay_out_legend(self, rect: QRectF, fm: QFontMetricsF, entries) -> float:
        """Unit titles at the ends of the first row, the legend entries flowing right-aligned."""
        line = fm.height()
        self._legend, self._titles = [], []
        left_title = self.units.title
        right_title = self.right_units.title if self.right_units is not None else ""
        x_min = rect.left() + (fm.horizontalAdvance(left_title) + 16 if left_title else 0)
        x_max = rect.right() - (fm.horizontalAdvance(right_title) + 16 if right_title else 0)
        if left_title:
            self._titles.append((QRectF(rect.left(), rect.top(), x_min - rect.left(), line), left_title,
                                 int(Qt.AlignLeft | Qt.AlignVCenter)))
        if right_title:
            self._titles.append((QRectF(x_max, rect.top(), rect.right() - x_max, line), right_title,
                                 int(Qt.AlignRight | Qt.AlignVCenter)))
        widths = [fm.horizontalAdvance(name) + 24 for name, _color, _kind in entries]
        rows: list[list[int]] = [[]]
        used = 0.0
        for index, width in enumerate(widths):
            if rows[-1] and used + width > x_max - x_min:
                rows.append([])
                used = 0.0
            rows[-1].append(index)
            used += width + 12
        for row_number, row in enumerate(rows):
            total = sum(widths[i] for i in row) + 12 * (len(row) - 1)
            x = max(x_min, x_max - total)
            y = rect.top() + row_number * line
            for i in row:
                name, color, kind = entries[i]
                self._legend.append(_LegendEntry(QRectF(x, y, widths[i], line), name, QColor(color), kind))
                x += widths[i] + 12
        return rect.top() + max(len(rows), 1) * line

    def _lay_out_x_labels(self, fm: QFontMetricsF) -> None:
        self._x_labels = []
        count = len(self.axis_labels)
        if not count:
            return
        slot = self.plot.width() / count
        widest = max(max(fm.horizontalAdvance(part) for part in label.split("\n")) for label in self.axis_labels)
        step = max(1, math.ceil((widest + 8) / slot))
        shown_sub = None
        for index in range(count):
            if (count - 1 - index) % step:   # counted from the right: the latest column is always named
                continue
            main, _, sub = self.axis_labels[index].partition("\n")
            text = main if not sub or sub == shown_sub else f"{main}\n{sub}"
            shown_sub = sub or shown_sub
            centre = self.plot.left() + (index + 0.5) * slot
            width = max(widest + 8, slot)
            self._x_labels.append((QRectF(centre - width / 2, self.plot.bottom() + 3, width, 2 * fm.height()),
                                   text))

    def _value_label_fits(self, fm: QFontMetricsF, text: str, width: float) -> bool:
        return fm.horizontalAdvance(text) + 2 <= width

    def _paint_frame(self, painter: QPainter) -> None:
        if self._hover is not None:
            painter.fillRect(self._hover.hit_rect(), QColor(HOVER))
        painter.setPen(QPen(QColor(GRID), 1))
        for tick in self.ticks:
            y = round(self.y_of(tick)) + 0.5
            painter.drawLine(QPointF(self.plot.left(), y), QPointF(self.plot.right(), y))
        fm = QFontMetricsF(self.font())
        for tick in self.ticks:
            y = self.y_of(tick)
            self._text(painter, QRectF(self.plot.left() - 200, y - fm.height() / 2, 194, fm.height()),
                       Qt.AlignRight | Qt.AlignVCenter, tick_text(tick, self.ticks, self.units), MUTED)
        for tick in self.right_ticks:
            y = self.y_of(tick, right=True)
            self._text(painter, QRectF(self.plot.right() + 6, y - fm.height() / 2, 200, fm.height()),
                       Qt.AlignLeft | Qt.AlignVCenter, tick_text(tick, self.right_ticks, self.right_units),
                       MUTED)
        for rect, text, flags in self._titles:
            self._text(painter, rect, flags, text, MUTED)
        for rect, text in self._x_labels:
            self._text(painter, rect, Qt.AlignHCenter | Qt.AlignTop, text, TEXT)
        for entry in self._legend:
            swatch = QRectF(entry.rect.left(), entry.rect.center().y() - 6, 18, 12)
            if entry.kind == "line":
                painter.setPen(QPen(entry.color, 2.5))
                painter.drawLine(QPointF(swatch.left(), swatch.center().y()),
                                 QPointF(swatch.right(), swatch.center().y()))
                self._marker(painter, swatch.center(), entry.color)
            else:
                painter.setPen(Qt.NoPen)
                painter.setBrush(entry.color)
                painter.drawRect(swatch.adjusted(3, 0, -3, 0))
            self._text(painter, entry.rect.adjusted(22, 0, 0, 0), Qt.AlignLeft | Qt.AlignVCenter, entry.name)

    def _paint_zero_line(self, painter: QPainter) -> None:
        painter.setPen(QPen(QColor(AXIS), 1))
        y = round(self.y_of(0)) + 0.5
        painter.drawLine(QPointF(self.plot.left(), y), QPointF(self.plot.right(), y))

    @staticmethod
    def _marker(painter: QPainter, centre: QPointF, color: QColor, radius: float = 3.5) -> None:
        painter.setPen(QPen(color, 2))
        painter.setBrush(QColor("#ffffff"))
        painter.drawEllipse(centre, radius, radius)

    def _paint_bar(self, painter: QPainter, mark: Mark) -> None:
        painter.setPen(Qt.NoPen)
        painter.setBrush(mark.color)
        painter.drawRect(mark.rect)
