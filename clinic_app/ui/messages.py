"""Message boxes in one place, with their buttons in Chinese whatever translation Qt has loaded
(确定, 是/否, with 否 the default of every question: Enter never says yes by accident). Tests
answer them without a modal loop by replacing ``run``; the box they get is the real one."""
from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

OK, CANCEL, YES, NO, CLOSE = "确定", "取消", "是", "否", "关闭"
BUTTON_TEXTS = {QMessageBox.Ok: OK, QMessageBox.Cancel: CANCEL, QMessageBox.Yes: YES, QMessageBox.No: NO,
                QMessageBox.Close: CLOSE}


def box(parent, icon, title: str, text: str, buttons=QMessageBox.Ok, default=QMessageBox.Ok) -> QMessageBox:
    """A message box whose standard buttons say 确定/取消/是/否/关闭; ``default`` is also the answer
    to Esc when it is 否 or 取消."""
    message = QMessageBox(icon, title, text, buttons, parent)
    for standard, label in BUTTON_TEXTS.items():
        button = message.button(standard)
        if button is not None:
            button.setText(label)
    message.setDefaultButton(default)
    if default in (QMessageBox.No, QMessageBox.Cancel):
        message.setEscapeButton(default)
    return message


def run(message: QMessageBox) -> int:
    """Show ``message`` modally and return the standard button chosen."""
    return message.exec()


def info(parent, title: str, text: str) -> None:
    run(box(parent, QMessageBox.Information, title, text))


def error(parent, title: str, text: str) -> None:
    run(box(parent, QMessageBox.Critical, title, text))


def confirm(parent, title: str, text: str) -> bool:
    """是/否, 否 the default (Enter and Esc both answer 否)."""
    question = box(parent, QMessageBox.Question, title, text, QMessageBox.Yes | QMessageBox.No, QMessageBox.No)
    return run(question) == QMessageBox.Yes
