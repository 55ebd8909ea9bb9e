"""After a collection is saved: what was written, and the two prints — the slip for the patient
and the new rows onto the rescue card's record pages — run off the UI thread."""
from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ..style import set_role
from . import text
from .printing import NEW_ROWS, SLIP, CardPrinter


class DonePage(QWidget):
    """After the entry is saved: what was written, and the two prints."""

    def __init__(self, dialog):
        super().__init__()
        self.dialog = dialog
        column = QVBoxLayout(self)
        self.title = QLabel("已发药")
        set_role(self.title, "title")
        column.addWidget(self.title)
        self.summary = QLabel("")
        self.summary.setObjectName("done_summary")
        self.summary.setWordWrap(True)
        column.addWidget(self.summary)
        self.slip_button = QPushButton("打印领药单…")
        self.slip_button.setObjectName("print_slip")
        self.rows_button = QPushButton("打印救助卡新记录…")
        self.rows_button.setObjectName("print_new_rows")
        self.slip_button.setShortcut("Ctrl+P")
        self.slip_button.setToolTip("领药单：先预览，再打印或另存为 PDF（Ctrl+P）")
        self.rows_button.setShortcut("Ctrl+Shift+P")
        self.rows_button.setToolTip("把新记录套打到救助卡记录页：先预览，打印后确认是否打印正确（Ctrl+Shift+P）")
        for button in (self.slip_button, self.rows_button):
            button.setAutoDefault(False)
        self.slip_button.clicked.connect(self.print_slip)
        self.rows_button.clicked.connect(self.print_new_rows)
        column.addLayout(_buttons(self.slip_button, self.rows_button))
        self.print_state = QLabel("")
        self.print_state.setObjectName("print_state")
        self.print_state.setWordWrap(True)
        column.addWidget(self.print_state)
        column.addStretch(1)
        finish = QPushButton("完成")
        finish.setObjectName("finish")
        finish.setProperty("primary", True)
        finish.clicked.connect(dialog.accept)
        column.addLayout(_buttons(finish, stretch_first=True))
        self.printer = CardPrinter(dialog, dialog.session, self._say)
        self.printer.printed.connect(lambda *_a: self._enable(not self.printer.busy))
        self.printer.confirmed.connect(lambda *_a: self._enable(True))
        self.printer.failed.connect(lambda *_a: self._enable(True))

    def show_entry(self, entry: dict) -> None:
        self.entry = entry
        self.title.setText(f"已发药：{self.dialog.patient['name']} {entry['date']}")
        self.summary.setText(text.summary(entry) + "\n个人支付 0.00 元"
                             + (f"\n约定下次取药：{entry['next_appointment']}" if entry.get("next_appointment") else "")
                             + "\n\n请将处方附在救助卡上；可打印领药单交患者，并把新记录套打到救助卡记录页。")

    def _say(self, message: str, role: str) -> None:
        self.print_state.setText(message)
        set_role(self.print_state, role)

    def _enable(self, enabled: bool) -> None:
        self.slip_button.setEnabled(enabled)
        self.rows_button.setEnabled(enabled)

    def print_slip(self) -> bool:
        name = f"领药单_{self.dialog.patient['name']}_{self.entry['date']}.pdf"
        started = self.printer.start(SLIP, self.entry["id"], name)
        self._enable(not started)
        return started

    def print_new_rows(self) -> bool:
        name = f"救助卡新记录_{self.dialog.patient['name']}_{self.entry['date']}.pdf"
        started = self.printer.start(NEW_ROWS, self.dialog.patient_id, name)
        self._enable(not started)
        return started


def _buttons(*buttons, stretch_first: bool = False) -> QHBoxLayout:
    row = QHBoxLayout()
    if stretch_first:
        row.addStretch(1)
    for button in buttons:
        row.addWidget(button)
    if not stretch_first:
        row.addStretch(1)
    return row
