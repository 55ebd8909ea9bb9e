"""The holiday table dialog on real widgets: add a 2027 holiday, bad dates, remove, read-only."""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Qt

from clinic_app.domain import workcalendar as wc
from clinic_app.storage import audit, holidays
from clinic_app.ui.holidays_dialog import HolidaysDialog


def _dialog(qtbot, session) -> HolidaysDialog:
    dialog = HolidaysDialog(session)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _table_texts(dialog) -> list[tuple[str, ...]]:
    t = dialog.table
    return [tuple(t.item(r, c).text() for c in range(t.columnCount())) for r in range(t.rowCount())]


def test_add_a_2027_holiday_and_see_it_listed(qtbot, session):
    dialog = _dialog(qtbot, session)
    dialog.set_year(2026)
    assert dialog.coverage.text() == "2026年：已收录国家法定节假日"
    qtbot.keyClicks(dialog.date_edit, "2027/2/8")  # QTest types ASCII only
    dialog.kind.setCurrentIndex(dialog.kind.findData(wc.HOLIDAY))
    dialog.note.setText("春节")
    qtbot.mouseClick(dialog.add_button, Qt.LeftButton)
    assert dialog.selected_year() == 2027
    assert dialog.coverage.text() == "2027年：尚未收录，请在此表中录入法定节假日和调休上班日"
    assert _table_texts(dialog) == [("2027-02-08 星期一", "节假日", "春节")]
    assert dialog.selected_row()["date"] == "2027-02-08"
    assert dialog.date_edit.text() == "" and dialog.message.text() == ""
    assert holidays.overrides(session.db) == {dt.date(2027, 2, 8): wc.HOLIDAY}
    assert audit.recent(session.db, entity="holiday")[0]["username"] == session.user["username"]
    assert not dialog.calendar.is_working_day(dt.date(2027, 2, 8))


def test_an_adjusted_working_weekend_can_be_added(qtbot, session):
    dialog = _dialog(qtbot, session)
    dialog.date_edit.setText("2027-02-20")
    dialog.kind.setCurrentIndex(dialog.kind.findData(wc.WORKDAY))
    dialog.add_day()
    assert _table_texts(dialog) == [("2027-02-20 星期六", "调休上班", "")]
    assert dialog.calendar.is_working_day(dt.date(2027, 2, 20))


def test_a_bad_date_is_explained_at_the_field_and_nothing_is_lost(qtbot, session):
    dialog = _dialog(qtbot, session)
    dialog.set_year(2027)
    dialog.date_edit.setText("2027-02-30")
    dialog.note.setText("春节")
    dialog.add_day()
    assert dialog.message.text() == "日期“2027-02-30”不存在"
    assert dialog.date_edit.property("invalid") is True
    assert dialog.date_edit.text() == "2027-02-30" and dialog.note.text() == "春节"
    assert holidays.list_days(session.db) == []
    dialog.date_edit.setText("明年")
    dialog.add_day()
    assert "无法识别" in dialog.message.text()
    qtbot.keyClicks(dialog.date_edit, "x")  # typing again clears the complaint
    assert dialog.message.text() == ""


def test_remove_selected(qtbot, session, monkeypatch):
    holidays.set_day(session.db, dt.date(2027, 1, 1), wc.HOLIDAY, "元旦", user=session.user)
    holidays.set_day(session.db, dt.date(2027, 2, 8), wc.HOLIDAY, "春节", user=session.user)
    dialog = _dialog(qtbot, session)
    dialog.set_year(2027)
    assert len(_table_texts(dialog)) == 2
    dialog.remove_selected()
    assert "请先" in dialog.message.text()
    monkeypatch.setattr(HolidaysDialog, "_confirm", lambda self, title, text: True)
    dialog.table.selectRow(0)
    dialog.remove_selected()
    assert _table_texts(dialog) == [("2027-02-08 星期一", "节假日", "春节")]
    assert "已删除：2027-01-01" in dialog.status.text()
    assert [r["date"] for r in holidays.list_days(session.db)] == ["2027-02-08"]


def test_declining_the_confirmation_keeps_the_day(qtbot, session, monkeypatch):
    holidays.set_day(session.db, dt.date(2027, 1, 1), wc.HOLIDAY, "元旦", user=session.user)
    dialog = _dialog(qtbot, session)
    dialog.set_year(2027)
    monkeypatch.setattr(HolidaysDialog, "_confirm", lambda self, title, text: False)
    dialog.table.selectRow(0)
    dialog.remove_selected()
    assert len(holidays.list_days(session.db)) == 1


def test_grid_shows_adjusted_days_and_fills_the_date(qtbot, session):
    dialog = _dialog(qtbot, session)
    dialog.set_year(2024)
    sunday_worked = dialog.grid.dateTextFormat(QDate(2024, 2, 18))
    assert sunday_worked.foreground().color().name() == "#1d4f91"
    holiday = dialog.grid.dateTextFormat(QDate(2024, 2, 12))
    assert holiday.foreground().color().name() == "#c62828"
    dialog.grid.clicked.emit(QDate(2024, 2, 18))
    assert dialog.day_info.text() == "2024-02-18 星期日：工作日（春节调休上班）"
    assert dialog.date_edit.text() == "2024-02-18"
    assert "2月18日" in dialog.application_days.text()


def test_paging_the_grid_changes_the_year(qtbot, session):
    dialog = _dialog(qtbot, session)
    dialog.set_year(2026)
    dialog.grid.setCurrentPage(2027, 3)
    assert dialog.selected_year() == 2027
    assert "尚未收录" in dialog.coverage.text()


def test_read_only_for_non_admins(qtbot, readonly_session):
    holidays.set_day(readonly_session.db, dt.date(2027, 1, 1), wc.HOLIDAY, "元旦")
    dialog = _dialog(qtbot, readonly_session)
    dialog.set_year(2027)
    assert len(_table_texts(dialog)) == 1
    assert not dialog.add_button.isEnabled() and not dialog.remove_button.isEnabled()
    assert dialog.status.text() == "仅管理员可修改节假日表"
    dialog.date_edit.setText("2027-01-04")
    dialog.add_day()
    assert len(holidays.list_days(readonly_session.db)) == 1
