"""PySide6 6.12.0 on Python 3.11 dropped a reference to None on every setter call, which ends in
'Fatal Python error: none_dealloc' in a long session. The pin in pyproject.toml avoids it; this
test fails if a build with that bug comes back."""
import sys

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel


def test_qt_setters_do_not_leak_references_to_none(qapp):
    color, label = QColor(), QLabel()
    before = sys.getrefcount(None)
    for _ in range(500):
        color.setRed(3)
        label.setText("张三")
    assert sys.getrefcount(None) - before > -50
