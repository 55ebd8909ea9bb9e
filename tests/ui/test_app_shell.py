"""The program's shell on real widgets: first-start wizard, login, lockout, idle lock, admin."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWizard

from clinic_app.storage import accounts, audit, reference, settings
from clinic_app.ui.login import LoginDialog
from clinic_app.ui.main_window import MainWindow
from clinic_app.ui.session import Session
from clinic_app.ui.wizard import FirstStartWizard

PASSWORD = "Qingshan2026"


def _make_admin(db):
    settings.put(db, "clinic_code", "youxi")
    return accounts.create_user(db, "admin", PASSWORD, "admin", "张管理")


def test_wizard_is_chinese_and_creates_clinic_and_admin(qtbot, fresh_db):
    wizard = FirstStartWizard(fresh_db)
    qtbot.addWidget(wizard)
    wizard.show()
    assert wizard.button(QWizard.NextButton).text() == "下一步 >"
    wizard.next()
    wizard.clinic_page.combo.setCurrentIndex(
        wizard.clinic_page.combo.findText("白沙（中心）卫生院"))
    assert "永兴镇" in wizard.clinic_page.detail.text()
    wizard.next()
    page = wizard.admin_page
    page.display_name.setText("王院长")
    page.password.setText("abc")
    page.confirm.setText("abc")
    assert not page.validatePage()
    assert "密码至少" in page.password_error.text()
    page.password.setText(PASSWORD)
    page.confirm.setText(PASSWORD + "x")
    assert not page.validatePage()
    assert "不一致" in page.confirm_error.text()
    page.confirm.setText(PASSWORD)
    wizard.accept()
    assert wizard.result() == wizard.DialogCode.Accepted
    assert wizard.user["role"] == "admin"
    assert settings.get(fresh_db, "clinic_code") == "baisha"
    assert accounts.authenticate(fresh_db, "admin", PASSWORD)["display_name"] == "王院长"


def test_login_refuses_wrong_password_with_message_and_accepts_right_one(qtbot, fresh_db):
    _make_admin(fresh_db)
    dialog = LoginDialog(fresh_db, "油溪（中心）卫生院")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.username, "admin")
    qtbot.keyClicks(dialog.password, "wrong-pass1")
    qtbot.mouseClick(dialog.login_button, Qt.LeftButton)
    assert dialog.user is None
    assert "用户名或密码错误" in dialog.message.text()
    assert dialog.isVisible()
    dialog.password.clear()
    qtbot.keyClicks(dialog.password, PASSWORD)
    qtbot.mouseClick(dialog.login_button, Qt.LeftButton)
    assert dialog.user["username"] == "admin"


def test_login_locks_account_after_repeated_failures(qtbot, fresh_db):
    _make_admin(fresh_db)
    dialog = LoginDialog(fresh_db)
    qtbot.addWidget(dialog)
    dialog.username.setText("admin")
    for _ in range(settings.get(fresh_db, "lockout_threshold")):
        dialog.password.setText("not-it-123")
        dialog.try_login()
    dialog.password.setText(PASSWORD)
    assert not dialog.try_login()
    assert "锁定" in dialog.message.text()


def _window(qtbot, db, idle_ms=None):
    user = _make_admin(db)
    session = Session(db=db, db_path=db.conn.execute("PRAGMA database_list").fetchone()[2],
                      user=user, clinic=reference.clinic(db, "youxi"))
    window = MainWindow(session)
    qtbot.addWidget(window)
    if idle_ms:
        window.idle.set_timeout_ms(idle_ms)
    window.show()
    return window


def test_window_locks_after_idle_time_and_unlocks_with_password(qtbot, fresh_db):
    window = _window(qtbot, fresh_db, idle_ms=200)
    qtbot.waitUntil(lambda: window.locked, timeout=3000)
    assert not window.menuBar().isEnabled()
    assert audit.recent(fresh_db, 1)[0]["action"] == audit.LOCK
    window.lock_screen.password.setText("wrong-one-1")
    assert not window.lock_screen.try_unlock()
    assert window.locked
    assert window.lock_screen.message.text() == "密码错误"
    window.lock_screen.password.setText(PASSWORD)
    assert window.lock_screen.try_unlock()
    assert not window.locked
    assert audit.recent(fresh_db, 1)[0]["action"] == audit.UNLOCK


def test_activity_postpones_the_idle_lock(qtbot, fresh_db):
    window = _window(qtbot, fresh_db, idle_ms=400)
    for _ in range(6):
        qtbot.wait(120)
        qtbot.keyClick(window.patient_list.search, Qt.Key_A)
    assert not window.locked
    qtbot.waitUntil(lambda: window.locked, timeout=3000)


def test_lock_hides_open_patient_dialogs_until_unlocked(qtbot, fresh_db):
    from PySide6.QtWidgets import QDialog

    window = _window(qtbot, fresh_db)
    other = QDialog()
    qtbot.addWidget(other)
    other.show()
    window.lock()
    assert not other.isVisible()
    window.lock_screen.password.setText(PASSWORD)
    window.lock_screen.try_unlock()
    assert other.isVisible()


def test_idle_time_comes_from_the_administrator_setting(qtbot, fresh_db):
    settings.put(fresh_db, "idle_lock_minutes", 3)
    window = _window(qtbot, fresh_db)
    assert window.idle.timer.interval() == 3 * 60_000


def test_administrator_adds_a_user_in_the_accounts_dialog(qtbot, fresh_db):
    from clinic_app.ui.accounts_dialog import AccountsDialog

    window = _window(qtbot, fresh_db)
    dialog = AccountsDialog(window.session)
    qtbot.addWidget(dialog)

    def fill(editor):
        editor.username.setText("jingfang")
        editor.display_name.setText("李精防")
        editor.role.setCurrentIndex(editor.role.findData("officer"))
        editor.password.setText("Yaofang2026k")
        editor.confirm.setText("Yaofang2026k")
        editor.accept()
        return editor.result() == editor.DialogCode.Accepted

    dialog.open_editor = fill
    dialog.add_user()
    assert [u["username"] for u in accounts.list_users(fresh_db)] == ["admin", "jingfang"]
    assert dialog.table.rowCount() == 2
    dialog.table.selectRow(0)
    dialog.toggle_active()
    assert "不能停用当前登录的账户" in dialog.message.text()


def test_settings_dialog_saves_idle_minutes_and_audits(qtbot, fresh_db):
    from clinic_app.ui.settings_dialog import SettingsDialog

    window = _window(qtbot, fresh_db)
    dialog = SettingsDialog(window.session)
    qtbot.addWidget(dialog)
    dialog.inputs["idle_lock_minutes"].setValue(25)
    dialog.save()
    assert settings.get(fresh_db, "idle_lock_minutes") == 25
    assert audit.recent(fresh_db, 1)[0]["summary"] == "修改设置"


def test_read_only_user_cannot_manage_accounts(qtbot, fresh_db):
    window = _window(qtbot, fresh_db)
    reader = accounts.create_user(fresh_db, "chakan", "Kanbiao2026x", "readonly", "赵查看")
    session = Session(db=fresh_db, db_path=window.session.db_path, user=reader,
                      clinic=window.session.clinic)
    other = MainWindow(session)
    qtbot.addWidget(other)
    assert not other.accounts_action.isEnabled()


def test_settings_dialog_takes_money_in_yuan_and_the_card_paper_from_a_list(qtbot, fresh_db):
    from clinic_app.ui.settings_dialog import SettingsDialog

    window = _window(qtbot, fresh_db)
    dialog = SettingsDialog(window.session)
    qtbot.addWidget(dialog)
    dialog.inputs["monthly_cap_fen"].setText("12.3.4")
    dialog.save()
    assert "每月最大免费服药兜底限额" in dialog.message.text()
    assert dialog.inputs["monthly_cap_fen"].text() == "12.3.4"
    dialog.inputs["monthly_cap_fen"].setText("450.50")
    dialog.inputs["card_page_size"].setCurrentText("A4")
    dialog.save()
    assert settings.get(fresh_db, "monthly_cap_fen") == 45050
    assert settings.get(fresh_db, "card_page_size") == "A4"


def test_settings_dialog_refuses_a_decimal_comma_naming_the_setting_and_keeps_the_text(qtbot, fresh_db):
    from clinic_app.ui.settings_dialog import SettingsDialog

    window = _window(qtbot, fresh_db)
    dialog = SettingsDialog(window.session)
    qtbot.addWidget(dialog)
    dialog.show()
    before = settings.get(fresh_db, "monthly_cap_fen")
    dialog.inputs["monthly_cap_fen"].setText("450,5")
    dialog.save()
    assert dialog.message.text() == ("每月最大免费服药兜底限额（元）：金额“450,5”无法识别：小数点请用“.”，"
                                     "如 12.50；千位分隔须每三位一组，如 1,234.50")
    assert dialog.inputs["monthly_cap_fen"].text() == "450,5"
    assert dialog.focusWidget() is dialog.inputs["monthly_cap_fen"]
    assert settings.get(fresh_db, "monthly_cap_fen") == before
    dialog.inputs["monthly_cap_fen"].setText("1,450.50")
    dialog.save()
    assert settings.get(fresh_db, "monthly_cap_fen") == 145050


def test_settings_dialog_refuses_a_disability_category_that_does_not_exist(qtbot, fresh_db):
    from clinic_app.ui.settings_dialog import SettingsDialog

    window = _window(qtbot, fresh_db)
    dialog = SettingsDialog(window.session)
    qtbot.addWidget(dialog)
    dialog.show()
    box = dialog.inputs["disability_subsidy_categories"]
    assert box.text() == "6"
    box.setText("6,8")
    dialog.save()
    assert "残联免费服药补助适用残疾类别" in dialog.message.text() and "“8”无法识别" in dialog.message.text()
    assert box.text() == "6,8" and dialog.focusWidget() is box
    assert settings.get(fresh_db, "disability_subsidy_categories") == "6"
    box.setText("7，6")
    dialog.save()
    assert settings.get(fresh_db, "disability_subsidy_categories") == "6,7"


def test_the_status_bar_count_follows_a_new_patient(qtbot, session, readonly_session):
    from clinic_app.ui.patients.saving import save_patient
    from tests.enrolment_data import eligible_values

    window = MainWindow(session)
    qtbot.addWidget(window)
    window.show()
    assert window.count_label.text() == "在册患者：0 名"
    save_patient(session, None, eligible_values(), None, None)
    qtbot.waitUntil(lambda: window.count_label.text() == "在册患者：1 名", timeout=3000)


def test_read_only_cannot_back_up_from_the_menu(qtbot, readonly_session):
    window = MainWindow(readonly_session)
    qtbot.addWidget(window)
    backup_action = next(a for a in window.findChildren(QAction) if a.text() == "立即备份数据库")
    assert not backup_action.isEnabled()
