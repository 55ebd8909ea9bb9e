"""One input widget per field kind, all with the same small interface:

``widget`` (the thing to focus), ``value()``, ``set_value(v)``, and ``finished`` — emitted when
the user has finished with the field (left a text box, picked an item, ticked a box).
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QCompleter, QGridLayout, QLineEdit, QWidget

from ...domain import patient_fields as pf
from .photo_box import PhotoBox

DATE_PLACEHOLDER = "2020-01-05"
MULTI_COLUMNS = 2


class Editor(QObject):
    finished = Signal()

    def __init__(self, field: pf.Field, widget: QWidget):
        super().__init__(widget)
        self.field = field
        self.widget = widget

    def value(self):
        raise NotImplementedError

    def set_value(self, value) -> None:
        raise NotImplementedError

    def focus(self) -> None:
        self.widget.setFocus(Qt.OtherFocusReason)


class TextEditor(Editor):
    def __init__(self, field: pf.Field, placeholder: str = ""):
        edit = QLineEdit()
        edit.setMaxLength(field.max_length)
        edit.setPlaceholderText(placeholder or field.placeholder)
        super().__init__(field, edit)
        edit.editingFinished.connect(self.finished)

    def value(self):
        return self.widget.text().strip() or None

    def set_value(self, value) -> None:
        self.widget.setText("" if value is None else str(value))

    def focus(self) -> None:
        super().focus()
        self.widget.selectAll()


class ChoiceEditor(Editor):
    """A closed list; the blank first item means "not chosen yet"."""

    def __init__(self, field: pf.Field, choices: tuple[str, ...] | list[str] = (), separator_after: int = 0):
        combo = QComboBox()
        combo.addItem("")
        combo.addItems(list(choices or field.choices))
        if 0 < separator_after < combo.count() - 1:
            combo.insertSeparator(separator_after + 1)
        combo.setMaxVisibleItems(20)
        super().__init__(field, combo)
        combo.activated.connect(lambda _i: self.finished.emit())

    def value(self):
        return self.widget.currentText() or None

    def set_value(self, value) -> None:
        text = "" if value is None else str(value)
        index = self.widget.findText(text)
        if index < 0:  # a value no longer on the list still shows, and the rules will flag it
            self.widget.addItem(text)
            index = self.widget.count() - 1
        self.widget.setCurrentIndex(index)


class EditableChoiceEditor(Editor):
    """A list to pick from, or type something else (民族, 与患者关系)."""

    def __init__(self, field: pf.Field):
        combo = QComboBox()
        combo.setEditable(True)
        combo.setInsertPolicy(QComboBox.NoInsert)
        combo.addItem("")
        combo.addItems(list(field.choices))
        combo.setMaxVisibleItems(20)
        combo.lineEdit().setMaxLength(field.max_length)
        completer = combo.completer()
        completer.setCompletionMode(QCompleter.PopupCompletion)
        completer.setFilterMode(Qt.MatchContains)
        super().__init__(field, combo)
        combo.lineEdit().editingFinished.connect(self.finished)
        combo.activated.connect(lambda _i: self.finished.emit())

    def value(self):
        return self.widget.currentText().strip() or None

    def set_value(self, value) -> None:
        text = "" if value is None else str(value)
        index = self.widget.findText(text)
        if index >= 0:
            self.widget.setCurrentIndex(index)
        else:
            self.widget.setEditText(text)


class MultiEditor(Editor):
    """Tick boxes, more than one may be ticked (享受医疗保险情况, 贫困情况, 补贴)."""

    def __init__(self, field: pf.Field):
        box = QWidget()
        grid = QGridLayout(box)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(16)
        self.boxes: dict[str, QCheckBox] = {}
        for i, choice in enumerate(field.choices):
            check = QCheckBox(choice)
            grid.addWidget(check, i // MULTI_COLUMNS, i % MULTI_COLUMNS)
            self.boxes[choice] = check
        super().__init__(field, box)
        for check in self.boxes.values():
            check.toggled.connect(lambda _on: self.finished.emit())

    def value(self):
        return [c for c, check in self.boxes.items() if check.isChecked()]

    def set_value(self, value) -> None:
        chosen = set(value or [])
        for choice, check in self.boxes.items():
            check.setChecked(choice in chosen)

    def focus(self) -> None:
        next(iter(self.boxes.values())).setFocus(Qt.OtherFocusReason)


class BoolEditor(Editor):
    def __init__(self, field: pf.Field):
        check = QCheckBox("是")
        super().__init__(field, check)
        check.toggled.connect(lambda _on: self.finished.emit())

    def value(self):
        return self.widget.isChecked()

    def set_value(self, value) -> None:
        self.widget.setChecked(bool(value))


class ImageEditor(Editor):
    """The photo; its value is ``(bytes, mime)`` or ``None``."""

    def __init__(self, field: pf.Field):
        super().__init__(field, PhotoBox())
        self.widget.changed.connect(self.finished)

    def value(self):
        return self.widget.photo()

    def set_value(self, value) -> None:
        if value is None:
            self.widget.set_photo(None, None)
        else:
            self.widget.set_photo(*value)

    def focus(self) -> None:
        self.widget.choose_button.setFocus(Qt.OtherFocusReason)


def make_editor(field: pf.Field, choices: list[str] | None = None, separator_after: int = 0) -> Editor:
    """The editor for a field's kind; ``choices`` overrides the field's own (the town list)."""
    if field.kind == pf.CHOICE:
        return ChoiceEditor(field, choices or field.choices, separator_after)
    if field.kind == pf.EDITABLE_CHOICE:
        return EditableChoiceEditor(field)
    if field.kind == pf.MULTI:
        return MultiEditor(field)
    if field.kind == pf.DATE:
        return TextEditor(field, DATE_PLACEHOLDER)
    if field.kind == pf.BOOL:
        return BoolEditor(field)
    if field.kind == pf.IMAGE:
        return ImageEditor(field)
    return TextEditor(field)
