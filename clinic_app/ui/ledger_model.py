"""What the 季度台账 window shows, as plain text and a table model: the ledger's rows for a
``QTableView`` (a model, so a quarter of 30,000 lines opens at once — only the rows on screen are
ever asked for), the events of a quarter in words, and the quarter list."""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QColor

from ..domain import quarters as dq
from ..domain.ledger import COLUMNS, FUND_LABELS, FUNDS, Ledger
from ..domain.money import yuan
from ..storage import quarters

VOID_COLOR = QColor("#c62828")
RIGHT = int(Qt.AlignRight | Qt.AlignVCenter)
LEFT = int(Qt.AlignLeft | Qt.AlignVCenter)
QUARTERS_AT_LEAST = 8       # the current quarter and the seven before it, even on a new database
QUARTERS_AT_MOST = 40       # ten years back at most
DRUG_COLUMNS = ("药品名称", "规格", "数量", "单位", *(f"{FUND_LABELS[k]}（元）" for k in FUNDS))
DRUG_NUMBER_COLUMNS = (2, *range(4, 4 + len(FUNDS)))  # right-aligned
EVENT_COLUMNS = ("时间", "操作", "操作人", "说明")
TOTAL_LABEL = "合计"


def header_text(header: str) -> str:
    """A column's heading on screen: '（元）' on a line of its own, so money columns stay narrow."""
    return header.replace("（元）", "\n（元）")


class LedgerTableModel(QAbstractTableModel):
    """The ledger's rows in ``domain.ledger.COLUMNS`` order, money in yuan, voids in red."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._cells: list[list[str]] = []
        self._voids: list[bool] = []
        self._notes: list[str] = []
        self._align = [RIGHT if c.kind in ("money", "int") else LEFT for c in COLUMNS]

    def set_ledger(self, ledger: Ledger | None) -> None:
        self.beginResetModel()
        if ledger is None:
            self._cells, self._voids, self._notes = [], [], []
        else:
            self._cells = ledger.text_rows  # worked out once, on the thread that read the ledger
            self._voids = [r.kind != "dispense" for r in ledger.rows]
            self._notes = [r.note for r in ledger.rows]
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._cells)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: QModelIndex, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        if role == Qt.DisplayRole:
            return self._cells[row][column]
        if role == Qt.TextAlignmentRole:
            return self._align[column]
        if role == Qt.ForegroundRole and self._voids[row]:
            return VOID_COLOR
        if role == Qt.ToolTipRole:
            return self._notes[row] or None
        return None

    def headerData(self, section: int, orientation, role=Qt.DisplayRole):  # noqa: N802
        if orientation == Qt.Horizontal and role == Qt.DisplayRole:
            return header_text(COLUMNS[section].header)
        if orientation == Qt.Horizontal and role == Qt.ToolTipRole:
            return COLUMNS[section].header
        if orientation == Qt.Vertical and role == Qt.DisplayRole:
            return str(section + 1)
        return None

    def row_texts(self, row: int) -> list[str]:
        return list(self._cells[row])


def quarter_choices(db, today: dt.date) -> list[dq.Quarter]:
    """The current quarter and those before it, newest first: back to the first one with a
    collection or a quarter record, and at least ``QUARTERS_AT_LEAST`` of them."""
    current = dq.quarter_of(today)
    earliest = current
    for _ in range(QUARTERS_AT_LEAST - 1):
        earliest = earliest.previous()
    first_day, first_code = quarters.earliest_records(db)
    for found in (first_day, first_code):
        try:
            q = dq.quarter_of(found) if dq.is_date_text(found) else dq.parse(found) if found else None
        except Exception:  # noqa: BLE001 - a stray value never keeps the window from opening
            q = None
        if q is not None and q < earliest:
            earliest = q
    choices = [current]
    while choices[-1] > earliest and len(choices) < QUARTERS_AT_MOST:
        choices.append(choices[-1].previous())
    return choices


def moment(at: str | None) -> str:
    """'2027-01-15T09:30:12' → '2027-01-15 09:30'."""
    if not at:
        return ""
    return at.replace("T", " ")[:16]


def event_text(event: dict) -> str:
    """What an event of the quarter did, in one line."""
    detail = event.get("detail") or {}
    kind = event["kind"]
    if kind == quarters.ALLOCATE:
        return f"{yuan(detail.get('before_fen', 0))} 元 → {yuan(detail.get('allocated_fen', 0))} 元"
    if kind == quarters.EXPORT:
        totals = detail.get("totals_fen") or {}
        parts = []
        if "row_count" in detail:
            parts.append(f"{detail['row_count']} 行")
        if "programme" in totals:
            parts.append(f"项目资金 {yuan(totals['programme'])} 元")
        text = "，".join(parts)
        return f"{text} → {detail.get('path', '')}" if text else str(detail.get("path", ""))
    if kind == quarters.CLOSE:
        return f"上报文件：{detail['package']}" if detail.get("package") else ""
    if kind == quarters.REOPEN:
        return f"原因：{event.get('reason') or ''}"
    return event.get("reason") or ""


def event_rows(events: list[dict]) -> list[tuple]:
    """Newest first: when, what, who, and the detail in words."""
    return [(moment(e["at"]), e["label"], e.get("display_name") or e.get("username") or "", event_text(e))
            for e in reversed(events)]


def drug_rows(ledger: Ledger) -> list[tuple]:
    """One row per specification and a 合计 row (packs of different drugs are not added up)."""
    rows = [(d.drug, d.specification, d.packs, d.pack_unit, *(yuan(getattr(d.funds, k)) for k in FUNDS))
            for d in ledger.by_drug]
    rows.append((TOTAL_LABEL, "", "", "", *(yuan(getattr(ledger.totals, k)) for k in FUNDS)))
    return rows
