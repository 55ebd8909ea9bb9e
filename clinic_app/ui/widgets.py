"""Small building blocks several dialogs share, so they look and behave alike."""
from __future__ import annotations

from PySide6.QtWidgets import QDialogButtonBox, QLabel, QLineEdit

from ..domain import roles
from .style import set_role


def dialog_buttons(on_ok, on_cancel, ok_text: str = "确定") -> QDialogButtonBox:
    """OK/Cancel in Chinese; OK is the default button, so Enter confirms."""
    buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
    buttons.button(QDialogButtonBox.Ok).setText(ok_text)
    buttons.button(QDialogButtonBox.Cancel).setText("取消")
    buttons.accepted.connect(on_ok)
    buttons.rejected.connect(on_cancel)
    return buttons


def error_label() -> QLabel:
    label = QLabel("")
    label.setWordWrap(True)
    set_role(label, "error")
    return label


def password_pair() -> tuple[QLineEdit, QLineEdit]:
    """A new password and its confirmation, with the rule in the placeholder."""
    password = QLineEdit()
    password.setEchoMode(QLineEdit.Password)
    password.setPlaceholderText(f"至少{roles.MIN_PASSWORD_LENGTH}位，含字母和数字")
    confirm = QLineEdit()
    confirm.setEchoMode(QLineEdit.Password)
    return password, confirm


def new_password_problem(password: QLineEdit, confirm: QLineEdit, username: str) -> str | None:
    if password.text() != confirm.text():
        return "两次输入的密码不一致"
    return roles.password_problem(password.text(), username.strip())
