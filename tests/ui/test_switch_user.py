"""切换用户 on the lock screen: the next shift logs in as themselves without the last user's
password; it is audited as a switch; the last user's windows are closed, never shown again, and
the main window is rebuilt for the new user's role."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction

from clinic_app.domain import roles
from clinic_app.storage import accounts, audit
from tests.enrolment_data import add_patient

DOCTOR = ("wang", "Yisheng2026x", "王医生")
SHOTS = Path("/tmp/shots")


def locked_window(qtbot, session):
    from clinic_app.ui.main_window import MainWindow
    from clinic_app.ui.style import style_sheet

    window = MainWindow(session)
    window.setStyleSheet(style_sheet())   # as the program looks (the test's app has no style sheet)
    qtbot.addWidget(window)
    window.resize(1000, 640)
    window.show()
    return window


def test_the_next_shift_switches_user_on_the_lock_screen_and_the_last_users_windows_close(qtbot, session):
    from clinic_app.ui.patients.page import PatientPage

    db = session.db
    doctor = accounts.create_user(db, *DOCTOR[:2], roles.PSYCHIATRIST, DOCTOR[2])
    pid = add_patient(db, name="张三")
    window = locked_window(qtbot, session)
    window.patient_list.search.setText("张三")
    window.patient_list.search_now()
    page = window.patient_list.open_patient(pid)
    stock = window.open_stock()
    assert page.isVisible() and stock.isVisible()
    assert window.accounts_action.isEnabled()   # the administrator's menus

    window.lock()
    screen = window.lock_screen
    assert window.locked and not page.isVisible() and not stock.isVisible()
    assert screen.switch_button.isVisible() and screen.switch_button.text() == "切换用户…"
    SHOTS.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(SHOTS / "lock_screen.png"))
    qtbot.mouseClick(screen.switch_button, Qt.LeftButton)
    assert screen.switch_box.isVisible() and screen.switch_username.hasFocus() or \
        window.focusWidget() is screen.switch_username
    qtbot.keyClicks(screen.switch_username, DOCTOR[0])
    qtbot.keyClick(screen.switch_username, Qt.Key_Return)     # Enter goes on to the password
    assert window.focusWidget() is screen.switch_password
    qtbot.keyClicks(screen.switch_password, DOCTOR[1])
    window.grab().save(str(SHOTS / "lock_switch_user.png"))
    qtbot.keyClick(screen.switch_password, Qt.Key_Return)     # and Enter logs in

    assert not window.locked and window.session.user["id"] == doctor["id"]
    assert window.who_label.text() == "用户：王医生（精神科医师）"
    # nothing of the last user's stays: his windows are closed and not shown again
    assert not page.isVisible() and not stock.isVisible()
    assert window.stock_window is None and window.patient_list.search.text() == ""
    window.unlock()
    assert not page.isVisible() and not stock.isVisible()
    # the menus are the psychiatrist's, the administrator's are gone
    assert not window.accounts_action.isEnabled()
    qtbot.wait(10)
    assert [a.isEnabled() for a in window.findChildren(QAction) if a.text() == "用户管理…"] == [False]
    assert window.patient_list.new_button.isEnabled() == roles.can_edit_patients(roles.PSYCHIATRIST)
    # audited as a switch, naming both
    row = next(r for r in audit.recent(db, 5) if r["action"] == audit.SWITCH_USER)
    assert row["username"] == DOCTOR[0] and row["summary"] == f"tester 锁屏后切换为 {DOCTOR[0]}"
    assert audit.ACTION_LABELS[audit.SWITCH_USER] == "切换用户"
    assert audit.verify(db).ok


def test_a_wrong_password_leaves_the_screen_locked_and_counts_as_a_failed_login(qtbot, session):
    db = session.db
    accounts.create_user(db, *DOCTOR[:2], roles.PSYCHIATRIST, DOCTOR[2])
    window = locked_window(qtbot, session)
    window.lock()
    screen = window.lock_screen
    screen.show_switch()
    screen.switch_username.setText(DOCTOR[0])
    screen.switch_password.setText("wrong-password")
    assert not screen.try_switch()
    assert window.locked and window.session.user["username"] == "tester"
    assert "密码错误" in screen.switch_message.text() or "用户名或密码错误" in screen.switch_message.text()
    assert accounts.get(db, accounts.list_users(db)[-1]["id"])["failed_attempts"] == 1
    assert not any(r["action"] == audit.SWITCH_USER for r in audit.recent(db, 10))
    # 返回 goes back to the unlock field, and the last user's own password still unlocks
    qtbot.mouseClick(screen.cancel_switch, Qt.LeftButton)
    assert not screen.switch_box.isVisible()
    screen.password.setText("Passw0rd!x")
    assert screen.try_unlock() and not window.locked
