"""An application received on another day than the month's application day is accepted with a
visible note (五、(一)1), never silently."""
import datetime as dt

from clinic_app.domain.applications import application_day_note
from clinic_app.domain.workcalendar import WorkCalendar

D = dt.date


def test_received_on_the_application_day_has_no_note():
    assert application_day_note(D(2026, 11, 10), D(2026, 11, 10)) is None


def test_received_before_the_application_day_says_the_day_and_early():
    assert application_day_note(D(2026, 11, 3), D(2026, 11, 10)) == (
        "本月申请日为 2026-11-10（每月10日，遇节假日顺延至下一个工作日）；本申请于 2026-11-03 受理，早于申请日")


def test_received_after_the_application_day_says_the_day_and_late():
    note = application_day_note(D(2026, 11, 12), D(2026, 11, 10))
    assert note.startswith("本月申请日为 2026-11-10") and note.endswith("本申请于 2026-11-12 受理，晚于申请日")


def test_the_tenth_on_a_weekend_or_holiday_moves_the_application_day_and_the_note_with_it():
    cal = WorkCalendar()
    # 10 January 2026 is a Saturday: Monday the 12th
    assert application_day_note(D(2026, 1, 12), cal.application_day(2026, 1)) is None
    assert "本月申请日为 2026-01-12" in application_day_note(D(2026, 1, 10), cal.application_day(2026, 1))
    # 10 February 2024 fell in the Spring Festival: Sunday the 18th was a working day (调休上班)
    assert cal.application_day(2024, 2) == D(2024, 2, 18)
    assert "早于申请日" in application_day_note(D(2024, 2, 10), cal.application_day(2024, 2))
    # Saturday 10 October 2026 is itself an adjusted working day: the 10th stays
    assert application_day_note(D(2026, 10, 10), cal.application_day(2026, 10)) is None
