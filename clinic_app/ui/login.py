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
    """Shown in place of the main window's content while locked: the same user's password unlocks
    it; 切换用户 lets the next shift log in as themselves (``switched(user)``) — the last user's
    windows are then closed by the main window, so nothing of theirs stays on screen."""

    unlocked = Signal()
    switched = Signal(dict)

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
        self.unlock_button = QPushButton("解锁")
        self.unlock_button.clicked.connect(self.try_unlock)
        self.switch_button = QPushButton("切换用户…")
        self.switch_button.setObjectName("switch_user")
        self.switch_button.setToolTip("换班：下一位用户用自己的用户名和密码登录，无需上一位的密码")
        self.switch_button.clicked.connect(self.show_switch)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.password)
        row.addWidget(self.unlock_button)
        row.addWidget(self.switch_button)
        row.addStretch(1)
        self.switch_box = self._build_switch()
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        layout.addWidget(self.title)
        layout.addWidget(self.who)
        layout.addSpacing(12)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addWidget(self.switch_box, 0, Qt.AlignHCenter)
        layout.addStretch(3)

    def _build_switch(self) -> QWidget:
        box = QWidget()
        box.setObjectName("switch_box")
        self.switch_title = QLabel("切换用户")
        self.switch_title.setStyleSheet("font-weight: bold; font-size: 12pt; color: #1d4f91;")
        self.switch_hint = QLabel("上一位用户打开的窗口将全部关闭")
        set_role(self.switch_hint, "hint")
        self.switch_username = QLineEdit()
        self.switch_username.setPlaceholderText("用户名")
        self.switch_password = QLineEdit()
        self.switch_password.setEchoMode(QLineEdit.Password)
        self.switch_password.setPlaceholderText("密码")
        for field in (self.switch_username, self.switch_password):
            field.setMinimumWidth(240)
        self.switch_username.returnPressed.connect(self.switch_password.setFocus)
        self.switch_password.returnPressed.connect(self.try_switch)
        self.switch_message = QLabel("")
        self.switch_message.setWordWrap(True)
        set_role(self.switch_message, "error")
        self.login_button = QPushButton("登录")
        self.login_button.setProperty("primary", True)
        self.login_button.clicked.connect(self.try_switch)
        self.cancel_switch = QPushButton("返回")
        self.cancel_switch.clicked.connect(self.hide_switch)
        form = QFormLayout()
        form.addRow("用户名", self.switch_username)
        form.addRow("密码", self.switch_password)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_switch)
        buttons.addWidget(self.login_button)
        column = QVBoxLayout(box)
        column.addWidget(self.switch_title)
        column.addWidget(self.switch_hint)
        column.addLayout(form)
        column.addWidget(self.switch_message)
        column.addLayout(buttons)
        box.hide()
        return box

    def prepare(self, session) -> None:
        self.session = session
        self.who.setText(f"当前用户：{session.user['display_name']}（{session.user['username']}）。"
                         "为保护患者隐私，长时间无操作后自动锁定。")
        self.password.clear()
        self.message.clear()
        self.hide_switch()
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

    # --- 切换用户 -------------------------------------------------------------------------------
    def show_switch(self) -> None:
        self.switch_username.clear()
        self.switch_password.clear()
        self.switch_message.clear()
        self.switch_box.show()
        self.switch_username.setFocus()

    def hide_switch(self) -> None:
        self.switch_box.hide()
        self.switch_password.clear()
        self.password.setFocus()

    def try_switch(self) -> bool:
        """Log the next user in; the same user is simply an unlock."""
        from ..services import accounts as account_services

        username = self.switch_username.text().strip()
        if not username:
            self.switch_message.setText("请输入用户名")
            self.switch_username.setFocus()
            return False
        db, previous = self.session.db, self.session.user
        try:
            if username == previous["username"]:
                accounts.authenticate(db, username, self.switch_password.text())
                self.unlocked.emit()
                return True
            user = account_services.switch_user(db, previous, username, self.switch_password.text())
        except accounts.AuthError as exc:
            self.switch_message.setText(exc.message)
            self.switch_password.selectAll()
            self.switch_password.setFocus()
            return False
        self.switch_password.clear()
        self.switched.emit(user)
        return True
