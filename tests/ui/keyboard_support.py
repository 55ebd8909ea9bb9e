"""Keyboard checks for the widget tests: walk the Tab order of a window the way Tab walks it, and
assert that it reaches every editable field in reading order and nothing read-only or disabled.

``tab_chain`` presses Tab by calling ``focusNextChild()`` on the widget that has the focus — the
very call Qt makes for a Tab key press, so a table or view that takes Tab for itself (moving its
current cell) is walked as the user would see it."""
from __future__ import annotations

from PySide6.QtWidgets import (QAbstractButton, QAbstractItemView, QAbstractScrollArea, QAbstractSpinBox,
                               QApplication, QComboBox, QLabel, QLineEdit, QPlainTextEdit, QPushButton, QTextEdit,
                               QToolButton, QWidget)

# Buttons may sit between fields (选择照片…, 打印协议); they are allowed, not required, in the chain.
BUTTONS = (QPushButton, QToolButton)


def owner(widget: QWidget | None) -> QWidget | None:
    """The field a focused widget belongs to: an editable combo box's or a spin box's inner line
    edit stands for the combo or spin box."""
    if widget is None:
        return None
    parent = widget.parentWidget()
    if isinstance(widget, QLineEdit) and isinstance(parent, (QComboBox, QAbstractSpinBox)):
        return parent
    return widget


def focused(window: QWidget) -> QWidget | None:
    """The window's focus widget, as the field it belongs to."""
    return owner(window.focusWidget())


def tab_chain(window: QWidget, start: QWidget | None = None, limit: int = 400) -> list[QWidget]:
    """Every widget Tab visits from ``start`` (else the current focus) until it comes back round."""
    first = start or window.focusWidget()
    assert first is not None, "nothing has the focus to start from"
    first.setFocus()
    QApplication.processEvents()
    chain = [focused(window)]
    for _ in range(limit):
        current = window.focusWidget()
        current.focusNextChild()
        QApplication.processEvents()
        widget = focused(window)
        if widget is chain[0]:
            return chain
        if widget is chain[-1]:
            raise AssertionError(f"Tab does not leave {describe(widget)} (it keeps Tab for itself)")
        chain.append(widget)
    raise AssertionError(f"the Tab order never comes back to its start: {[describe(w) for w in chain[:40]]}")


def is_read_only(widget: QWidget) -> bool:
    """An input that can't be typed in, a list that can't be edited, or a widget that shows
    something and has no business taking the focus (a label, a scroll area)."""
    if isinstance(widget, (QLineEdit, QAbstractSpinBox, QTextEdit, QPlainTextEdit)):
        return widget.isReadOnly()
    if isinstance(widget, QAbstractItemView):
        return widget.editTriggers() == QAbstractItemView.NoEditTriggers
    return isinstance(widget, (QLabel, QAbstractScrollArea))


def describe(widget: QWidget | None) -> str:
    if widget is None:
        return "None"
    name = widget.objectName()
    if not name and isinstance(widget, QLineEdit):
        name = widget.placeholderText() or widget.text()
    elif not name and isinstance(widget, (QAbstractButton, QComboBox)):
        name = widget.text() if isinstance(widget, QAbstractButton) else widget.currentText()
    return f"{type(widget).__name__}({name or hex(id(widget))})"


def fields_in(chain: list[QWidget]) -> list[QWidget]:
    """The chain without the buttons that may sit between fields."""
    return [w for w in chain if not isinstance(w, BUTTONS)]


def assert_tab_order(window: QWidget, expected: list[QWidget], allow: tuple = ()) -> list[QWidget]:
    """Tab from ``expected[0]`` visits exactly ``expected`` in that order (buttons may sit between
    them), and nothing it visits is read-only or disabled (``allow``: views staff move through
    with the arrow keys, such as a list to pick from). Returns the whole chain."""
    chain = tab_chain(window, expected[0])
    bad = [w for w in chain if (not w.isEnabled()) or (is_read_only(w) and w not in allow)]
    assert not bad, f"Tab stops on read-only or disabled widgets: {[describe(w) for w in bad]}"
    fields = [w for w in fields_in(chain) if w not in allow or w in expected]
    assert fields == expected, (f"Tab order\n  is:       {[describe(w) for w in fields]}\n"
                                f"  expected: {[describe(w) for w in expected]}")
    return chain


def assert_first_focus(window: QWidget, expected: QWidget) -> None:
    """On open, the cursor is in ``expected``."""
    QApplication.processEvents()
    assert focused(window) is expected, f"focused on open: {describe(focused(window))}, expected {describe(expected)}"


def assert_reading_order(window: QWidget, widgets: list[QWidget]) -> None:
    """On screen, each field is beside the one before on the same line (to its right) or on a
    later line: the order the eye reads the form in."""
    from PySide6.QtCore import QPoint, QRect

    QApplication.processEvents()
    for a, b in zip(widgets, widgets[1:]):
        ra = QRect(a.mapTo(window, QPoint(0, 0)), a.size())
        rb = QRect(b.mapTo(window, QPoint(0, 0)), b.size())
        same_line = rb.top() < ra.bottom() and ra.top() < rb.bottom()
        ok = rb.left() >= ra.right() if same_line else rb.top() >= ra.bottom() - 2
        assert ok, f"{describe(b)} at {rb.getRect()} does not follow {describe(a)} at {ra.getRect()}"
