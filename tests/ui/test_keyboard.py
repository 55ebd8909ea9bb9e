"""Keyboard-first entry on the real dialogs: Tab reaches every field staff type into, in reading
order, and nothing read-only or disabled; the cursor is in the first field on open; Enter saves
or goes on where a user expects it to."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QDialog, QWizard

from clinic_app.domain import patient_fields as pf
from clinic_app.domain import programme_status as ps
from clinic_app.domain import settings_spec
from clinic_app.storage import agreements, applications, catalogue, programme, stock
from tests.dispensing_data import DOCTOR, OFFICER
from tests.enrolment_data import add_patient, approve, full_documents

from .dispensing_support import _dispensing_setup, officer_session, open_dialog, sign, world  # noqa: F401
from .keyboard_support import assert_first_focus, assert_reading_order, assert_tab_order, focused, tab_chain


def shown(qtbot, dialog):
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


# --- 新建患者 / 编辑患者 -----------------------------------------------------------------------------

def declared_inputs(form) -> list:
    """The form's inputs in the declared order of ``patient_fields``, group by group as laid out,
    a row of tick boxes box by box, 同户患者 after the residence group; the photo is its buttons."""
    order = []
    for group in pf.GROUPS:
        for field in (f for f in pf.ALL_FIELDS if f.group == group):
            widget = form.field_widget(field.key)
            if field.kind == pf.MULTI:
                order += widget.findChildren(QCheckBox)
            elif field.kind != pf.IMAGE:
                order.append(widget)
        if group == pf.GROUP_RESIDENCE:
            order.append(form.household.search)
    return order


def test_a_new_patient_form_opens_in_the_name_and_tabs_through_every_field_in_reading_order(qtbot, session):
    from clinic_app.ui.patients.form import PatientForm

    form = shown(qtbot, PatientForm(session))
    assert_first_focus(form, form.field_widget("name"))
    expected = declared_inputs(form)
    assert len(expected) > 30
    assert_tab_order(form, expected)
    assert_reading_order(form.scroll.widget(), expected)


def test_the_edit_form_has_the_same_order_and_enter_moves_on_without_saving(qtbot, session, make_patient):
    from clinic_app.ui.patients.form import PatientForm
    from tests.ui.conftest import make_id

    pid = make_patient("张三", make_id())
    form = shown(qtbot, PatientForm(session, pid))
    assert_first_focus(form, form.field_widget("name"))
    assert_tab_order(form, declared_inputs(form))
    qtbot.keyClick(form.field_widget("name"), Qt.Key_Return)
    assert focused(form) is form.field_widget("id_number")
    assert form.isVisible() and form.saved_patient_id is None


# --- 发药 ---------------------------------------------------------------------------------------

def test_dispensing_tabs_through_each_lines_drug_quantity_and_daily_dose_never_a_read_only_cell(
        qtbot, world, officer_session):
    dialog = open_dialog(qtbot, officer_session, world.patient_id)
    assert_first_focus(dialog, dialog.date)
    dialog.set_line(0, world.risperidone["id"], 3, "1")
    dialog.add_line(world.olanzapine["id"], 2, "1")
    rows = dialog.table.rows
    expected = [dialog.date, dialog.psychiatrist,
                rows[0].spec, rows[0].packs, rows[0].dose, rows[1].spec, rows[1].packs, rows[1].dose,
                dialog.costs.insurance, dialog.costs.relief, dialog.appointment]
    chain = assert_tab_order(dialog, expected)
    assert dialog.table not in chain and rows[0].remove not in chain
    assert dialog.add_button in chain and dialog.next_button in chain
    # the key itself, as the user presses it: from 数量 to 每日用量, then to the next line's drug
    rows[0].packs.setFocus()
    qtbot.keyClick(rows[0].packs, Qt.Key_Tab)
    assert focused(dialog) is rows[0].dose
    qtbot.keyClick(rows[0].dose, Qt.Key_Tab)
    assert focused(dialog) is rows[1].spec


def test_a_line_added_or_removed_by_keyboard_keeps_the_tab_order(qtbot, world, officer_session):
    dialog = open_dialog(qtbot, officer_session, world.patient_id)
    with qtbot.waitActive(dialog):   # Ctrl+Shift+Delete is the window's shortcut
        dialog.activateWindow()
    dialog.add_button.setFocus()
    qtbot.keyClick(dialog.add_button, Qt.Key_Return)   # Enter on 添加药品 adds a line
    rows = list(dialog.table.rows)
    assert len(rows) == 2 and focused(dialog) is rows[1].spec
    rows[0].dose.setFocus()
    qtbot.keyClick(rows[0].dose, Qt.Key_Tab)
    assert focused(dialog) is rows[1].spec
    rows[0].packs.setFocus()
    qtbot.keyClick(rows[0].packs, Qt.Key_Delete, Qt.ControlModifier | Qt.ShiftModifier)  # removes the line
    assert dialog.table.rows == [rows[1]] and focused(dialog) is rows[1].spec
    assert_tab_order(dialog, [dialog.date, dialog.psychiatrist, rows[1].spec, rows[1].packs, rows[1].dose,
                              dialog.costs.insurance, dialog.costs.relief, dialog.appointment])


def test_enter_in_a_prescription_field_moves_on_and_never_goes_to_signing(qtbot, world, officer_session):
    from clinic_app.ui.dispensing.dialog import FORM, SIGNING

    dialog = open_dialog(qtbot, officer_session, world.patient_id)
    dialog.choose_psychiatrist(world.doctor["id"])
    row = dialog.set_line(0, world.risperidone["id"], 3, "1")
    assert dialog.next_button.isEnabled()
    row.dose.setFocus()
    qtbot.keyClick(row.dose, Qt.Key_Return)
    assert dialog.step == FORM and focused(dialog) is not row.dose
    dialog.next_button.setFocus()
    qtbot.keyClick(dialog.next_button, Qt.Key_Return)   # Enter on 下一步 goes on, as a click does
    assert dialog.step == SIGNING


def prescribed(qtbot, dialog, world):
    dialog.choose_psychiatrist(world.doctor["id"])
    dialog.set_line(0, world.risperidone["id"], 3, "1")
    assert dialog.next_step()


def test_signing_opens_in_the_psychiatrists_password_and_enter_confirms(qtbot, world, officer_session):
    from clinic_app.ui.dispensing.dialog import DONE, SIGNING

    dialog = open_dialog(qtbot, officer_session, world.patient_id)
    prescribed(qtbot, dialog, world)
    page = dialog.signing
    assert dialog.step == SIGNING
    assert_first_focus(dialog, page.psychiatrist_password)
    # with a guardian: 患者本人签名 may be ticked, its reason is typed only once it is
    assert_tab_order(dialog, [page.psychiatrist_password, page.dispenser, page.dispenser_password, page.self_sign])
    # Enter with a signature missing: refused at the field, nothing saved
    qtbot.keyClicks(page.psychiatrist_password, DOCTOR[1])
    qtbot.keyClick(page.psychiatrist_password, Qt.Key_Return)
    assert dialog.step == SIGNING and page.error_text("dispenser") and dialog.entry is None
    qtbot.keyClicks(page.dispenser_password, OFFICER[1])
    sign(qtbot, page.pad)
    qtbot.keyClick(page.dispenser_password, Qt.Key_Return)
    qtbot.waitUntil(lambda: dialog.step == DONE, timeout=10_000)
    assert dialog.entry is not None


def test_signing_for_a_patient_without_guardian_tabs_to_the_reason(qtbot, session, world):
    from tests.dispensing_data import enrolled_patient

    from .dispensing_support import session_for

    pid = enrolled_patient(world.db, guardian=False)
    dialog = open_dialog(qtbot, session_for(session, world.officer), pid)
    prescribed(qtbot, dialog, world)
    page = dialog.signing
    assert not page.self_sign.isEnabled()
    assert_tab_order(dialog, [page.psychiatrist_password, page.dispenser, page.dispenser_password, page.reason])


# --- enrolment --------------------------------------------------------------------------------

def document_inputs(table) -> list:
    return [w for boxes in table.boxes.values() for w in boxes if w.isEnabled()]


def test_the_application_tabs_through_received_date_documents_row_by_row_and_the_opinion(qtbot, session):
    from clinic_app.ui.enrolment.application_dialogs import ApplicationDialog

    pid = add_patient(session.db)
    dialog = shown(qtbot, ApplicationDialog(session, pid))
    assert_first_focus(dialog, dialog.received)
    documents = document_inputs(dialog.documents)
    assert len(documents) >= 15   # three per document asked of him
    assert_tab_order(dialog, [dialog.received, *documents, dialog.village_opinion, dialog.village_date])
    assert_reading_order(dialog, documents)


def test_the_reviews_tab_through_their_fields_and_enter_records_the_review(qtbot, session):
    from clinic_app.ui.enrolment.application_dialogs import (FinalReviewDialog, InitialReviewDialog,
                                                             SendToOfficeDialog)

    db = session.db
    pid = add_patient(db)
    application = applications.create(db, pid, "2026-11-10", full_documents())
    initial = shown(qtbot, InitialReviewDialog(session, pid, application))
    documents = document_inputs(initial.documents)
    assert_first_focus(initial, documents[0])
    passed = initial.decisions["passed"]
    assert_tab_order(initial, [*documents, passed, initial.reviewer, initial.date, initial.reason,
                               initial.late_reason])   # today is past the initial review's due day
    initial.date.setText("2026-11-12")
    assert_tab_order(initial, [*documents, passed, initial.reviewer, initial.date, initial.reason])
    initial.choose("passed")
    qtbot.keyClick(initial.reviewer, Qt.Key_Return)   # Enter records the review
    assert initial.result() == QDialog.Accepted
    application = applications.latest(db, pid)
    assert application["initial_decision"] == "passed"

    send = shown(qtbot, SendToOfficeDialog(session, pid, application))
    assert_first_focus(send, send.date)
    final = shown(qtbot, FinalReviewDialog(session, pid, application))
    approved = final.decisions["approved"]
    assert_first_focus(final, approved)
    assert_tab_order(final, [approved, final.reviewer, final.date, final.reason])


def test_status_dialogs_tab_through_date_reason_and_note_and_enter_saves(qtbot, world, officer_session):
    from clinic_app.ui.enrolment.status_dialog import StatusChangeDialog

    pid = world.patient_id
    leave = shown(qtbot, StatusChangeDialog(officer_session, pid, ps.LEAVE))
    assert_first_focus(leave, leave.date)
    assert_tab_order(leave, [leave.date, leave.reason, leave.note])
    review = shown(qtbot, StatusChangeDialog(officer_session, pid, ps.ANNUAL_REVIEW))
    assert_tab_order(review, [review.date, review.eligible["yes"], review.note])
    admit = shown(qtbot, StatusChangeDialog(officer_session, pid, ps.ADMITTED))
    assert_first_focus(admit, admit.date)
    assert_tab_order(admit, [admit.date, admit.note])
    admit.date.setText("2026-11-25")
    admit.note.setText("区精神卫生中心住院")
    qtbot.keyClick(admit.note, Qt.Key_Return)
    assert admit.result() == QDialog.Accepted
    assert programme.status(world.db, pid) == ps.PAUSED
    # a hospital stay of a patient without a place has the same two fields
    other = add_patient(world.db)
    stay = shown(qtbot, StatusChangeDialog(officer_session, other, ps.ADMITTED))
    assert_tab_order(stay, [stay.date, stay.note])


def test_the_agreement_tabs_from_clinic_to_signing_date_and_a_stored_one_has_no_read_only_stop(
        qtbot, session, world):
    from clinic_app.ui.enrolment.agreement_dialog import SIGN, VIEW, AgreementDialog

    pid = add_patient(world.db)
    approve(world.db, pid)
    dialog = shown(qtbot, AgreementDialog(session, pid, SIGN))
    assert_first_focus(dialog, dialog.clinic)
    assert_tab_order(dialog, [dialog.clinic, dialog.signed])
    assert agreements.latest(world.db, world.patient_id) is not None
    stored = shown(qtbot, AgreementDialog(session, world.patient_id, VIEW))
    assert stored.signed.isReadOnly()
    assert_first_focus(stored, stored.print_button)
    assert stored.signed not in tab_chain(stored, stored.print_button)


def test_the_risk_assessment_tabs_from_the_level_to_the_note(qtbot, world, officer_session):
    from clinic_app.ui.enrolment.risk_dialogs import RiskDialog

    dialog = shown(qtbot, RiskDialog(officer_session, world.patient_id))
    assert_first_focus(dialog, dialog.levels[0])
    assert_tab_order(dialog, [dialog.levels[0], dialog.date, dialog.assessor, dialog.note])


# --- stock, catalogue, accounts, settings --------------------------------------------------------

def test_a_stock_receipt_tabs_through_its_fields_and_enter_books_it(qtbot, world, officer_session):
    from clinic_app.ui.stock_window import ReceiveDialog

    dialog = shown(qtbot, ReceiveDialog(officer_session, world.risperidone["id"]))
    assert_first_focus(dialog, dialog.spec)
    assert_tab_order(dialog, [dialog.spec, dialog.batch_no, dialog.expiry, dialog.packs, dialog.received,
                              dialog.supplier, dialog.note])
    qtbot.keyClicks(dialog.batch_no, "K2026")
    dialog.expiry.setText("2028-01-31")
    qtbot.keyClick(dialog.batch_no, Qt.Key_Return)
    assert dialog.result() == QDialog.Accepted and dialog.result_value["batch_no"] == "K2026"
    assert any(b["batch_no"] == "K2026" for e in stock.on_hand(world.db, on=None) for b in e["batches"])


def test_a_new_specification_tabs_through_its_fields(qtbot, session):
    from clinic_app.ui.spec_dialog import SpecDialog

    drug = dict(next(session.db.query("SELECT * FROM drugs WHERE id = 7")))
    dialog = shown(qtbot, SpecDialog(session, drug))
    assert_first_focus(dialog, dialog.name)
    assert_tab_order(dialog, [dialog.name, dialog.strength, dialog.unit, dialog.units_per_pack, dialog.pack_unit,
                              dialog.pays, dialog.price, dialog.price_date])


def test_the_catalogue_tabs_from_the_list_into_the_spec_and_price_and_enter_sets_the_price(qtbot, session, world):
    from clinic_app.ui.catalogue_dialog import CatalogueDialog

    dialog = shown(qtbot, CatalogueDialog(session))
    assert_first_focus(dialog, dialog.tree)
    dialog.select_spec(world.risperidone["id"])
    assert_tab_order(dialog, [dialog.show_retired, dialog.tree, *dialog.edit_fields(), *dialog.price_fields(),
                              dialog.history.tabBar()])
    dialog.price.setFocus()
    qtbot.keyClicks(dialog.price, "19.20")
    dialog.price_date.setText("2027-01-01")
    qtbot.keyClick(dialog.price, Qt.Key_Return)
    assert dialog.price_message.text() == ""
    assert catalogue.price_on(world.db, world.risperidone["id"], "2027-01-02") == 1920
    assert dialog.isVisible()


def test_accounts_tab_from_the_user_list_out_to_the_role_and_a_new_user_is_typed_in_order(qtbot, session):
    from clinic_app.ui.accounts_dialog import AccountsDialog, UserEditor

    dialog = shown(qtbot, AccountsDialog(session))
    assert_tab_order(dialog, [dialog.table, dialog.role_combo], allow=(dialog.table,))
    editor = shown(qtbot, UserEditor(dialog))
    assert_first_focus(editor, editor.username)
    assert_tab_order(editor, [editor.username, editor.display_name, editor.role, editor.password, editor.confirm])
    for field, text in ((editor.username, "xiaoli"), (editor.display_name, "xiao li"),
                        (editor.password, "Qingshan2026"), (editor.confirm, "Qingshan2026")):
        qtbot.keyClicks(field, text)
    qtbot.keyClick(editor.confirm, Qt.Key_Return)
    assert editor.result() == QDialog.Accepted


def test_settings_tab_in_the_declared_order_of_the_settings(qtbot, session):
    from clinic_app.ui.settings_dialog import SettingsDialog

    dialog = shown(qtbot, SettingsDialog(session))
    declared = [dialog.inputs[s.key] for s in settings_spec.SETTINGS if s.kind]
    assert len(declared) > 10
    assert_first_focus(dialog, declared[0])
    assert_tab_order(dialog, declared)
    assert_reading_order(dialog, declared)


# --- logging in, first start ---------------------------------------------------------------------

def test_login_starts_in_the_user_name_and_enter_logs_in(qtbot, session, monkeypatch):
    from clinic_app.ui.login import LoginDialog

    dialog = shown(qtbot, LoginDialog(session.db, "油溪（中心）卫生院"))
    assert_first_focus(dialog, dialog.username)
    assert_tab_order(dialog, [dialog.username, dialog.password])
    qtbot.keyClicks(dialog.username, "tester")
    qtbot.keyClicks(dialog.password, "Passw0rd!x")
    qtbot.keyClick(dialog.password, Qt.Key_Return)
    assert dialog.result() == QDialog.Accepted and dialog.user["username"] == "tester"


def test_the_first_start_wizard_starts_in_each_pages_field_and_enter_goes_to_the_next_page(qtbot, fresh_db):
    from clinic_app.ui.wizard import FirstStartWizard

    wizard = shown(qtbot, FirstStartWizard(fresh_db))
    qtbot.keyClick(wizard, Qt.Key_Return)
    assert wizard.currentPage() is wizard.clinic_page
    assert_first_focus(wizard, wizard.clinic_page.combo)
    qtbot.keyClick(wizard.clinic_page.combo, Qt.Key_Return)
    page = wizard.admin_page
    assert wizard.currentPage() is page
    assert_first_focus(wizard, page.username)
    assert_tab_order(wizard, [page.username, page.display_name, page.password, page.confirm])
    page.display_name.setText("张医生")
    qtbot.keyClicks(page.password, "Qingshan2026")
    qtbot.keyClicks(page.confirm, "Qingshan2026")
    qtbot.keyClick(page.confirm, Qt.Key_Return)   # Enter on the last page finishes
    assert wizard.result() == QDialog.Accepted and wizard.user["role"] == "admin"
    assert wizard.button(QWizard.FinishButton) is not None
