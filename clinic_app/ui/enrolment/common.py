"""What every enrolment dialog shares: a typed date field, rows with their own error line, and an
``accept()`` that stores through storage and shows a refusal beside the field it concerns.

Dialogs are filled and confirmed by calling their methods (``accept()``) — no modal loop is needed,
so tests drive the real widgets.
"""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QButtonGroup, QDialog, QDialogButtonBox, QFormLayout,
                               QHBoxLayout, QHeaderView, QLabel, QLineEdit, QRadioButton, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

from ...domain.dates import parse_date
from ...domain.errors import ClinicError, ValidationError
from ...storage import clock
from ..keyboard import focus_first, set_tab_order
from ..style import set_role
from ..widgets import dialog_buttons, error_label, with_error

BLANK = "—"
DATE_PLACEHOLDER = "如 2026-03-10 或 2026年3月10日"


def iso(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def shown(value) -> str:
    """A stored value as shown on screen: blank becomes a dash."""
    if value is None or value == "":
        return BLANK
    return str(value)


def hint_label(text: str = "", role: str = "hint") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    set_role(label, role)
    return label


class DateField(QLineEdit):
    """A date typed as text in any of the usual ways (2026-03-10, 2026/3/10, 2026年3月10日,
    20260310); tidied to ISO when the user leaves the field. ↑/↓ move it a day."""

    dateChanged = Signal(object)  # dt.date, or None while the text is not a date

    def __init__(self, value: dt.date | str | None = None, parent=None):
        super().__init__(parent)
        self.setPlaceholderText(DATE_PLACEHOLDER)
        self.setToolTip("可写作 2026-03-10、2026/3/10、2026年3月10日；↑/↓ 键前后调整一天")
        self.setMaxLength(20)
        if value:
            self.setText(value if isinstance(value, str) else value.isoformat())
        self.textChanged.connect(lambda _t: self.dateChanged.emit(self.date_or_none()))
        self.editingFinished.connect(self._tidy)

    def date(self) -> dt.date:
        """The typed date; ``ValidationError`` (Chinese) when there is none or it is not a date."""
        return parse_date(self.text())

    def date_or_none(self) -> dt.date | None:
        try:
            return self.date()
        except ValidationError:
            return None

    def set_date(self, day: dt.date | str | None) -> None:
        self.setText("" if not day else (day if isinstance(day, str) else day.isoformat()))

    def _tidy(self) -> None:
        day = self.date_or_none()
        if day and self.text() != day.isoformat():
            self.setText(day.isoformat())

    def keyPressEvent(self, event) -> None:  # noqa: N802
        step = {Qt.Key_Up: 1, Qt.Key_Down: -1}.get(event.key())
        if step is not None:
            day = self.date_or_none() or clock.today()
            self.setText((day + dt.timedelta(days=step)).isoformat())
            return
        super().keyPressEvent(event)


class FieldError(Exception):
    """A value the dialog itself refuses before asking storage, shown at ``key``."""

    def __init__(self, key: str, message: str):
        super().__init__(message)
        self.key = key
        self.message = message


class ActionDialog(QDialog):
    """One action on one patient. Subclasses build rows with ``add_row`` and implement ``save()``,
    which calls storage and returns normally on success; a refusal (``ClinicError``) keeps the
    dialog open and shows its message at the row its ``field`` names — through ``FIELD_ROWS``
    where storage calls the input by another name than the row — else above the buttons. The
    message is never read to find the row: rewording a refusal can't move it. Nothing typed is
    lost."""

    FIELD_ROWS: dict[str, str] = {}   # a refusal's field -> this dialog's row, where the two differ
    OK_TEXT = "保存"

    def __init__(self, session, patient_id: int, title: str, parent=None):
        super().__init__(parent)
        self.session = session
        self.db = session.db
        self.patient_id = patient_id
        self.result_value = None
        self.setWindowTitle(title)
        self._rows: dict[str, QWidget] = {}
        self._errors: dict[str, QLabel] = {}
        self._focus: dict[str, QWidget] = {}
        self.form = QFormLayout()
        self.form.setLabelAlignment(Qt.AlignRight | Qt.AlignTop)
        self.form.setFieldGrowthPolicy(QFormLayout.AllNonFixedFieldsGrow)
        self.message = error_label()
        self.message.hide()
        self.buttons = dialog_buttons(self.accept, self.reject, self.OK_TEXT)
        self.body = QVBoxLayout(self)
        self.body.addLayout(self.form)

    def finish_layout(self) -> None:
        """Call at the end of a subclass's ``__init__``: message and buttons go last, and Tab goes
        through the rows in the order they were added, then to the buttons."""
        self.body.addStretch(1)
        self.body.addWidget(self.message)
        self.body.addWidget(self.buttons)
        set_tab_order([*self._rows.values(), self.buttons])

    def showEvent(self, event) -> None:  # noqa: N802
        """On opening, the cursor is in the first field that can be typed in."""
        super().showEvent(event)
        if not getattr(self, "_focused_once", False):
            self._focused_once = True
            focus_first([*self._rows.values(), self.buttons])

    @property
    def ok_button(self):
        return self.buttons.button(QDialogButtonBox.Ok)

    # --- rows ---------------------------------------------------------------------------------
    def add_row(self, key: str, label: str, widget: QWidget, focus: QWidget | None = None) -> QWidget:
        error = error_label()
        error.setObjectName(f"error_{key}")
        holder = with_error(widget, error)
        self.form.addRow(label, holder)
        self._rows[key] = holder
        self._errors[key] = error
        self._focus[key] = focus or widget
        return widget

    def set_row_visible(self, key: str, visible: bool) -> None:
        self._rows[key].setVisible(visible)
        label = self.form.labelForField(self._rows[key])
        if label is not None:
            label.setVisible(visible)

    def row_visible(self, key: str) -> bool:
        return not self._rows[key].isHidden()

    # --- errors -------------------------------------------------------------------------------
    def show_error(self, key: str | None, text: str) -> None:
        label = self._errors.get(key) if key else None
        if label is None:
            self.message.setText(text)
            self.message.show()
            return
        label.setText(text)
        label.show()
        self._focus[key].setFocus(Qt.OtherFocusReason)

    def clear_errors(self) -> None:
        for label in self._errors.values():
            label.setText("")
            label.hide()
        self.message.setText("")
        self.message.hide()

    def error_text(self, key: str | None = None) -> str:
        """The error shown at row ``key`` (or above the buttons when ``None``)."""
        label = self.message if key is None else self._errors[key]
        return label.text()

    def all_errors(self) -> str:
        return "\n".join(t for t in [self.message.text(), *(e.text() for e in self._errors.values())] if t)

    def date_of(self, key: str, field: DateField) -> str:
        """The ISO date typed in ``field``; ``FieldError`` at ``key`` when it is not a date."""
        try:
            return field.date().isoformat()
        except ValidationError as exc:
            raise FieldError(key, exc.message) from None

    # --- confirming ---------------------------------------------------------------------------
    def save(self):
        raise NotImplementedError

    def try_save(self) -> bool:
        """``save()``, keeping what it returns; a refusal is shown where it belongs and ``False``
        returned, with the dialog left as it was typed."""
        try:
            self.result_value = self.save()
        except FieldError as exc:
            self.show_error(exc.key, exc.message)
            return False
        except ClinicError as exc:
            self.show_error(self.place_of_error(exc), exc.message)
            return False
        return True

    def place_of_error(self, exc: ClinicError) -> str | None:
        """The visible row the error's ``field`` names, or ``None`` (shown above the buttons)."""
        key = self.FIELD_ROWS.get(exc.field, exc.field) if exc.field else None
        if key and key in self._errors and self.row_visible(key):
            return key
        return None

    def accept(self) -> None:
        self.clear_errors()
        if self.try_save():
            super().accept()

    @property
    def accepted_ok(self) -> bool:
        return self.result() == QDialog.Accepted


def decision_buttons(decisions: dict[str, str]) -> tuple[QWidget, QButtonGroup, dict[str, QRadioButton]]:
    """Radio buttons in a row, one per ``{key: label}``; returns (holder, group, {key: radio})."""
    holder = QWidget()
    row = QHBoxLayout(holder)
    row.setContentsMargins(0, 0, 0, 0)
    group = QButtonGroup(holder)
    radios = {}
    for key, label in decisions.items():
        radio = QRadioButton(label)
        radio.setObjectName(f"decision_{key}")
        group.addButton(radio)
        row.addWidget(radio)
        radios[key] = radio
    row.addStretch(1)
    return holder, group, radios


def stack(*widgets) -> QWidget:
    """Widgets one above the other, without margins."""
    holder = QWidget()
    column = QVBoxLayout(holder)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(4)
    for widget in widgets:
        column.addWidget(widget)
    return holder


# --- read-only tables ----------------------------------------------------------------------------

def make_table(columns: tuple[str, ...], name: str = "", stretch: tuple[int, ...] = ()) -> QTableWidget:
    """A read-only table sized to its rows. ``stretch`` columns (notes) share the spare width and
    elide long text, whose full wording is in the tooltip; the others fit their contents."""
    table = QTableWidget(0, len(columns))
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(list(columns))
    table.setEditTriggers(QAbstractItemView.NoEditTriggers)
    table.setSelectionMode(QAbstractItemView.NoSelection)
    table.setFocusPolicy(Qt.NoFocus)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.setTextElideMode(Qt.ElideRight)
    table.verticalHeader().setVisible(False)
    table.setVerticalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
    table.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeToContents)
    for column in stretch:
        header.setSectionResizeMode(column, QHeaderView.Stretch)
    header.setStretchLastSection(not stretch)
    return table


def fill_table(table: QTableWidget, rows: list[list[str]], empty: str = "（无记录）") -> None:
    """Put ``rows`` in and size the table to them, so the page scrolls rather than the table."""
    table.setRowCount(0)
    if not rows:
        table.setRowCount(1)
        table.setSpan(0, 0, 1, table.columnCount())
        item = QTableWidgetItem(empty)
        item.setForeground(Qt.gray)
        table.setItem(0, 0, item)
    else:
        table.clearSpans()
        table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                item = QTableWidgetItem(shown(value))
                item.setToolTip(item.text())
                table.setItem(r, c, item)
    table.resizeRowsToContents()
    height = table.horizontalHeader().sizeHint().height() + 2 * table.frameWidth()
    height += sum(table.rowHeight(r) for r in range(table.rowCount()))
    table.setFixedHeight(height + 2)


def table_text(table: QTableWidget) -> list[list[str]]:
    """Every cell's text, row by row (for tests and callers)."""
    return [[table.item(r, c).text() if table.item(r, c) else "" for c in range(table.columnCount())]
            for r in range(table.rowCount())]
