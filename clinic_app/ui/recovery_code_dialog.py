"""The recovery code, shown once at first start for the administrator to copy onto paper.

The dialog cannot be dismissed until the last group has been typed back: the code is never shown
again, and without it a reinstalled PC cannot open its own backups.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QPushButton, QVBoxLayout

EXPLANATION = (
    "本机的数据库及其全部备份都已加密。下面的恢复密钥只显示这一次，请现在把它抄在纸上，"
    "交管理员妥善保管（不要保存在这台电脑上）。\n\n"
    "电脑重装或更换后，须用它才能打开原来的数据库和备份"
    "（命令行 clinic-app recover-key 或 clinic-app restore --recovery-key）。")


class RecoveryCodeDialog(QDialog):
    def __init__(self, code: str, parent=None):
        super().__init__(parent)
        self.code = code
        self.setWindowTitle("数据库恢复密钥（只显示这一次）")
        self.setWindowFlag(Qt.WindowType.WindowCloseButtonHint, False)
        layout = QVBoxLayout(self)
        explanation = QLabel(EXPLANATION)
        explanation.setWordWrap(True)
        layout.addWidget(explanation)
        self.code_label = QLabel(code)
        font = QFont("monospace")
        font.setStyleHint(QFont.StyleHint.Monospace)
        font.setPointSize(18)
        font.setBold(True)
        self.code_label.setFont(font)
        self.code_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.code_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.code_label)
        layout.addWidget(QLabel("抄好后，请输入最后一组（4 个字符）以确认："))
        self.check = QLineEdit()
        self.check.setMaxLength(4)
        self.check.setPlaceholderText("最后一组")
        layout.addWidget(self.check)
        self.hint = QLabel("")
        self.hint.setStyleSheet("color: #b00020")
        layout.addWidget(self.hint)
        self.ok = QPushButton("我已抄下并妥善保管")
        self.ok.setEnabled(False)
        self.ok.setDefault(True)
        layout.addWidget(self.ok)
        self.check.textChanged.connect(self._typed)
        self.check.returnPressed.connect(self._confirm)
        self.ok.clicked.connect(self._confirm)
        self.check.setFocus()

    def _matches(self) -> bool:
        return self.check.text().strip().upper() == self.code.split("-")[-1]

    def _typed(self) -> None:
        self.ok.setEnabled(self._matches())
        done = len(self.check.text().strip()) == 4
        self.hint.setText("" if self._matches() or not done else "与恢复密钥的最后一组不符，请对照纸上所抄的重新输入")

    def _confirm(self) -> None:
        if self._matches():
            self.accept()

    def reject(self) -> None:  # Esc does not throw the only showing away
        self.hint.setText("恢复密钥只显示这一次：请抄下后输入最后一组确认")
