"""Settings dialog generated from the declarations in ``domain.settings_spec``."""
from __future__ import annotations

from PySide6.QtWidgets import QDialog, QFormLayout, QSpinBox, QVBoxLayout

from ..domain.settings_spec import SETTINGS
from ..storage import audit, settings
from .widgets import dialog_buttons, error_label

EDITABLE = tuple(s for s in SETTINGS if s.type is int)


class SettingsDialog(QDialog):
    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self.setWindowTitle("设置")
        self.setMinimumWidth(420)
        self.inputs: dict[str, QSpinBox] = {}
        form = QFormLayout()
        for spec in EDITABLE:
            box = QSpinBox()
            box.setRange(spec.minimum or 0, spec.maximum or 100000)
            box.setValue(settings.get(session.db, spec.key))
            self.inputs[spec.key] = box
            form.addRow(spec.label, box)
        self.message = error_label()
        buttons = dialog_buttons(self.save, self.reject, "保存")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def save(self) -> None:
        db = self.session.db
        changes = {k: box.value() for k, box in self.inputs.items() if box.value() != settings.get(db, k)}
        try:
            with db.atomic():
                for key, value in changes.items():
                    settings.put(db, key, value)
                if changes:
                    audit.record(db, audit.UPDATE, "settings", None, "修改设置", detail=changes,
                                 user=self.session.user)
        except ValueError as exc:
            self.message.setText(str(exc))
            return
        self.accept()
