"""Keyboard-first entry: Tab goes through the fields in reading order and nowhere else, the cursor
starts in the first field, and a table of inputs is walked by Tab like the rest of the form.

``set_tab_order`` takes fields in their declared order (a form built from field declarations
passes the declaration's order), ``cells_take_tab_order`` makes a table whose cells hold input
widgets pass Tab through those inputs instead of stopping on read-only cells, and
``read_only_field`` takes a read-only input out of the Tab order."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QWidget


def takes_tab(widget: QWidget) -> bool:
    """Tab can stop on it — or on its focus proxy (a tab widget's tab bar), which Qt's own
    ``setTabOrder`` puts in its place."""
    return bool(widget.focusPolicy() & Qt.TabFocus)


def tab_stops(widget: QWidget | None) -> list[QWidget]:
    """``widget`` when Tab can stop on it, else the widgets inside it that Tab can stop on, in the
    order they were made (a row of tick boxes, the photo's buttons)."""
    if widget is None:
        return []
    if takes_tab(widget):
        return [widget]
    return [w for w in widget.findChildren(QWidget) if takes_tab(w) and not _inside_input(w, widget)]


def _inside_input(widget: QWidget, top: QWidget) -> bool:
    """The line edit inside a combo or spin box: its owner is the stop, not it."""
    parent = widget.parentWidget()
    while parent is not None and parent is not top:
        if takes_tab(parent):
            return True
        parent = parent.parentWidget()
    return False


def set_tab_order(widgets) -> list[QWidget]:
    """Tab visits ``widgets`` (each expanded by ``tab_stops``) in the order given; returns the stops."""
    stops = [stop for widget in widgets for stop in tab_stops(widget)]
    for before, after in zip(stops, stops[1:]):
        QWidget.setTabOrder(before, after)
    return stops


def cells_take_tab_order(view: QAbstractItemView) -> None:
    """A table whose cells hold input widgets: Tab leaves the view's own cell cursor alone and goes
    from input to input (``set_tab_order`` sets their order); the read-only cells never take the
    focus."""
    view.setTabKeyNavigation(False)
    view.setFocusPolicy(Qt.NoFocus)


def read_only_field(widget: QWidget) -> None:
    """Shown, selectable with the mouse, but not typed in: Tab passes it by."""
    widget.setReadOnly(True)
    widget.setFocusPolicy(Qt.NoFocus)


def focus_first(widgets) -> QWidget | None:
    """Put the cursor in the first of ``widgets`` that can take it (enabled, shown or about to be);
    returns it."""
    for widget in widgets:
        for stop in tab_stops(widget):
            if stop.isEnabled() and stop.isVisibleTo(stop.window()):
                stop.setFocus(Qt.OtherFocusReason)
                return stop
    return None
