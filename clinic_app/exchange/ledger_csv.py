"""The report package's CSV file: the same columns as the Excel sheet and a 合计 line, UTF-8 with
BOM (Excel opens it right). The 合计 line is the Excel sheet's too."""
from __future__ import annotations

import csv
import io

from ..domain.ledger import COLUMNS, HEADERS, TOTAL_LABEL, Ledger
from ..domain.money import yuan

CSV_RISKY = ("=", "+", "-", "@", "\t", "\r")  # a text cell starting so would be a formula in Excel


def csv_rows(ledger: Ledger) -> list[list[str]]:
    """Header, rows, 合计 line. A text cell that Excel would read as a formula ("=…", "+…",
    "-…", "@…") gets a leading apostrophe; amounts are never text columns, so "-55.50" stays."""
    text_columns = [i for i, col in enumerate(COLUMNS) if col.kind == "text"]
    rows = [list(HEADERS)]
    for cells in ledger.text_rows:
        if any(cells[i].startswith(CSV_RISKY) for i in text_columns):
            cells = list(cells)
            for i in text_columns:
                if cells[i].startswith(CSV_RISKY):
                    cells[i] = "'" + cells[i]
        rows.append(cells)
    rows.append(totals_cells(ledger))
    return rows


def totals_cells(ledger: Ledger) -> list[str]:
    """The 合计 line: the label under 日期, the sum of each money column in yuan."""
    cells = []
    for col in COLUMNS:
        if col.kind == "money":
            cells.append(yuan(getattr(ledger.totals, col.key.removesuffix("_fen"))))
        else:
            cells.append(TOTAL_LABEL if col.key == "date" else "")
    return cells


def csv_bytes(ledger: Ledger) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(csv_rows(ledger))
    return buffer.getvalue().encode("utf-8-sig")
