"""One work list (审核期限, 协议到期, 病情加重 …) as an Excel sheet: a title row, a header row and
the rows as shown on screen.

Every text cell is stored as text with the text number format ("@"), so an 18-digit ID number or
a phone number stays what it is — Excel would otherwise turn it into 5.00381E+17 the moment
someone edits the cell — and so would a masked number, a date or a card number. Real numbers
(a count of days) stay numbers, so they can be sorted and summed.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

TEXT_FORMAT = "@"
SHEET_TITLE_MAX = 31  # Excel's limit on a sheet name
_FORBIDDEN_IN_SHEET_TITLE = '[]:*?/\\'
MIN_WIDTH, MAX_WIDTH = 6, 60


def sheet_title(title: str) -> str:
    cleaned = "".join("_" if ch in _FORBIDDEN_IN_SHEET_TITLE else ch for ch in title).strip()
    return (cleaned or "清单")[:SHEET_TITLE_MAX]


def cell_value(value):
    """What goes into the cell: numbers as numbers, everything else as text (None as blank)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def display_width(value) -> int:
    """Columns of a fixed-width font a value needs: a Chinese character takes two."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in str(value))


def write_list_xlsx(out, title: str, headers, rows, subtitle: str = "") -> Path | None:
    """Write one sheet: ``title`` (and ``subtitle``, e.g. 导出时间) above ``headers`` and ``rows``.

    ``out`` is a path or a binary file object; returns the path when given one."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    headers = [str(h) for h in headers]
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title(title)
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=14)
    first_header_row = 2
    if subtitle:
        sheet.append([subtitle])
        first_header_row = 3
    sheet.append(headers)
    header_fill = PatternFill("solid", fgColor="E9EFF6")
    for cell in sheet[first_header_row]:
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.alignment = Alignment(horizontal="center", vertical="center")
    widths = [display_width(h) for h in headers]
    for values in rows:
        values = [cell_value(v) for v in values]
        sheet.append(values)
        for cell, value in zip(sheet[sheet.max_row], values):
            if isinstance(value, str):
                cell.data_type = "s"  # a name typed "=HYPERLINK(…)" stays text, never a formula
                cell.number_format = TEXT_FORMAT
        for i, value in enumerate(values[:len(widths)]):
            widths[i] = max(widths[i], display_width(value))
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = min(max(width + 2, MIN_WIDTH), MAX_WIDTH)
    sheet.freeze_panes = sheet.cell(row=first_header_row + 1, column=1)
    if len(headers) > 1:
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    if isinstance(out, (str, Path)):
        path = Path(out)
        path.parent.mkdir(parents=True, exist_ok=True)
        workbook.save(str(path))
        return path
    workbook.save(out)
    return None
