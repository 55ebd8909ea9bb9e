"""A field's label, and the cell under it that holds the input and its message line."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ...domain import patient_fields as pf

ERROR_STYLE = "color: #c62828;"
WARNING_STYLE = "color: #b25e00;"
HINT_STYLE = "color: #52606d;"
REQUIRED_MARK = '<span style="color:#c62828;">*</span>'
SUGGESTION_TEXT = "转换为18位"


def field_label(field: pf.Field, buddy: QWidget | None = None, min_height: int = 0,
                mark_required: bool = True) -> QLabel:
    """``姓名：``, with a red star before it when the field is required (on the form)."""
    text = f"{field.label}："
    starred = mark_required and field.required
    label = QLabel(f"{REQUIRED_MARK}{text}" if starred else text)
    label.setTextFormat(Qt.RichText if starred else Qt.PlainText)
    label.setAlignment(Qt.AlignRight | Qt.AlignVCenter)
    if min_height:
        label.setMinimumHeight(min_height)
    if buddy is not None:
        label.setBuddy(buddy)
    return label


class FieldCell(QWidget):
    """The input, and under it a red (error) or orange (warning) line, hidden while all is well."""

    suggestion_taken = Signal(str)

    def __init__(self, key: str, input_widget: QWidget, parent=None, hint: str = ""):
        super().__init__(parent)
        self.key = key
        self.input = input_widget
        self.hint = QLabel(hint)   # what the field is for, always shown (the field's ``hint``)
        self.hint.setObjectName(f"hint_{key}")
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet(HINT_STYLE)
        self.hint.setVisible(bool(hint))
        self.message = QLabel()
        self.message.setObjectName(f"error_{key}")
        self.message.setWordWrap(True)
        self.message.hide()
        self.suggest_button = QPushButton(SUGGESTION_TEXT)
        self.suggest_button.setObjectName(f"suggest_{key}")
        self.suggest_button.setAutoDefault(False)
        self.suggest_button.hide()
        self.suggest_button.clicked.connect(self._take_suggestion)
        self._suggestion = ""
        self._kind = ""
        line = QHBoxLayout()
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.message, 1)
        line.addWidget(self.suggest_button, 0, Qt.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(input_widget)
        layout.addWidget(self.hint)
        layout.addLayout(line)
        layout.addStretch(1)  # the input stays level with its label when a neighbour grows

    @property
    def kind(self) -> str:
        """'error', 'warning' or '' (nothing shown)."""
        return self._kind

    def text(self) -> str:
        return "" if self.message.isHidden() else self.message.text()

    def show_error(self, message: str, suggestion: str = "") -> None:
        self._show("error", message, ERROR_STYLE)
        self._suggestion = suggestion
        self.suggest_button.setVisible(bool(suggestion))

    def show_warning(self, message: str) -> None:
        self._show("warning", message, WARNING_STYLE)
        self.suggest_button.hide()

    def clear(self) -> None:
        self.message.hide()
        self.message.clear()
        self.suggest_button.hide()
        self._suggestion = ""
        self._kind = ""
        self._set_invalid(False)

    def _show(self, kind: str, message: str, style: str) -> None:
        self._kind = kind
        self.message.setStyleSheet(style)
        self.message.setText(message)
        self.message.show()
        self._set_invalid(kind == "error")

    def _set_invalid(self, invalid: bool) -> None:
        if bool(self.input.property("invalid")) == invalid:
            return
        self.input.setProperty("invalid", invalid)
        self.input.style().unpolish(self.input)
        self.input.style().polish(self.input)

    def _take_suggestion(self) -> None:
        suggestion = self._suggestion
        self.clear()
        self.suggestion_taken.emit(suggestion)
