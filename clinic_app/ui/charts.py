"""Small chart widgets painted with QPainter (this Qt build has no QtCharts).

Every chart:

* takes its figures with ``set_data(...)`` and shows 暂无数据 when there are none;
* draws with the program's font, antialiased, in the Okabe–Ito palette (told apart with every
  common colour-vision deficiency) and never says anything by colour alone: there is always a
  legend, value labels where they fit, and a tooltip with the exact value on hover;
* keeps what it drew as :class:`Mark` objects (``marks()``, and ``bars()`` / ``segments()`` /
  ``points()`` per chart) and the texts it painted (``drawn_texts()``), so tests can check the
  figures without looking at pixels.

Geometry is worked out once per size (``_lay_out``) and only drawn in ``paintEvent``.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Sequence

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen
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


# --- charts over categories (months) ---------------------------------------------------------------

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


def _series(series) -> list[tuple[str, list[float]]]:
    if isinstance(series, dict):
        series = list(series.items())
    return [(str(name), [v or 0 for v in values]) for name, values in series]


def _column_tooltip(category: str, lines: Sequence[str]) -> str:
    return "\n".join([category, *lines])


class BarChart(CategoryChart):
    """One bar per category, or a group of bars (one per series) per category."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.series: list[tuple[str, list[float]]] = []
        self.colors: list[QColor] = []

    def set_data(self, categories: Sequence[str], series, units: Units = COUNT,
                 axis_labels: Sequence[str] | None = None, colors: Sequence[str] | None = None) -> None:
        """``series``: ``[(name, values), …]`` or ``{name: values}``, one value per category."""
        self._set_categories(categories, axis_labels)
        self.series = _series(series)
        for name, values in self.series:
            if len(values) != len(self.categories):
                raise ValueError(f"{name}: one value per category")
        self.units = units
        self.colors = [QColor(c) for c in (colors or PALETTE)]
        self._changed()

    def is_empty(self) -> bool:
        return not self.categories or not any(v for _n, values in self.series for v in values)

    def bars(self) -> list[Mark]:
        return self.marks()

    def _lay_out(self, rect: QRectF, fm: QFontMetricsF) -> None:
        values = [v for _n, vs in self.series for v in vs]
        legend = [(name, self.colors[i % len(self.colors)], "box") for i, (name, _v) in enumerate(self.series)]
        self._frame(rect, fm, min(values), max(values), legend)
        count = len(self.series)
        zero = self.y_of(0)
        for index, category in enumerate(self.categories):
            slot = self.slot(index)
            group = min(slot.width() * 0.72, 56.0 * count)
            width = group / count
            tooltip = _column_tooltip(category, [f"{name}：{self.units.exact(values[index])}"
                                                 for name, values in self.series])
            for s, (name, values) in enumerate(self.series):
                value = values[index]
                x = slot.center().x() - group / 2 + s * width
                y = self.y_of(value)
                bar = QRectF(x + 0.5, min(y, zero), max(width - 1, 1), abs(zero - y))
                label = self.units.short(value) if value else ""
                room = slot.width() - 2 if count == 1 else width + 2
                if not self._value_label_fits(fm, label, room):
                    label = ""
                self._marks.append(Mark(bar, value, category, name, self.colors[s % len(self.colors)], tooltip,
                                        label, QRectF(x, self.plot.top(), width, self.plot.height())))

    def _paint(self, painter: QPainter) -> None:
        self._paint_frame(painter)
        fm = QFontMetricsF(self.font())
        for mark in self._marks:
            self._paint_bar(painter, mark)
        self._paint_zero_line(painter)
        for mark in self._marks:
            if mark.label:
                above = mark.value >= 0
                y = mark.rect.top() - fm.height() if above else mark.rect.bottom()
                self._text(painter, QRectF(mark.rect.center().x() - 40, y, 80, fm.height()),
                           Qt.AlignCenter, mark.label, TEXT)


class StackedBarChart(CategoryChart):
    """Amounts split into parts per category, stacked in legend order from the bottom up.

    Negative parts (a month of mostly voids) stack downwards from zero, so the net of each column
    is still the sum of its parts; the net is written above the column.
    """

    def __init__(self, parent=None):
        super().__init__(parent)
        self.series: list[tuple[str, list[float]]] = []
        self.colors: list[QColor] = []
        self.total_name = "合计"
        self._total_labels: list[tuple[QRectF, str]] = []

    def _clear(self) -> None:
        self._total_labels = []

    def set_data(self, categories: Sequence[str], series, units: Units | None = None,
                 axis_labels: Sequence[str] | None = None, colors: Sequence[str] | None = None,
                 total_name: str = "合计") -> None:
        self._set_categories(categories, axis_labels)
        self.series = _series(series)
        for name, values in self.series:
            if len(values) != len(self.categories):
                raise ValueError(f"{name}: one value per category")
        self.units = units or money_units(self.totals())
        self.colors = [QColor(c) for c in (colors or PALETTE)]
        self.total_name = total_name
        self._changed()

    def is_empty(self) -> bool:
        return not self.categories or not any(v for _n, values in self.series for v in values)

    def totals(self) -> list[float]:
        return [sum(values[i] for _n, values in self.series) for i in range(len(self.categories))]

    def segments(self) -> list[Mark]:
        return self.marks()

    def total_labels(self) -> list[str]:
        self._ensure_layout()
        return [text for _rect, text in self._total_labels]

    def _lay_out(self, rect: QRectF, fm: QFontMetricsF) -> None:
        columns = [[values[i] for _n, values in self.series] for i in range(len(self.categories))]
        ups = [sum(v for v in column if v > 0) for column in columns]
        downs = [sum(v for v in column if v < 0) for column in columns]
        legend = [(name, self.colors[i % len(self.colors)], "box") for i, (name, _v) in enumerate(self.series)]
        self._frame(rect, fm, min(downs), max(ups), legend)
        totals = self.totals()
        for index, category in enumerate(self.categories):
            slot = self.slot(index)
            width = min(slot.width() * 0.66, 64.0)
            x = slot.center().x() - width / 2
            total = totals[index]
            up = down = 0.0
            for s, (name, values) in enumerate(self.series):
                value = values[index]
                if not value:
                    continue
                start = up if value > 0 else down
                end = start + value
                if value > 0:
                    up = end
                else:
                    down = end
                y0, y1 = self.y_of(start), self.y_of(end)
                segment = QRectF(x, min(y0, y1), width, abs(y1 - y0))
                share = f"（占 {value / total * 100:.1f}%）" if total > 0 and value > 0 else ""
                tooltip = _column_tooltip(category, [f"{name}：{self.units.exact(value)}{share}",
                                                     f"{self.total_name}：{self.units.exact(total)}"])
                label = self.units.short(value)
                if segment.height() < fm.height() or not self._value_label_fits(fm, label, width):
                    label = ""
                self._marks.append(Mark(segment, value, category, name, self.colors[s % len(self.colors)],
                                        tooltip, label))
            text = self.units.short(total) if total else ""
            if text and self._value_label_fits(fm, text, slot.width()):
                y = self.y_of(up) - fm.height() - 1
                self._total_labels.append((QRectF(slot.left(), y, slot.width(), fm.height()), text))

    def _paint(self, painter: QPainter) -> None:
        self._paint_frame(painter)
        for mark in self._marks:
            self._paint_bar(painter, mark)
            painter.setPen(QPen(QColor("#ffffff"), 1))   # a hairline between parts, not only colour
            painter.setBrush(Qt.NoBrush)
            painter.drawRect(mark.rect)
        self._paint_zero_line(painter)
        small = QFont(self.font())
        small.setPointSizeF(self.font().pointSizeF() * 0.9)
        for mark in self._marks:
            if mark.label:
                self._text(painter, mark.rect, Qt.AlignCenter, mark.label, _text_on(mark.color), small)
        bold = QFont(self.font())
        bold.setBold(True)
        for rect, text in self._total_labels:
            self._text(painter, rect, Qt.AlignHCenter | Qt.AlignBottom, text, TEXT, bold)


class BarLineChart(CategoryChart):
    """Bars for one series and a line with markers for another, e.g. collections and patients.

    By default both share the left axis (same unit, so the heights compare); give ``line_units``
    for a second axis on the right.
    """

    def __init__(self, parent=None):
        super().__init__(parent)
        self.bar_series: tuple[str, list[float]] = ("", [])
        self.line_series: tuple[str, list[float]] = ("", [])
        self.bar_color = QColor(BLUE)
        self.line_color = QColor(VERMILION)
        self._bars: list[Mark] = []
        self._points: list[Mark] = []

    def _clear(self) -> None:
        self._bars, self._points = [], []

    def set_data(self, categories: Sequence[str], bars: tuple[str, Sequence[float]],
                 line: tuple[str, Sequence[float]], units: Units = COUNT, line_units: Units | None = None,
                 axis_labels: Sequence[str] | None = None) -> None:
        self._set_categories(categories, axis_labels)
        (bar_name, bar_values), (line_name, line_values) = _series([bars, line])
        if len(bar_values) != len(self.categories) or len(line_values) != len(self.categories):
            raise ValueError("one value per category")
        self.bar_series = (bar_name, bar_values)
        self.line_series = (line_name, line_values)
        self.units = units
        self.right_units = line_units
        self._changed()

    def is_empty(self) -> bool:
        return not self.categories or not any(self.bar_series[1]) and not any(self.line_series[1])

    def bars(self) -> list[Mark]:
        self._ensure_layout()
        return list(self._bars)

    def points(self) -> list[Mark]:
        self._ensure_layout()
        return list(self._points)

    def _lay_out(self, rect: QRectF, fm: QFontMetricsF) -> None:
        bar_name, bar_values = self.bar_series
        line_name, line_values = self.line_series
        legend = [(bar_name, self.bar_color, "box"), (line_name, self.line_color, "line")]
        secondary = self.right_units is not None
        if secondary:
            self._frame(rect, fm, min(bar_values), max(bar_values), legend, (min(line_values), max(line_values)))
        else:
            values = bar_values + line_values
            self._frame(rect, fm, min(values), max(values), legend)
        line_units = self.right_units or self.units
        zero = self.y_of(0)
        for index, category in enumerate(self.categories):
            slot = self.slot(index)
            tooltip = _column_tooltip(category, [f"{bar_name}：{self.units.exact(bar_values[index])}",
                                                 f"{line_name}：{line_units.exact(line_values[index])}"])
            width = min(slot.width() * 0.6, 48.0)
            value = bar_values[index]
            y = self.y_of(value)
            bar = QRectF(slot.center().x() - width / 2, min(y, zero), width, abs(zero - y))
            label = self.units.short(value) if value else ""
            if bar.height() < fm.height() + 2 or not self._value_label_fits(fm, label, width):
                label = ""
            self._bars.append(Mark(bar, value, category, bar_name, self.bar_color, tooltip, label, slot))
            point_value = line_values[index]
            centre = QPointF(slot.center().x(), self.y_of(point_value, right=secondary))
            point_label = line_units.short(point_value) if point_value else ""
            if not self._value_label_fits(fm, point_label, slot.width() - 4):
                point_label = ""
            point = Mark(QRectF(centre.x() - 5, centre.y() - 5, 10, 10), point_value, category, line_name,
                         self.line_color, tooltip, point_label, slot)
            self._points.append(point)
        self._marks.extend(self._bars + self._points)

    def _paint(self, painter: QPainter) -> None:
        self._paint_frame(painter)
        fm = QFontMetricsF(self.font())
        bars = self._bars
        for mark in bars:
            self._paint_bar(painter, mark)
        self._paint_zero_line(painter)
        for mark in bars:   # inside the bar at its foot, clear of the line above
            if mark.label:
                rect = QRectF(mark.rect.left(), mark.rect.bottom() - fm.height() - 2, mark.rect.width(),
                              fm.height())
                self._text(painter, rect, Qt.AlignCenter, mark.label, _text_on(mark.color))
        if self._points:
            path = QPainterPath(self._points[0].rect.center())
            for point in self._points[1:]:
                path.lineTo(point.rect.center())
            painter.setPen(QPen(self.line_color, 2.5, Qt.SolidLine, Qt.RoundCap, Qt.RoundJoin))
            painter.setBrush(Qt.NoBrush)
            painter.drawPath(path)
            for point in self._points:
                self._marker(painter, point.rect.center(), self.line_color)
        for point in self._points:
            if point.label:
                width = fm.horizontalAdvance(point.label) + 6
                rect = QRectF(point.rect.center().x() - width / 2, point.rect.top() - fm.height() - 1, width,
                              fm.height())
                painter.setPen(Qt.NoPen)
                painter.setBrush(QColor(255, 255, 255, 215))
                painter.drawRoundedRect(rect, 3, 3)
                self._text(painter, rect, Qt.AlignCenter, point.label, self.line_color.darker(130))


# --- single figures --------------------------------------------------------------------------------

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


class HorizontalBars(Chart):
    """One labelled bar per row (e.g. patients by status), with the count and its share written."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.items: list[tuple[str, float]] = []
        self.units: Units = count_units("人")
        self.colors: list[QColor] = []
        self.show_share = True
        self._row_labels: list[tuple[QRectF, str]] = []

    def set_data(self, items: Sequence[tuple[str, float]], units: Units | None = None,
                 colors: Sequence[str] | None = None, show_share: bool = True) -> None:
        self.items = [(str(label), value or 0) for label, value in items]
        if units is not None:
            self.units = units
        self.colors = [QColor(c) for c in (colors or [BLUE])]
        self.show_share = show_share
        self._changed()

    def is_empty(self) -> bool:
        return not any(value for _label, value in self.items)

    def bars(self) -> list[Mark]:
        return self.marks()

    def _lay_out(self, rect: QRectF, fm: QFontMetricsF) -> None:
        total = sum(value for _l, value in self.items)
        texts = [self.units.exact(v) + (f"（{v / total * 100:.1f}%）" if self.show_share and total else "")
                 for _l, v in self.items]
        label_width = max(fm.horizontalAdvance(label) for label, _v in self.items) + 12
        value_width = max(fm.horizontalAdvance(t) for t in texts) + 10
        top_value = max(max(v for _l, v in self.items), 1)
        row = rect.height() / len(self.items)
        bar_height = min(row * 0.62, 26.0)
        track = max(rect.width() - label_width - value_width, 20)
        self._row_labels = []
        for index, ((label, value), text) in enumerate(zip(self.items, texts)):
            y = rect.top() + index * row
            self._row_labels.append((QRectF(rect.left(), y, label_width - 12, row), label))
            length = track * max(value, 0) / top_value
            bar = QRectF(rect.left() + label_width, y + (row - bar_height) / 2, length, bar_height)
            share = f"{text}\n共 {self.units.exact(total)}" if self.show_share else text
            self._marks.append(Mark(bar, value, label, label, self.colors[index % len(self.colors)],
                                    f"{label}：{share}", text, QRectF(rect.left(), y, rect.width(), row)))

    def _paint(self, painter: QPainter) -> None:
        fm = QFontMetricsF(self.font())
        if self._hover is not None:
            painter.fillRect(self._hover.hit_rect(), QColor(HOVER))
        for rect, label in self._row_labels:
            self._text(painter, rect, Qt.AlignRight | Qt.AlignVCenter, label, TEXT)
        for mark in self._marks:
            self._paint_bar(painter, mark)
            left = mark.rect.right() + 6
            self._text(painter, QRectF(left, mark.rect.top() - 4, fm.horizontalAdvance(mark.label) + 8,
                                       mark.rect.height() + 8), Qt.AlignLeft | Qt.AlignVCenter, mark.label, TEXT)
        if self._marks:
            x = round(self._marks[0].rect.left()) + 0.5
            painter.setPen(QPen(QColor(AXIS), 1))
            painter.drawLine(QPointF(x, self._marks[0].hit_rect().top() + 2),
                             QPointF(x, self._marks[-1].hit_rect().bottom() - 2))

    def _paint_bar(self, painter: QPainter, mark: Mark) -> None:
        painter.setPen(Qt.NoPen)
        painter.setBrush(mark.color)
        painter.drawRect(mark.rect)
