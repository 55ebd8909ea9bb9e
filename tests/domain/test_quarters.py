"""Quarters as staff write them (2026Q3, 2026q3, 2026-Q3, 2026年第三季度), their days, and
stepping from one to the next."""
import datetime as dt

import pytest
from hypothesis import given, strategies as st

from clinic_app.domain import quarters as q
from clinic_app.domain.errors import ValidationError


@pytest.mark.parametrize("raw", ["2026Q3", "2026q3", "2026-Q3", "2026-q3", " 2026 Q3 ", "2026_Q3",
                                 "２０２６Ｑ３", "2026年第三季度", "2026年第3季度", "2026年三季度"])
def test_every_usual_spelling_reads_as_the_same_quarter(raw):
    assert q.parse(raw) == q.Quarter(2026, 3)


@pytest.mark.parametrize("raw", ["", None, "2026", "Q3", "2026Q5", "2026Q0", "26Q3", "2026Q3x", "第三季度",
                                 "2026-07", "abc"])
def test_anything_else_is_refused_in_chinese_saying_how_to_write_it(raw):
    with pytest.raises(ValidationError) as info:
        q.parse(raw)
    assert "2026Q3" in info.value.message


def test_a_year_out_of_range_is_refused():
    with pytest.raises(ValidationError, match="年份"):
        q.parse("1899Q1")


def test_code_label_and_text():
    quarter = q.parse("2026q3")
    assert quarter.code == str(quarter) == "2026Q3"
    assert quarter.label == q.label("2026Q3") == "2026年第三季度"
    assert [q.Quarter(2027, n).label for n in range(1, 5)] == [
        "2027年第一季度", "2027年第二季度", "2027年第三季度", "2027年第四季度"]


@pytest.mark.parametrize("code, first, last", [
    ("2026Q1", "2026-01-01", "2026-03-31"), ("2026Q2", "2026-04-01", "2026-06-30"),
    ("2026Q3", "2026-07-01", "2026-09-30"), ("2026Q4", "2026-10-01", "2026-12-31"),
    ("2028Q1", "2028-01-01", "2028-03-31"),
])
def test_bounds_are_the_first_and_last_day(code, first, last):
    assert q.bounds(code) == (dt.date.fromisoformat(first), dt.date.fromisoformat(last))


@pytest.mark.parametrize("day, code", [
    ("2026-01-01", "2026Q1"), ("2026-03-31", "2026Q1"), ("2026-04-01", "2026Q2"), ("2026-06-30", "2026Q2"),
    ("2026-07-01", "2026Q3"), ("2026-09-30", "2026Q3"), ("2026-10-01", "2026Q4"), ("2026-12-31", "2026Q4"),
])
def test_quarter_of_a_date_at_the_edges(day, code):
    assert q.quarter_of(day).code == code
    assert q.quarter_of(dt.date.fromisoformat(day)).code == code
    assert q.quarter_of(dt.datetime.fromisoformat(day + "T23:59:00")).code == code


def test_quarter_of_a_bad_date_is_refused():
    with pytest.raises(ValidationError):
        q.quarter_of("2026-02-30")


def test_previous_and_next_cross_the_year():
    assert q.previous("2026Q1") == q.Quarter(2025, 4)
    assert q.next_quarter("2026Q4") == q.Quarter(2027, 1)
    assert q.parse("2026Q2").next() == q.Quarter(2026, 3)
    assert q.parse("2026Q2").previous() == q.Quarter(2026, 1)
    assert q.Quarter(2026, 4) > q.Quarter(2026, 3) > q.Quarter(2025, 4)


def test_date_or_quarter():
    assert q.is_date_text("2026-07-15") and q.is_date_text(dt.date(2026, 7, 15))
    assert not q.is_date_text("2026Q3")


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_every_day_lies_in_its_quarter_and_quarters_tile_the_year(day):
    quarter = q.quarter_of(day)
    first, last = q.bounds(quarter)
    assert first <= day <= last and quarter.contains(day)
    if quarter.code != "2099Q4":
        assert quarter.next().first_day == last + dt.timedelta(days=1)
        assert quarter.next().previous() == quarter
    assert q.parse(quarter.code) == quarter == q.parse(quarter.label)
