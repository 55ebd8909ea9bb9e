"""The dispensing dialog on real widgets: the new-user path from prescription to three signatures,
every rule shown as it is typed, refusals at their fields, and printing afterwards."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from clinic_app.storage import audit, dispensing, programme, settings
from clinic_app.ui.dispensing import DispensingDialog, DispensingPanel
from clinic_app.ui.dispensing.dialog import DONE, FORM, SIGNING
from clinic_app.ui.dispensing.lines import DAYS, MAX, TOTAL, UNITS, UNTIL
from tests.dispensing_data import DOCTOR, OFFICER, enrolled_patient, line

from .dispensing_support import _dispensing_setup, officer_session, open_dialog, sign, world  # noqa: F401

DAY = "2026-11-20"


def prescribe_three_months(dialog, world) -> None:
    dialog.choose_psychiatrist(world.doctor["id"])
    dialog.set_line(0, world.risperidone["id"], 9, "2")
    dialog.add_line(world.olanzapine["id"], 6, "1")


def wait_done(qtbot, dialog) -> None:
    qtbot.waitUntil(lambda: not dialog.signing.busy, timeout=10_000)


def test_the_new_user_path_from_prescription_to_three_signatures(qtbot, world, officer_session):
    db = world.db
    dialog = open_dialog(qtbot, officer_session, world.patient_id)
    assert not dialog.banner.isVisible() and dialog.step == FORM
    assert dialog.psychiatrist.currentText() == "王医生"
    # the psychiatrist prescribes two drugs; the first quantity is typed as 10 boxes (100 days)
    dialog.choose_psychiatrist(world.doctor["id"])
    row = dialog.set_line(0, world.risperidone["id"])
    row.packs.clear()
    qtbot.keyClicks(row.packs, "10")
    qtbot.keyClicks(row.dose, "2")
    table = dialog.table
    assert row.packs.value() == 10  # never cut down to the maximum
    assert [table.cell_text(0, c) for c in (UNITS, DAYS, UNTIL, MAX)] == [
        "200 片", "100 天", "2027-02-27", "最多可领 9 盒"]  # the last day with drug
    assert table.cell_is_red(0, MAX) and table.cell_is_red(0, DAYS)
    assert "超过三个月用量：本次最多可领 9 盒（184 片），领药后可用至（含当日）2027-02-27，不得超过 2027-02-19" in \
        dialog.problems.text()
    assert not dialog.next_button.isEnabled()
    assert not dialog.next_step()
    # 90 days are accepted
    row.packs.setValue(9)
    dialog.add_line(world.olanzapine["id"], 6, "1")
    assert [table.cell_text(0, c) for c in (UNITS, DAYS, UNTIL, MAX)] == [
        "180 片", "90 天", "2027-02-17", "最多可领 9 盒"]
    assert not table.cell_is_red(0, MAX)
    assert [table.cell_text(1, c) for c in (UNITS, DAYS, UNTIL, MAX, TOTAL)] == [
        "84 片", "84 天", "2027-02-11", "最多可领 6 盒", "277.20"]
    assert dialog.problems.isHidden()
    # the insurance settlement is typed in yuan; the programme fund pays the rest
    qtbot.keyClicks(dialog.costs.insurance, "120.50")
    amounts = {k: v.text() for k, v in dialog.costs.amounts.items()}
    assert amounts == {"total": "443.70", "insurance": "120.50", "relief": "0.00", "disability": "0.00",
                       "programme": "323.20", "patient": "0.00"}
    split = dialog.costs.split_text()
    assert split[-1] == ["合计", "443.70", "120.50", "0.00", "0.00", "323.20"]
    for line in split[:-1]:  # each line's parts add up to its total, to the fen
        fen = [round(float(v) * 100) for v in line[1:]]
        assert fen[0] == sum(fen[1:])
    assert sum(round(float(line[1]) * 100) for line in split[:-1]) == 44370
    assert dialog.appointment.text() == "2027-02-11"  # the last day of the shortest cover (84 days), a Thursday
    assert dialog.next_button.isEnabled()

    # all three sign
    assert dialog.next_step() and dialog.step == SIGNING
    signing = dialog.signing
    assert "领药总金额 443.70 元" in signing.summary.text()
    assert signing.psychiatrist_name.text() == "王医生"
    assert signing.dispenser.currentData() == world.officer["id"]  # the logged-in officer
    qtbot.keyClicks(signing.psychiatrist_password, DOCTOR[1])
    qtbot.keyClicks(signing.dispenser_password, OFFICER[1])
    assert signing.guardian_label.text() == "监护人 张大山 在下方签名"
    sign(qtbot, signing.pad)
    assert signing.confirm()
    wait_done(qtbot, dialog)
    assert dialog.step == DONE, signing.error_text()

    entry = dialog.entry
    assert entry["total_fen"] == 44370 and entry["insurance_fen"] == 12050 and entry["programme_fen"] == 32320
    assert entry["next_appointment"] == "2027-02-11"
    assert (entry["psychiatrist_name"], entry["dispenser_name"], entry["guardian_name"]) == (
        "王医生", "李精防", "张大山")
    assert entry["guardian_signature"] == signing.pad.to_png()
    assert dispensing.verify(db, entry["id"])
    assert sum(entry[k] for k in ("insurance_fen", "relief_fen", "disability_fen", "programme_fen")) == 44370
    assert "已发药：张三 2026-11-20" in dialog.done_page.title.text()
    assert "个人支付 0.00 元" in dialog.done_page.summary.text()
    assert audit.recent(db, entity="dispensing", entity_id=entry["id"])[0]["user_id"] == world.officer["id"]
    qtbot.mouseClick(dialog.findChild(type(dialog.next_button), "finish"), Qt.LeftButton)
    assert dialog.result() == DispensingDialog.Accepted

    panel = DispensingPanel(officer_session, world.patient_id)
    qtbot.addWidget(panel)
    rows = panel.table_text()
    assert rows == [["2026-11-20", "利培酮片 1mg×20片/盒 9盒；奥氮平片 5mg×14片/盒 6盒", "443.70", "120.50",
                     "0.00", "0.00", "323.20", "王医生", "李精防", "张大山（监护人）", "有效"]]


def fill_and_go_to_signing(qtbot, dialog, world) -> None:
    prescribe_three_months(dialog, world)
    assert dialog.next_step(), dialog.problems.text()


def test_a_wrong_password_is_refused_at_its_field_and_nothing_typed_is_lost(qtbot, world, officer_session):
    dialog = open_dialog(qtbot, officer_session, world.patient_id)
    fill_and_go_to_signing(qtbot, dialog, world)
    signing = dialog.signing
    signing.psychiatrist_password.setText("Cuowu2026x")
    signing.dispenser_password.setText(OFFICER[1])
    sign(qtbot, signing.pad)
    strokes = [list(s) for s in signing.pad.strokes]
    assert signing.confirm()
    wait_done(qtbot, dialog)
    assert dialog.step == SIGNING
    assert signing.error_text("psychiatrist") == "精神科医师（王医生）密码错误，签名无效"
    assert signing.error_text("dispenser") == "" and signing.error_text() == ""
    assert signing.psychiatrist_password.text() == "Cuowu2026x"
    assert signing.dispenser_password.text() == OFFICER[1]
    assert signing.pad.strokes == strokes
    assert world.db["dispensings"].count == 0
    signing.psychiatrist_password.setText(DOCTOR[1])
    signing.dispenser_password.setText("Cuowu2026y")
    signing.confirm()
    wait_done(qtbot, dialog)
    assert signing.error_text("dispenser") == "发药人（李精防）密码错误，签名无效"
    assert signing.error_text("psychiatrist") == ""
    signing.dispenser_password.setText(OFFICER[1])
    signing.confirm()
    wait_done(qtbot, dialog)
    assert dialog.step == DONE and world.db["dispensings"].count == 1


def test_missing_signatures_are_asked_for_at_their_fields(qtbot, world, officer_session):
    dialog = open_dialog(qtbot, officer_session, world.patient_id)
    fill_and_go_to_signing(qtbot, dialog, world)
    signing = dialog.signing
    assert not signing.confirm()
    assert signing.error_text("psychiatrist") == "请精神科医师输入密码签名"
    assert signing.error_text("dispenser") == "请发药人输入密码签名"
    assert signing.error_text("pad") == "请监护人在签名板上签名"
    signing.self_sign.setChecked(True)
    signing.confirm()
    assert signing.error_text("reason") == "患者本人签名时，请写明原因（如：无监护人）"
    assert signing.error_text("pad") == "请患者本人在签名板上签名"
    # the psychiatrist may not also be the dispenser: a second officer signs instead
    signing.dispenser.setCurrentIndex(signing.dispenser.findData(world.officer2["id"]))
    signing.self_sign.setChecked(False)
    signing.psychiatrist_password.setText(DOCTOR[1])
    signing.dispenser_password.setText("Fayao2026xy")
    sign(qtbot, signing.pad)
    signing.confirm()
    wait_done(qtbot, dialog)
    assert dialog.entry["dispenser_name"] == "赵发药"


def test_without_a_guardian_the_patient_signs_with_a_reason(qtbot, world, officer_session):
    pid = enrolled_patient(world.db, guardian=False, name="周六")
    dialog = open_dialog(qtbot, officer_session, pid)
    fill_and_go_to_signing(qtbot, dialog, world)
    signing = dialog.signing
    assert signing.self_sign.isChecked() and not signing.self_sign.isEnabled()
    assert "未登记监护人" in signing.guardian_label.text()
    signing.psychiatrist_password.setText(DOCTOR[1])
    signing.dispenser_password.setText(OFFICER[1])
    sign(qtbot, signing.pad)
    assert not signing.confirm()
    assert signing.error_text("reason").startswith("患者本人签名时，请写明原因")
    signing.reason.setText("无监护人")
    signing.confirm()
    wait_done(qtbot, dialog)
    entry = dialog.entry
    assert (entry["guardian_signer"], entry["guardian_name"], entry["self_sign_reason"]) == (
        dispensing.PATIENT_SELF, "周六", "无监护人")


def test_back_to_the_prescription_keeps_everything_typed(qtbot, world, officer_session):
    dialog = open_dialog(qtbot, officer_session, world.patient_id)
    fill_and_go_to_signing(qtbot, dialog, world)
    dialog.signing.back_button.click()
    assert dialog.step == FORM
    assert dialog.table.lines() == [{"spec_id": world.risperidone["id"], "packs": 9, "daily_dose": "2"},
                                    {"spec_id": world.olanzapine["id"], "packs": 6, "daily_dose": "1"}]


def test_a_patient_who_may_not_collect_gets_a_banner_and_nothing_can_be_typed(qtbot, world, officer_session):
    programme.admit(world.db, world.patient_id, "2026-11-20")
    dialog = open_dialog(qtbot, officer_session, world.patient_id)
    assert dialog.banner.isVisible()
    assert dialog.banner.text() == "不能领药：2026-11-20：张三 住院治疗中（2026-11-20 入院），暂停领药（出院后恢复）"
    assert not dialog.next_button.isEnabled()
    assert not dialog.add_button.isEnabled() and not dialog.costs.insurance.isEnabled()
    assert not dialog.table.rows[0].packs.isEnabled() and not dialog.table.rows[0].spec.isEnabled()
    assert not dialog.next_step()


def test_a_back_dated_collection_on_a_day_in_hospital_is_refused_in_the_dialog(qtbot, world, officer_session):
    programme.admit(world.db, world.patient_id, "2026-12-01", "派出所送治")
    programme.discharge(world.db, world.patient_id, "2026-12-10")
    dialog = open_dialog(qtbot, officer_session, world.patient_id)
    prescribe_three_months(dialog, world)
    assert not dialog.banner.isVisible() and dialog.next_button.isEnabled()
    dialog.date.setText("2026-12-05")  # entered later, dated on a day he was in hospital
    assert dialog.banner.isVisible()
    assert dialog.banner.text() == "不能领药：2026-12-05：张三 住院治疗中（2026-12-01 入院），暂停领药（出院后恢复）"
    assert not dialog.next_button.isEnabled() and not dialog.next_step()
    assert dialog.date.isEnabled()  # the day can be corrected
    dialog.date.setText("2026-12-10")  # discharged that day: may collect
    assert not dialog.banner.isVisible() and dialog.next_button.isEnabled()


def test_the_monthly_cap_refusal_shows_the_amounts(qtbot, world, officer_session):
    settings.put(world.db, "monthly_cap_fen", 10000)
    dialog = open_dialog(qtbot, officer_session, world.patient_id)
    prescribe_three_months(dialog, world)
    assert (("超过每月最大免费服药兜底限额：本次项目资金 443.70 元，按 2.97 个月计（2026年11月 11/30天、12"
            "月 整月、2027年1月 整月、2月 17/28天，不足整月按天数折算，舍去不足1分），上限 297.38 元（每月 100.00 元）")
            in dialog.problems.text())
    assert not dialog.next_button.isEnabled()
    dialog.costs.insurance.setText("200")
    assert dialog.problems.isHidden() and dialog.next_button.isEnabled()
    assert dialog.costs.cap.text() == ("每月最大免费服药兜底限额 100.00 元；本次按 2.97 个月计（2026年11月 11/30天、"
                                       "12月 整月、2027年1月 整月、2月 17/28天），项目资金上限 297.38 元")


def test_the_cap_refusal_names_the_month_already_used_by_another_collection(qtbot, world, officer_session):
    settings.put(world.db, "monthly_cap_fen", 5000)
    world.dispense("2026-12-01", [line(world.risperidone, 1, "20/31")])     # all of December, 18.50 元
    dialog = open_dialog(qtbot, officer_session, world.patient_id)
    dialog.date.setText("2026-12-10")
    dialog.choose_psychiatrist(world.doctor["id"])
    dialog.set_line(0, world.olanzapine["id"], 1, "14/22")                  # 10–31 December, 46.20 元
    dialog.costs.insurance.setText("12")
    assert ("超过每月最大免费服药兜底限额：2026年12月 限额 50.00 元，其他领药已计入 18.50 元，本次将再计入 34.20 元，"
            "合计 52.70 元，超出 2.70 元") in dialog.problems.text()
    assert not dialog.next_button.isEnabled()
    dialog.costs.insurance.setText("15")
    assert dialog.problems.isHidden() and dialog.next_button.isEnabled()


def test_amounts_are_checked_at_their_fields(qtbot, world, officer_session):
    dialog = open_dialog(qtbot, officer_session, world.patient_id)
    prescribe_three_months(dialog, world)
    dialog.costs.insurance.setText("12.345")
    assert dialog.costs.insurance_error.text().startswith("金额“12.345”应为不超过两位小数的非负数")
    assert not dialog.next_button.isEnabled()
    dialog.costs.insurance.setText("400")
    dialog.costs.relief.setText("50")
    assert "医保、民政和残联合计 450.00 元，超过领药总金额 443.70 元" in dialog.problems.text()
    dialog.costs.relief.setText("43.70")
    assert dialog.costs.amounts["programme"].text() == "0.00" and dialog.next_button.isEnabled()


def test_lines_need_a_drug_and_a_dose_and_the_same_spec_only_once(qtbot, world, officer_session):
    dialog = open_dialog(qtbot, officer_session, world.patient_id)
    assert "第1行：请选择药品" in dialog.problems.text()
    dialog.set_line(0, world.risperidone["id"], 3)
    assert "第1行：请填写每日用量" in dialog.problems.text()
    dialog.set_line(0, dose="1.5")
    assert dialog.table.cell_text(0, DAYS) == "40 天"
    dialog.add_line(world.risperidone["id"], 3, "1.5")
    assert "第2行：利培酮片 1mg×20片/盒 重复，请合并为一行" in dialog.problems.text()
    dialog.table.rows[1].remove.click()
    assert len(dialog.table.rows) == 1 and dialog.next_button.isEnabled()


def test_the_next_appointment_follows_the_shortest_cover_until_it_is_typed(qtbot, world, officer_session):
    dialog = open_dialog(qtbot, officer_session, world.patient_id)
    prescribe_three_months(dialog, world)
    assert dialog.appointment.text() == "2027-02-11"
    dialog.set_line(1, packs=2)  # olanzapine 28 days: the last day with drug, Thursday 2026-12-17
    assert dialog.appointment.text() == "2026-12-17"
    dialog.appointment.selectAll()  # the user types over the default
    qtbot.keyClicks(dialog.appointment, "2026-12-15")
    dialog.set_line(1, packs=3)
    assert dialog.appointment.text() == "2026-12-15"
    dialog.appointment.setText("2026-11-20")
    assert dialog.appointment_error.text() == "约定下次取药时间应晚于本次领药日期"
    assert not dialog.next_button.isEnabled()


def test_a_second_collection_shows_what_is_left_of_the_first(qtbot, world, officer_session):
    world.dispense(DAY, [{"spec_id": world.risperidone["id"], "packs": 9, "daily_dose": "2"}])
    dialog = open_dialog(qtbot, officer_session, world.patient_id)
    dialog.date.setText("2026-12-20")
    dialog.set_line(0, world.risperidone["id"], 4, "2")
    assert dialog.table.cell_text(0, MAX) == "最多可领 3 盒"
    assert dialog.table.cell_text(0, UNTIL) == "2027-03-29"  # from 2027-02-18, 40 days: the last day with drug
    assert "本次最多可领 3 盒（60 片）" in dialog.problems.text()
    dialog.set_line(0, packs=3)
    assert dialog.next_button.isEnabled()


@pytest.fixture
def saved(qtbot, world, officer_session):
    dialog = open_dialog(qtbot, officer_session, world.patient_id)
    fill_and_go_to_signing(qtbot, dialog, world)
    dialog.signing.psychiatrist_password.setText(DOCTOR[1])
    dialog.signing.dispenser_password.setText(OFFICER[1])
    sign(qtbot, dialog.signing.pad)
    dialog.signing.confirm()
    wait_done(qtbot, dialog)
    assert dialog.step == DONE
    return dialog


def test_after_saving_the_slip_and_the_new_card_rows_print_off_the_ui_thread(qtbot, saved, tmp_path, monkeypatch):
    from clinic_app.ui.dispensing.printing import CardPrinter
    from tests.ui.print_support import answer_previews

    dialog, db = saved, saved.db
    previews = answer_previews(monkeypatch, tmp_path)
    asked = []
    monkeypatch.setattr(CardPrinter, "ask_printed", lambda self, question, result: asked.append(question) or True)
    page = dialog.done_page
    assert page.print_slip()
    assert not page.slip_button.isEnabled()
    qtbot.waitUntil(lambda: page.slip_button.isEnabled(), timeout=20_000)
    assert "领药单已送往打印机" in page.print_state.text(), page.print_state.text()
    assert previews.titles[0] == "打印预览：领药单"
    assert previews.printed[0].stat().st_size > 1000 and asked == []  # a slip is not confirmed
    assert page.print_new_rows()
    qtbot.waitUntil(lambda: "已登记" in page.print_state.text(), timeout=20_000)
    assert asked == ["新记录是否已正确打印在救助卡上？"]
    prints = [r["summary"] for r in audit.recent(db) if r["action"] == audit.PRINT]
    assert any("打印领药单：张三" in s for s in prints) and any("套打" in s for s in prints)
    assert any("确认救助卡领药记录已正确打印" in s for s in prints)
    assert db.execute("SELECT count(*) FROM card_rows WHERE printed_at IS NOT NULL").fetchone()[0] == 1


def test_a_closed_preview_prints_nothing(qtbot, saved, tmp_path, monkeypatch):
    from tests.ui.print_support import answer_previews

    previews = answer_previews(monkeypatch, tmp_path)
    previews.answer = "close"
    assert saved.done_page.print_new_rows()
    qtbot.waitUntil(lambda: saved.done_page.slip_button.isEnabled(), timeout=20_000)
    assert len(previews.opened) == 1 and previews.printed == []
    assert "未打印" in saved.done_page.print_state.text()
    assert saved.db.execute("SELECT count(*) FROM card_rows WHERE printed_at IS NOT NULL").fetchone()[0] == 0


def test_a_decimal_comma_in_an_amount_is_refused_at_its_field_and_the_text_stays(qtbot, world, officer_session):
    dialog = open_dialog(qtbot, officer_session, world.patient_id)
    prescribe_three_months(dialog, world)
    qtbot.keyClicks(dialog.costs.insurance, "120,5")
    assert dialog.costs.insurance.text() == "120,5"
    assert dialog.costs.insurance_error.isVisibleTo(dialog)
    assert dialog.costs.insurance_error.text() == (
        "金额“120,5”无法识别：小数点请用“.”，如 12.50；千位分隔须每三位一组，如 1,234.50")
    assert not dialog.next_button.isEnabled() and not dialog.next_step()
    dialog.costs.insurance.setText("120.50")
    assert dialog.costs.insurance_error.isHidden() and dialog.next_button.isEnabled()
    assert dialog.costs.amounts["insurance"].text() == "120.50"


# --- issue 8: back-dated collections, the recomputed cover, the default appointment ----------------

def test_a_back_dated_collection_pushing_a_later_one_past_its_limit_is_refused_naming_its_date(
        qtbot, world, officer_session):
    world.dispense("2026-12-10", [{"spec_id": world.risperidone["id"], "packs": 8, "daily_dose": "2"}])
    dialog = open_dialog(qtbot, officer_session, world.patient_id)
    dialog.date.setText("2026-11-25")  # entered later with an earlier date (补录)
    dialog.choose_psychiatrist(world.doctor["id"])
    dialog.set_line(0, world.risperidone["id"], 3, "2")
    assert ("补录后，2026-12-10 的领药将超过三个月用量（可用至（含当日）2027-03-14，不得超过 2027-03-09）"
            "：本次最多可领 2 盒（50 片）") in dialog.problems.text()
    assert dialog.table.cell_text(0, MAX) == "最多可领 2 盒" and dialog.table.cell_is_red(0, MAX)
    assert dialog.table.cell_text(0, UNTIL) == "2026-12-24"  # from its own date: the later one is not in hand
    assert not dialog.next_button.isEnabled() and not dialog.next_step()
    dialog.set_line(0, packs=2)
    assert dialog.problems.isHidden() and dialog.next_button.isEnabled()


def test_the_default_appointment_counts_what_is_left_and_falls_on_a_working_day(qtbot, world, officer_session):
    world.dispense(DAY, [{"spec_id": world.risperidone["id"], "packs": 6, "daily_dose": "2"}])  # to 2027-01-18
    dialog = open_dialog(qtbot, officer_session, world.patient_id)
    dialog.date.setText("2026-12-20")
    dialog.choose_psychiatrist(world.doctor["id"])
    dialog.set_line(0, world.risperidone["id"], 1, "2")  # 10 more days after the 30 left: to 2027-01-28
    assert dialog.table.cell_text(0, UNTIL) == "2027-01-28"
    assert dialog.appointment.text() == "2027-01-28"  # a Thursday
    dialog.add_line(world.olanzapine["id"], 2, "1")  # 28 days: the last one 2027-01-16, a Saturday
    assert dialog.appointment.text() == "2027-01-15"
