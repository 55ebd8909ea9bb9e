"""The application-day note is kept with the application: on reading it, in the audit, on paper."""
from __future__ import annotations

from clinic_app.storage import applications, audit, holidays
from tests.enrolment_data import add_patient, full_documents


def _received(db, day: str) -> dict:
    return applications.create(db, add_patient(db), day, full_documents())


def test_an_application_on_the_application_day_has_no_note(fresh_db):
    app = _received(fresh_db, "2026-11-10")
    assert app["application_day_note"] is None
    assert "本月申请日" not in audit.recent(fresh_db, 1)[0]["summary"]


def test_an_application_after_the_application_day_is_accepted_with_the_note_kept(fresh_db):
    app = _received(fresh_db, "2026-11-12")
    assert app["state"] == "submitted"
    note = "本月申请日为 2026-11-10（每月10日，遇节假日顺延至下一个工作日）；本申请于 2026-11-12 受理，晚于申请日"
    assert app["application_day_note"] == note
    assert applications.get(fresh_db, app["id"])["application_day_note"] == note
    assert applications.for_patient(fresh_db, app["patient_id"])[0]["application_day_note"] == note
    assert applications.latest(fresh_db, app["patient_id"])["application_day_note"] == note
    assert audit.recent(fresh_db, 1)[0]["summary"].endswith("；" + note)


def test_an_application_before_the_application_day_is_accepted_with_the_note(fresh_db):
    app = _received(fresh_db, "2026-11-03")
    assert app["application_day_note"].endswith("本申请于 2026-11-03 受理，早于申请日")


def test_a_tenth_on_a_weekend_moves_the_application_day_to_the_next_working_day(fresh_db):
    # Saturday 10 October 2026 is an adjusted working day; Sunday 10 May 2026 is not
    assert _received(fresh_db, "2026-10-10")["application_day_note"] is None
    assert _received(fresh_db, "2026-05-11")["application_day_note"] is None
    assert "本月申请日为 2026-05-11" in _received(fresh_db, "2026-05-10")["application_day_note"]


def test_a_holiday_added_to_the_calendar_moves_the_application_day(fresh_db):
    holidays.set_day(fresh_db, "2026-11-10", "holiday", "本地假日")
    assert _received(fresh_db, "2026-11-11")["application_day_note"] is None
    assert "本月申请日为 2026-11-11" in _received(fresh_db, "2026-11-10")["application_day_note"]
