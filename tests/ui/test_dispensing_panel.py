"""领药记录 on the patient page: history with voids, cover left, next appointment, card pages,
who may dispense, and a correction done as void + new entry through the real dialogs."""
from __future__ import annotations

import datetime as dt

from clinic_app.domain import roles
from clinic_app.services import printing
from clinic_app.storage import accounts, cards, dispensing
from clinic_app.ui.dispensing import DispensingPanel
from clinic_app.ui.dispensing.dialog import DONE
from clinic_app.ui.dispensing.void_dialog import VoidDialog
from clinic_app.ui.patients import PatientPage
from tests.dispensing_data import ADMIN, DOCTOR, OFFICER, fix_today, line, three_months

from .dispensing_support import _dispensing_setup, officer_session, session_for, sign, world  # noqa: F401

DAY = "2026-11-20"


def make_panel(qtbot, session, patient_id) -> DispensingPanel:
    panel = DispensingPanel(session, patient_id)
    qtbot.addWidget(panel)
    panel.resize(1150, 700)
    panel.show()
    return panel


def test_the_history_shows_amounts_signers_cover_and_appointment(qtbot, world, officer_session, monkeypatch):
    fix_today(monkeypatch, dt.date(2026, 11, 20))
    world.dispense(DAY, three_months(world), insurance_fen=12050, next_appointment="2027-02-10")
    panel = make_panel(qtbot, officer_session, world.patient_id)
    assert panel.table_text() == [["2026-11-20", "利培酮片 1mg×20片/盒 9盒；奥氮平片 5mg×14片/盒 6盒", "443.70",
                                   "120.50", "0.00", "0.00", "323.20", "王医生", "李精防", "张大山（监护人）", "有效"]]
    status = panel.status.text()
    assert "可以领药" in status and "约定下次取药：2027-02-10（82 天后）" in status
    cover = panel.cover.text()
    assert "奥氮平 还可用 84 天（可用至（含当日）2027-02-11）" in cover and \
        "利培酮 还可用 90 天（可用至（含当日）2027-02-17）" in cover  # the last day with drug
    assert "尚未打印领药记录" in panel.card_state.text() and "待打印到卡上：1 条记录" in panel.card_state.text()


def test_the_card_pages_printed_are_shown(qtbot, world, officer_session, tmp_path):
    entry = world.dispense(DAY, three_months(world))
    world.void(entry["id"])  # the void entry takes its own line on the card
    result = printing.print_new_card_rows(world.db, world.officer, world.patient_id, tmp_path / "rows.pdf")
    panel = make_panel(qtbot, officer_session, world.patient_id)
    assert "待打印到卡上：2 条记录" in panel.card_state.text()  # printed, not yet confirmed
    printing.confirm_card_rows_printed(world.db, world.officer, world.patient_id, result.row_ids)
    panel.reload()
    text = panel.card_state.text()
    assert "救助卡 油溪镇 0001" in text and "已打印：第二页 2 行" in text and "待打印" not in text


def test_officers_and_admins_dispense_psychiatrists_and_readers_do_not(qtbot, session, world, officer_session,
                                                                       readonly_session):
    assert make_panel(qtbot, officer_session, world.patient_id).buttons["dispense"].isEnabled()
    assert make_panel(qtbot, session, world.patient_id).buttons["dispense"].isEnabled()  # admin
    for who in (session_for(session, world.doctor), readonly_session):
        panel = make_panel(qtbot, who, world.patient_id)
        assert not panel.buttons["dispense"].isEnabled()
        assert panel.buttons["dispense"].toolTip() == "只有精防人员（发药人）或管理员可以登记发药和作废"
        assert not panel.dispense()
    reader = make_panel(qtbot, readonly_session, world.patient_id)
    assert not reader.buttons["card"].isEnabled()


def test_a_refusal_disables_dispensing_with_its_reason(qtbot, world, officer_session):
    cards.report_lost(world.db, world.patient_id, DAY)
    panel = make_panel(qtbot, officer_session, world.patient_id)
    assert "不能领药：2026-12-31：张三 的救助卡已于 2026-11-20 挂失，补发新卡后才能领药" in panel.status.text()
    assert not panel.buttons["dispense"].isEnabled()
    assert panel.buttons["dispense"].toolTip() == (
        "不能领药：2026-12-31：张三 的救助卡已于 2026-11-20 挂失，补发新卡后才能领药（挂失期间费用由患者自负）")


def test_void_and_reentry_through_the_dialogs_are_both_shown(qtbot, world, officer_session):
    """A correction: the wrong entry is voided (with an authoriser's password) and entered again."""
    wrong = world.dispense(DAY, [line(world.risperidone, 9, "2")], next_appointment="2027-02-18")
    panel = make_panel(qtbot, officer_session, world.patient_id)
    assert not panel.buttons["void"].isEnabled()  # nothing selected
    panel.select_entry(wrong["id"])
    assert panel.buttons["void"].isEnabled() and panel.buttons["slip"].isEnabled()

    def void_fill(dialog):
        assert "更正 = 作废 + 重新登记" in dialog.explanation.text()
        assert "利培酮片 1mg×20片/盒 9盒" in dialog.info.text()
        dialog.reason.setText("应为两种药，漏开奥氮平")
        dialog.choose_authoriser(world.admin["id"])
        dialog.password.setText("Cuowu2026x")
        dialog.accept()
        assert dialog.error_text("password") == "作废授权人（陈管理）密码错误，签名无效"
        assert dialog.reason.text() == "应为两种药，漏开奥氮平"  # nothing typed is lost
        dialog.password.setText(ADMIN[1])
        dialog.accept()
        return dialog.accepted_ok
    panel.open_dialog = void_fill
    assert panel.void_selected()
    assert [row[-1] for row in panel.table_text()] == ["作废记录", "已作废"]
    assert panel.table_text()[0][2:7] == ["-166.50", "0.00", "0.00", "0.00", "-166.50"]
    assert "暂无可用药品" in panel.cover.text()
    assert "尚未约定下次取药时间" in panel.status.text()

    def dispense_fill(dialog):  # entered again today, like the void
        dialog.choose_psychiatrist(world.doctor["id"])
        dialog.set_line(0, world.risperidone["id"], 9, "2")
        dialog.add_line(world.olanzapine["id"], 6, "1")
        assert dialog.next_step(), dialog.problems.text()
        dialog.signing.psychiatrist_password.setText(DOCTOR[1])
        dialog.signing.dispenser_password.setText(OFFICER[1])
        sign(qtbot, dialog.signing.pad)
        dialog.signing.confirm()
        qtbot.waitUntil(lambda: dialog.step == DONE, timeout=10_000)
        dialog.accept()
        return True
    panel.open_dialog = dispense_fill
    assert panel.dispense()
    rows = panel.table_text()
    assert [row[-1] for row in rows] == ["有效", "作废记录", "已作废"]
    assert rows[0][1] == "利培酮片 1mg×20片/盒 9盒；奥氮平片 5mg×14片/盒 6盒"
    assert [row[8] for row in rows] == ["李精防", "陈管理", "李精防"]
    original = dispensing.get(world.db, wrong["id"])
    assert original["voided_by"] and dispensing.verify(world.db, wrong["id"])
    panel.select_entry(wrong["id"])
    assert not panel.buttons["void"].isEnabled()  # already voided


def test_printing_from_the_panel_runs_in_the_background_and_shows_the_pages(qtbot, world, officer_session,
                                                                            tmp_path, monkeypatch):
    from clinic_app.ui.dispensing.printing import CardPrinter
    from tests.ui.print_support import answer_previews

    previews = answer_previews(monkeypatch, tmp_path)
    monkeypatch.setattr(CardPrinter, "ask_printed", lambda self, question, result: True)
    entry = world.dispense(DAY, three_months(world))
    panel = make_panel(qtbot, officer_session, world.patient_id)
    panel.select_entry(entry["id"])
    assert panel.print_slip()
    qtbot.waitUntil(lambda: not panel.printer.busy, timeout=20_000)
    assert "领药单已送往打印机" in panel.print_state.text()
    assert panel.print_new_rows()
    qtbot.waitUntil(lambda: "已登记" in panel.print_state.text(), timeout=20_000)
    qtbot.waitUntil(lambda: "已打印：第二页 1 行" in panel.card_state.text(), timeout=20_000)
    opened = len(previews.opened)
    assert not panel.print_new_rows()  # nothing new: said before anything is drawn or asked
    assert "没有待打印的新记录" in panel.print_state.text() and len(previews.opened) == opened
    assert panel.print_card()
    qtbot.waitUntil(lambda: not panel.printer.busy, timeout=20_000)
    assert previews.titles[-1] == "打印预览：救助卡（整本）" and len(previews.printed) == 3


def test_the_patient_page_has_a_dispensing_tab(qtbot, world, officer_session):
    world.dispense(DAY, three_months(world))
    page = PatientPage(officer_session, world.patient_id)
    qtbot.addWidget(page)
    titles = [page.tabs.tabText(i) for i in range(page.tabs.count())]
    assert titles[-1] == "领药记录"
    assert page.dispensing.table_text()[0][-1] == "有效"


def test_an_inactive_officer_is_not_offered_as_dispenser_or_authoriser(qtbot, world, officer_session):
    from clinic_app.ui.dispensing.signing import dispensers
    from clinic_app.ui.dispensing.void_dialog import authorisers

    accounts.update_user(world.db, world.officer2["id"], active=False)
    names = {u["display_name"] for u in dispensers(world.db)}
    assert "赵发药" not in names and {"李精防", "陈管理"} <= names
    assert all(u["role"] in (roles.ADMIN, roles.OFFICER) for u in authorisers(world.db))


def test_after_a_void_the_patient_page_shows_the_freed_cover_of_the_later_collection(qtbot, world, officer_session,
                                                                                   monkeypatch):
    fix_today(monkeypatch, dt.date(2026, 12, 20))
    first = world.dispense(DAY, [line(world.risperidone, 6, "2")])        # 60 days: to 2027-01-18
    world.dispense("2026-12-01", [line(world.risperidone, 3, "2")])       # pushed behind: to 2027-02-17
    panel = make_panel(qtbot, officer_session, world.patient_id)
    assert "利培酮 还可用 60 天（可用至（含当日）2027-02-17）" in panel.cover.text()
    world.void(first["id"], date="2026-12-20")
    panel.reload()
    assert "利培酮 还可用 11 天（可用至（含当日）2026-12-30）" in panel.cover.text()


def test_void_refusals_land_at_the_reason_and_the_entry(qtbot, world, officer_session):
    entry = world.dispense(DAY, [line(world.risperidone, 3, "1")])
    dialog = VoidDialog(officer_session, entry["id"])
    qtbot.addWidget(dialog)
    dialog.password.setText(OFFICER[1])
    dialog.accept()
    assert dialog.error_text("reason") == "请写明作废原因"
    assert dialog.error_text("password") == "" and dialog.error_text() == ""
    world.void(entry["id"])                              # voided meanwhile, at another computer
    dialog.reason.setText("重复登记")
    dialog.accept()
    assert dialog.error_text("entry") == "该领药记录已作废"
    assert dialog.error_text("reason") == "" and not dialog.accepted_ok
