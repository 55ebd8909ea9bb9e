"""The report package's Excel file: the 台账 sheet (the rows with Chinese headers and a 合计 row)
and the 汇总 sheet; A4 landscape, header repeated, one page wide; ID numbers as text.

openpyxl needs about 100 µs a cell, seconds for a big quarter. So openpyxl writes the workbook
with everything but the rows — titles, header, one styled template row, the 合计 row, the 汇总
sheet, print settings — and the rows are then written as XML straight into the sheet, with the
template row's style ids. The zip is rewritten with fixed dates, in openpyxl's order.
"""
from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from xml.sax.saxutils import escape

from ..domain.ledger import COLUMNS, FUND_LABELS, FUNDS, TITLE, TOTAL_LABEL, Ledger
from .ledger_csv import totals_cells

SHEET_TITLE, SUMMARY_TITLE = "台账", "汇总"
TITLE_ROW, HEADING_ROW, HEADER_ROW = 1, 2, 3
FIRST_DATA_ROW = HEADER_ROW + 1
TEXT_FORMAT, MONEY_FORMAT = "@", "0.00"
FONT_NAME = "宋体"
EXCEL_WIDTH_PER_MM = 0.5
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _styles():
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    thin = Side(style="thin", color="000000")
    return {
        "border": Border(left=thin, right=thin, top=thin, bottom=thin),
        "title": Font(name=FONT_NAME, size=16, bold=True),
        "font": Font(name=FONT_NAME, size=10),
        "bold": Font(name=FONT_NAME, size=10, bold=True),
        "fill": PatternFill("solid", fgColor="F2F2F2"),
        "center": Alignment(horizontal="center", vertical="center", wrap_text=True),
        "left": Alignment(horizontal="left", vertical="center"),
        "right": Alignment(horizontal="right", vertical="center"),
    }


def _set_printing(sheet, last_col: int, last_row: int, title_rows: str | None) -> None:
    from openpyxl.utils import get_column_letter

    setup = sheet.page_setup
    setup.orientation = "landscape"
    setup.paperSize = sheet.PAPERSIZE_A4
    setup.fitToWidth = 1
    setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    if title_rows:
        sheet.print_title_rows = title_rows
    sheet.print_area = f"A1:{get_column_letter(last_col)}{last_row}"
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6
    sheet.oddFooter.center.text = "第 &P 页 共 &N 页"
    sheet.oddFooter.center.size = 9


def _heading(ledger: Ledger, generated_at: dt.datetime) -> str:
    state = "已结账" if ledger.closed else "未结账"
    return (f"单位：{ledger.clinic_name or ledger.clinic_code}    季度：{ledger.label}"
            f"（{ledger.quarter.first_day.isoformat()} 至 {ledger.quarter.last_day.isoformat()}）"
            f"    {state}    生成时间：{generated_at:%Y-%m-%d %H:%M}")


def _cell_style(cell, column, s: dict) -> None:
    cell.font, cell.border = s["font"], s["border"]
    if column.kind == "money":
        cell.number_format, cell.alignment = MONEY_FORMAT, s["right"]
    elif column.kind == "int":
        cell.alignment = s["right"]
    else:
        cell.number_format, cell.alignment = TEXT_FORMAT, s["left"]


def _rows_sheet(sheet, ledger: Ledger, generated_at: dt.datetime, s: dict) -> list[str]:
    """Everything of the 台账 sheet but the rows; returns the template row's style ids."""
    from openpyxl.utils import get_column_letter

    last = len(COLUMNS)
    sheet.merge_cells(start_row=TITLE_ROW, start_column=1, end_row=TITLE_ROW, end_column=last)
    title = sheet.cell(TITLE_ROW, 1, f"{TITLE}（{ledger.label}）")
    title.font, title.alignment = s["title"], s["center"]
    sheet.row_dimensions[TITLE_ROW].height = 30
    sheet.merge_cells(start_row=HEADING_ROW, start_column=1, end_row=HEADING_ROW, end_column=last)
    heading = sheet.cell(HEADING_ROW, 1, _heading(ledger, generated_at))
    heading.font, heading.alignment = s["font"], s["left"]
    for n, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(HEADER_ROW, n, column.header)
        cell.font, cell.fill, cell.alignment, cell.border = s["bold"], s["fill"], s["center"], s["border"]
        sheet.column_dimensions[get_column_letter(n)].width = round(column.width_mm * EXCEL_WIDTH_PER_MM + 2, 1)
    sheet.row_dimensions[HEADER_ROW].height = 30
    count = len(ledger.rows)
    styles = []
    if count:  # the template row: replaced by the real rows when the zip is rewritten
        for n, column in enumerate(COLUMNS, start=1):
            cell = sheet.cell(FIRST_DATA_ROW, n, 0 if column.kind in ("int", "money") else "-")
            _cell_style(cell, column, s)
            styles.append(str(cell.style_id))
    totals_row = FIRST_DATA_ROW + count
    for n, (column, value) in enumerate(zip(COLUMNS, totals_cells(ledger)), start=1):
        cell = sheet.cell(totals_row, n)
        if column.kind == "money":
            cell.value = _excel_money(getattr(ledger.totals, column.key.removesuffix("_fen")))
        elif value:
            cell.value = value
        _cell_style(cell, column, s)
        cell.font, cell.fill = s["bold"], s["fill"]
    sheet.freeze_panes = sheet.cell(FIRST_DATA_ROW, 1)
    _set_printing(sheet, last, totals_row, f"{HEADER_ROW}:{HEADER_ROW}")
    return styles


def _excel_money(fen: int) -> float:
    return fen / 100  # exact to the fen once shown with two decimals; the CSV carries the text


def _pairs(sheet, row: int, title: str, pairs: list[tuple[str, object]], s: dict) -> int:
    sheet.cell(row, 1, title).font = s["bold"]
    for label, value in pairs:
        row += 1
        left, right = sheet.cell(row, 1, label), sheet.cell(row, 2, value)
        left.font = right.font = s["font"]
        left.border = right.border = s["border"]
        if isinstance(value, float):
            right.number_format = MONEY_FORMAT
        right.alignment = s["right"]
    return row + 2


SUMMARY_DRUG_HEADERS = ("药品名称", "规格", "数量", "单位") + tuple(f"{FUND_LABELS[k]}（元）" for k in FUNDS)


def _summary_sheet(sheet, ledger: Ledger, generated_at: dt.datetime, s: dict) -> None:
    from openpyxl.utils import get_column_letter

    last = len(SUMMARY_DRUG_HEADERS)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last)
    title = sheet.cell(1, 1, f"{TITLE}汇总（{ledger.label}）")
    title.font, title.alignment = s["title"], s["center"]
    sheet.row_dimensions[1].height = 30
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=last)
    sheet.cell(2, 1, _heading(ledger, generated_at)).font = s["font"]
    funds = [(f"{FUND_LABELS[k]}（元）", _excel_money(getattr(ledger.totals, k))) for k in FUNDS]
    funds += [("服药患者人数（人）", ledger.patients_served), ("领药（次）", ledger.dispense_count),
              ("作废（次）", ledger.void_count), ("台账行数", len(ledger.rows))]
    row = _pairs(sheet, 4, "分资金合计", funds, s)
    row = _pairs(sheet, row, "项目资金预拨与支出", [
        ("本季度预拨经费（元）", _excel_money(ledger.allocated_fen)),
        ("免费服药项目资金支出（元）", _excel_money(ledger.programme_spent_fen)),
        ("结余（元）", _excel_money(ledger.balance_fen))], s)
    sheet.cell(row, 1, "按药品规格汇总").font = s["bold"]
    row += 1
    for n, header in enumerate(SUMMARY_DRUG_HEADERS, start=1):
        cell = sheet.cell(row, n, header)
        cell.font, cell.fill, cell.alignment, cell.border = s["bold"], s["fill"], s["center"], s["border"]
    lines = [[d.drug, d.specification, d.packs, d.pack_unit] + [_excel_money(getattr(d.funds, k)) for k in FUNDS]
             for d in ledger.by_drug]
    lines.append([TOTAL_LABEL, "", None, ""] + [_excel_money(getattr(ledger.totals, k)) for k in FUNDS])
    for values in lines:
        row += 1
        for n, value in enumerate(values, start=1):
            cell = sheet.cell(row, n, value)
            cell.font, cell.border = s["font"], s["border"]
            if isinstance(value, float):
                cell.number_format, cell.alignment = MONEY_FORMAT, s["right"]
    for n, label in ((1, "负责人签字："), (4, "填报人："), (7, "日期：    年    月    日")):
        sheet.cell(row + 3, n, label).font = s["font"]
    for n, width in enumerate((30, 18, 8, 6, 16, 16, 16, 18, 18), start=1):
        sheet.column_dimensions[get_column_letter(n)].width = width
    _set_printing(sheet, last, row + 3, None)


def _rows_xml(ledger: Ledger, styles: list[str]) -> str:
    """The data rows as sheet XML: amounts and counts as numbers, the rest as inline strings
    (``xml:space="preserve"`` where a text starts or ends with a space)."""
    from openpyxl.utils import get_column_letter

    columns = []
    for n, (column, style) in enumerate(zip(COLUMNS, styles), start=1):
        letter = get_column_letter(n)
        if column.kind in ("money", "int"):
            middle = f'" s="{style}" t="n"><v>'
            columns.append((f'<c r="{letter}', (middle, middle), "</v></c>", False))
        else:
            middle = f'" s="{style}" t="inlineStr"><is><t'
            columns.append((f'<c r="{letter}', (middle + ">", middle + ' xml:space="preserve">'),
                            "</t></is></c>", True))
    blanks = [f'<c r="{get_column_letter(n)}{{}}" s="{style}"/>' for n, style in enumerate(styles, start=1)]
    escaped: dict[str, tuple[str, int]] = {}
    parts = []
    add = parts.append
    for number, cells in enumerate(ledger.text_rows, start=FIRST_DATA_ROW):
        add(f'<row r="{number}">')
        for value, (start, middles, end, is_text), blank in zip(cells, columns, blanks):
            if not value:
                add(blank.format(number))
            elif is_text:
                found = escaped.get(value)
                if found is None:
                    text = escape(_XML_ILLEGAL.sub("", value))
                    found = escaped[value] = (text, int(text != text.strip()))
                add(f"{start}{number}{middles[found[1]]}{found[0]}{end}")
            else:
                add(f"{start}{number}{middles[0]}{value}{end}")
        add("</row>")
    return "".join(parts)


def _splice_rows(sheet_xml: bytes, ledger: Ledger, styles: list[str]) -> bytes:
    rows = _rows_xml(ledger, styles)
    text = sheet_xml.decode("utf-8")
    template = re.compile(rf'<row r="{FIRST_DATA_ROW}"[^>]*>.*?</row>', re.DOTALL)
    spliced, count = template.subn(lambda _m: rows, text, count=1)
    if count != 1:
        raise RuntimeError("template row not found in the sheet written by openpyxl")
    return spliced.encode("utf-8")


def xlsx_bytes(ledger: Ledger, generated_at: dt.datetime) -> bytes:
    from openpyxl import Workbook
    from openpyxl.writer.excel import ExcelWriter

    workbook = Workbook()
    s = _styles()
    sheet = workbook.active
    sheet.title = SHEET_TITLE
    styles = _rows_sheet(sheet, ledger, generated_at, s)
    _summary_sheet(workbook.create_sheet(SUMMARY_TITLE), ledger, generated_at, s)
    props = workbook.properties
    props.title = f"{TITLE} {ledger.label} - {ledger.clinic_name or ledger.clinic_code}"
    props.creator = props.lastModifiedBy = "clinic_app"
    props.created = props.modified = generated_at.replace(tzinfo=None, microsecond=0)
    buffer = io.BytesIO()
    # Stored, not deflated: _rezip unpacks and deflates every entry once more anyway.
    archive = zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED, allowZip64=True)
    ExcelWriter(workbook, archive).save()  # not save_workbook: it stamps "modified" with now
    sheet_path = "xl/worksheets/sheet1.xml"
    return _rezip(buffer.getvalue(), generated_at,
                  {sheet_path: (lambda data: _splice_rows(data, ledger, styles))} if styles else {})


def _rezip(data: bytes, moment: dt.datetime, edits: dict) -> bytes:
    """The same entries in the same order, every one dated ``moment``: byte-identical output."""
    stamp = (max(moment.year, 1980), moment.month, moment.day, moment.hour, moment.minute, moment.second)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename in edits:
                content = edits[info.filename](content)
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 0
            entry.external_attr = 0
            target.writestr(entry, content, compresslevel=6)
    return out.getvalue()
