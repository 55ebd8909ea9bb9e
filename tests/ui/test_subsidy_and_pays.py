"""The dispensing dialog says who pays: why the 残联 subsidy is what it is, and which fund pays
each line; the administrator's controls for the subsidy categories and a spec's 支付."""
from __future__ import annotations

from clinic_app.storage import settings
from clinic_app.ui.dispensing import DispensingDialog

from .dispensing_support import _dispensing_setup, officer_session, world  # noqa: F401

DAY = "2026-11-20"
CERT_ID = "50038119800101123X"


def open_dialog(qtbot, session, patient_id) -> DispensingDialog:
    dialog = DispensingDialog(session, patient_id)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.date.setText(DAY)
    return dialog


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
