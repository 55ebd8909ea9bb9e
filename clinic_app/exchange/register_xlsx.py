"""The patient register (Attachment 8) as an Excel workbook, for the programme office and for
clinics that keep the list in Excel.

Identity numbers are written as text cells in text-formatted columns: stored as numbers, Excel
shows 5.00381E+17 and silently turns the last three digits into zeros, and an "X" check digit
would not be a number at all. The sheet prints as the paper form does: A4 landscape, one page
wide, the column header on every page, "第 n 页 共 m 页" in the footer.

The headers are those of ``domain.register_columns``, which the register importer reads too.
"""
from __future__ import annotations

import datetime as dt

from ..domain.register_columns import REGISTER_COLUMNS, REGISTER_TITLE

SHEET_TITLE = "登记名单"
TITLE_ROW, HEADING_ROW, HEADER_ROW = 1, 2, 3
FIRST_DATA_ROW = HEADER_ROW + 1
TEXT_FORMAT = "@"
FONT_NAME = "宋体"
MM_PER_CHAR = 2.0  # an Excel width unit is about one digit of the default font


def excel_width(width_mm: float) -> float:
    return round(width_mm / MM_PER_CHAR + 1, 1)


def _date_text(day: dt.date | None) -> str:
    return f"{day.year}年{day.month:02d}月{day.day:02d}日" if day else ""


def cell_value(key: str, row: dict, index: int):
    """What goes in the cell: numbers for 序号 and 危险性评估 (so they sort and filter), text for
    everything else, identity numbers above all."""
    value = row.get(key)
    if key == "seq":
        return value if value not in (None, "") else index
    if key == "risk_level":
        return value if value not in ("",) else None
    if value is None:
        return None
    return str(value).strip()


def write_register_xlsx(out, rows: list[dict], clinic_name: str, filled_by: str,
                        filled_date: dt.date) -> None:
    """Write the register to ``out`` (a path or a binary file object)."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_TITLE
    workbook.properties.title = f"{REGISTER_TITLE} - {clinic_name}"
    workbook.properties.creator = "clinic_app"
    _write_title(sheet, clinic_name, filled_by, filled_date)
    _write_header(sheet)
    styles = _styles()
    for index, row in enumerate(rows, start=1):
        _write_row(sheet, FIRST_DATA_ROW + index - 1, row, index, styles)
    _set_columns(sheet)
    _set_printing(sheet, FIRST_DATA_ROW + len(rows) - 1)
    workbook.save(str(out) if hasattr(out, "__fspath__") else out)


# --- parts of the sheet -------------------------------------------------------------------------------

def _styles():
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    thin = Side(style="thin", color="000000")
    return {
        "border": Border(left=thin, right=thin, top=thin, bottom=thin),
        "title_font": Font(name=FONT_NAME, size=16, bold=True),
        "font": Font(name=FONT_NAME, size=11),
        "header_font": Font(name=FONT_NAME, size=11, bold=True),
        "header_fill": PatternFill("solid", fgColor="F2F2F2"),
        "center": Alignment(horizontal="center", vertical="center", wrap_text=True),
        "left": Alignment(horizontal="left", vertical="center", wrap_text=True),
        "right": Alignment(horizontal="right", vertical="center"),
    }


def _write_title(sheet, clinic_name: str, filled_by: str, filled_date: dt.date) -> None:
    """Title merged across the table; below it 单位 / 填表人 / 填表时间 in three merged blocks."""
    s = _styles()
    last = len(REGISTER_COLUMNS)
    sheet.merge_cells(start_row=TITLE_ROW, start_column=1, end_row=TITLE_ROW, end_column=last)
    title = sheet.cell(TITLE_ROW, 1, REGISTER_TITLE)
    title.font, title.alignment = s["title_font"], s["center"]
    sheet.row_dimensions[TITLE_ROW].height = 32
    blocks = ((1, 4, f"单位：{clinic_name or ''}", "left"), (5, 7, f"填表人：{filled_by or ''}", "center"),
              (8, last, f"填表时间：{_date_text(filled_date)}", "right"))
    for first, end, value, align in blocks:
        sheet.merge_cells(start_row=HEADING_ROW, start_column=first, end_row=HEADING_ROW, end_column=end)
        cell = sheet.cell(HEADING_ROW, first, value)
        cell.font, cell.alignment = s["font"], s[align]
    sheet.row_dimensions[HEADING_ROW].height = 22


def _write_header(sheet) -> None:
    s = _styles()
    for col, column in enumerate(REGISTER_COLUMNS, start=1):
        cell = sheet.cell(HEADER_ROW, col, column.header)
        cell.font, cell.fill, cell.alignment, cell.border = (
            s["header_font"], s["header_fill"], s["center"], s["border"])
    sheet.row_dimensions[HEADER_ROW].height = 30


def _write_row(sheet, row_number: int, row: dict, index: int, s: dict) -> None:
    for col, column in enumerate(REGISTER_COLUMNS, start=1):
        cell = sheet.cell(row_number, col)
        value = cell_value(column.key, row, index)
        if isinstance(value, str):
            cell.value = value
            cell.data_type = "s"  # "=…" typed into a note stays text, never becomes a formula
        else:
            cell.value = value
        if column.is_id_number or isinstance(value, str):
            cell.number_format = TEXT_FORMAT
        cell.font, cell.border = s["font"], s["border"]
        cell.alignment = s["left"] if column.wraps else s["center"]


def _set_columns(sheet) -> None:
    from openpyxl.utils import get_column_letter

    for col, column in enumerate(REGISTER_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(col)].width = excel_width(column.width_mm)
    sheet.freeze_panes = sheet.cell(FIRST_DATA_ROW, 1)


def _set_printing(sheet, last_row: int) -> None:
    """A4 landscape, all columns on one page width, header repeated, pages numbered."""
    from openpyxl.utils import get_column_letter

    setup = sheet.page_setup
    setup.orientation = "landscape"
    setup.paperSize = sheet.PAPERSIZE_A4
    setup.fitToWidth = 1
    setup.fitToHeight = 0  # as many pages down as the rows need
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    last_col = get_column_letter(len(REGISTER_COLUMNS))
    sheet.print_area = f"A{TITLE_ROW}:{last_col}{max(last_row, HEADER_ROW)}"
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6
    sheet.oddFooter.center.text = "第 &P 页 共 &N 页"
    sheet.oddFooter.center.size = 9
