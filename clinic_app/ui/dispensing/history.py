"""领药记录 on the patient page: may the patient collect today, the cover left per drug, the next
appointment, every entry with its cost split and signers (voids included), the card's printed
record pages, and the actions: 发药…, 作废…, 打印领药单…, 打印救助卡….

Officers and administrators dispense and void; psychiatrists prescribe in the dialog but do not
record a collection themselves; read-only accounts only look.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QAbstractItemView, QDialog, QGroupBox, QHBoxLayout, QHeaderView, QLabel, QMenu,
                               QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from ...domain import adherence, roles
from ...documents import card_layout as CL
from ...storage import card_rows, cards, clock, dispensing, followup, patients, settings
from ..style import set_role
from ..widgets import Lines
from . import text
from .dialog import DispensingDialog
from .printing import CARD, NEW_ROWS, SLIP, CardPrinter
from .void_dialog import VoidDialog

COLUMNS = ("日期", "药品及数量", "领药总金额", "医保特病", "民政救助", "残联", "项目资金", "精神科医师",
           "发药人/授权人", "监护人签名", "状态")
STATUS_COLOURS = {text.VALID: "#2e7d32", text.VOIDED: "#9aa5b1", text.VOID_ENTRY: "#c62828"}
ACTIONS = {"dispense": "发药…", "void": "作废…", "slip": "打印领药单…", "card": "打印救助卡…"}
READ_ONLY_TIP = "只有精防人员（发药人）或管理员可以登记发药和作废"


def card_pages(db, card_id: int) -> list[tuple[int, int]]:
    """(page, rows printed) of a rescue card's record pages."""
    return card_rows.printed_pages(db, card_id)


class DispensingPanel(QWidget):
    changed = Signal()

    def __init__(self, session, patient_id: int, parent=None):
        super().__init__(parent)
        self.session = session
        self.db = session.db
        self.patient_id = patient_id
        self.can_dispense = session.role in dispensing.DISPENSER_ROLES
        self.can_void = session.role in dispensing.VOID_ROLES
        self.can_print = roles.may(session.role, "patient.print")
        self.entries: list[dict] = []
        self.buttons: dict[str, QPushButton] = {}
        self.last_dialog = None
        self._build()
        self.printer = CardPrinter(self, session, self._say)
        self.printer.printed.connect(lambda *_a: self.reload())
        self.printer.confirmed.connect(lambda *_a: self.reload())  # rows confirmed on the card show at once
        self.printer.failed.connect(lambda *_a: self._enable())
        self.reload()

    # --- building ------------------------------------------------------------------------
    def _build(self) -> None:
        self.status = Lines("dispensing_status")
        self.cover = Lines("cover")
        self.card_state = Lines("card_pages")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        state = QGroupBox("领药状态")
        column = QVBoxLayout(state)
        column.addWidget(self.status)
        column.addWidget(self.cover)
        column.addStretch(1)
        top.addWidget(state, 2)
        card = QGroupBox("救助卡记录页（第2至12页）")
        column = QVBoxLayout(card)
        column.addWidget(self.card_state)
        column.addStretch(1)
        top.addWidget(card, 1)
        layout.addLayout(top)

        row = QHBoxLayout()
        for key, label in ACTIONS.items():
            button = QPushButton(label)
            button.setObjectName(f"action_{key}")
            button.setAutoDefault(False)
            self.buttons[key] = button
            row.addWidget(button)
        self.buttons["dispense"].setProperty("primary", True)
        self.buttons["dispense"].clicked.connect(self.dispense)
        self.buttons["void"].clicked.connect(self.void_selected)
        self.buttons["slip"].clicked.connect(self.print_slip)
        menu = QMenu(self)
        self.new_rows_action = menu.addAction("打印新记录（套打到救助卡上）…", self.print_new_rows)
        self.card_action = menu.addAction("打印整本救助卡…", self.print_card)
        self.buttons["card"].setMenu(menu)
        row.addStretch(1)
        layout.addLayout(row)
        self.print_state = QLabel("")
        self.print_state.setObjectName("print_state")
        self.print_state.setWordWrap(True)
        layout.addWidget(self.print_state)

        box = QGroupBox("领药记录（记录一经保存不能修改；更正请先作废再重新登记）")
        column = QVBoxLayout(box)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("dispensing_history")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.ElideRight)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(28)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.Stretch)
        self.table.itemSelectionChanged.connect(self._enable)
        self.table.setMinimumHeight(220)
        column.addWidget(self.table)
        layout.addWidget(box, 1)

    # --- reading -------------------------------------------------------------------------
    def reload(self) -> None:
        db, pid = self.db, self.patient_id
        self.today = clock.today()
        self.refusal = dispensing.refusal(db, pid, self.today.isoformat())
        self.entries = dispensing.history(db, pid)
        self.current_card = cards.current(db, pid)
        self._show_status()
        self._show_card()
        selected = self.selected_entry()
        self._fill_table()
        if selected:
            self.select_entry(selected["id"])
        self._enable()

    def _show_status(self) -> None:
        lines = [(f"不能领药：{self.refusal}", "error") if self.refusal else ("可以领药", "ok")]
        lines.append(text.appointment_text(dispensing.next_appointment(self.db, self.patient_id), self.today))
        lines.append(self._adherence_line())
        self.status.set_lines(lines)
        covers = dispensing.cover_by_drug(self.db, self.patient_id, self.today)
        self.cover.set_lines([("各药品剩余可用天数：", "hint")]
                             + [(text.cover_text(c), "" if c["days_left"] > 7 else "warning") for c in covers]
                             if covers else [("暂无可用药品（尚无有效领药记录）", "hint")])

    def _adherence_line(self) -> tuple[str, str]:
        """近12个月服药依从性 (hospital days left out), red below the setting's line."""
        result = followup.adherence_for(self.db, self.patient_id, self.today)
        low = adherence.below(result, settings.get(self.db, "adherence_threshold_percent"))
        return f"近{followup.ADHERENCE_MONTHS}个月服药依从性：{adherence.label(result)}", "error" if low else ""

    def _show_card(self) -> None:
        card = self.current_card
        if card is None:
            self.card_state.set_lines([("没有有效的救助卡", "hint")])
            return
        pages = card_pages(self.db, card["id"])
        lines = [(f"救助卡 {cards.display_number(card)}", "")]
        if pages:
            lines += [("已打印：" + "；".join(f"{CL.page_label(page)} {count} 行" for page, count in pages), "")]
        else:
            lines.append(("尚未打印领药记录", "hint"))
        waiting = len(card_rows.unprinted(self.db, card["id"]))
        if waiting:
            lines.append((f"待打印到卡上：{waiting} 条记录", "warning"))
        self.card_state.set_lines(lines)

    def _fill_table(self) -> None:
        self.table.setRowCount(len(self.entries))
        for r, entry in enumerate(reversed(self.entries)):  # newest first
            status = text.status(entry)
            signer = entry.get("psychiatrist_name") or "—"
            values = [entry["date"], text.lines_text(entry), *text.amounts(entry), signer,
                      entry.get("dispenser_name") or "—", text.signer_text(entry), status]
            for c, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setData(Qt.UserRole, entry["id"])
                item.setToolTip(text.summary(entry))
                if 2 <= c <= 6:
                    item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                if c == len(values) - 1:
                    item.setForeground(QColor(STATUS_COLOURS[status]))
                elif status != text.VALID:
                    item.setForeground(QColor("#7b8794"))
                self.table.setItem(r, c, item)

    def table_text(self) -> list[list[str]]:
        return [[self.table.item(r, c).text() for c in range(self.table.columnCount())]
                for r in range(self.table.rowCount())]

    # --- selection -----------------------------------------------------------------------
    def selected_entry(self) -> dict | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            return None
        entry_id = self.table.item(rows[0].row(), 0).data(Qt.UserRole)
        return next((e for e in self.entries if e["id"] == entry_id), None)

    def select_entry(self, entry_id: int) -> None:
        for r in range(self.table.rowCount()):
            if self.table.item(r, 0).data(Qt.UserRole) == entry_id:
                self.table.selectRow(r)
                return

    # --- what may be done now --------------------------------------------------------------
    def allowed(self) -> dict[str, bool]:
        entry = self.selected_entry()
        valid = entry is not None and text.status(entry) == text.VALID
        return {
            "dispense": self.can_dispense and self.refusal is None,
            "void": self.can_void and valid,
            "slip": self.can_print and entry is not None,
            "card": self.can_print and self.current_card is not None,
        }

    def _enable(self) -> None:
        allowed = self.allowed()
        busy = self.printer.busy if hasattr(self, "printer") else False
        for key, button in self.buttons.items():
            button.setEnabled(allowed[key] and not (busy and key in ("slip", "card")))
        tips = {"dispense": READ_ONLY_TIP if not self.can_dispense else (
                    f"不能领药：{self.refusal}" if self.refusal else "登记一次领药（医师开方、三方签名）"),
                "void": READ_ONLY_TIP if not self.can_void else "作废所选的有效记录，再重新登记即为更正",
                "slip": "打印所选记录的领药单", "card": "把新记录套打到救助卡上，或打印整本救助卡"}
        for key, tip in tips.items():
            self.buttons[key].setToolTip(tip)

    def _say(self, message: str, role: str) -> None:
        self.print_state.setText(message)
        set_role(self.print_state, role)

    # --- doing -----------------------------------------------------------------------------
    def open_dialog(self, dialog: QDialog) -> bool:
        """Show ``dialog`` and say whether it was confirmed. Tests replace this to fill it in."""
        return dialog.exec() == QDialog.Accepted

    def _open(self, dialog) -> bool:
        self.last_dialog = dialog
        dialog.finished.connect(lambda _result: self._closed())
        return self.open_dialog(dialog)

    def _closed(self) -> None:
        self.reload()
        self.changed.emit()

    def dispense(self) -> bool:
        if not self.allowed()["dispense"]:
            return False
        return self._open(DispensingDialog(self.session, self.patient_id, self))

    def void_selected(self) -> bool:
        entry = self.selected_entry()
        if not self.allowed()["void"] or entry is None:
            return False
        return self._open(VoidDialog(self.session, entry["id"], self))

    def _print(self, kind: str, target_id: int, name: str) -> bool:
        started = self.printer.start(kind, target_id, name)
        self._enable()
        return started

    def print_slip(self) -> bool:
        entry = self.selected_entry()
        if not self.allowed()["slip"] or entry is None:
            return False
        return self._print(SLIP, entry["id"], f"领药单_{self._name()}_{entry['date']}.pdf")

    def print_new_rows(self) -> bool:
        if not self.allowed()["card"]:
            return False
        return self._print(NEW_ROWS, self.patient_id, f"救助卡新记录_{self._name()}.pdf")

    def print_card(self) -> bool:
        if not self.allowed()["card"]:
            return False
        return self._print(CARD, self.patient_id, f"救助卡_{self._name()}.pdf")

    def _name(self) -> str:
        return patients.get(self.db, self.patient_id)["name"]
