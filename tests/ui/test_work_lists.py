"""工作清单 on real widgets: deadlines coloured, the waiting list and its places, agreements about
to end, patients in hospital, worsening patients, export, opening a patient with the keyboard."""
from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from clinic_app.domain import idnumber
from clinic_app.storage import agreements, applications, audit, programme, risk, settings
from clinic_app.ui.lists import WorkListsWindow
from clinic_app.ui.lists.places import PlacesTab
from clinic_app.ui.lists.table import ListTab
from clinic_app.ui.patients import PatientPage
from tests.enrolment_data import add_patient, approve, full_documents

TODAY = dt.date(2026, 11, 22)  # a Sunday


@pytest.fixture
def answers(monkeypatch):
    """Say yes to every question; collect the messages instead of showing them."""
    shown: list[tuple[str, str]] = []
    for cls in (PlacesTab, ListTab):
        monkeypatch.setattr(cls, "_show_info", lambda self, title, text: shown.append((title, text)))
        monkeypatch.setattr(cls, "_show_error", lambda self, title, text: shown.append((title, text)))
    monkeypatch.setattr(PlacesTab, "_confirm", lambda self, title, text: True)
    monkeypatch.setattr(ListTab, "_confirm", lambda self, title, text: shown.append((title, text)) and False)
    return shown


def _window(qtbot, session, today=TODAY) -> WorkListsWindow:
    """The window with every list in (the follow-up lists load off the UI thread)."""
    window = WorkListsWindow(session, today=today)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: not window.loading, timeout=10_000)
    return window


def _column(tab: ListTab, header: str) -> list[str]:
    c = tab.content.headers.index(header)
    return [tab.cell_text(r, c) for r in range(tab.row_count())]


# --- 审核期限 ------------------------------------------------------------------------------

@pytest.fixture
def three_applications(session):
    db = session.db
    late = add_patient(db, name="逾期甲")
    soon = add_patient(db, name="将到乙")
    fine = add_patient(db, name="正常丙")
    applications.create(db, fine, "2026-11-20", full_documents())  # due Fri 27th
    applications.create(db, soon, "2026-11-16", full_documents())  # due Mon 23rd
    applications.create(db, late, "2026-11-10", full_documents())  # due Tue 17th: overdue
    return late, soon, fine


def test_deadlines_most_urgent_first_and_coloured(qtbot, session, three_applications, answers):
    window = _window(qtbot, session)
    tab = window.page("deadlines")
    assert _column(tab, "姓名") == ["逾期甲", "将到乙", "正常丙"]
    assert _column(tab, "受理日期") == ["2026-11-10", "2026-11-16", "2026-11-20"]
    assert _column(tab, "当前环节") == ["初审"] * 3
    assert _column(tab, "截止日期") == ["2026-11-17", "2026-11-23", "2026-11-27"]
    assert _column(tab, "状态") == ["已逾期", "即将到期", "正常"]
    state = tab.content.headers.index("状态")
    assert tab.cell_colour(0, state) == QColor("#c62828")
    assert tab.cell_colour(1, state) == QColor("#b25e00")
    assert tab.cell_colour(2, state) != QColor("#c62828")
    assert tab.count_label.text() == "共 3 名（已逾期 1，即将到期 1）"
    assert window.tabs.tabText(0) == "审核期限（3）"


def test_id_numbers_are_masked(qtbot, session, three_applications, answers):
    tab = _window(qtbot, session).page("deadlines")
    number = session.db["patients"].get(three_applications[0])["id_number"]
    assert _column(tab, "身份证号")[0] == idnumber.mask(number)
    assert number not in _column(tab, "身份证号")


def test_a_passed_application_moves_to_sending_to_the_office(qtbot, session, answers):
    pid = add_patient(session.db, name="报送丁")
    app = applications.create(session.db, pid, "2026-11-10", full_documents())
    applications.record_initial_review(session.db, app["id"], "passed", "李精防", "2026-11-12")
    tab = _window(qtbot, session, dt.date(2026, 11, 19)).page("deadlines")
    assert _column(tab, "当前环节") == ["报送复审"]
    assert _column(tab, "截止日期") == ["2026-11-20"]
    assert _column(tab, "状态") == ["即将到期"]


def test_enter_and_double_click_open_the_patient_page(qtbot, session, three_applications, answers):
    window = _window(qtbot, session)
    tab = window.page("deadlines")
    tab.table.setFocus()
    tab.table.selectRow(1)
    qtbot.keyClick(tab.table, Qt.Key_Return)
    page = window.current_dialog
    assert isinstance(page, PatientPage) and page.patient_id == three_applications[1]
    assert audit.recent(session.db, 1)[0]["action"] == audit.VIEW
    page.reject()
    tab.table.selectRow(0)
    tab.table.doubleClicked.emit(tab.table.currentIndex())
    assert window.current_dialog.patient_id == three_applications[0]
    window.current_dialog.reject()


# --- 名额与候补 ----------------------------------------------------------------------------

@pytest.fixture
def full_places(session):
    """One place, taken; two approved patients waiting, the earlier approved first."""
    db = session.db
    settings.put(db, "places", 1)
    holder = add_patient(db, name="占位")
    second = add_patient(db, name="候补二")
    first = add_patient(db, name="候补一")
    approve(db, holder)
    approve(db, first, final="2026-11-18")
    approve(db, second, final="2026-11-19")
    return holder, first, second


def test_waiting_list_in_order_and_enrolling_refused_while_full(qtbot, session, full_places, answers):
    holder, first, second = full_places
    window = _window(qtbot, session)
    tab = window.page("places")
    assert tab.summary_label.text() == "名额 1，已用 1，空余 0，候补 2"
    assert _column(tab.list, "姓名") == ["候补一", "候补二"]
    assert _column(tab.list, "复审通过日期") == ["2026-11-18", "2026-11-19"]
    assert _column(tab.list, "顺位") == ["1", "2"]
    assert not tab.enrol_button.isEnabled()
    assert "名额已满" in tab.hint.text()
    assert tab.enrol_first() is None  # the storage refuses it too
    assert answers[-1][0] == "无法纳入" and "名额已满" in answers[-1][1]
    assert programme.status(session.db, first) == "waiting"


def test_a_freed_place_goes_to_the_first_in_line(qtbot, session, full_places, answers):
    holder, first, second = full_places
    window = _window(qtbot, session)
    tab = window.page("places")
    programme.leave(session.db, holder, "2026-11-21", "moved")
    window.refresh()
    assert tab.enrol_button.isEnabled()
    qtbot.mouseClick(tab.enrol_button, Qt.LeftButton)
    assert programme.status(session.db, first) == "enrolled"
    assert programme.status(session.db, second) == "waiting"
    assert answers[-1] == ("已纳入", "候补一 已纳入免费服药，救助卡编号：油溪镇 0002")
    assert tab.summary_label.text() == "名额 1，已用 1，空余 0，候补 1"
    assert _column(tab.list, "姓名") == ["候补二"]
    assert not tab.enrol_button.isEnabled()
    assert window.tabs.tabText(1) == "名额与候补（1）"


def test_the_administrator_changes_the_places_audited(qtbot, session, full_places, answers):
    tab = _window(qtbot, session).page("places")
    tab.places_box.setText("3")
    assert tab.save_places()
    assert settings.get(session.db, "places") == 3
    row = audit.recent(session.db, 1)[0]
    assert (row["action"], row["entity"], row["summary"]) == (audit.UPDATE, "settings",
                                                               "修改本单位免费服药名额：1 → 3")
    assert tab.summary_label.text() == "名额 3，已用 1，空余 2，候补 2"
    assert tab.enrol_button.isEnabled()


def test_read_only_users_can_neither_enrol_nor_change_places(qtbot, readonly_session, answers):
    db = readonly_session.db
    pid = add_patient(db, name="候补")
    settings.put(db, "places", 0)
    approve(db, pid)
    settings.put(db, "places", 5)
    tab = _window(qtbot, readonly_session).page("places")
    assert not tab.enrol_button.isEnabled()
    assert not tab.places_box.isEnabled() and not tab.places_button.isEnabled()
    assert tab.enrol_first() is None and not tab.save_places()
    assert programme.status(db, pid) == "waiting"


# --- 协议到期, 住院暂停, 病情加重 ---------------------------------------------------------------

def test_agreements_ending_soon_or_ended(qtbot, session, answers):
    db = session.db
    ended = add_patient(db, name="已过期")
    ending = add_patient(db, name="将到期")
    later = add_patient(db, name="还早")
    for pid, signed in ((ended, "2026-11-10"), (ending, "2026-11-18"), (later, "2026-11-22")):
        approve(db, pid, received="2026-10-12", initial="2026-10-13", final="2026-10-20")
        agreements.sign(db, pid, "youxi", signed)
    settings.put(db, "agreement_warning_days", 3)
    tab = _window(qtbot, session, dt.date(2027, 11, 16)).page("agreements")
    assert _column(tab, "姓名") == ["已过期", "将到期"]  # 还早 ends on 2027-11-21, in 5 days
    assert _column(tab, "有效期至") == ["2027-11-09", "2027-11-17"]
    assert _column(tab, "剩余天数") == ["已过期（7 天）", "1 天"]
    assert tab.count_label.text() == "共 2 名（已过期 1，3 天内到期 1）"
    days = tab.content.headers.index("剩余天数")
    assert tab.cell_colour(0, days) == QColor("#c62828")
    assert tab.cell_colour(1, days) == QColor("#b25e00")


def test_paused_and_worsening_lists(qtbot, session, answers):
    db = session.db
    pid = add_patient(db, name="住院者", guardian_phone="13900001111")
    approve(db, pid)
    programme.admit(db, pid, "2026-11-20")
    risk.record_assessment(db, pid, 4, "2026-11-20", "王医师")
    risk.flag_worsening(db, pid, "2026-11-20", "夜间打砸")
    window = _window(qtbot, session)
    paused = window.page("paused")
    assert _column(paused, "姓名") == ["住院者"]
    assert _column(paused, "入院日期") == ["2026-11-20"] and _column(paused, "住院天数") == ["2"]
    worsening = window.page("worsening")
    assert _column(worsening, "姓名") == ["住院者"]
    assert _column(worsening, "监护人联系方式") == ["13900001111"]
    assert _column(worsening, "危险性评估") == ["4级"]
    assert _column(worsening, "已持续（天）") == ["2"]
    assert _column(worsening, "说明") == ["夜间打砸"]


# --- export --------------------------------------------------------------------------------

def test_export_writes_the_visible_list_with_text_ids_and_audits_it(qtbot, session, three_applications,
                                                                    answers, tmp_path, monkeypatch):
    tab = _window(qtbot, session).page("deadlines")
    out = tmp_path / "审核期限.xlsx"
    monkeypatch.setattr(tab, "choose_export_path", lambda: out)
    with qtbot.waitSignal(tab.exported, timeout=10_000):
        tab.export()
    sheet = load_workbook(out).active
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=4)]
    assert [r[0] for r in rows] == ["逾期甲", "将到乙", "正常丙"]
    ids = [row[1] for row in sheet.iter_rows(min_row=4)]
    assert all(c.data_type == "s" and c.number_format == "@" for c in ids)
    assert all("********" in c.value for c in ids)
    row = audit.recent(session.db, 1)[0]
    assert (row["action"], row["entity"], row["username"]) == (audit.EXPORT, "work_list", "tester")
    assert row["summary"] == "导出工作清单“审核期限”（3 名）：审核期限.xlsx"
    assert tab.export_button.isEnabled() and answers[-1][0] == "导出完成"


def test_export_follows_a_header_sort(qtbot, session, three_applications, answers, tmp_path, monkeypatch):
    tab = _window(qtbot, session).page("deadlines")
    tab.table.sortByColumn(tab.content.headers.index("受理日期"), Qt.DescendingOrder)
    assert [r[0] for r in tab.visible_rows()] == ["正常丙", "将到乙", "逾期甲"]


def test_an_empty_list_cannot_be_exported(qtbot, session, answers):
    tab = _window(qtbot, session).page("worsening")
    assert tab.count_label.text() == "共 0 名"
    assert not tab.export_button.isEnabled()


# --- the main window's 项目 menu ----------------------------------------------------------------

def _menu_texts(window, title: str) -> dict[str, bool]:
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == title)
    return {a.text(): a.isEnabled() for a in menu.actions() if a.text()}


def test_project_menu_and_holidays_for_the_administrator(qtbot, session):
    from clinic_app.ui.main_window import MainWindow

    window = MainWindow(session)
    qtbot.addWidget(window)
    project = _menu_texts(window, "项目(&J)")
    assert list(project)[:2] == ["工作清单…", "打印患者登记名单…"]
    assert all(project.values())
    assert _menu_texts(window, "管理(&A)").get("节假日表…") is True
    window.work_lists_action.trigger()
    lists = window.work_lists
    assert isinstance(lists, WorkListsWindow) and lists.isVisible()
    window.work_lists_action.trigger()
    assert window.work_lists is lists  # one at a time
    lists.close()


def test_read_only_users_get_no_holiday_table_or_import(qtbot, readonly_session):
    from clinic_app.ui.main_window import MainWindow

    window = MainWindow(readonly_session)
    qtbot.addWidget(window)
    assert _menu_texts(window, "管理(&A)").get("节假日表…") is False
    assert _menu_texts(window, "项目(&J)").get("导入登记名单…", False) is False
    assert _menu_texts(window, "项目(&J)")["工作清单…"] is True


def test_printing_the_register_from_the_menu(qtbot, session, tmp_path, monkeypatch):
    from clinic_app.ui.main_window import MainWindow
    from tests.ui.print_support import answer_previews

    pid = add_patient(session.db, name="登记者")
    approve(session.db, pid)
    previews = answer_previews(monkeypatch, tmp_path)
    window = MainWindow(session)
    qtbot.addWidget(window)
    assert window.print_register_action.shortcut().toString() == "Ctrl+P"
    printer = _register_printer(window)
    with qtbot.waitSignal(printer.finished, timeout=20_000):
        window.print_register_action.trigger()
    assert previews.titles == ["打印预览：患者登记名单"] and previews.printed[0].stat().st_size > 0
    assert not printer.busy
    row = audit.recent(session.db, 1)[0]
    assert (row["action"], row["entity"], row["username"]) == (audit.PRINT, "register", "tester")
    assert row["summary"] == "打印患者登记名单（1 名患者）"


def _register_printer(window):
    from clinic_app.ui.lists.menu import _register_printer as make
    return make(window)


def test_exporting_the_register_as_excel_from_the_menu(qtbot, session, tmp_path, monkeypatch):
    from clinic_app.ui.lists.register_print import RegisterPrinter
    from clinic_app.ui.main_window import MainWindow

    pid = add_patient(session.db, name="登记者")
    approve(session.db, pid)
    out = tmp_path / "登记名单.xlsx"
    shown, opened = [], []
    monkeypatch.setattr(RegisterPrinter, "choose_path", lambda self: out)
    monkeypatch.setattr(RegisterPrinter, "_confirm", lambda self, title, text: shown.append(title) or True)
    monkeypatch.setattr(RegisterPrinter, "_open_file", lambda self, path: opened.append(path))
    window = MainWindow(session)
    qtbot.addWidget(window)
    printer = _register_printer(window)
    with qtbot.waitSignal(printer.finished, timeout=20_000) as blocker:
        window.export_register_action.trigger()
    assert blocker.args == [out] and out.stat().st_size > 0
    assert shown == ["登记名单已生成"] and opened == [out] and printer.progress is None and not printer.busy
    row = audit.recent(session.db, 1)[0]
    assert (row["action"], row["entity"]) == (audit.EXPORT, "register")


def test_printing_an_empty_register_is_refused(qtbot, session, tmp_path, monkeypatch):
    from clinic_app.ui.lists.register_print import RegisterPrinter
    from clinic_app.ui.main_window import MainWindow
    from tests.ui.print_support import answer_previews

    previews = answer_previews(monkeypatch, tmp_path)
    errors = []
    monkeypatch.setattr(RegisterPrinter, "_show_error", lambda self, title, text: errors.append(text))
    window = MainWindow(session)
    qtbot.addWidget(window)
    window.print_register_action.trigger()
    assert errors == ["没有在册或住院暂停的患者，登记名单为空"]
    assert previews.opened == [] and not window.register_printer.busy


def test_calibration_page_is_printed_from_the_project_menu(qtbot, session, tmp_path, monkeypatch):
    from clinic_app.storage import settings as settings_store
    from clinic_app.ui.lists import menu
    from clinic_app.ui.main_window import MainWindow
    from tests.print_measure import grid_lines_mm
    from tests.ui.print_support import answer_previews

    settings_store.put(session.db, "card_offset_x_tenth_mm", -12)
    previews = answer_previews(monkeypatch, tmp_path)
    told = []
    monkeypatch.setattr("clinic_app.ui.messages.info", lambda parent, title, text: told.append(title))
    window = MainWindow(session)
    qtbot.addWidget(window)
    flow = menu.print_calibration(window)
    qtbot.waitUntil(lambda: not flow.busy and len(previews.printed) == 1, timeout=20_000)
    assert previews.titles == ["打印预览：救助卡套打校准页"] and told == ["校准页已打印"]
    xs, _ys = grid_lines_mm(previews.printed[0])
    assert abs(xs[0] - (8.0 - 1.2)) < 0.5  # the A5 grid's left edge, moved 1.2 mm left


def test_a_read_only_user_is_refused_printing_and_exporting_before_any_file_is_written(
        qtbot, readonly_session, answers, tmp_path, monkeypatch):
    from clinic_app.ui.lists.register_print import RegisterPrinter

    db = readonly_session.db
    for name in ("逾期甲", "将到乙"):
        applications.create(db, add_patient(db, name=name), "2026-11-10", full_documents())
    tab = _window(qtbot, readonly_session).page("deadlines")
    asked = []
    monkeypatch.setattr(tab, "choose_export_path", lambda: asked.append("export") or tmp_path / "l.xlsx")
    from clinic_app.ui.printing.flow import PrintFlow
    monkeypatch.setattr(PrintFlow, "exec_preview", lambda flow, preview: asked.append("print") or 0)
    before = audit.recent(db, 1)[0]["id"]
    tab.export()
    assert tab.print_list() is False
    refusal = "只有管理员、精防人员（发药人）、精神科医师可以打印、导出患者登记名单和工作清单"
    assert answers == [("无法导出", refusal), ("无法打印", refusal)]
    errors = []
    monkeypatch.setattr(RegisterPrinter, "choose_path", lambda self: asked.append("register") or tmp_path / "r.pdf")
    monkeypatch.setattr(RegisterPrinter, "_show_error", lambda self, title, text: errors.append((title, text)))
    assert RegisterPrinter(readonly_session, tab).start() is False
    assert errors == [("无法打印登记名单", refusal)]
    assert asked == [] and not [p for p in tmp_path.iterdir() if p.name.startswith(("l.", "r."))]
    assert audit.recent(db, 1)[0]["id"] == before
