"""The administrator's account management: add users, reset passwords, roles, enable/disable."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDialog, QFormLayout,
                               QHBoxLayout, QLabel, QLineEdit, QPushButton, QTableWidget,
                               QTableWidgetItem, QVBoxLayout)

from ..domain.errors import ClinicError
from ..domain import roles
from ..services import accounts as account_services
from ..storage import accounts
from .style import set_role
from .widgets import PasswordFields, dialog_buttons, error_label

COLUMNS = ("用户名", "姓名", "角色", "状态", "上次登录")


class UserEditor(QDialog):
    """New user (all fields) or password reset (password fields only)."""

    def __init__(self, parent=None, *, new_user: bool = True, username: str = ""):
        super().__init__(parent)
        self.new_user = new_user
        self.setWindowTitle("新建用户" if new_user else f"重设密码 — {username}")
        self.username = QLineEdit(username)
        self.display_name = QLineEdit()
        self.role = QComboBox()
        for key in roles.ROLES:
            self.role.addItem(roles.LABELS[key], key)
        self.role.setCurrentIndex(roles.ROLES.index(roles.OFFICER))
        self.passwords = PasswordFields()  # each problem under its own field
        self.password, self.confirm = self.passwords.password, self.passwords.confirm
        self.password_error, self.confirm_error = self.passwords.password_error, self.passwords.confirm_error
        self.message = error_label()
        form = QFormLayout()
        if new_user:
            form.addRow("用户名", self.username)
            form.addRow("姓名", self.display_name)
            form.addRow("角色", self.role)
        self.passwords.add_to(form)
        buttons = dialog_buttons(self.accept, self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def accept(self) -> None:
        if not self.passwords.check(self.username.text()):
            return
        super().accept()


class AccountsDialog(QDialog):
    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self.setWindowTitle("用户管理")
        self.resize(760, 420)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setVisible(False)
        self.table.setTabKeyNavigation(False)  # ↑/↓ pick a user; Tab goes on to the buttons
        self.message = QLabel("")
        self.message.setWordWrap(True)
        set_role(self.message, "error")

        self.add_button = QPushButton("新建用户…")
        self.reset_button = QPushButton("重设密码…")
        self.role_combo = QComboBox()
        for key in roles.ROLES:
            self.role_combo.addItem(roles.LABELS[key], key)
        self.role_button = QPushButton("改为此角色")
        self.toggle_button = QPushButton("停用/启用")
        self.unlock_button = QPushButton("解除锁定")
        close = QPushButton("关闭")
        self.add_button.clicked.connect(self.add_user)
        self.reset_button.clicked.connect(self.reset_password)
        self.role_button.clicked.connect(self.change_role)
        self.toggle_button.clicked.connect(self.toggle_active)
        self.unlock_button.clicked.connect(self.unlock)
        close.clicked.connect(self.accept)

        row = QHBoxLayout()
        for w in (self.add_button, self.reset_button, self.role_combo, self.role_button,
                  self.toggle_button, self.unlock_button):
            row.addWidget(w)
        row.addStretch(1)
        row.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(self.message)
        layout.addLayout(row)
        self.reload()

    def reload(self) -> None:
        self.users = accounts.list_users(self.session.db)
        self.table.setRowCount(len(self.users))
        for r, user in enumerate(self.users):
            status = "启用" if user["active"] else "停用"
            if user.get("locked_until"):
                status += "（已锁定至 " + user["locked_until"].replace("T", " ") + "）"
            values = (user["username"], user["display_name"], roles.LABELS.get(user["role"], user["role"]),
                      status, (user.get("last_login_at") or "").replace("T", " "))
            for c, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setData(Qt.UserRole, user["id"])
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()

    def selected_user(self) -> dict | None:
        row = self.table.currentRow()
        if row < 0:
            self.message.setText("请先选中一个用户")
            return None
        return self.users[row]

    def _run(self, action) -> bool:
        try:
            action()
        except ClinicError as exc:
            self.message.setText(exc.message)
            return False
        self.message.clear()
        self.reload()
        return True

    def open_editor(self, editor: UserEditor) -> bool:
        """Separated so tests can fill the editor without a modal loop."""
        return editor.exec() == QDialog.Accepted

    def add_user(self) -> None:
        editor = UserEditor(self)
        if self.open_editor(editor):
            self._run(lambda: account_services.create_user(
                self.session.db, self.session.user, editor.username.text(), editor.password.text(),
                editor.role.currentData(), editor.display_name.text()))

    def reset_password(self) -> None:
        user = self.selected_user()
        if not user:
            return
        editor = UserEditor(self, new_user=False, username=user["username"])
        if self.open_editor(editor):
            self._run(lambda: account_services.reset_password(self.session.db, self.session.user, user["id"],
                                                              editor.password.text()))

    def change_role(self) -> None:
        user = self.selected_user()
        if user:
            self._run(lambda: account_services.update_user(self.session.db, self.session.user, user["id"],
                                                           role=self.role_combo.currentData()))

    def toggle_active(self) -> None:
        user = self.selected_user()
        if not user:
            return
        if user["id"] == self.session.user["id"] and user["active"]:
            self.message.setText("不能停用当前登录的账户")
            return
        self._run(lambda: account_services.update_user(self.session.db, self.session.user, user["id"],
                                                       active=not user["active"]))

    def unlock(self) -> None:
        user = self.selected_user()
        if user:
            self._run(lambda: account_services.unlock_user(self.session.db, self.session.user, user["id"]))
