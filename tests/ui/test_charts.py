"""The chart widgets on real widgets: what they drew (bars, segments, points, texts) matches the
figures given, without looking at pixels."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF
from PySide6.QtGui import QColor, QHelpEvent
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication, QToolTip

from clinic_app.ui import charts
from clinic_app.ui.charts import (EMPTY_TEXT, BarChart, BarLineChart, HorizontalBars, ProgressGauge,
                                  StackedBarChart, count_units, money_units, nice_ticks)

MONTHS = ["2026年1月", "2026年2月", "2026年3月", "2026年4月"]
AXIS = ["1月\n2026", "2月\n2026", "3月\n2026", "4月\n2026"]


def _shown(qtbot, chart, size=(560, 300)):
    qtbot.addWidget(chart)
    chart.resize(*size)
    chart.show()
    chart.grab()   # paints, so drawn_texts() is filled
    return chart


# --- ticks and units -------------------------------------------------------------------------------

@pytest.mark.parametrize("lo, hi", [(0, 507), (0, 8_423_080), (-1200, 300), (0, 3), (0, 0), (0, 0.7)])
def test_nice_ticks_cover_the_range_and_zero(lo, hi):
    ticks = nice_ticks(lo, hi, 5)
    assert ticks[0] <= min(lo, 0) and ticks[-1] >= hi
    assert 0 in ticks
    steps = {round(b - a, 6) for a, b in zip(ticks, ticks[1:])}
    assert len(steps) == 1
    step = steps.pop()
    assert f"{step:.6e}"[0] in "125"   # 1, 2, 2.5 or 5 × 10ⁿ


def test_integer_ticks_never_fall_between_whole_values():
    assert nice_ticks(0, 3, 5, integer=True) == [0, 1, 2, 3]
    assert all(float(t).is_integer() for t in nice_ticks(0, 12, 5, integer=True))


def test_money_axis_switches_to_wan_yuan_for_big_amounts():
    small = money_units([98_000])
    big = money_units([8_423_080])
    assert (small.title, small.divisor) == ("元", 100)
    assert (big.title, big.divisor) == ("万元", 1_000_000)
    assert big.exact(8_423_080) == "84230.80 元" and big.short(8_423_080) == "8.4万"
    assert charts.tick_text(2_500_000, [0, 2_500_000, 5_000_000], big) == "2.5"


# --- bar charts ------------------------------------------------------------------------------------

def test_bar_heights_follow_the_values(qtbot):
    values = [120, 0, 360, 240]
    chart = _shown(qtbot, BarChart())
    chart.set_data(MONTHS, [("领药人次", values)], axis_labels=AXIS)
    bars = chart.bars()
    assert [b.value for b in bars] == values
    assert [b.category for b in bars] == MONTHS
    zero = chart.y_of(0)
    for bar, value in zip(bars, values):
        assert bar.rect.bottom() == pytest.approx(zero, abs=0.5)
        assert bar.rect.height() == pytest.approx(zero - chart.y_of(value), abs=0.5)
    assert bars[2].rect.height() == pytest.approx(3 * bars[0].rect.height(), abs=1)
    assert [b.rect.center().x() for b in bars] == sorted(b.rect.center().x() for b in bars)
    assert chart.ticks[-1] >= 360 and chart.units.title == "人次"


def test_grouped_bars_sit_side_by_side_in_series_order(qtbot):
    chart = _shown(qtbot, BarChart())
    chart.set_data(MONTHS, {"甲": [1, 2, 3, 4], "乙": [4, 3, 2, 1]})
    bars = chart.bars()
    assert len(bars) == 8
    assert chart.legend() == ["甲", "乙"]
    for index in range(4):
        first, second = [b for b in bars if b.category == MONTHS[index]]
        assert (first.series, second.series) == ("甲", "乙")
        assert first.rect.right() <= second.rect.left() + 1
        assert chart.slot(index).contains(first.rect.center()) and chart.slot(index).contains(second.rect.center())
        assert first.color != second.color


def test_value_labels_and_exact_tooltips(qtbot):
    chart = _shown(qtbot, BarChart())
    chart.set_data(MONTHS, [("领药人次", [12, 30, 7, 21])], units=count_units("人次"), axis_labels=AXIS)
    chart.grab()
    bar = chart.bars()[1]
    assert bar.label == "30"
    assert "30" in chart.drawn_texts()
    assert chart.tooltip_at(bar.rect.center()) == "2026年2月\n领药人次：30人次"
    # hovering above a short bar still finds it
    assert chart.tooltip_at(QPointF(chart.bars()[2].rect.center().x(), chart.plot.top() + 2)).startswith("2026年3月")


def test_the_tooltip_event_shows_the_exact_value(qtbot):
    chart = _shown(qtbot, BarChart())
    chart.set_data(MONTHS, [("金额", [123_45, 0, 500_00, 1])], units=money_units([500_00]))
    point = chart.bars()[0].rect.center().toPoint()
    QApplication.sendEvent(chart, QHelpEvent(QEvent.ToolTip, point, chart.mapToGlobal(point)))
    assert QToolTip.text() == "2026年1月\n金额：123.45 元"
    QToolTip.hideText()


def test_year_is_written_only_where_it_changes(qtbot):
    chart = _shown(qtbot, BarChart())
    chart.set_data(["a", "b", "c"], [("n", [1, 2, 3])], axis_labels=["12月\n2025", "1月\n2026", "2月\n2026"])
    assert chart.x_labels() == ["12月\n2025", "1月\n2026", "2月"]


def test_crowded_labels_are_thinned_but_the_latest_stays(qtbot):
    keys = [f"{m}月\n2026" for m in range(1, 13)] + [f"{m}月\n2027" for m in range(1, 13)]
    chart = _shown(qtbot, BarChart(), (300, 220))
    chart.set_data([str(i) for i in range(24)], [("n", list(range(1, 25)))], axis_labels=keys)
    shown = chart.x_labels()
    assert 1 < len(shown) < 24
    assert shown[-1].startswith("12月")
    assert len(chart.bars()) == 24   # every bar is still drawn


def test_stacked_segments_sum_to_each_total(qtbot):
    funds = [("医保特病", [268560, 267510, 0, 1_332_600]), ("民政救助", [48840, 78009, 0, 242507]),
             ("残联", [16890, 44913, 0, 138785]), ("项目资金", [326110, 703698, 0, 1_999_048])]
    chart = _shown(qtbot, StackedBarChart())
    chart.set_data(MONTHS, funds, axis_labels=AXIS, total_name="总金额")
    assert chart.totals() == [660400, 1094130, 0, 3712940]
    assert chart.legend() == ["医保特病", "民政救助", "残联", "项目资金"]
    assert chart.units.title == "万元"
    segments = chart.segments()
    for month, total in zip(MONTHS, chart.totals()):
        parts = [s for s in segments if s.category == month]
        assert sum(s.value for s in parts) == total
        assert [s.series for s in parts] == [name for name, values in funds if values[MONTHS.index(month)]]
        for lower, upper in zip(parts, parts[1:]):       # stacked without gaps, bottom to top
            assert upper.rect.bottom() == pytest.approx(lower.rect.top(), abs=0.01)
        if parts:
            height = parts[0].rect.bottom() - parts[-1].rect.top()
            assert height == pytest.approx(chart.y_of(0) - chart.y_of(total), abs=0.5)
    assert "总金额：37129.40 元" in segments[-1].tooltip
    assert "项目资金：19990.48 元（占 53.8%）" in segments[-1].tooltip
    assert chart.total_labels() == ["0.7万", "1.1万", "3.7万"]


def test_negative_parts_stack_below_zero(qtbot):
    chart = _shown(qtbot, StackedBarChart())
    chart.set_data(["一月"], [("A", [500]), ("B", [-200]), ("C", [-100])], units=count_units("元"))
    a, b, c = chart.segments()
    zero = chart.y_of(0)
    assert a.rect.bottom() == pytest.approx(zero, abs=0.01)
    assert b.rect.top() == pytest.approx(zero, abs=0.01) and c.rect.top() == pytest.approx(b.rect.bottom(), abs=0.01)
    assert chart.ticks[0] <= -300
    assert chart.totals() == [200]


def test_bar_and_line_share_the_axis(qtbot):
    chart = _shown(qtbot, BarLineChart())
    chart.set_data(MONTHS, ("领药人次", [29, 92, 121, 190]), ("服务患者", [29, 89, 120, 186]), axis_labels=AXIS)
    assert [b.value for b in chart.bars()] == [29, 92, 121, 190]
    assert [p.value for p in chart.points()] == [29, 89, 120, 186]
    assert chart.legend() == ["领药人次", "服务患者"]
    for bar, point in zip(chart.bars(), chart.points()):
        assert point.rect.center().y() == pytest.approx(chart.y_of(point.value), abs=0.01)
        assert point.rect.center().x() == pytest.approx(bar.rect.center().x(), abs=0.01)
        assert bar.rect.top() == pytest.approx(chart.y_of(bar.value), abs=0.01)
    assert chart.tooltip_at(chart.points()[3].rect.center()) == "2026年4月\n领药人次：190人次\n服务患者：186人次"
    chart.grab()
    assert "186" in chart.drawn_texts()


def test_bar_and_line_with_a_second_axis(qtbot):
    chart = _shown(qtbot, BarLineChart())
    chart.set_data(MONTHS, ("金额", [100_00, 200_00, 300_00, 0]), ("人数", [3, 5, 8, 1]),
                   units=money_units([300_00]), line_units=count_units("人"))
    points = chart.points()
    assert chart.right_ticks and chart.right_ticks[-1] >= 8 and chart.right_units.title == "人"
    for point in points:
        assert point.rect.center().y() == pytest.approx(chart.y_of(point.value, right=True), abs=0.01)


# --- the gauge and the horizontal bars -------------------------------------------------------------

def test_gauge_within_the_allocation(qtbot):
    gauge = _shown(qtbot, ProgressGauge())
    gauge.set_data(7_579_800, 10_272_000, caption="2026Q4", elapsed=0.58)
    gauge.grab()
    assert not gauge.is_over()
    assert gauge.fill_color() == QColor(charts.BLUE)
    assert gauge.percent() == pytest.approx(73.79, abs=0.01)
    assert gauge.fill_fraction() == pytest.approx(0.7379, abs=0.0001)
    texts = gauge.drawn_texts()
    assert "73.8%" in texts
    assert "已用：75798.00 元" in texts and "预拨：102720.00 元" in texts
    assert "剩余 26922.00 元" in texts and "时间进度 58%" in texts


def test_gauge_over_the_allocation_is_red_and_says_so(qtbot):
    gauge = _shown(qtbot, ProgressGauge())
    gauge.set_data(12_000_00, 10_000_00, spent_name="已用项目资金", allocated_name="预拨金额")
    gauge.grab()
    assert gauge.is_over()
    assert gauge.fill_color() == QColor(charts.OVER)
    assert gauge.fill_fraction() == 1.0
    texts = gauge.drawn_texts()
    assert "120.0%" in texts and "超出预拨" in texts
    assert "超出预拨 2000.00 元" in texts
    image = gauge.grab().toImage()
    reds = sum(1 for x in range(0, image.width(), 3) for y in range(0, image.height(), 3)
               if image.pixelColor(x, y) == QColor(charts.OVER))
    assert reds > 50   # the arc really is painted red


def test_gauge_without_an_allocation(qtbot):
    gauge = _shown(qtbot, ProgressGauge())
    gauge.set_data(500_00, 0)
    gauge.grab()
    assert gauge.percent() is None
    assert "未预拨" in gauge.drawn_texts() and "预拨：尚未录入" in gauge.drawn_texts()


def test_horizontal_bars_with_counts_and_shares(qtbot):
    chart = _shown(qtbot, HorizontalBars())
    chart.set_data([("在册服药", 818), ("住院暂停", 38), ("未纳入", 1088)], units=count_units("人"))
    bars = chart.bars()
    assert [b.value for b in bars] == [818, 38, 1088]
    assert bars[2].rect.width() == pytest.approx(bars[0].rect.width() * 1088 / 818, abs=0.5)
    assert len({b.rect.left() for b in bars}) == 1
    assert [b.label for b in bars] == ["818人（42.1%）", "38人（2.0%）", "1088人（56.0%）"]
    chart.grab()
    assert "住院暂停" in chart.drawn_texts() and "38人（2.0%）" in chart.drawn_texts()
    assert chart.tooltip_at(bars[1].rect.center()) == "住院暂停：38人（2.0%）\n共 1944人"


# --- empty data ------------------------------------------------------------------------------------

@pytest.mark.parametrize("make, fill", [
    (BarChart, lambda c: c.set_data([], [("n", [])])),
    (BarChart, lambda c: c.set_data(MONTHS, [("n", [0, 0, 0, 0])])),
    (StackedBarChart, lambda c: c.set_data(MONTHS, [("a", [0] * 4), ("b", [0] * 4)])),
    (BarLineChart, lambda c: c.set_data(MONTHS, ("a", [0] * 4), ("b", [0] * 4))),
    (ProgressGauge, lambda c: c.set_data(None, None)),
    (ProgressGauge, lambda c: c.set_data(0, 0)),
    (HorizontalBars, lambda c: c.set_data([("在册服药", 0), ("未纳入", 0)])),
    (HorizontalBars, lambda c: None),
])
def test_empty_data_shows_no_data(qtbot, make, fill):
    chart = make()
    fill(chart)
    _shown(qtbot, chart)
    assert chart.is_empty()
    assert chart.drawn_texts() == [EMPTY_TEXT]
    assert chart.marks() == []
    assert chart.tooltip_at(QPointF(100, 100)) == ""


def test_new_data_replaces_the_old(qtbot):
    chart = _shown(qtbot, BarChart())
    chart.set_data(MONTHS, [("n", [1, 2, 3, 4])])
    assert len(chart.bars()) == 4
    chart.set_data(MONTHS[:2], [("n", [0, 0])])
    chart.grab()
    assert chart.bars() == [] and chart.drawn_texts() == [EMPTY_TEXT]
    chart.set_data(MONTHS[:2], [("n", [5, 6])])
    assert [b.value for b in chart.bars()] == [5, 6]


def test_layout_follows_the_size(qtbot):
    chart = _shown(qtbot, BarChart(), (400, 240))
    chart.set_data(MONTHS, [("n", [1, 2, 3, 4])])
    narrow = chart.bars()[3].rect.center().x()
    chart.resize(800, 240)
    assert chart.bars()[3].rect.center().x() > narrow + 200


def test_mismatched_values_are_refused(qtbot):
    with pytest.raises(ValueError):
        BarChart().set_data(MONTHS, [("n", [1, 2])])
    with pytest.raises(ValueError):
        BarChart().set_data(MONTHS, [("n", [1, 2, 3, 4])], axis_labels=["x"])


def test_hover_highlights_the_column(qtbot):
    chart = _shown(qtbot, BarChart())
    chart.set_data(MONTHS, [("n", [1, 2, 3, 4])])
    bar = chart.bars()[1]
    qtbot.mouseMove(chart, bar.rect.center().toPoint())
    qtbot.waitUntil(lambda: chart._hover is bar, timeout=1000)
    qtbot.mouseMove(chart, QPoint(2, 2))
    qtbot.waitUntil(lambda: chart._hover is None, timeout=1000)
