"""Settings dialog generated from the declarations in ``domain.settings_spec``: numbers as spin
boxes, money typed in yuan (stored in fen), choices as lists, yes/no settings as checkboxes."""
from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QDialog, QFormLayout, QLineEdit, QSpinBox, QVBoxLayout

from ..domain.errors import ClinicError, ValidationError
from ..domain.money import parse_yuan, yuan
from ..domain.settings_spec import SETTINGS
from ..services import settings as setting_services
from ..storage import settings
from .keyboard import focus_first, set_tab_order
from .widgets import dialog_buttons, error_label

EDITABLE = tuple(s for s in SETTINGS if s.kind)


def _editor(spec, value):
    if spec.kind == "flag":
        box = QCheckBox(spec.label)
        box.setChecked(bool(value))
        return box
    if spec.kind == "choice":
        box = QComboBox()
        box.addItems(spec.choices)
        box.setCurrentText(str(value))
        return box
    if spec.kind == "money":
        box = QLineEdit(yuan(value))
        box.setPlaceholderText("如 500.00")
        return box
    if spec.kind == "text":
        return QLineEdit(str(value))
    box = QSpinBox()
    box.setRange(spec.minimum if spec.minimum is not None else 0,
                 spec.maximum if spec.maximum is not None else 100000)
    box.setValue(value)
    return box


def _read(spec, box):
    if spec.kind == "flag":
        return 1 if box.isChecked() else 0
    if spec.kind == "choice":
        return box.currentText()
    if spec.kind == "money":
        return parse_yuan(box.text())
    if spec.kind == "text":
        return spec.normalize(box.text()) if spec.normalize else box.text().strip()
    return box.value()


class SettingsDialog(QDialog):
    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self.setWindowTitle("设置")
        self.setMinimumWidth(520)
        self.inputs: dict[str, object] = {}
        form = QFormLayout()
        for spec in EDITABLE:
            box = _editor(spec, settings.get(session.db, spec.key))
            self.inputs[spec.key] = box
            if spec.kind == "flag":
                form.addRow("", box)  # the checkbox says it itself
            else:
                form.addRow(spec.label, box)
        self.message = error_label()
        buttons = dialog_buttons(self.save, self.reject, "保存")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        set_tab_order([*self.inputs.values(), buttons])  # the declared order of settings_spec
        focus_first(self.inputs.values())

    def values(self) -> dict:
        """What is typed, by key; a bad amount raises ``ValidationError`` naming the setting."""
        out = {}
        for spec in EDITABLE:
            try:
                out[spec.key] = _read(spec, self.inputs[spec.key])
            except ValidationError as exc:
                raise ValidationError(f"{spec.label}：{exc.message}", field=spec.key) from None
        return out

    def _focus_refused(self, exc: ClinicError) -> None:
        """Put the cursor in the setting the refusal's ``field`` names; what was typed there stays
        to correct."""
        box = self.inputs.get(exc.field) if exc.field else None
        if box is not None:
            box.setFocus()

    def save(self) -> None:
        db = self.session.db
        try:
            typed = self.values()
        except ValidationError as exc:
            self.message.setText(exc.message)
            self._focus_refused(exc)
            return
        try:
            setting_services.change_settings(db, self.session.user, typed)
        except ClinicError as exc:
            self.message.setText(exc.message)
            self._focus_refused(exc)
            return
        self.accept()
