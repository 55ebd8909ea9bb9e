"""Message boxes in one place, so tests can answer them without a modal loop."""
from __future__ import annotations

from PySide6.QtWidgets import QMessageBox


def info(parent, title: str, text: str) -> None:
    QMessageBox.information(parent, title, text)


def error(parent, title: str, text: str) -> None:
    QMessageBox.critical(parent, title, text)


def confirm(parent, title: str, text: str) -> bool:
    answer = QMessageBox.question(parent, title, text, QMessageBox.Yes | QMessageBox.No,
                                  QMessageBox.No)
    return answer == QMessageBox.Yes
