"""What every chart shares: the Okabe–Ito palette, how values are written (units, axis ticks),
the drawn :class:`Mark`, and the :class:`Chart` widget with the program's font, the empty state,
hover, tooltips and the test hooks. See ``charts`` for what every chart promises.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Sequence

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from ..domain.money import yuan
from .fonts import load_app_font

# Okabe–Ito colours.
BLUE, ORANGE, GREEN, PURPLE = "#0072B2", "#E69F00", "#009E73", "#CC79A7"
SKY, VERMILION, YELLOW = "#56B4E9", "#D55E00", "#F0E442"
PALETTE = (BLUE, ORANGE, GREEN, PURPLE, SKY, VERMILION)
OVER = "#c62828"          # the program's error red: spending beyond the allocation
NEUTRAL = "#9aa5b1"
TEXT, MUTED, GRID, AXIS, TRACK, HOVER = "#1f2933", "#52606d", "#e4e9f0", "#7b8794", "#e4e9f0", "#eef4fb"
EMPTY_TEXT = "暂无数据"
FEN_PER_WAN = 1_000_000    # 1 万元 = 10,000 元 = 1,000,000 分


# --- numbers ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Units:
    """How a chart writes its values: exactly (tooltips), briefly (on the bars), on the axis."""
    exact: Callable[[float], str]
    short: Callable[[float], str]
    divisor: float = 1        # the axis shows value / divisor …
    title: str = ""           # … in this unit
    integer: bool = True      # ticks never fall between whole values


def count_units(unit: str = "人次") -> Units:
    return Units(exact=lambda v: f"{int(v)}{unit}", short=lambda v: f"{int(v)}", title=unit)


def money_units(values_fen: Sequence[float] = ()) -> Units:
    """Fen in, yuan out: exact yuan in tooltips; the axis in 万元 once amounts reach 1 万元."""
    exact = (lambda v: f"{yuan(int(v))} 元")
    if max((abs(v) for v in values_fen), default=0) >= FEN_PER_WAN:
        return Units(exact=exact, short=lambda v: f"{v / FEN_PER_WAN:.1f}万", divisor=FEN_PER_WAN,
                     title="万元")
    return Units(exact=exact, short=lambda v: f"{round(v / 100)}", divisor=100, title="元")


COUNT = count_units()


def nice_ticks(lo: float, hi: float, target: int = 5, integer: bool = False) -> list[float]:
    """Round tick values (1, 2, 2.5, 5 × 10ⁿ apart) covering lo…hi and always 0."""
    lo, hi = min(lo, 0.0), max(hi, 0.0)
    if hi - lo <= 0:
        hi = lo + 1
    raw = (hi - lo) / max(target, 1)
    if integer:
        raw = max(raw, 1.0)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = 10 * magnitude
    for multiple in (1, 2, 2.5, 5, 10):
        candidate = multiple * magnitude
        if candidate >= raw * (1 - 1e-9) and not (integer and abs(candidate - round(candidate)) > 1e-9):
            step = candidate
            break
    start = math.floor(lo / step + 1e-9) * step
    end = math.ceil(hi / step - 1e-9) * step
    count = int(round((end - start) / step))
    return [round(start + i * step, 9) for i in range(count + 1)]


def _decimals(step: float) -> int:
    for places in range(4):
        scaled = step * 10 ** places
        if abs(scaled - round(scaled)) < 1e-6:
            return places
    return 3


def tick_text(value: float, ticks: Sequence[float], units: Units) -> str:
    step = (ticks[1] - ticks[0]) if len(ticks) > 1 else 1
    return f"{value / units.divisor:.{_decimals(step / units.divisor)}f}"


def _luminance(color: QColor) -> float:
    return 0.299 * color.redF() + 0.587 * color.greenF() + 0.114 * color.blueF()


def _text_on(color: QColor) -> QColor:
    """Dark text on light fills (orange, yellow, sky), white on dark ones."""
    return QColor(TEXT) if _luminance(color) > 0.55 else QColor("#ffffff")


# --- the base --------------------------------------------------------------------------------------

@dataclass
class Mark:
    """One drawn thing that carries a value: a bar, a stacked segment, a line point."""
    rect: QRectF
    value: float
    category: str
    series: str
    color: QColor
    tooltip: str
    label: str = ""            # the value text drawn with it; '' when it did not fit
    hit: QRectF | None = None  # where hovering shows the tooltip (defaults to rect)

    def hit_rect(self) -> QRectF:
        return self.hit if self.hit is not None else self.rect


class Chart(QWidget):
    """What every chart shares: fonts, the empty state, tooltips, hover and test hooks."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setMouseTracking(True)
        self.setFont(load_app_font(9))
        self.setMinimumSize(260, 170)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)
        self._marks: list[Mark] = []
        self._texts: list[str] = []
        self._laid_out_for: QSize | None = None
        self._hover: Mark | None = None

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(480, 260)

    # --- for the window and the tests ----------------------------------------------------------
    def is_empty(self) -> bool:
        raise NotImplementedError

    def marks(self) -> list[Mark]:
        self._ensure_layout()
        return list(self._marks)

    def drawn_texts(self) -> list[str]:
        """Every text the last paint drew (paint first, e.g. with ``grab()``)."""
        return list(self._texts)

    def mark_at(self, point: QPointF) -> Mark | None:
        self._ensure_layout()
        for mark in reversed(self._marks):
            if mark.hit_rect().contains(point):
                return mark
        return None

    def tooltip_at(self, point: QPointF) -> str:
        mark = self.mark_at(point)
        return mark.tooltip if mark else ""

    # --- layout ------------------------------------------------------------------------------
    def _changed(self) -> None:
        self._laid_out_for = None
        self._hover = None
        self.update()

    def _ensure_layout(self) -> None:
        if self._laid_out_for == self.size():
            return
        self._laid_out_for = QSize(self.size())
        self._marks = []
        self._clear()
        if not self.is_empty():
            self._lay_out(QRectF(self.rect()).adjusted(10, 6, -10, -6), QFontMetricsF(self.font()))

    def _clear(self) -> None:
        """Forget chart-specific geometry before a new layout."""

    def _lay_out(self, rect: QRectF, fm: QFontMetricsF) -> None:
        raise NotImplementedError

    def _paint(self, painter: QPainter) -> None:
        raise NotImplementedError

    # --- painting ----------------------------------------------------------------------------
    def paintEvent(self, _event) -> None:  # noqa: N802
        self._ensure_layout()
        self._texts = []
        painter = QPainter(self)
        painter.setRenderHint(QPainter.Antialiasing)
        painter.setRenderHint(QPainter.TextAntialiasing)
        painter.setFont(self.font())
        painter.fillRect(self.rect(), QColor("#ffffff"))
        if self.is_empty():
            font = QFont(self.font())
            font.setPointSizeF(self.font().pointSizeF() * 1.3)
            self._text(painter, QRectF(self.rect()), Qt.AlignCenter, EMPTY_TEXT, MUTED, font)
        else:
            self._paint(painter)
        painter.end()

    def _text(self, painter: QPainter, rect: QRectF, flags, text: str, color=TEXT, font: QFont | None = None,
              ) -> None:
        if not text:
            return
        painter.save()
        if font is not None:
            painter.setFont(font)
        painter.setPen(QColor(color))
        painter.drawText(rect, int(flags), text)
        painter.restore()
        self._texts.append(text)

    # --- hover and tooltips ------------------------------------------------------------------
    def event(self, event) -> bool:
        if event.type() == QEvent.ToolTip:
            mark = self.mark_at(QPointF(event.pos()))
            if mark is not None:
                QToolTip.showText(event.globalPos(), mark.tooltip, self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)

    def mouseMoveEvent(self, event) -> None:  # noqa: N802
        mark = self.mark_at(event.position())
        if mark is not self._hover:
            self._hover = mark
            self.update()
        super().mouseMoveEvent(event)

    def leaveEvent(self, event) -> None:  # noqa: N802
        if self._hover is not None:
            self._hover = None
            self.update()
        super().leaveEvent(event)
