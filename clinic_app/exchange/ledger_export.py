"""The quarterly report package (五、(五): 定点医院每季度上报登记台账) written to a folder, usually on a
USB stick: ``<clinic_code>_<quarter>/`` holding

- ``台账_<quarter>.xlsx`` — the rows with Chinese headers and a 合计 row, and a 汇总 sheet (per fund,
  per specification, patients served, pre-allocated fund against spending); A4 landscape, header
  repeated, one page wide; ID numbers as text;
- ``台账_<quarter>.csv`` — the same columns and a 合计 line, UTF-8 with BOM (Excel opens it right);
- ``台账_<quarter>.pdf`` — the printed ledger with lines to sign (``documents.ledger``);
- ``manifest.json`` — clinic, quarter, row count, totals per fund in fen, patients served, program
  version, when it was generated, and the SHA-256 and size of every other file.

Writing is all or nothing. Everything goes into a temporary folder inside the destination (same
disk), is fsynced, and the folder is renamed into place; then every file is read back and checked
against the manifest. A full stick, a pulled stick or a read-only one raises ``ExportError`` with
a Chinese message and leaves neither the temporary folder nor a half-written package behind.

The same closed quarter exported twice gives the same bytes: the package's time is the moment the
quarter was closed, and the Excel file's zip entries and properties and the PDF's dates carry
that time. An open quarter's package says ``"closed": false`` and carries the time of export.

The work is split so a window can run the slow middle off the UI thread: ``gather`` (database),
``write_package`` (files only), ``record`` (database); ``export_ledger`` does all three.
"""
from __future__ import annotations

import csv
import datetime as dt
import errno
import hashlib
import io
import json
import os
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable
from xml.sax.saxutils import escape

from .. import __version__
from ..domain.ledger import COLUMNS, FUND_LABELS, FUNDS, HEADERS, TITLE, TOTAL_LABEL, Ledger
from ..domain.money import yuan
from ..storage import quarters
from ..storage.errors import StorageError
from ..storage.ledger import ledger as read_ledger

MANIFEST = "manifest.json"
SHEET_TITLE, SUMMARY_TITLE = "台账", "汇总"
TITLE_ROW, HEADING_ROW, HEADER_ROW = 1, 2, 3
FIRST_DATA_ROW = HEADER_ROW + 1
TEXT_FORMAT, MONEY_FORMAT = "@", "0.00"
FONT_NAME = "宋体"
EXCEL_WIDTH_PER_MM = 0.5
CSV_RISKY = ("=", "+", "-", "@", "\t", "\r")  # a text cell starting so would be a formula in Excel
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

Progress = Callable[[str, float], None]


class ExportError(StorageError):
    """The package was not written (nothing half-written was left); ``message`` is Chinese."""


@dataclass(frozen=True)
class LedgerJob:
    """What writing a package needs, read from the database."""
    ledger: Ledger
    generated_at: dt.datetime

    @property
    def package_name(self) -> str:
        return f"{self.ledger.clinic_code}_{self.ledger.quarter.code}"

    def file_name(self, suffix: str) -> str:
        return f"台账_{self.ledger.quarter.code}{suffix}"


@dataclass(frozen=True)
class Package:
    path: Path
    manifest: dict
    manifest_sha256: str


# --- the three steps ---------------------------------------------------------------------------

def gather(db, quarter, whole_id_numbers: bool | None = None) -> LedgerJob:
    """Read the ledger; a closed quarter's package is dated when it was closed."""
    ledger = read_ledger(db, quarter, whole_id_numbers)
    if not ledger.clinic_code:
        raise ExportError("尚未设置本单位，请先在设置中选择本单位后再导出台账")
    moment = dt.datetime.fromisoformat(quarters.generated_at(db, ledger.quarter.code)).replace(microsecond=0)
    return LedgerJob(ledger, moment)


def write_package(job: LedgerJob, out_dir, progress: Progress | None = None, replace: bool = False) -> Package:
    """Write, rename into place and read back the package (no database: safe off the UI thread)."""
    step = progress or (lambda _step, _fraction: None)
    out_dir = Path(out_dir)
    target = out_dir / job.package_name
    step("生成 Excel 文件", 0.05)
    files = {job.file_name(".xlsx"): xlsx_bytes(job.ledger, job.generated_at)}
    step("生成 CSV 文件", 0.35)
    files[job.file_name(".csv")] = csv_bytes(job.ledger)
    step("生成 PDF 文件", 0.4)
    files[job.file_name(".pdf")] = pdf_bytes(job.ledger, job.generated_at)
    manifest = manifest_dict(job, files)
    manifest_data = manifest_bytes(manifest)
    step("写入文件", 0.75)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _export_error(exc, out_dir) from exc
    if target.exists() and not replace:
        raise ExportError(f"{target} 已存在。如要用这次导出的台账替换它，请选择“替换”（命令行加 --replace）")
    _write_atomically(out_dir, target, {**files, MANIFEST: manifest_data}, step)
    step("完成", 1.0)
    return Package(target, manifest, hashlib.sha256(manifest_data).hexdigest())


def record(db, job: LedgerJob, package: Package, user: dict | None = None) -> dict:
    """The 'export' event of the quarter and an EXPORT row in the audit trail."""
    ledger = job.ledger
    detail = {"path": str(package.path), "manifest_sha256": package.manifest_sha256,
              "fingerprint": ledger.fingerprint(), "row_count": len(ledger.rows),
              "totals_fen": ledger.totals.as_dict(), "closed": ledger.closed,
              "whole_id_numbers": ledger.whole_id_numbers}
    ids = "（含完整身份证号）" if ledger.whole_id_numbers else ""
    summary = (f"导出{ledger.label}台账{ids}：{len(ledger.rows)} 行，领药总金额 {yuan(ledger.totals.total)} 元"
               f" → {package.path}")
    return quarters.record_export(db, ledger.quarter.code, detail, user, summary)


def export_ledger(db, quarter, out_dir, user: dict | None = None, progress: Progress | None = None,
                  replace: bool = False) -> Path:
    """Gather, write and record the package; returns its folder. Raises ``ExportError``."""
    if progress:
        progress("读取台账", 0.0)
    job = gather(db, quarter)
    package = write_package(job, out_dir, progress, replace)
    record(db, job, package, user)
    return package.path


# --- writing safely ---------------------------------------------------------------------------------

def _write_file(path: Path, data: bytes) -> None:
    with open(path, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


def _read_file(path: Path) -> bytes:
    with open(path, "rb") as f:
        if hasattr(os, "posix_fadvise"):  # read from the stick, not from what the cache kept
            try:
                os.posix_fadvise(f.fileno(), 0, 0, os.POSIX_FADV_DONTNEED)
            except OSError:
                pass
        return f.read()


def _fsync_dir(path: Path) -> None:
    if os.name != "posix":
        return  # Windows can't open a folder to fsync it; the files themselves were synced
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove_quietly(path: Path | None) -> None:
    if path is not None:
        shutil.rmtree(path, ignore_errors=True)


def _write_atomically(out_dir: Path, target: Path, files: dict[str, bytes], step: Progress) -> None:
    tmp = old = None
    placed = False
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=out_dir))
        for name, data in files.items():
            _write_file(tmp / name, data)
        _fsync_dir(tmp)
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=out_dir))
            os.rename(target, old / target.name)
        os.rename(tmp, target)
        tmp, placed = None, True
        _fsync_dir(out_dir)
        step("读回校验", 0.9)
        verify_package(target, files[MANIFEST])
    except (OSError, ExportError) as exc:
        _remove_quietly(tmp)
        if placed:
            _remove_quietly(target)
        if old is not None:
            try:
                if (old / target.name).exists():
                    os.rename(old / target.name, target)  # the package that was there before comes back
                _remove_quietly(old)
            except OSError:
                pass  # then it stays, whole, in the hidden folder: never deleted without its replacement
        if isinstance(exc, ExportError):
            raise
        raise _export_error(exc, out_dir) from exc
    _remove_quietly(old)


def _export_error(exc: OSError, out_dir: Path) -> ExportError:
    tail = "台账未能导出，也未留下不完整的文件。"
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return ExportError(f"U盘空间不足，{tail}请清理U盘或换一个空间足够的U盘后重试。")
    if exc.errno in (errno.EIO, errno.ENOENT, errno.ENODEV, errno.ENXIO, getattr(errno, "ESTALE", errno.EIO)):
        return ExportError(f"U盘已拔出或无法写入，{tail}请重新插好U盘后重试。")
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return ExportError(f"U盘为只读或没有写入权限（请检查U盘的写保护开关），{tail}")
    return ExportError(f"无法写入 {out_dir}：{exc.strerror or exc}。{tail}")


def verify_package(folder, expected_manifest: bytes | None = None) -> dict:
    """Read the package back and check every file against its manifest; returns the manifest."""
    folder = Path(folder)
    data = _read_file(folder / MANIFEST)
    if expected_manifest is not None and data != expected_manifest:
        raise ExportError("读回的台账清单与写入的不一致（U盘可能已损坏），台账未能导出。请换一个U盘重试。")
    try:
        manifest = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise ExportError(f"{folder / MANIFEST} 已损坏，无法读取") from None
    for name, expected in sorted(manifest.get("files", {}).items()):
        content = _read_file(folder / name)
        if len(content) != expected["size"] or hashlib.sha256(content).hexdigest() != expected["sha256"]:
            raise ExportError(f"读回校验不符：{name} 与写入的不一致（U盘可能已损坏）。请换一个U盘重试。")
    return manifest


# --- the manifest -----------------------------------------------------------------------------------

def manifest_dict(job: LedgerJob, files: dict[str, bytes]) -> dict:
    ledger = job.ledger
    return {
        "clinic_code": ledger.clinic_code,
        "clinic_name": ledger.clinic_name,
        "quarter": ledger.quarter.code,
        "quarter_label": ledger.label,
        "first_day": ledger.quarter.first_day.isoformat(),
        "last_day": ledger.quarter.last_day.isoformat(),
        "closed": ledger.closed,
        "row_count": len(ledger.rows),
        "dispensings": ledger.dispense_count,
        "voids": ledger.void_count,
        "totals_fen": ledger.totals.as_dict(),
        "patients_served": ledger.patients_served,
        "allocated_fen": ledger.allocated_fen,
        "programme_spent_fen": ledger.programme_spent_fen,
        "balance_fen": ledger.balance_fen,
        "whole_id_numbers": ledger.whole_id_numbers,
        "program_version": __version__,
        "generated_at": job.generated_at.isoformat(timespec="seconds"),
        "files": {name: {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
                  for name, data in sorted(files.items())},
    }


def manifest_bytes(manifest: dict) -> bytes:
    return (json.dumps(manifest, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode("utf-8")


# --- CSV --------------------------------------------------------------------------------------------

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


# --- PDF --------------------------------------------------------------------------------------------

def pdf_bytes(ledger: Ledger, generated_at: dt.datetime) -> bytes:
    from ..documents.ledger import render_ledger_pdf

    buffer = io.BytesIO()
    render_ledger_pdf(buffer, ledger, generated_at)
    return buffer.getvalue()


# --- Excel ------------------------------------------------------------------------------------------
# openpyxl needs about 100 µs a cell, seconds for a big quarter. So openpyxl writes the workbook
# with everything but the rows — titles, header, one styled template row, the 合计 row, the 汇总
# sheet, print settings — and the rows are then written as XML straight into the sheet, with the
# template row's style ids. The zip is rewritten with fixed dates, in openpyxl's order.

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
    archive = zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
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
