"""Small building blocks several dialogs and patient-page panels share, so they look and behave alike."""
from __future__ import annotations

from PySide6.QtWidgets import (QAbstractItemView, QDialogButtonBox, QHBoxLayout, QLabel, QLineEdit,
                               QProgressBar, QVBoxLayout, QWidget)

from ..domain import roles
from .style import set_role

OK_STYLE = "color: #2e7d32;"
STATUS_STYLE = "font-size: 13pt; font-weight: bold; color: #1d4f91;"


def dialog_buttons(on_ok, on_cancel, ok_text: str = "确定") -> QDialogButtonBox:
    """OK/Cancel in Chinese; OK is the default button, so Enter confirms."""
    buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
    buttons.button(QDialogButtonBox.Ok).setText(ok_text)
    buttons.button(QDialogButtonBox.Cancel).setText("取消")
    buttons.accepted.connect(on_ok)
    buttons.rejected.connect(on_cancel)
    return buttons


class WrappingLabel(QLabel):
    """A word-wrapped label that asks its layout for the height its lines need at the width it is
    given, as a plain minimum height. Qt's height-for-width is not honoured by every layout (form
    rows, stacked pages, a window's own minimum): there a wrapped message got the height of one
    line and the rest of it was drawn over the field below. Used for every message under a field
    and for the wrapped notes beside such fields (one label with height-for-width in a box puts
    the whole box back on it)."""

    def __init__(self, text: str = "", parent=None):
        super().__init__(text, parent)
        self.setWordWrap(True)
        self._fit()

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt's name
        return False  # the minimum height set in _fit says it, to every layout alike

    def sizeHint(self):  # noqa: N802
        hint = super().sizeHint()
        hint.setHeight(max(self.minimumHeight(), self.one_line()))  # the lines at the width it has
        return hint

    def setText(self, text: str) -> None:  # noqa: N802 - Qt's name
        super().setText(text)
        self._fit()

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._fit()

    def one_line(self) -> int:
        """The height of one line of text (an empty label is a pixel shorter than a written one)."""
        probe = QLabel("国")
        probe.setFont(self.font())
        probe.setWordWrap(self.wordWrap())
        return probe.sizeHint().height()

    def _fit(self) -> None:
        if not self.wordWrap():
            return
        needed = self.heightForWidth(self.width()) if self.text() and self.width() > 0 else 0
        needed = max(needed, self.one_line())
        if needed != self.minimumHeight():
            self.setMinimumHeight(needed)


def error_label() -> QLabel:
    label = WrappingLabel("")
    set_role(label, "error")
    return label


def row_of(*widgets) -> QWidget:
    """Widgets side by side at their own width, without margins, so they line up with a form's
    other fields."""
    holder = QWidget()
    row = QHBoxLayout(holder)
    row.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        row.addWidget(widget)
    row.addStretch(1)
    return holder


def reserve_space(label: QLabel) -> QLabel:
    """A hidden ``label`` keeps its line in the layout, so the fields under it do not jump when
    its message comes and goes (a message longer than a line still makes room for itself)."""
    policy = label.sizePolicy()
    policy.setRetainSizeWhenHidden(True)
    label.setSizePolicy(policy)
    return label


def with_error(widget: QWidget, error: QLabel) -> QWidget:
    """``widget`` with its own error line right under it, hidden until there is something to say:
    a refusal is shown at the field it concerns. The line's height is kept while it is hidden."""
    holder = QWidget()
    column = QVBoxLayout(holder)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(2)
    column.addWidget(widget)
    error.hide()
    column.addWidget(reserve_space(error))
    return holder


class Lines(QWidget):
    """A column of labels refilled on every reload; each line has its own style: ``"ok"``,
    ``"status"`` (the programme status, large), a role of ``style.set_role`` or ``""``."""

    def __init__(self, name: str):
        super().__init__()
        self.setObjectName(name)
        self.column = QVBoxLayout(self)
        self.column.setContentsMargins(0, 0, 0, 0)
        self.column.setSpacing(3)
        self.labels: list[QLabel] = []

    def set_lines(self, lines: list[tuple[str, str]]) -> None:
        for label in self.labels:
            label.deleteLater()
        self.labels = []
        for text, role in lines:
            label = QLabel(text)
            label.setWordWrap(True)
            if role == "ok":
                label.setStyleSheet(OK_STYLE)
            elif role == "status":
                label.setStyleSheet(STATUS_STYLE)
            elif role:
                set_role(label, role)
            self.column.addWidget(label)
            self.labels.append(label)

    def text(self) -> str:
        return "\n".join(label.text() for label in self.labels)


def password_pair() -> tuple[QLineEdit, QLineEdit]:
    """A new password and its confirmation, with the rule in the placeholder."""
    password = QLineEdit()
    password.setEchoMode(QLineEdit.Password)
    password.setPlaceholderText(f"至少{roles.MIN_PASSWORD_LENGTH}位，含字母和数字")
    confirm = QLineEdit()
    confirm.setEchoMode(QLineEdit.Password)
    return password, confirm


class PasswordFields:
    """A new password and its confirmation, each with its own error line under it: a weak
    password is said under 密码, a different second typing under 再次输入密码."""

    def __init__(self):
        self.password, self.confirm = password_pair()
        self.password_error, self.confirm_error = error_label(), error_label()
        self.password_error.setObjectName("error_password")
        self.confirm_error.setObjectName("error_confirm")
        self.password_row = with_error(self.password, self.password_error)
        self.confirm_row = with_error(self.confirm, self.confirm_error)

    def add_to(self, form) -> None:
        form.addRow("密码", self.password_row)
        form.addRow("再次输入密码", self.confirm_row)

    def check(self, username: str) -> bool:
        """Show what is wrong under the field it concerns; True when the pair may be saved."""
        weak = roles.password_problem(self.password.text(), username.strip())
        different = "两次输入的密码不一致" if not weak and self.password.text() != self.confirm.text() else None
        for label, text in ((self.password_error, weak), (self.confirm_error, different)):
            label.setText(text or "")
            label.setVisible(bool(text))
        if weak or different:
            (self.password if weak else self.confirm).setFocus()
        return not (weak or different)


def busy_bar() -> QProgressBar:
    """The small endless bar a window shows while it reads or writes off the UI thread."""
    bar = QProgressBar()
    bar.setRange(0, 0)
    bar.setTextVisible(False)
    bar.setFixedWidth(120)
    bar.setMaximumHeight(14)
    return bar


def window_header(title: str, session, busy, status, selector_label: str, selector, refresh) -> QHBoxLayout:
    """Title and clinic on the left; progress, status, the period selector and 刷新 on the right —
    the same top line for the dashboard and the ledger window."""
    bar = QHBoxLayout()
    heading = QLabel(title)
    set_role(heading, "title")
    clinic = session.clinic.get("name", "") if isinstance(session.clinic, dict) else ""
    where = QLabel(clinic)
    set_role(where, "hint")
    bar.addWidget(heading)
    bar.addWidget(where)
    bar.addStretch(1)
    bar.addWidget(busy)
    bar.addWidget(status)
    bar.addSpacing(12)
    bar.addWidget(QLabel(selector_label))
    bar.addWidget(selector)
    bar.addWidget(refresh)
    return bar


def read_only_rows(view) -> None:
    """A list staff pick one row from and never edit in place."""
    view.setSelectionBehavior(QAbstractItemView.SelectRows)
    view.setSelectionMode(QAbstractItemView.SingleSelection)
    view.setEditTriggers(QAbstractItemView.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().setVisible(False)
