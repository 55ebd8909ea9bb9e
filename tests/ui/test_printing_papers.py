"""The patient's papers from the GUI: the approval form (Attachment 4) with its document
checklist page from the patient page (Ctrl+P) and from 受理申请, and an unsigned agreement to
read — printing it records no signing."""
from __future__ import annotations

import pytest

from clinic_app.storage import agreements, audit
from clinic_app.ui.enrolment.application_dialogs import ApplicationDialog
from clinic_app.ui.patients import PatientPage
from tests.documents.pdftools import flat, pages_text
from tests.ui.conftest import make_id
from tests.ui.print_support import answer_previews


def _page(qtbot, session, pid) -> PatientPage:
    page = PatientPage(session, pid)
    qtbot.addWidget(page)
    page.show()
    return page


def test_the_patient_page_prints_the_approval_form_with_ctrl_p(qtbot, session, make_patient, tmp_path, monkeypatch):
    pid = make_patient("王五", make_id("19800101", "123"))
    previews = answer_previews(monkeypatch, tmp_path)
    page = _page(qtbot, session, pid)
    action = page.print_actions["application"]
    assert action.shortcut().toString() == "Ctrl+P" and action.isEnabled()
    assert page.print_actions["card_rows"].shortcut().toString() == "Ctrl+Shift+P"
    assert action in page.print_button.menu().actions()  # shown in the menu with its shortcut
    action.trigger()
    qtbot.waitUntil(lambda: len(previews.printed) == 1 and not page.print_flow.busy, timeout=30_000)
    assert previews.titles == ["打印预览：服药审批表"]
    row = audit.recent(session.db, 1)[0]
    assert (row["action"], row["summary"]) == (audit.PRINT, "打印服药审批表：王五（空白申请）")


def test_the_application_being_taken_prints_its_form_and_checklist_without_saving(qtbot, session, make_patient,
                                                                                 tmp_path, monkeypatch):
    pid = make_patient("赵六", make_id("19750505", "135"))
    previews = answer_previews(monkeypatch, tmp_path)
    dialog = ApplicationDialog(session, pid)
    qtbot.addWidget(dialog)
    dialog.documents.tick("id_cards")
    dialog.village_opinion.setText("情况属实，同意申请")
    assert dialog.print_button.shortcut().toString() == "Ctrl+P"
    assert dialog.print_form()
    qtbot.waitUntil(lambda: len(previews.printed) == 1 and not dialog.print_flow.busy, timeout=30_000)
    assert previews.pages == [2]  # the form and its document checklist
    assert session.db["applications"].count == 0  # printing is not taking the application
    assert "受理中的申请，未保存" in audit.recent(session.db, 1)[0]["summary"]


def test_the_form_printed_is_the_one_saved_as_pdf(qtbot, session, make_patient, tmp_path, monkeypatch):
    from clinic_app.ui.printing.flow import PrintFlow

    pid = make_patient("钱七", make_id("19700303", "157"))
    previews = answer_previews(monkeypatch, tmp_path)
    previews.answer = "save"
    out = tmp_path / "审批表.pdf"
    monkeypatch.setattr(PrintFlow, "choose_save_path", lambda flow, document: str(out))
    monkeypatch.setattr(PrintFlow, "confirm", lambda flow, title, text: False)
    dialog = ApplicationDialog(session, pid)
    qtbot.addWidget(dialog)
    dialog.village_opinion.setText("情况属实，同意申请")
    assert dialog.print_form()
    qtbot.waitUntil(lambda: out.exists() and not dialog.print_flow.busy, timeout=30_000)
    text = flat("".join(pages_text(out)))
    assert "江津区严重精神障碍患者免费服药审批表" in text and "钱七" in text and "情况属实，同意申请" in text


def test_an_unsigned_agreement_prints_for_reading_and_records_no_signing(qtbot, session, tmp_path, monkeypatch):
    from clinic_app.storage import settings
    from tests.enrolment_data import add_patient, approve

    settings.put(session.db, "clinic_code", "youxi")
    monkeypatch.setattr("clinic_app.ui.messages.error", lambda parent, title, text: pytest.fail(text))
    pid = add_patient(session.db, name="孙八")
    approve(session.db, pid)
    previews = answer_previews(monkeypatch, tmp_path)
    page = _page(qtbot, session, pid)
    page.print_actions["agreement"].trigger()
    qtbot.waitUntil(lambda: len(previews.printed) == 1 and not page.print_flow.busy, timeout=30_000)
    assert previews.titles == ["打印预览：服务协议（待签字）"] and previews.pages[0] >= 2  # two copies
    assert agreements.latest(session.db, pid) is None
    row = audit.recent(session.db, 1)[0]
    assert row["summary"].startswith("打印服务协议（待签字，未登记为已签订）：孙八")


def test_a_patient_who_may_not_sign_is_told_why_and_nothing_is_drawn(qtbot, session, make_patient, tmp_path,
                                                                     monkeypatch):
    pid = make_patient("周九", make_id("19660606", "179"))
    previews = answer_previews(monkeypatch, tmp_path)
    errors = []
    monkeypatch.setattr("clinic_app.ui.messages.error", lambda parent, title, text: errors.append((title, text)))
    page = _page(qtbot, session, pid)
    assert page.print_agreement() is False
    assert errors and errors[0][0] == "无法打印服务协议" and "不能打印待签字的协议" in errors[0][1]
    assert previews.opened == []
