"""Working days and the 五、(一) deadlines, checked against real 2024–2026 State Council schedules."""
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clinic_app.domain import workcalendar as wc
from clinic_app.domain.workcalendar import WorkCalendar

D = dt.date.fromisoformat
OFFICIAL = WorkCalendar()
FALLBACK_2027 = "2027年的法定节假日尚未收录，按周末和管理员维护的节假日表计算"


# --- single days ---------------------------------------------------------------------------------

@pytest.mark.parametrize("day, working", [
    ("2024-02-12", False),  # 春节 Monday
    ("2024-02-18", True),   # 春节 adjusted working Sunday
    ("2024-02-04", True),   # 春节 adjusted working Sunday
    ("2024-10-12", True),   # 国庆 adjusted working Saturday
    ("2025-10-01", False),  # 国庆
    ("2025-10-08", False),  # 国庆 (2025 had eight days with 中秋)
    ("2025-10-11", True),   # adjusted working Saturday
    ("2026-10-10", True),   # adjusted working Saturday
    ("2026-06-19", False),  # 端午, a Friday
    ("2024-03-09", False),  # an ordinary Saturday
    ("2024-03-11", True),   # an ordinary Monday
])
def test_official_days(day, working):
    assert OFFICIAL.is_working_day(D(day)) is working


def test_an_adjusted_working_weekend_is_explained():
    assert OFFICIAL.explain(D("2024-02-18")) == "2024-02-18 星期日：工作日（春节调休上班）"
    assert OFFICIAL.explain(D("2025-10-01")) == "2025-10-01 星期三：休息日（国庆节假期）"


def test_coverage_is_2004_to_2026():
    assert OFFICIAL.covered(D("2004-01-01")) and OFFICIAL.covered(D("2026-12-31"))
    assert not OFFICIAL.covered(D("2027-01-01"))
    assert not OFFICIAL.covered(D("2003-12-31"))


# --- application day -----------------------------------------------------------------------------

@pytest.mark.parametrize("year, month, expected", [
    (2024, 2, "2024-02-18"),   # 10th is 春节 Saturday; the 18th was an adjusted working Sunday
    (2024, 6, "2024-06-11"),   # 10th is 端午 Monday
    (2024, 8, "2024-08-12"),   # 10th is a Saturday
    (2025, 10, "2025-10-10"),  # the Friday right after the 2025 国庆/中秋 break is a working day
    (2025, 5, "2025-05-12"),   # Saturday
    (2026, 1, "2026-01-12"),   # Saturday
    (2026, 2, "2026-02-10"),   # an ordinary Tuesday before 春节
    (2026, 10, "2026-10-10"),  # a Saturday, but an adjusted working day: applications are taken
])
def test_application_day(year, month, expected):
    assert OFFICIAL.application_day(year, month) == D(expected)


def test_application_day_in_2027_falls_back_to_weekends():
    assert OFFICIAL.application_day(2027, 1) == D("2027-01-11")  # the 10th is a Sunday
    assert OFFICIAL.coverage_note([OFFICIAL.application_day(2027, 1)]) == FALLBACK_2027


# --- initial review and office deadline ----------------------------------------------------------

def test_five_working_days_across_national_day():
    # 30 Sep 2025 → 1–8 Oct off → 9, 10, 11 (Sat, worked), 13, 14
    assert OFFICIAL.initial_review_due(D("2025-09-30")) == D("2025-10-14")


def test_five_working_days_across_spring_festival():
    # 8 Feb 2024 → 9 (Fri, worked), 10–17 off, 18 (Sun, worked), 19, 20, 21
    assert OFFICIAL.initial_review_due(D("2024-02-08")) == D("2024-02-21")


def test_received_on_a_weekend_counts_from_the_next_working_day():
    assert OFFICIAL.initial_review_due(D("2024-03-09")) == D("2024-03-15")


@pytest.mark.parametrize("year, month, expected", [
    (2025, 9, "2025-09-19"),   # the 20th is a Saturday: the Friday before
    (2024, 10, "2024-10-18"),  # Sunday
    (2026, 6, "2026-06-18"),   # 端午 Friday 19th to Sunday 21st
    (2026, 4, "2026-04-20"),   # an ordinary Monday
])
def test_office_day_is_the_last_working_day_by_the_20th(year, month, expected):
    assert OFFICIAL.office_day(year, month) == D(expected)


def test_office_deadline_same_month_when_review_ends_in_time():
    assert OFFICIAL.office_deadline(D("2025-10-10")) == D("2025-10-20")
    assert OFFICIAL.office_deadline(D("2025-09-30")) == D("2025-10-20")  # received last month


def test_office_deadline_moves_to_next_month_when_review_runs_past_the_20th():
    # Feb 2024's application day was the 18th; its review may run to the 23rd.
    assert OFFICIAL.initial_review_due(D("2024-02-18")) == D("2024-02-23")
    assert OFFICIAL.office_deadline(D("2024-02-18")) == D("2024-03-20")
    assert OFFICIAL.office_deadline(D("2025-12-22")) == OFFICIAL.office_day(2026, 1)


def test_schedule_bundles_the_dates():
    schedule = OFFICIAL.schedule(D("2025-10-10"))
    assert (schedule.initial_review_due, schedule.office_deadline) == (D("2025-10-16"), D("2025-10-20"))
    assert schedule.note is None and not schedule.uses_fallback


# --- 2027: never crash, always say so ------------------------------------------------------------

def test_2027_dates_never_raise_and_carry_the_note():
    cal = WorkCalendar()
    day = D("2027-02-06")
    assert cal.is_working_day(day) is False  # a Saturday by the weekend rule
    assert cal.is_working_day(D("2027-02-08")) is True
    assert cal.add_working_days(day, 5) == D("2027-02-12")
    assert cal.working_days_between(day, D("2027-02-12")) == 5
    schedule = cal.schedule(D("2027-03-10"))
    assert schedule.uses_fallback
    assert schedule.note == FALLBACK_2027
    assert "按周末计算" in cal.explain(day)


def test_a_span_into_2027_needs_the_note_too():
    schedule = OFFICIAL.schedule(D("2026-12-28"))
    assert schedule.initial_review_due == D("2027-01-04")  # 1 Jan 2027 counted as a Friday
    assert schedule.note == FALLBACK_2027
    assert OFFICIAL.coverage_note([D("2026-12-01"), D("2026-12-31")]) is None
    assert OFFICIAL.coverage_note([]) is None


def test_note_names_every_missing_year():
    assert OFFICIAL.coverage_note([D("2027-12-30"), D("2028-01-05")]).startswith("2027年、2028年的")


# --- the administrator's table wins --------------------------------------------------------------

def test_override_beats_fallback_in_2027():
    cal = WorkCalendar({D("2027-01-01"): wc.HOLIDAY})
    assert cal.initial_review_due(D("2026-12-28")) == D("2027-01-05")
    assert cal.source(D("2027-01-01")) == "override"


def test_override_beats_chinese_calendar():
    cal = WorkCalendar({D("2024-02-18"): wc.HOLIDAY, D("2024-03-09"): wc.WORKDAY})
    assert not cal.is_working_day(D("2024-02-18"))
    assert cal.is_working_day(D("2024-03-09"))
    assert cal.application_day(2024, 2) == D("2024-02-19")
    assert "管理员节假日表" in cal.explain(D("2024-03-09"))


def test_an_adjusted_working_weekend_override_counts_in_2027():
    cal = WorkCalendar({D("2027-02-20"): wc.WORKDAY})  # a Saturday
    assert cal.add_working_days(D("2027-02-19"), 1) == D("2027-02-20")


def test_overrides_are_copied_and_checked():
    source = {D("2027-01-01"): wc.HOLIDAY}
    cal = WorkCalendar(source)
    source[D("2027-01-04")] = wc.HOLIDAY
    assert cal.is_working_day(D("2027-01-04"))
    with pytest.raises(ValueError):
        WorkCalendar({D("2027-01-01"): "vacation"})


# --- stepping details ----------------------------------------------------------------------------

def test_add_zero_and_negative():
    assert OFFICIAL.add_working_days(D("2024-02-12"), 0) == D("2024-02-12")
    assert OFFICIAL.add_working_days(D("2024-02-19"), -1) == D("2024-02-18")
    assert OFFICIAL.add_working_days(D("2024-02-18"), -1) == D("2024-02-09")  # 除夕 was worked


def test_working_days_between_is_signed():
    assert OFFICIAL.working_days_between(D("2025-09-30"), D("2025-10-14")) == 5
    assert OFFICIAL.working_days_between(D("2025-10-14"), D("2025-09-30")) == -5
    assert OFFICIAL.working_days_between(D("2025-10-01"), D("2025-10-01")) == 0


# --- deadline state ------------------------------------------------------------------------------

@pytest.mark.parametrize("today, state", [
    ("2025-10-08", wc.OK),        # due the 14th; 9, 10 are within two working days, 14 is not
    ("2025-10-11", wc.DUE_SOON),  # Saturday worked: 13, 14
    ("2025-10-14", wc.DUE_SOON),  # the due day itself
    ("2025-10-15", wc.OVERDUE),
])
def test_deadline_state_counts_working_days(today, state):
    assert OFFICIAL.deadline_state(D("2025-10-14"), D(today), 2) == state


def test_deadline_labels_and_shortcut():
    assert [wc.deadline_label(s) for s in (wc.OK, wc.DUE_SOON, wc.OVERDUE)] == ["正常", "即将到期", "已逾期"]
    assert wc.deadline_state(D("2027-01-04"), D("2027-01-01")) == wc.DUE_SOON  # no crash in 2027
    assert wc.deadline_state(D("2025-10-14"), D("2025-10-14"), warn_days=0) == wc.DUE_SOON


# --- properties ----------------------------------------------------------------------------------

DATES = st.dates(min_value=dt.date(2004, 1, 1), max_value=dt.date(2030, 12, 31))
OVERRIDES = st.dictionaries(DATES, st.sampled_from(wc.KINDS), max_size=20)


@given(day=DATES, n=st.integers(min_value=1, max_value=40), overrides=OVERRIDES)
def test_add_working_days_properties(day, n, overrides):
    cal = WorkCalendar(overrides)
    result = cal.add_working_days(day, n)
    assert result > day
    assert cal.is_working_day(result)
    assert cal.working_days_between(day, result) == n
    assert cal.working_days_between(day, result - dt.timedelta(days=1)) == n - 1
    assert cal.add_working_days(result, -n) == cal.previous_working_day_on_or_before(day)


@given(year=st.integers(min_value=2004, max_value=2030), month=st.integers(min_value=1, max_value=12),
       overrides=OVERRIDES)
def test_application_day_properties(year, month, overrides):
    cal = WorkCalendar(overrides)
    day = cal.application_day(year, month)
    assert day >= dt.date(year, month, 10)
    assert cal.is_working_day(day)
    assert all(not cal.is_working_day(dt.date(year, month, d)) for d in range(10, day.day))


@given(received=DATES, overrides=OVERRIDES)
def test_office_deadline_properties(received, overrides):
    cal = WorkCalendar(overrides)
    deadline = cal.office_deadline(received)
    assert cal.is_working_day(deadline)
    assert deadline >= cal.initial_review_due(received)
    assert deadline.day <= 20


@given(due=DATES, offset=st.integers(min_value=-60, max_value=60),
       warn=st.integers(min_value=0, max_value=10))
def test_deadline_state_properties(due, offset, warn):
    today = due + dt.timedelta(days=offset)
    state = OFFICIAL.deadline_state(due, today, warn)
    assert (state == wc.OVERDUE) == (today > due)
    if today <= due:
        assert (state == wc.DUE_SOON) == (OFFICIAL.working_days_between(today, due) <= warn)
