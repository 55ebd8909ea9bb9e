"""The follow-up lists in 工作清单 on real widgets, from patients built through the real API
(enrolment, signed and priced collections from stock, admissions, risk flags): 本月到期,
逾期未领药, 年审到期, 住院暂停, 病情加重, 依从性低于80% — each listing the right patients with
masked ID numbers, loading off the UI thread, printed and exported (both audited); and the
adherence line on the patient page."""
from __future__ import annotations

import datetime as dt
import threading

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt

from clinic_app.documents.followup_pdf import EXCHANGE_NOTICE
from clinic_app.domain import idnumber
from clinic_app.storage import agreements, audit, programme, risk, settings
from clinic_app.storage import followup as fu
from clinic_app.ui.dispensing import DispensingPanel
from clinic_app.ui.lists import WorkListsWindow
from clinic_app.ui.lists import followup_content as fc
from clinic_app.ui.lists.table import ListTab
from clinic_app.ui.patients import PatientPage
from tests.dispensing_data import CLINIC, enrolled_patient, line, three_months
from tests.documents.pdftools import flat, pages_text
from tests.enrolment_data import add_patient, approve

from .dispensing_support import _dispensing_setup, officer_session, world  # noqa: F401

TODAY = dt.date(2026, 12, 10)  # the lists' day; the clock says 2026-12-31 (every collection is past)
YEAR_END = dt.date(2026, 12, 31)


@pytest.fixture
def answers(monkeypatch):
    """Collect the messages and questions instead of showing them; never open a file."""
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(ListTab, "_show_info", lambda self, title, text: shown.append((title, text)))
    monkeypatch.setattr(ListTab, "_show_error", lambda self, title, text: shown.append((title, text)))
    monkeypatch.setattr(ListTab, "_confirm", lambda self, title, text: shown.append((title, text)) and False)
    return shown


@pytest.fixture
def people(session, world):
    """Enrolled on 2026-11-19 unless said otherwise; on 2026-12-10:

    张三 collected three months (in no list); 本月甲 runs out on 12-15; 断药乙 ran out on 11-29;
    未领丙 never collected; 住院丁 was admitted on 12-01; 加重戊 is flagged as worsening; 年审己
    was enrolled on 2025-12-15 (review due, agreement ends 12-14) and never collected."""
    db = session.db
    settings.put(db, "places", 100)
    ids = {"张三": world.patient_id}
    for name in ("本月甲", "断药乙", "未领丙", "住院丁"):
        ids[name] = enrolled_patient(db, name=name)
    ids["加重戊"] = enrolled_patient(db, name="加重戊", guardian_name="李监护", guardian_phone="13900000002",
                                   sex="男")
    ids["年审己"] = add_patient(db, name="年审己")
    approve(db, ids["年审己"], received="2025-12-01", initial="2025-12-03", final="2025-12-15")
    agreements.sign(db, ids["年审己"], CLINIC, "2025-12-15")

    world.dispense("2026-11-20", three_months(world))
    world.dispense("2026-11-25", [line(world.risperidone, 1, "1")], patient_id=ids["本月甲"])  # 20 days
    world.dispense("2026-11-19", [line(world.risperidone, 1, "2")], patient_id=ids["断药乙"])  # 10 days
    world.dispense("2026-11-20", [line(world.risperidone, 1, "1")], patient_id=ids["住院丁"])
    programme.admit(db, ids["住院丁"], "2026-12-01", note="区精神卫生中心")
    world.dispense("2026-11-20", three_months(world), patient_id=ids["加重戊"])
    risk.record_assessment(db, ids["加重戊"], 3, "2026-12-01", "王医生")
    risk.flag_worsening(db, ids["加重戊"], "2026-12-02", "拒绝服药，打砸家具")
    return ids


def _window(qtbot, session, today=TODAY) -> WorkListsWindow:
    window = WorkListsWindow(session, today=today)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: not window.loading, timeout=10_000)
    return window


def _column(tab: ListTab, header: str) -> list[str]:
    c = tab.content.headers.index(header)
    return [tab.cell_text(r, c) for r in range(tab.row_count())]


def _title(window, key: str) -> str:
    return window.tabs.tabText(window.tabs.indexOf(window.page(key)))


# --- what each list shows ----------------------------------------------------------------------

def test_due_this_month(qtbot, session, people, answers):
    window = _window(qtbot, session)
    tab = window.page("due")
    assert _column(tab, "姓名") == ["本月甲"]
    assert _column(tab, "应取药日期") == ["2026-12-15"]
    assert _column(tab, "剩余天数") == ["还有 5 天"]
    assert _column(tab, "各药品可用至（含当日）") == ["利培酮 至 2026-12-14"]  # the last day with drug
    assert _column(tab, "上次领药") == ["2026-11-25"]
    assert _column(tab, "救助卡编号") == ["油溪镇 0002"]
    assert tab.count_label.text() == "共 1 名（7 天内到期 1）"
    assert "2026-12-31" in tab.heading_label.text() and "7 天" in tab.heading_label.text()
    assert _title(window, "due") == "本月到期（1）"


def test_overdue_with_the_days_from_the_setting(qtbot, session, people, answers):
    window = _window(qtbot, session)
    tab = window.page("overdue")
    assert _column(tab, "姓名") == ["年审己", "未领丙", "断药乙"]  # longest overdue first
    assert _column(tab, "逾期天数") == ["360", "21", "11"]
    assert _column(tab, "原因") == ["纳入后未领药", "纳入后未领药", "药品用完"]
    assert _column(tab, "监护人联系方式") == ["13812345678"] * 3
    assert tab.heading_label.text().startswith("超过 7 天未领药")
    assert _title(window, "overdue") == "逾期未领药（3）"
    settings.put(session.db, "overdue_days", 15)
    window.refresh()
    qtbot.waitUntil(lambda: not window.loading, timeout=10_000)
    assert _column(tab, "姓名") == ["年审己", "未领丙"]
    assert tab.heading_label.text().startswith("超过 15 天未领药")


def test_annual_reviews_with_their_reasons(qtbot, session, people, answers):
    tab = _window(qtbot, session).page("reviews")
    assert _column(tab, "姓名") == ["年审己"]
    assert _column(tab, "年审起算") == ["纳入 2025-12-15"]
    assert _column(tab, "协议有效期至") == ["2026-12-14"]
    assert _column(tab, "事由") == ["年度资格审核将到期（纳入 2025-12-15）；服务协议 2026-12-14 到期（剩 4 天）"]
    assert tab.count_label.text() == "共 1 名（年度审核 1，服务协议 1）"


def test_paused_with_admission_date_and_days_in_hospital(qtbot, session, people, answers):
    tab = _window(qtbot, session).page("paused")
    assert _column(tab, "姓名") == ["住院丁"]
    assert (_column(tab, "入院日期"), _column(tab, "住院天数"), _column(tab, "入院说明")) == (
        ["2026-12-01"], ["9"], ["区精神卫生中心"])


def test_worsening_with_guardian_and_risk_for_the_exchange(qtbot, session, people, answers):
    tab = _window(qtbot, session).page("worsening")
    assert _column(tab, "姓名") == ["加重戊"]
    assert (_column(tab, "监护人"), _column(tab, "监护人联系方式")) == (["李监护"], ["13900000002"])
    assert (_column(tab, "危险性评估"), _column(tab, "已持续（天）")) == (["3级"], ["8"])
    assert _column(tab, "说明") == ["拒绝服药，打砸家具"]
    assert _column(tab, "性别") == ["男"]
    assert "综治办、派出所" in tab.heading_label.text()


def test_adherence_below_the_line_from_the_setting(qtbot, session, people, answers):
    window = _window(qtbot, session, YEAR_END)
    tab = window.page("adherence")
    # 住院丁 spent 30 of 42 days in hospital: too few days at home to judge; 张三 and 加重戊 had drug
    assert _column(tab, "姓名") == ["年审己", "未领丙", "断药乙", "本月甲"]
    assert _column(tab, "依从性") == ["0%", "0%", "23%", "47%"]
    assert _column(tab, "计算明细")[2:] == ["23%（有药 10/42 天）", "47%（有药 20/42 天）"]
    assert _column(tab, "断药天数") == ["365", "42", "32", "22"]
    assert "低于 80%" in tab.heading_label.text()
    assert _title(window, "adherence") == "依从性低于80%（4）"
    settings.put(session.db, "adherence_threshold_percent", 40)
    window.refresh()
    qtbot.waitUntil(lambda: not window.loading, timeout=10_000)
    assert _column(tab, "姓名") == ["年审己", "未领丙", "断药乙"]
    assert _title(window, "adherence") == "依从性低于40%（3）"


@pytest.mark.parametrize("key", ["due", "overdue", "reviews", "paused", "worsening", "adherence"])
def test_id_numbers_are_masked_and_enter_opens_the_patient(qtbot, session, people, answers, key):
    window = _window(qtbot, session, YEAR_END if key == "adherence" else TODAY)
    tab = window.page(key)
    window.show_tab(key)
    assert tab.row_count()
    for r in range(tab.row_count()):
        number = session.db["patients"].get(tab.patient_id_at(r))["id_number"]
        shown = tab.cell_text(r, tab.content.headers.index("身份证号"))
        assert shown == idnumber.mask(number) and shown != number
    tab.table.setFocus()
    tab.table.selectRow(tab.row_count() - 1)
    qtbot.keyClick(tab.table, Qt.Key_Return)
    page = window.current_dialog
    assert isinstance(page, PatientPage) and page.patient_id == tab.patient_id_at(tab.row_count() - 1)
    page.reject()
    tab.table.selectRow(0)
    tab.table.doubleClicked.emit(tab.table.currentIndex())
    assert window.current_dialog.patient_id == tab.patient_id_at(0)
    window.current_dialog.reject()


# --- off the UI thread -------------------------------------------------------------------------

def test_lists_load_off_the_ui_thread_on_their_own_connection(qtbot, session, people, answers, monkeypatch):
    seen = []
    release = threading.Event()
    real = fu.adherence_list

    def slow(db, today, threshold=None, min_days=fu.ADHERENCE_MIN_DAYS):
        seen.append((threading.current_thread() is threading.main_thread(), db is session.db))
        release.wait(10)  # a big clinic: the list takes its time
        return real(db, today, threshold, min_days)

    monkeypatch.setattr(fu, "adherence_list", slow)
    window = WorkListsWindow(session, today=YEAR_END)
    qtbot.addWidget(window)
    window.show()
    tab = window.page("adherence")
    qtbot.waitUntil(lambda: not window.page("paused").loading, timeout=10_000)
    assert tab.loading and window.loading  # the window is up and the other lists are in
    assert tab.busy.isVisibleTo(tab) and tab.state_label.text() == "正在读取清单…"
    assert not tab.print_button.isEnabled() and not tab.export_button.isEnabled()
    assert _column(window.page("paused"), "姓名") == ["住院丁"]
    assert _title(window, "adherence") == "依从性低于80%"  # no count yet
    release.set()
    qtbot.waitUntil(lambda: not tab.loading, timeout=10_000)
    assert seen == [(False, False)]  # a pool thread, not the UI thread's connection
    assert tab.row_count() == 4 and not tab.busy.isVisibleTo(tab)
    assert _title(window, "adherence") == "依从性低于80%（4）"


def test_a_list_that_fails_to_load_says_so(qtbot, session, people, answers, monkeypatch):
    def broken(db, today):
        raise RuntimeError("磁盘错误")

    monkeypatch.setattr(fu, "paused", broken)
    tab = _window(qtbot, session).page("paused")
    assert tab.state_label.text() == "读取失败：磁盘错误"
    assert not tab.print_button.isEnabled()


def test_a_newer_refresh_wins(qtbot, session, people, answers):
    window = _window(qtbot, session)
    tab = window.page("overdue")
    settings.put(session.db, "overdue_days", 15)
    tab.refresh()
    settings.put(session.db, "overdue_days", 30)
    tab.refresh()
    qtbot.waitUntil(lambda: not tab.loading, timeout=10_000)
    qtbot.wait(50)
    assert tab.heading_label.text().startswith("超过 30 天未领药")
    assert _column(tab, "姓名") == ["年审己"]


# --- printing and export -----------------------------------------------------------------------

def _print(qtbot, tab: ListTab, out, monkeypatch):
    from clinic_app.ui.printing.flow import PrintFlow
    from tests.ui.print_support import answer_previews

    previews = answer_previews(monkeypatch, out.parent)
    previews.answer = "save"  # 另存为 PDF from the preview: the same PDF the printer would get
    monkeypatch.setattr(PrintFlow, "choose_save_path", lambda flow, document: str(out))
    with qtbot.waitSignal(tab.printed, timeout=20_000):
        assert tab.print_list()
        assert tab.printing and not tab.print_button.isEnabled() and tab.print_button.text() == "正在生成…"
        assert tab.busy.isVisibleTo(tab)
    return flat("".join(pages_text(out)))


def test_printing_the_overdue_list_writes_and_audits_a_pdf(qtbot, session, people, answers, tmp_path,
                                                           monkeypatch):
    tab = _window(qtbot, session).page("overdue")
    out = tmp_path / "逾期未领药.pdf"
    text = _print(qtbot, tab, out, monkeypatch)
    assert "逾期未领药" in text and "超过7天未领药" in text
    assert all(name in text for name in ("年审己", "未领丙", "断药乙"))
    assert "油溪（中心）卫生院" in text and "截至2026-12-10" in text and "共3名" in text
    number = session.db["patients"].get(people["断药乙"])["id_number"]
    assert number not in text and flat(idnumber.mask(number)) in text
    assert EXCHANGE_NOTICE not in text
    assert "各药品可用至" not in text and "监护人联系方式" in text  # A4 is narrower than the screen
    row = audit.recent(session.db, 1)[0]
    assert (row["action"], row["entity"], row["entity_id"], row["username"]) == (
        audit.PRINT, "work_list", "逾期未领药", "tester")
    assert row["summary"] == "打印工作清单“逾期未领药”（3 名）：逾期未领药.pdf"
    assert not tab.printing and tab.print_button.isEnabled() and not tab.busy.isVisibleTo(tab)
    assert answers[-1][0] == "已保存" and "现在打开吗？" in answers[-1][1]


def test_the_printed_worsening_list_carries_the_exchange_notice(qtbot, session, people, answers, tmp_path,
                                                                monkeypatch):
    tab = _window(qtbot, session).page("worsening")
    text = _print(qtbot, tab, tmp_path / "加重.pdf", monkeypatch)
    assert "病情加重" in text and "加重戊" in text and "13900000002" in text
    assert flat(EXCHANGE_NOTICE) in text
    assert audit.recent(session.db, 1)[0]["summary"] == "打印工作清单“病情加重”（1 名）：加重.pdf"


def test_printing_follows_a_header_sort(qtbot, session, people, answers, tmp_path, monkeypatch):
    tab = _window(qtbot, session, YEAR_END).page("adherence")
    tab.table.sortByColumn(tab.content.headers.index("依从性"), Qt.DescendingOrder)
    text = _print(qtbot, tab, tmp_path / "依从性.pdf", monkeypatch)
    assert "依从性低于80%" in text
    assert text.index("本月甲") < text.index("断药乙") < text.index("未领丙")
    detail = audit.recent(session.db, 1)[0]["detail"]
    assert f"[{people['本月甲']}, {people['断药乙']}" in detail


def test_an_empty_list_can_still_be_printed(qtbot, session, people, answers, tmp_path, monkeypatch):
    tab = _window(qtbot, session, dt.date(2027, 1, 5)).page("due")  # 本月甲 is overdue by then
    assert tab.row_count() == 0 and not tab.export_button.isEnabled() and tab.print_button.isEnabled()
    text = _print(qtbot, tab, tmp_path / "空.pdf", monkeypatch)
    assert "本月到期" in text and "（无）" in text
    assert audit.recent(session.db, 1)[0]["summary"] == "打印工作清单“本月到期”（0 名）：空.pdf"


def test_exporting_a_follow_up_list_writes_and_audits_xlsx(qtbot, session, people, answers, tmp_path,
                                                           monkeypatch):
    tab = _window(qtbot, session).page("overdue")
    out = tmp_path / "逾期.xlsx"
    monkeypatch.setattr(tab, "choose_export_path", lambda: out)
    with qtbot.waitSignal(tab.exported, timeout=10_000):
        tab.export()
        assert tab.exporting and tab.export_button.text() == "正在导出…" and tab.busy.isVisibleTo(tab)
    sheet = load_workbook(out).active
    assert sheet["A1"].value == "逾期未领药"
    assert sheet["A2"].value.startswith("超过 7 天未领药")
    assert [c.value for c in sheet[3]] == list(fc.OVERDUE_HEADERS)
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=4)]
    assert [r[2] for r in rows] == ["年审己", "未领丙", "断药乙"]
    assert [r[1] for r in rows] == [360, 21, 11]  # numbers stay numbers
    assert all("********" in r[3] for r in rows)
    row = audit.recent(session.db, 1)[0]
    assert (row["action"], row["entity"], row["summary"]) == (
        audit.EXPORT, "work_list", "导出工作清单“逾期未领药”（3 名）：逾期.xlsx")
    assert answers[-1][0] == "导出完成"


def test_a_failed_print_says_why_and_is_not_audited(qtbot, session, people, answers, tmp_path, monkeypatch):
    tab = _window(qtbot, session).page("paused")
    before = audit.recent(session.db, 1)[0]["id"]
    from clinic_app.ui.printing.flow import PrintFlow
    from tests.ui.print_support import answer_previews

    answer_previews(monkeypatch, tmp_path).answer = "save"
    monkeypatch.setattr(PrintFlow, "choose_save_path", lambda flow, document: str(tmp_path / "no" / "such" / "x.pdf"))
    assert tab.print_list()
    qtbot.waitUntil(lambda: not tab.printing, timeout=20_000)
    assert answers[-1][0] == "无法保存"
    assert audit.recent(session.db, 1)[0]["id"] == before
    assert tab.print_button.isEnabled()


def test_the_printed_columns_fit_a4_and_keep_their_order():
    content = fc.ListContent("x", "清单", ("应取药日期", "姓名", "各药品用至", "监护人联系方式"),
                             print_columns=("姓名", "应取药日期", "监护人联系方式"))
    headers, rows = content.printed(list(content.headers), [["2026-12-01", "甲", "利培酮", "139"]])
    assert headers == ["应取药\n日期", "姓名", "监护人\n联系方式"]
    assert rows == [["2026-12-01", "甲", "139"]]


# --- the patient page --------------------------------------------------------------------------

def _panel(qtbot, session, patient_id) -> DispensingPanel:
    panel = DispensingPanel(session, patient_id)
    qtbot.addWidget(panel)
    panel.show()
    return panel


def test_adherence_line_on_the_patient_page(qtbot, session, officer_session, people):
    panel = _panel(qtbot, officer_session, people["断药乙"])  # the clock says 2026-12-31
    label = panel.status.labels[-1]
    assert label.text() == "近12个月服药依从性：23%（有药 10/42 天）"
    assert label.property("role") == "error"  # below the 80 % line
    stay = _panel(qtbot, officer_session, people["住院丁"]).status.labels[-1]
    assert stay.text() == "近12个月服药依从性：91%（有药 11/12 天，住院 30 天不计）"
    assert stay.property("role") != "error"
    settings.put(session.db, "adherence_threshold_percent", 95)
    panel.reload()
    assert _panel(qtbot, officer_session, people["住院丁"]).status.labels[-1].property("role") == "error"


def test_adherence_line_is_in_the_patient_pages_dispensing_tab(qtbot, officer_session, people):
    page = PatientPage(officer_session, people["张三"])
    qtbot.addWidget(page)
    assert "近12个月服药依从性：97%（有药 41/42 天）" in page.dispensing.status.text()
