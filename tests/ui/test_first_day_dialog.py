"""帮助 → 开始使用 on real widgets: the four steps ticked from the database, each button opening
the dialog where its step is done, and the ticks following as the steps are done there."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication

from clinic_app.domain import roles
from clinic_app.services import accounts as account_services
from clinic_app.storage import clock, first_day

SHOTS = Path("/tmp/shots")


def main_window(qtbot, session):
    from clinic_app.ui.main_window import MainWindow

    window = MainWindow(session)
    qtbot.addWidget(window)
    window.show()
    return window


def when_modal(qtbot, act) -> list:
    """``act(dialog)`` on the modal dialog a button is about to open, once it is up; the dialogs
    seen are returned (the button's ``exec`` returns when ``act`` closes it)."""
    seen: list = []

    def poll():
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(20, poll)
            return
        seen.append(dialog)
        act(dialog)
    QTimer.singleShot(0, poll)
    return seen


def shoot(widget, name: str) -> None:
    """A screenshot with the program's own style sheet (set on the widget, not the test's app)."""
    from clinic_app.ui.style import style_sheet

    SHOTS.mkdir(parents=True, exist_ok=True)
    widget.setStyleSheet(style_sheet())
    widget.resize(780, 560)
    QApplication.processEvents()
    widget.grab().save(str(SHOTS / name))


def marks(checklist) -> dict:
    return {key: label.text() for key, label in checklist.marks.items()}


def test_the_checklist_is_under_help_and_ticks_each_step_as_it_is_done_in_its_dialog(qtbot, session):
    from clinic_app.ui.accounts_dialog import AccountsDialog
    from clinic_app.ui.catalogue_dialog import CatalogueDialog
    from clinic_app.ui.first_day_dialog import DONE_MARK, TODO_MARK
    from clinic_app.ui.patients.form import PatientForm
    from clinic_app.ui.stock_window import ReceiveDialog

    window = main_window(qtbot, session)
    action = next(a for a in window.findChildren(QAction) if a.text() == "开始使用…")
    action.trigger()
    checklist = window.getting_started
    qtbot.addWidget(checklist)
    assert checklist.isVisible() and not checklist.isModal()
    assert marks(checklist) == dict.fromkeys(first_day.STEPS, TODO_MARK)
    assert checklist.progress.text() == "已完成 0 / 4 步"
    assert checklist.focusWidget() is checklist.buttons["accounts"]   # the next step to do

    # 1. accounts: the button opens 用户管理; the psychiatrist and the officer are added there
    def add_accounts(dialog):
        db, me = session.db, session.user
        account_services.create_user(db, me, "wang", "Yisheng2026x", roles.PSYCHIATRIST, "王医生")
        account_services.create_user(db, me, "li", "Jingfang2026x", roles.OFFICER, "李精防")
        dialog.accept()
    seen = when_modal(qtbot, add_accounts)
    checklist.buttons["accounts"].click()
    assert isinstance(seen[0], AccountsDialog)
    assert checklist.marks["accounts"].text() == DONE_MARK and checklist.done_keys() == ["accounts"]
    assert checklist.details["accounts"].text() == "已有精神科医师 1 名、精防人员 1 名"

    # 2. drugs and prices: 药品目录与价格, a specification with its price typed into 新增规格
    def add_spec(dialog):
        dialog.select_drug(7)   # 利培酮

        def fill(spec_dialog):
            spec_dialog.strength.setText("1mg")
            spec_dialog.price.setText("18.50")
            spec_dialog.accept()
            return spec_dialog.accepted_ok
        dialog._run = fill
        assert dialog.open_add_spec() is not None
        dialog.accept()
    seen = when_modal(qtbot, add_spec)
    checklist.buttons["catalogue"].click()
    assert isinstance(seen[0], CatalogueDialog)
    assert checklist.marks["catalogue"].text() == DONE_MARK

    # 3. stock: the stock window opens with its 入库 dialog, which books the delivery
    def receive(dialog):
        dialog.batch_no.setText("K2026")
        dialog.expiry.setText((clock.today() + dt.timedelta(days=400)).isoformat())
        dialog.packs.setValue(30)
        dialog.accept()
    seen = when_modal(qtbot, receive)
    checklist.buttons["stock"].click()
    assert isinstance(seen[0], ReceiveDialog) and seen[0].result_value is not None
    assert window.stock_window.isVisible()
    assert checklist.marks["stock"].text() == DONE_MARK
    assert checklist.progress.text() == "已完成 3 / 4 步"
    shoot(checklist, "checklist_three_done.png")

    # 4. the first patient: 新建患者 opens the form; saving it ticks the last step through the
    #    change it tells, without the checklist being asked
    form = checklist.buttons["patient"].click() or window.patient_list.current_dialog
    assert isinstance(form, PatientForm)
    from tests.enrolment_data import eligible_values

    for key, value in eligible_values(name="张三").items():
        if key in form._editors and value is not None:
            form.set_value(key, value)
    form._confirm = lambda title, text: True
    assert form.save()
    qtbot.waitUntil(lambda: checklist.marks["patient"].text() == DONE_MARK, timeout=3000)
    assert checklist.progress.text() == "已完成 4 / 4 步，可以开始发药了"
    shoot(checklist, "checklist.png")


def test_a_step_undone_elsewhere_loses_its_tick_and_a_reader_cannot_open_the_admin_steps(
        qtbot, session, readonly_session):
    from clinic_app.ui.first_day_dialog import DONE_MARK, TODO_MARK, GettingStartedDialog

    db, me = session.db, session.user
    account_services.create_user(db, me, "wang", "Yisheng2026x", roles.PSYCHIATRIST, "王医生")
    officer = account_services.create_user(db, me, "li", "Jingfang2026x", roles.OFFICER, "李精防")
    window = main_window(qtbot, session)
    checklist = window.open_getting_started()
    qtbot.addWidget(checklist)
    assert checklist.marks["accounts"].text() == DONE_MARK
    account_services.update_user(db, me, officer["id"], active=False)
    qtbot.waitUntil(lambda: checklist.marks["accounts"].text() == TODO_MARK, timeout=3000)
    assert checklist.details["accounts"].text() == "尚无启用的精防人员（发药人）账户"

    reader = GettingStartedDialog(readonly_session, window)
    qtbot.addWidget(reader)
    assert not reader.buttons["accounts"].isEnabled() and not reader.buttons["stock"].isEnabled()
    assert not reader.buttons["patient"].isEnabled()
    assert reader.buttons["catalogue"].isEnabled()   # everyone may look at the catalogue
