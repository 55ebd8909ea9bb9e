"""Small fixes at the desk, on real widgets: the whole-ID-number setting is a checkbox; a weak
password is said under 密码 and a second typing that differs under 再次输入密码; the 民政救助
field's message lies over no field, and fields do not jump when a message comes and goes; the
patient form says which of 贫困情况 / 享受何种政府补贴 the eligibility check uses; a wrong ID check
digit is refused without giving the expected one away."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QCheckBox, QDialogButtonBox, QLineEdit, QSpinBox, QWidget, QWizard

from clinic_app.domain import eligibility, idnumber
from clinic_app.storage import settings
from clinic_app.ui import style

from .conftest import make_id, wrong_check
from .dispensing_support import _dispensing_setup, officer_session, open_dialog, world  # noqa: F401

SHOTS = Path("/tmp/shots")


def rect(widget: QWidget, top: QWidget) -> QRect:
    return QRect(widget.mapTo(top, widget.rect().topLeft()), widget.size())


def leaves(top: QWidget) -> list[QWidget]:
    """The visible widgets that hold no other widget (fields, labels, buttons)."""
    return [w for w in top.findChildren(QWidget)
            if w.isVisibleTo(top) and not [c for c in w.findChildren(QWidget) if c.isVisibleTo(top)]]


def overlapping(label: QWidget, top: QWidget) -> list[str]:
    mine = rect(label, top)
    return [f"{type(w).__name__} {w.objectName()} {getattr(w, 'text', lambda: '')()}"
            for w in leaves(top) if w is not label and rect(w, top).intersects(mine)]


# --- the settings ---------------------------------------------------------------------------------

def test_showing_whole_id_numbers_in_the_ledger_is_a_checkbox(qtbot, session):
    from clinic_app.ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(session)
    qtbot.addWidget(dialog)
    dialog.show()
    box = dialog.inputs["ledger_whole_id_numbers"]
    assert isinstance(box, QCheckBox) and box.text() == "台账中显示完整身份证号"
    assert not box.isChecked()
    assert not any("1是" in w.text() for w in dialog.findChildren(QCheckBox))
    assert all(not isinstance(w, QSpinBox) or w.maximum() != 1 for w in dialog.inputs.values())
    qtbot.mouseClick(box, Qt.LeftButton)
    assert box.isChecked()
    dialog.save()
    assert settings.get(session.db, "ledger_whole_id_numbers") == 1
    again = SettingsDialog(session)
    qtbot.addWidget(again)
    assert again.inputs["ledger_whole_id_numbers"].isChecked()
    again.inputs["ledger_whole_id_numbers"].setChecked(False)
    again.save()
    assert settings.get(session.db, "ledger_whole_id_numbers") == 0


# --- passwords ------------------------------------------------------------------------------------

def _between(label, above, below, top) -> bool:
    """``label`` lies under ``above`` and over ``below`` (when given)."""
    r = rect(label, top)
    return rect(above, top).bottom() < r.top() and (below is None or r.bottom() < rect(below, top).top())


def test_the_first_start_wizard_says_each_password_problem_under_its_field(qtbot, fresh_db):
    from clinic_app.ui.wizard import FirstStartWizard

    wizard = FirstStartWizard(fresh_db)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.next()
    wizard.next()
    page = wizard.admin_page
    page.display_name.setText("王院长")
    page.password.setText("abc1")
    page.confirm.setText("abc1")
    assert not page.validatePage()
    assert page.password_error.text() == "密码至少8位" and page.password_error.isVisible()
    assert page.confirm_error.isHidden() and page.message.text() == ""
    assert _between(page.password_error, page.password, page.confirm, wizard)
    assert overlapping(page.password_error, wizard) == []

    page.password.setText("Yuanzhang2026")
    page.confirm.setText("Yuanzhang2026x")
    assert not page.validatePage()
    assert page.password_error.isHidden()
    assert page.confirm_error.text() == "两次输入的密码不一致" and page.confirm_error.isVisible()
    assert _between(page.confirm_error, page.confirm, None, wizard)

    page.display_name.setText("")
    page.confirm.setText("Yuanzhang2026")
    assert not page.validatePage()
    assert page.display_name_error.text() == "请填写姓名"
    assert _between(page.display_name_error, page.display_name, page.password, wizard)
    page.display_name.setText("王院长")
    assert page.validatePage()
    assert page.display_name_error.isHidden() and page.confirm_error.isHidden()
    assert wizard.button(QWizard.FinishButton).text() == "完成"


def test_a_new_user_s_weak_password_is_said_under_the_password(qtbot):
    from clinic_app.ui.accounts_dialog import UserEditor

    editor = UserEditor(username="li_jf")
    qtbot.addWidget(editor)
    editor.show()
    editor.username.setText("li_jf")
    editor.password.setText("li_jf2026x")
    editor.confirm.setText("li_jf2026x")
    editor.accept()
    assert editor.result() != editor.DialogCode.Accepted
    assert editor.password_error.text() == "密码不能包含用户名"
    assert _between(editor.password_error, editor.password, editor.confirm, editor)
    editor.password.setText("Jingfang2026x")
    editor.confirm.setText("Jingfang2026x")
    editor.accept()
    assert editor.result() == editor.DialogCode.Accepted


# --- the 民政救助 message and fields that do not jump ------------------------------------------------

def _positions(dialog, widgets) -> list[QRect]:
    return [rect(w, dialog) for w in widgets]


def test_the_relief_message_lies_over_no_field_and_nothing_moves(qtbot, world, officer_session, qapp):
    style.apply(qapp)  # the program's own padding and fonts
    dialog = open_dialog(qtbot, officer_session, world.patient_id)
    costs = dialog.costs
    below = [costs.insurance, costs.relief, costs.split, costs.disability_note, dialog.appointment, dialog.next_button]
    qtbot.wait(10)
    before = _positions(dialog, below)
    size_before = dialog.size()

    costs.relief.setText("12,5")            # a decimal comma: refused at the field
    qtbot.wait(10)
    assert costs.relief_error.isVisible() and "12,5" in costs.relief_error.text()
    assert overlapping(costs.relief_error, dialog) == []
    assert rect(costs.relief, dialog).bottom() < rect(costs.relief_error, dialog).top()
    assert _positions(dialog, below) == before and dialog.size() == size_before   # nothing jumped
    costs.insurance.setText("abc")
    qtbot.wait(10)
    assert overlapping(costs.insurance_error, dialog) == [] and overlapping(costs.relief_error, dialog) == []
    assert _positions(dialog, below) == before
    SHOTS.mkdir(parents=True, exist_ok=True)
    dialog.grab().save(str(SHOTS / "dispensing_relief_error.png"))

    costs.relief.setText("30")
    costs.insurance.setText("")
    qtbot.wait(10)
    assert costs.relief_error.isHidden() and costs.insurance_error.isHidden()
    assert _positions(dialog, below) == before                                   # nor when it goes


def test_in_a_narrow_window_the_relief_message_wraps_instead_of_covering_a_field(qtbot, world, officer_session,
                                                                              qapp):
    style.apply(qapp)
    dialog = open_dialog(qtbot, officer_session, world.patient_id)
    dialog.resize(dialog.minimumSizeHint())
    costs = dialog.costs
    costs.relief.setText("12,5")
    costs.insurance.setText("12.345")
    qtbot.wait(10)
    for error in (costs.insurance_error, costs.relief_error):
        assert error.isVisible() and overlapping(error, dialog) == []
    assert rect(costs.insurance_error, dialog).bottom() < rect(costs.relief, dialog).top()


def test_a_refusal_at_a_field_moves_nothing_under_it(qtbot):
    from clinic_app.ui.ledger_closing import ReasonDialog

    dialog = ReasonDialog("2026年第四季度")
    qtbot.addWidget(dialog)
    dialog.show()
    buttons = dialog.findChild(QDialogButtonBox)
    qtbot.wait(10)
    before = (rect(dialog.reason, dialog), rect(buttons, dialog), dialog.size())
    dialog.accept()                                  # blank: refused under the field
    qtbot.wait(10)
    assert dialog.error.isVisible() and dialog.error.text() == "请写明重新开账的原因"
    assert (rect(dialog.reason, dialog), rect(buttons, dialog), dialog.size()) == before
    assert overlapping(dialog.error, dialog) == []
    dialog.error.hide()
    qtbot.wait(10)
    assert (rect(dialog.reason, dialog), rect(buttons, dialog), dialog.size()) == before


# --- the patient form's two questions about money ---------------------------------------------------

def test_the_form_says_which_question_the_eligibility_check_uses(qtbot, session, no_dialogs):
    from clinic_app.ui.patients import PatientForm

    form = PatientForm(session)
    qtbot.addWidget(form)
    form.show()
    poverty, subsidies = form._cells["poverty_statuses"].hint, form._cells["subsidies"].hint
    assert poverty.isVisibleTo(form) and "资格审核按此项判断“贫困”条件" in poverty.text()
    assert subsidies.isVisibleTo(form) and "不用于资格审核" in subsidies.text() and "贫困情况" in subsidies.text()
    assert not form._cells["name"].hint.isVisibleTo(form)           # other fields have no line
    assert rect(form.field_widget("poverty_statuses"), form).bottom() < rect(poverty, form).top()


@pytest.mark.parametrize("poverty, subsidies, counts", [
    (["低保户"], [], True),
    ([], ["属于低保、五保等医疗救助对象", "建卡贫困户"], False),   # the hint is true: subsidies do not count
])
def test_only_the_poverty_question_counts_for_eligibility(poverty, subsidies, counts):
    patient = {"poverty_statuses": poverty, "subsidies": subsidies}
    criterion = next(c for c in eligibility.assess(patient, dt.date(2026, 11, 20)).any_of if c.key == "poverty")
    assert criterion.held is counts


# --- the ID check digit -----------------------------------------------------------------------------

def test_a_wrong_check_digit_is_refused_without_the_right_one(qtbot, session, no_dialogs):
    from clinic_app.ui.patients import PatientForm

    good = make_id("19800101", "123")
    form = PatientForm(session)
    qtbot.addWidget(form)
    form.show()
    form.set_value("id_number", wrong_check(good))
    form.check_field("id_number")
    assert form.error_text("id_number") == idnumber.CHECK_DIGIT_WRONG
    assert good[-1] not in form.error_text("id_number")
    assert isinstance(form.field_widget("id_number"), QLineEdit)
