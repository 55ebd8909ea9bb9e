"""Read-only history tables (prices, changes, stock moves) that scroll inside their window."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QTableWidget, QTableWidgetItem


def scroll_table(columns: tuple[str, ...]) -> QTableWidget:
    """A read-only history table that scrolls (histories grow; the page around it should not)."""
    table = QTableWidget(0, len(columns))
    table.setHorizontalHeaderLabels(list(columns))
    table.setEditTriggers(QAbstractItemView.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectRows)
    table.setAlternatingRowColors(True)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setStretchLastSection(True)
    table.setFocusPolicy(Qt.NoFocus)  # read, never typed in: Tab passes it by
    return table


def fill(table: QTableWidget, rows: list[tuple]) -> None:
    """Rows of plain values in; the full text of each cell is also its tooltip."""
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            item = QTableWidgetItem("" if value is None else str(value))
            item.setToolTip(item.text())
            table.setItem(r, c, item)
    table.resizeColumnsToContents()
