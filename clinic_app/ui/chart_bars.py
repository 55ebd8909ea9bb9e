"""The bar charts: bars (grouped or one per category), stacked bars and bars with a line over
categories, and one labelled bar per row."""
from __future__ import annotations

from typing import Sequence

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen

from .chart_axes import CategoryChart
from .chart_base import (AXIS, BLUE, COUNT, HOVER, PALETTE, TEXT, VERMILION, Chart, Mark, Units, _text_on,
                         count_units, money_units)


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


# --- one bar per row -------------------------------------------------------------------------------

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
