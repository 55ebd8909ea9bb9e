"""The main window: the patient list, the menus, and the idle lock that covers them."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QMainWindow, QMenu, QStackedWidget, QToolBar

from ..domain import roles
from ..domain.errors import ClinicError
from ..services import backup as backup_services
from ..storage import audit, backup, patients, programme, settings
from .. import paths
from . import messages
from .idle import IdleWatcher
from .lists.menu import add_admin_entries, build_project_menu
from .login import LockScreen
from .worker import refresh_on_change
from .patients import PatientListWidget

MS_PER_MINUTE = 60_000


class MainWindow(QMainWindow):
    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self._hidden_while_locked: list = []
        self._retired: list = []   # the windows of users who switched away, closed
        clinic_name = session.clinic.get("name", "")
        self.setWindowTitle(f"免费服药项目管理 — {clinic_name}" + ("（演示）" if session.demo else ""))
        self.resize(1200, 760)

        self.patient_list = PatientListWidget(session)
        self.lock_screen = LockScreen()
        self.lock_screen.unlocked.connect(self.unlock)
        self.lock_screen.switched.connect(self.switch_user)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.patient_list)
        self.stack.addWidget(self.lock_screen)
        self.setCentralWidget(self.stack)
        self._build_menus()
        self._build_status_bar()
        self._build_integrity_banner()
        self.idle = IdleWatcher(QApplication.instance(),
                                settings.get(session.db, "idle_lock_minutes") * MS_PER_MINUTE, self)
        self.idle.idle.connect(self.lock)

    # --- the integrity check ---------------------------------------------------------------
    def _build_integrity_banner(self) -> None:
        """A red bar above everything, for the administrator only, when the records fail the
        check: someone changed the database behind the program's back."""
        self.integrity_banner = QLabel()
        self.integrity_banner.setWordWrap(True)
        self.integrity_banner.setStyleSheet(
            "QLabel { background: #c62828; color: white; font-weight: bold; padding: 6px; }")
        self.integrity_bar = QToolBar("记录校验")
        self.integrity_bar.setMovable(False)
        self.integrity_bar.addWidget(self.integrity_banner)
        self.addToolBar(Qt.TopToolBarArea, self.integrity_bar)
        self.integrity_bar.hide()

    def start_integrity_check(self):
        """The start-up check on a worker thread with its own connection (the full one at
        most once a day, else the quick one); the banner shows the first problem found."""
        from ..storage import integrity
        from .worker import query_op

        return query_op(self.session.db_path, integrity.startup_check, on_done=self.show_integrity,
                        on_error=lambda exc: self.show_integrity(None, str(exc)))

    def show_integrity(self, result, error: str = "") -> None:
        if not roles.may(self.session.role, "users.manage"):
            return
        if result is not None and result.ok:
            self.integrity_bar.hide()
            return
        reason = error or (result.reason if result is not None else "")
        more = len(result.problems) - 1 if result is not None else 0
        self.integrity_banner.setText(
            f"记录校验未通过：{reason}" + (f"（另有 {more} 处）" if more > 0 else "")
            + "。数据库可能被绕过程序改动过，台账导出和季度结账已暂停。请用 clinic-app verify 查看详情。")
        self.integrity_bar.show()

    # --- menus ---------------------------------------------------------------------------
    def _action(self, menu, text: str, slot, shortcut=None, enabled: bool = True) -> QAction:
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        action.setEnabled(enabled)
        menu.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("文件(&F)")
        self._action(file_menu, "立即备份数据库", self.backup_now, enabled=roles.may(self.session.role, "backup.create"))
        self.backup_elsewhere_action = self._action(file_menu, "备份到其他文件夹（如U盘）…", self.backup_to_folder,
                                                    enabled=roles.may(self.session.role, "backup.create"))
        self._action(file_menu, "锁定屏幕", self.lock, "Ctrl+L")
        file_menu.addSeparator()
        self._action(file_menu, "退出", self.close, "Ctrl+Q")
        patient_menu = bar.addMenu("患者(&P)")
        self._action(patient_menu, "新建患者…", self.patient_list.new_patient, "Ctrl+N",
                     roles.can_edit_patients(self.session.role))
        self._action(patient_menu, "查找", self.focus_search, "Ctrl+F")
        project_menu = build_project_menu(self, bar)
        project_menu.addSeparator()
        self.stock_action = self._action(project_menu, "药品库存…", self.open_stock)
        self.dashboard_action = self._action(project_menu, "统计图表…", self.open_dashboard)
        self.ledger_action = self._action(project_menu, "季度台账与上报…", self.open_ledger)
        admin_menu = bar.addMenu("管理(&A)")
        role = self.session.role
        self.accounts_action = self._action(admin_menu, "用户管理…", self.open_accounts,
                                            enabled=roles.may(role, "users.manage"))
        self._action(admin_menu, "设置…", self.open_settings, enabled=roles.may(role, "settings.change"))
        self._action(admin_menu, "审计记录…", self.open_audit, enabled=roles.may(role, "audit.view"))
        add_admin_entries(self, admin_menu)
        self.catalogue_action = self._action(admin_menu, "药品目录与价格…", self.open_catalogue)
        help_menu = bar.addMenu("帮助(&H)")
        self.getting_started_action = self._action(help_menu, "开始使用…", self.open_getting_started)
        self._action(help_menu, "关于", self.about)

    def _build_status_bar(self) -> None:
        self.who_label = QLabel()
        self._show_user()
        where = QLabel(f"数据库：{self.session.db_path}")
        self.count_label = QLabel()
        self.places_label = QLabel()
        self.statusBar().addWidget(self.who_label)
        self.statusBar().addWidget(self.count_label)
        self.statusBar().addWidget(self.places_label)
        self.statusBar().addPermanentWidget(where)
        self.refresh_count()
        # after every write, wherever it was made; a window no longer shown (which may have lost
        # its database) refreshes only when shown again
        refresh_on_change(self, self.refresh_count)

    def _show_user(self) -> None:
        user = self.session.user
        self.who_label.setText(f"用户：{user['display_name']}（{roles.LABELS.get(user['role'], user['role'])}）")

    def refresh_count(self) -> None:
        db = self.session.db
        self.count_label.setText(f"在册患者：{patients.count(db)} 名")
        places = programme.places_summary(db)
        self.places_label.setText(f"免费服药名额：已用 {places['occupied']} / {places['places']}，"
                                  f"候补 {places['waiting']} 人")

    def focus_search(self) -> None:
        self.patient_list.search.setFocus()
        self.patient_list.search.selectAll()

    # --- idle lock -----------------------------------------------------------------------
    @property
    def locked(self) -> bool:
        return self.stack.currentWidget() is self.lock_screen

    def lock(self) -> None:
        if self.locked:
            return
        self._hidden_while_locked = [w for w in QApplication.topLevelWidgets()
                                     if w is not self and w.isVisible()]
        for widget in self._hidden_while_locked:
            widget.hide()
        self.menuBar().setEnabled(False)
        self.lock_screen.prepare(self.session)
        self.stack.setCurrentWidget(self.lock_screen)
        self.idle.pause()
        user = self.session.user
        audit.record(self.session.db, audit.LOCK, "user", user["id"], f"{user['username']} 锁屏", user=user)

    def unlock(self) -> None:
        self.stack.setCurrentWidget(self.patient_list)
        self.menuBar().setEnabled(True)
        for widget in self._hidden_while_locked:
            widget.show()
        self._hidden_while_locked = []
        self.idle.restart()

    def switch_user(self, user: dict) -> None:
        """切换用户 on the lock screen (audited there): the last user's windows are closed, never
        shown again, and the main window is rebuilt for the new user — menus for his role, a fresh
        patient list with no search left in it, his name in the status bar."""
        # Closed, not deleted: a dialog may still be in its exec() further down the stack, and is
        # let go of when that returns. Kept here until then, never shown again.
        for widget in self._windows_of_last_user():
            if isinstance(widget, QDialog):
                QDialog.done(widget, QDialog.Rejected)  # past any "close unsaved?" question
            else:
                widget.close()
            self._retired.append(widget)
        self._hidden_while_locked = []
        for name in ("stock_window", "dashboard_window", "ledger_window", "work_lists", "getting_started",
                     "register_printer"):
            if hasattr(self, name):
                setattr(self, name, None)
        self.session.user = user
        old_list = self.patient_list
        self.patient_list = PatientListWidget(self.session)
        self.stack.insertWidget(0, self.patient_list)
        self.stack.removeWidget(old_list)
        old_list.hide()
        self._retired.append(old_list)
        self._clear_menus()
        self._build_menus()
        self._show_user()
        self.refresh_count()
        self.integrity_bar.hide()
        if roles.may(self.session.role, "users.manage"):
            self.start_integrity_check()
        self.unlock()

    def _clear_menus(self) -> None:
        """The last user's menus and their actions (and so their shortcuts) go."""
        bar = self.menuBar()
        for menu in bar.findChildren(QMenu):
            for action in menu.actions():
                if action.parent() is self:
                    action.deleteLater()
            menu.deleteLater()
        bar.clear()

    def _windows_of_last_user(self) -> list:
        """Every window and dialog opened from this one (shown before the lock, or kept hidden)."""
        found = list(self._hidden_while_locked)
        for widget in QApplication.topLevelWidgets():
            if widget is self or widget in found or not isinstance(widget, (QDialog, QMainWindow)):
                continue
            parent = widget.parentWidget()
            while parent is not None and parent is not self:
                parent = parent.parentWidget()
            if parent is self:
                found.append(widget)
        return found

    # --- admin ---------------------------------------------------------------------------
    def open_accounts(self) -> None:
        from .accounts_dialog import AccountsDialog

        AccountsDialog(self.session, self).exec()

    def open_settings(self) -> None:
        from .settings_dialog import SettingsDialog

        if SettingsDialog(self.session, self).exec():
            self.idle.set_timeout_ms(settings.get(self.session.db, "idle_lock_minutes") * MS_PER_MINUTE)

    def open_audit(self) -> None:
        from .audit_dialog import AuditDialog

        AuditDialog(self.session, self).exec()

    def open_catalogue(self) -> None:
        """Everyone may look at the catalogue and prices; only administrators change them."""
        from .catalogue_dialog import CatalogueDialog

        CatalogueDialog(self.session, self).exec()

    def _one_window(self, attr: str, make, refresh):
        """A window that is not modal and exists once: asking again brings it to the front,
        refreshed (``refresh(window)``), instead of opening a second one."""
        window = getattr(self, attr, None)
        if window is not None and window.isVisible():
            refresh(window)
        else:
            window = make(self.session, self)
            setattr(self, attr, window)
            window.show()
        window.raise_()
        window.activateWindow()
        return window

    def open_getting_started(self):
        """开始使用: one at a time, not modal, so it stays open beside the dialogs its steps open."""
        from .first_day_dialog import GettingStartedDialog

        return self._one_window("getting_started", GettingStartedDialog, lambda w: w.refresh())

    def open_stock(self):
        """One stock window at a time, not modal; asking again brings it to the front, refreshed."""
        from .stock_window import StockWindow

        return self._one_window("stock_window", StockWindow, lambda w: w.reload())

    def open_dashboard(self):
        """统计图表: one window at a time, not modal; asking again brings it to the front, recounted."""
        from .dashboard import DashboardWindow

        return self._one_window("dashboard_window", DashboardWindow, lambda w: w.reload())

    def open_ledger(self):
        """季度台账与上报: one window at a time, not modal; asking again brings it to the front,
        reread (unless an export is running in it)."""
        from .ledger_window import LedgerWindow

        return self._one_window("ledger_window", LedgerWindow,
                                lambda w: None if w.exporting else w.reload())

    def backup_now(self) -> None:
        session = self.session
        try:
            path = backup_services.back_up(session.db, session.user, session.db_path,
                                           paths.backups_dir(session.db_path), settings.get(session.db, "backup_keep"))
        except (backup.BackupError, ClinicError) as exc:
            messages.error(self, "备份失败", exc.message)
            return
        messages.info(self, "备份完成", f"已备份到：\n{path}")

    def backup_to_folder(self) -> Path | None:
        """A copy into a folder staff choose (a USB stick kept elsewhere); older copies there are
        left alone. The file dialog opens where the last such copy went."""
        from . import file_dialogs

        folder = file_dialogs.choose_folder(self, file_dialogs.BACKUP, "选择备份保存的文件夹")
        if not folder:
            return None
        session = self.session
        try:
            path = backup_services.back_up(session.db, session.user, session.db_path, Path(folder), reason="手动")
        except (backup.BackupError, ClinicError) as exc:
            messages.error(self, "备份失败", exc.message)
            return None
        messages.info(self, "备份完成", f"已备份到：\n{path}")
        return path

    def about(self) -> None:
        from .. import __version__

        messages.info(self, "关于", f"严重精神障碍患者免费服药项目管理程序\n版本 {__version__}\n\n"
                                  "依据：江津府办发〔2019〕32号")

    def closeEvent(self, event) -> None:  # noqa: N802
        self.idle.stop()
        super().closeEvent(event)
