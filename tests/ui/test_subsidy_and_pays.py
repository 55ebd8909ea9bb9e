"""The dispensing dialog says who pays: why the 残联 subsidy is what it is, and which fund pays
each line; the administrator's controls for the subsidy categories and a spec's 支付."""
from __future__ import annotations

from clinic_app.storage import settings

from .dispensing_support import _dispensing_setup, officer_session, open_dialog, world  # noqa: F401

DAY = "2026-11-20"
CERT_ID = "50038119800101123X"


def prescribe(dialog, world) -> None:
    dialog.choose_psychiatrist(world.doctor["id"])
    dialog.set_line(0, world.risperidone["id"], 9, "2")
    dialog.add_line(world.olanzapine["id"], 6, "1")


def test_the_cost_panel_says_why_a_physical_disability_gets_no_subsidy(qtbot, world, officer_session):
    settings.put(world.db, "disability_subsidy_percent", 50)
    world.db["patients"].update(world.patient_id, {"disability_cert_no": CERT_ID + "42"})
    dialog = open_dialog(qtbot, officer_session, world.patient_id)
    prescribe(dialog, world)
    assert dialog.costs.amounts["disability"].text() == "0.00"
    assert dialog.costs.disability_note.isVisibleTo(dialog)
    assert dialog.costs.disability_note.text() == (
        "残联免费服药资金：残疾证类别为肢体残疾（类别4），残联免费服药补助仅适用于精神残疾（类别6）")
    assert dialog.next_button.isEnabled()   # a note, not a refusal: the programme fund pays


def test_the_cost_panel_shows_the_subsidy_for_a_mental_disability(qtbot, world, officer_session):
    settings.put(world.db, "disability_subsidy_percent", 50)
    world.db["patients"].update(world.patient_id, {"disability_cert_no": CERT_ID + "62"})
    dialog = open_dialog(qtbot, officer_session, world.patient_id)
    prescribe(dialog, world)
    assert dialog.costs.amounts["disability"].text() == "221.85"
    assert "残疾证类别为精神残疾（类别6），享受残联免费服药补助" in dialog.costs.disability_note.text()


def _invega(world) -> dict:
    from tests.dispensing_data import INVEGA, priced_spec

    return priced_spec(world.db, INVEGA, "棕榈酸帕利哌酮注射液", "150mg", 1, 40000, unit="支", pack_unit="支")


def test_each_line_says_which_fund_pays_and_a_self_paid_item_is_refused(qtbot, world, officer_session):
    from clinic_app.ui.dispensing.lines import FUND

    invega = _invega(world)
    dialog = open_dialog(qtbot, officer_session, world.patient_id)
    dialog.choose_psychiatrist(world.doctor["id"])
    dialog.set_line(0, world.risperidone["id"], 9, "2")
    dialog.add_line(invega["id"], 1, "1/30")
    table = dialog.table
    assert table.cell_text(0, FUND) == "免费服药项目支付" and not table.cell_is_red(0, FUND)
    assert table.cell_text(1, FUND) == "自费，项目不支付" and table.cell_is_red(1, FUND)
    assert table.fund_text(1) == "自费药品，不在免费服药项目支付范围（管理员可在药品目录中设为项目支付）"
    assert ("第2行：棕榈酸帕利哌酮注射液 150mg×1支/支 为自费药品，不在免费服药项目支付范围（管理员可在药品目录中设为项目支付）"
            in dialog.problems.text())
    assert not dialog.next_button.isEnabled() and not dialog.next_step()


def test_a_self_paid_item_set_to_be_paid_by_the_administrator_is_paid_in_the_dialog(qtbot, world, officer_session):
    from clinic_app.storage import catalogue
    from clinic_app.ui.dispensing.lines import FUND

    invega = _invega(world)
    catalogue.update_spec(world.db, invega["id"], {"programme_pays": 1}, "2026-11-01", user=world.admin)
    dialog = open_dialog(qtbot, officer_session, world.patient_id)
    dialog.choose_psychiatrist(world.doctor["id"])
    dialog.set_line(0, invega["id"], 1, "1/30")
    assert dialog.table.cell_text(0, FUND) == "免费服药项目支付"
    assert dialog.costs.amounts["programme"].text() == "400.00" and dialog.next_button.isEnabled()


def test_the_administrator_sets_a_self_paid_item_to_be_paid_in_the_catalogue(qtbot, world, session):
    from clinic_app.storage import catalogue, clock
    from clinic_app.ui.catalogue_dialog import PAYS_COLUMN, CatalogueDialog

    invega = _invega(world)
    dialog = CatalogueDialog(session)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.select_spec(invega["id"])
    assert dialog.pays.currentText() == "自费" and dialog.pays.isEnabled()
    assert "附件3列为自费" in dialog.pays_hint.text() and "发药时拒绝" in dialog.pays_hint.text()
    dialog.pays.setCurrentIndex(dialog.pays.findData(1))
    assert "由免费服药项目资金支付" in dialog.pays_hint.text() and "此为管理员设定" in dialog.pays_hint.text()
    dialog.change_date.setText("2027-01-05")   # takes effect later: today it is still 自费
    dialog.save_changes()
    assert dialog.edit_message.text() == ""
    item = next(i for i in dialog._items() if i.data(0, 0x0100) == ("spec", invega["id"]))
    assert item.text(PAYS_COLUMN) == "自费（2027-01-05 起项目支付）"
    assert "自 2027-01-05 起项目支付" in dialog.pays_hint.text()
    assert catalogue.programme_pays_on(world.db, invega["id"], clock.today()) == 0
    assert catalogue.changes(world.db, invega["id"])[-1]["new"] == "项目支付"


def test_a_change_of_who_pays_dated_before_a_recorded_collection_is_refused_at_the_date(
        qtbot, world, session):
    from clinic_app.storage import catalogue
    from clinic_app.ui.catalogue_dialog import CatalogueDialog
    from tests.dispensing_data import line

    world.dispense(DAY, [line(world.risperidone, 9, "2")])
    dialog = CatalogueDialog(session)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.select_spec(world.risperidone["id"])
    dialog.pays.setCurrentIndex(dialog.pays.findData(0))
    dialog.change_date.setText(DAY)
    dialog.save_changes()
    assert "已按项目支付发药记账，改为自费的变更日期应晚于 2026-11-20" in dialog.edit_message.text()
    assert dialog.focusWidget() is dialog.change_date and dialog.pays.currentText() == "自费"
    assert catalogue.spec(world.db, world.risperidone["id"])["programme_pays"] == 1
