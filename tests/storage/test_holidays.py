"""The administrator's holiday table: stored, audited, and used by the calendar."""
import datetime as dt

import pytest

from clinic_app.domain import workcalendar as wc
from clinic_app.storage import audit, holidays
from clinic_app.storage.errors import NotFoundError, StorageError

USER = {"id": 1, "username": "admin"}
D = dt.date.fromisoformat


def test_round_trip(fresh_db):
    holidays.set_day(fresh_db, D("2027-02-06"), wc.HOLIDAY, " 春节 ", user=USER)
    holidays.set_day(fresh_db, "2027-02-20", wc.WORKDAY, "春节调休上班", user=USER)
    holidays.set_day(fresh_db, D("2026-10-09"), wc.HOLIDAY, "本地调整", user=USER)
    assert holidays.overrides(fresh_db) == {D("2027-02-06"): wc.HOLIDAY, D("2027-02-20"): wc.WORKDAY,
                                           D("2026-10-09"): wc.HOLIDAY}
    assert holidays.list_days(fresh_db, 2027) == [
        {"date": "2027-02-06", "kind": "holiday", "note": "春节"},
        {"date": "2027-02-20", "kind": "workday", "note": "春节调休上班"},
    ]
    assert [r["date"] for r in holidays.list_days(fresh_db)] == ["2026-10-09", "2027-02-06", "2027-02-20"]


def test_set_day_replaces_and_remove_deletes(fresh_db):
    holidays.set_day(fresh_db, D("2027-01-01"), wc.WORKDAY, "", user=USER)
    holidays.set_day(fresh_db, D("2027-01-01"), wc.HOLIDAY, "元旦", user=USER)
    assert holidays.list_days(fresh_db, 2027) == [{"date": "2027-01-01", "kind": "holiday", "note": "元旦"}]
    removed = holidays.remove_day(fresh_db, D("2027-01-01"), user=USER)
    assert removed["note"] == "元旦"
    assert holidays.list_days(fresh_db) == []
    with pytest.raises(NotFoundError):
        holidays.remove_day(fresh_db, D("2027-01-01"), user=USER)


def test_every_change_is_audited(fresh_db):
    holidays.set_day(fresh_db, D("2027-01-01"), wc.HOLIDAY, "元旦", user=USER)
    holidays.remove_day(fresh_db, "2027-01-01", user=USER)
    rows = audit.recent(fresh_db, entity="holiday", entity_id="2027-01-01")
    assert [r["summary"] for r in rows] == ["节假日表：删除 2027-01-01（原为节假日）",
                                            "节假日表：2027-01-01 设为节假日（元旦）"]
    assert {r["action"] for r in rows} == {audit.UPDATE}
    assert {r["username"] for r in rows} == {"admin"}
    assert audit.verify(fresh_db).ok


def test_bad_input_changes_nothing(fresh_db):
    with pytest.raises(StorageError):
        holidays.set_day(fresh_db, D("2027-01-01"), "vacation", user=USER)
    with pytest.raises(StorageError):
        holidays.set_day(fresh_db, "2027-02-30", wc.HOLIDAY, user=USER)
    assert holidays.list_days(fresh_db) == []
    assert audit.recent(fresh_db, entity="holiday") == []


def test_calendar_uses_the_table(fresh_db):
    assert holidays.calendar(fresh_db).initial_review_due(D("2026-12-28")) == D("2027-01-04")
    holidays.set_day(fresh_db, D("2027-01-01"), wc.HOLIDAY, "元旦", user=USER)
    holidays.set_day(fresh_db, D("2024-02-18"), wc.HOLIDAY, "本地调整", user=USER)
    cal = holidays.calendar(fresh_db)
    assert cal.initial_review_due(D("2026-12-28")) == D("2027-01-05")
    assert cal.application_day(2024, 2) == D("2024-02-19")  # the table beats chinese-calendar
