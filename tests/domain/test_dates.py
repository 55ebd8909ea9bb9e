"""Dates as staff write them."""
import datetime as dt

import pytest
from hypothesis import given, strategies as st

from clinic_app.domain.dates import parse_date
from clinic_app.domain.errors import ValidationError

TODAY = dt.date(2026, 6, 1)


def refusal(raw, **kwargs) -> str:
    with pytest.raises(ValidationError) as info:
        parse_date(raw, **kwargs)
    return info.value.message


@pytest.mark.parametrize("raw", [
    "2020-01-05", "2020-1-5", "2020/01/05", "2020/1/5", "2020.1.5", "2020.01.05", "20200105",
    "2020年1月5日", "2020年01月05日", "2020年1月5", " 2020-01-05 ", "２０２０－０１－０５",
    "2020 年 1 月 5 日",
])
def test_the_ways_staff_write_a_date_are_understood(raw):
    assert parse_date(raw) == dt.date(2020, 1, 5)


@pytest.mark.parametrize("value", [dt.date(2020, 1, 5), dt.datetime(2020, 1, 5, 14, 30)])
def test_date_and_datetime_objects_pass_through_as_dates(value):
    result = parse_date(value)
    assert result == dt.date(2020, 1, 5) and type(result) is dt.date


@given(st.dates(min_value=dt.date(1000, 1, 1)))
def test_iso_text_round_trips(day):
    assert parse_date(day.isoformat()) == day


@given(st.dates(min_value=dt.date(1000, 1, 1)), st.sampled_from(["{y}-{m}-{d}", "{y}/{m}/{d}",
                                                                 "{y}.{m}.{d}", "{y}年{m}月{d}日"]))
def test_every_separator_style_round_trips(day, pattern):
    assert parse_date(pattern.format(y=day.year, m=day.month, d=day.day)) == day


@pytest.mark.parametrize("raw", ["2021-02-29", "2020-02-30", "2020-13-01", "2020-00-10",
                                 "2020-04-31", "20200230"])
def test_dates_that_do_not_exist_are_refused(raw):
    assert "不存在" in refusal(raw)


@pytest.mark.parametrize("raw", ["2020", "2020-01", "01/05/2020", "5.1.2020", "昨天", "2020-1-5-6",
                                 "202001051", "abc"])
def test_unrecognised_text_is_refused_with_an_example(raw):
    assert "无法识别" in refusal(raw) and "2020-01-05" in refusal(raw)


@pytest.mark.parametrize("raw", ["", None, "   "])
def test_blank_asks_for_a_date(raw):
    assert refusal(raw) == "请填写日期"


def test_not_after_refuses_a_later_date():
    assert "晚于今天" in refusal("2026-06-02", not_after=TODAY)


@pytest.mark.parametrize("raw", ["2026-06-01", dt.date(2026, 6, 1), "1945-01-01"])
def test_not_after_allows_that_day_and_earlier(raw):
    assert parse_date(raw, not_after=TODAY) <= TODAY


def test_not_after_also_applies_to_date_objects():
    assert "晚于今天" in refusal(dt.date(2030, 1, 1), not_after=TODAY)
