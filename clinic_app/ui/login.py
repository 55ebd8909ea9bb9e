"""Logging in, and unlocking after the idle lock: the same password check, the same messages."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton,
                               QVBoxLayout, QWidget)

from ..storage import accounts, audit
from .style import set_role


class LoginDialog(QDialog):
    """Asks for user name and password; ``user`` holds the logged-in user after ``accept``."""

    def __init__(self, db, clinic_name: str = "", parent=None):
        super().__init__(parent)
        self.db = db
        self.user: dict | None = None
        self.setWindowTitle("登录 — 免费服药项目管理")
        self.setMinimumWidth(420)
        title = QLabel("严重精神障碍患者免费服药项目")
        set_role(title, "title")
        subtitle = QLabel(clinic_name or "")
        set_role(subtitle, "hint")
        self.username = QLineEdit()
        self.username.setPlaceholderText("用户名")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.Password)
        self.password.setPlaceholderText("密码")
        self.message = QLabel("")
        self.message.setWordWrap(True)
        set_role(self.message, "error")
        self.login_button = QPushButton("登录")
        self.login_button.setDefault(True)
        self.login_button.clicked.connect(self.try_login)
        cancel = QPushButton("退出")
        cancel.clicked.connect(self.reject)

        form = QFormLayout()
        form.addRow("用户名", self.username)
        form.addRow("密码", self.password)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.login_button)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(subtitle)
        layout.addSpacing(8)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.username.setFocus()

    def try_login(self) -> bool:
        if not self.username.text().strip():
            self.message.setText("请输入用户名")
            self.username.setFocus()
            return False
        try:
            self.user = accounts.authenticate(self.db, self.username.text(), self.password.text())
        except accounts.AuthError as exc:
            self.message.setText(exc.message)
            self.password.selectAll()
            self.password.setFocus()
            return False
        self.accept()
        return True


class LockScreen(QWidget):
    """Shown in place of the main window's content while locked; only the same user's password
    (or the administrator's) unlocks it."""

    unlocked = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.session = None
        self.title = QLabel("屏幕已锁定")
        set_role(self.title, "title")
        self.title.setAlignment(Qt.AlignCenter)
        self.who = QLabel("")
        self.who.setAlignment(Qt.AlignCenter)
        set_role(self.who, "hint")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.Password)
        self.password.setPlaceholderText("输入密码解锁")
        self.password.setMaximumWidth(280)
        self.password.returnPressed.connect(self.try_unlock)
        self.message = QLabel("")
        set_role(self.message, "error")
        self.message.setAlignment(Qt.AlignCenter)
        button = QPushButton("解锁")
        button.clicked.connect(self.try_unlock)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.password)
        row.addWidget(button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        layout.addWidget(self.title)
        layout.addWidget(self.who)
        layout.addSpacing(12)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addStretch(3)

    def prepare(self, session) -> None:
        self.session = session
        self.who.setText(f"当前用户：{session.user['display_name']}（{session.user['username']}）。"
                         "为保护患者隐私，长时间无操作后自动锁定。")
        self.password.clear()
        self.message.clear()
        self.password.setFocus()

    def try_unlock(self) -> bool:
        db, user = self.session.db, self.session.user
        if accounts.check_password(db, user["id"], self.password.text()):
            audit.record(db, audit.UNLOCK, "user", user["id"], f"{user['username']} 解锁", user=user)
            self.unlocked.emit()
            return True
        self.message.setText("密码错误")
        self.password.selectAll()
        return False
