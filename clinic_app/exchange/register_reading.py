"""Reading a register file: its sheets as rows of cells (.xlsx, or CSV as Excel and WPS save it),
the header row found among the first rows and the columns mapped by header, not by position —
and the cells as text, the same way everywhere.

Clinics keep the register by hand, so the file is whatever they made of the template: title rows
above the header, headers spelt several ways (over one or two rows), extra columns, merged cells.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path

from ..domain.register_columns import BY_KEY, column_for_header, normalize_header
from .register_results import RegisterFileError

HEADER_SCAN_ROWS = 10
# A register of one clinic has hundreds of rows and a dozen columns; these bounds keep a damaged or
# hostile file (one cell at XFD1048576, a small zip that unpacks to gigabytes) from exhausting memory.
MAX_ROWS = 20_000
MAX_COLUMNS = 200
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_CSV_BYTES = 20 * 1024 * 1024
XLSX_SUFFIXES = {".xlsx", ".xlsm"}
CSV_SUFFIXES = {".csv", ".txt"}
OLD_FORMATS = {".xls", ".et", ".wps", ".ods", ".numbers"}
_EXCEL_TEXT_FORMULA = re.compile(r'^="(.*)"$', re.S)


# --- cells -------------------------------------------------------------------------------------

def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def cell_text(value) -> str:
    """A cell as text: numbers without a trailing ".0", dates as 2020-01-05."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    return text[1:] if text.startswith("'") else text  # a leading ' forces text in Excel


# --- reading the file --------------------------------------------------------------------------

def _check_unpacked_size(path: Path) -> None:
    """The sizes the zip declares, before anything is unpacked: Python's zipfile never reads a
    member past its declared size, so bounding the declared sizes bounds the memory."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise RegisterFileError(f"无法读取该 Excel 文件（{path.name}）：文件可能已损坏或不是 .xlsx 格式") from exc
    if total > MAX_UNPACKED_BYTES:
        raise RegisterFileError(
            f"该 Excel 文件解压后约 {total // (1024 * 1024)} MB，超过登记名单的上限 "
            f"{MAX_UNPACKED_BYTES // (1024 * 1024)} MB：文件可能已损坏，请在 Excel 中只保留名单后另存再导入")


_CELL_REF = re.compile(r"([A-Z]{1,3})(\d+)$")


def _column_number(letters: str) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ord(ch) - 64
    return number


def _scan_sheets(path: Path) -> None:
    """Walk each worksheet's XML as a stream (nothing kept) and stop at the first row or column
    past the bounds, before openpyxl builds a cell object for every cell of the file."""
    import zipfile
    from xml.etree import ElementTree

    with zipfile.ZipFile(path) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")]
        for name in sheets:
            rows = 0
            try:
                with archive.open(name) as stream:
                    for _event, element in ElementTree.iterparse(stream):
                        tag = element.tag.rsplit("}", 1)[-1]
                        if tag == "c":
                            match = _CELL_REF.match(element.get("r") or "")
                            if match and (int(match.group(2)) > MAX_ROWS
                                          or _column_number(match.group(1)) > MAX_COLUMNS):
                                _refuse_size(name, match.group(0))
                        elif tag == "row":
                            rows = int(element.get("r") or rows + 1)
                            if rows > MAX_ROWS:
                                _refuse_size(name, f"第 {rows} 行")
                            element.clear()
            except ElementTree.ParseError as exc:
                raise RegisterFileError(f"无法读取该 Excel 文件（{path.name}）：工作表内容已损坏") from exc


def _refuse_size(part: str, where: str) -> None:
    number = re.search(r"(\d+)\.xml$", part)
    sheet = f"第 {number.group(1)} 个工作表" if number else "工作表"
    raise RegisterFileError(
        f"{sheet}用到了 {where}，超过登记名单的上限 {MAX_ROWS} 行、{MAX_COLUMNS} 列："
        "请删除名单以外的单元格（或把名单复制到新工作表）后再导入")


def _check_dimensions(path: Path, ws) -> None:
    """Before any row is read: ``iter_rows`` walks the whole rectangle up to the last used cell."""
    rows, columns = ws.max_row or 0, ws.max_column or 0
    merged = [m for m in ws.merged_cells.ranges if m.max_row > MAX_ROWS or m.max_col > MAX_COLUMNS]
    if rows > MAX_ROWS or columns > MAX_COLUMNS or merged:
        where = f"{column_letter(max(columns, 1) - 1)}{rows}"
        raise RegisterFileError(
            f"工作表“{ws.title}”的范围到 {where}（{rows} 行、{columns} 列），超过登记名单的上限 "
            f"{MAX_ROWS} 行、{MAX_COLUMNS} 列：请删除名单以外的单元格（或把名单复制到新工作表）后再导入")


def _read_xlsx(path: Path) -> list[tuple[str, list[list]]]:
    _check_unpacked_size(path)
    _scan_sheets(path)
    try:
        import openpyxl
        from openpyxl.utils.exceptions import InvalidFileException
    except ImportError:  # pragma: no cover - openpyxl ships with the program
        raise RegisterFileError("本机缺少读取 Excel 文件的组件，请把名单另存为 CSV 后再导入") from None
    try:
        workbook = openpyxl.load_workbook(path, data_only=True)
    except (InvalidFileException, KeyError, OSError, ValueError, EOFError) as exc:
        raise RegisterFileError(f"无法读取该 Excel 文件（{path.name}）：文件可能已损坏或不是 .xlsx 格式") from exc
    except Exception as exc:  # zipfile.BadZipFile and friends
        raise RegisterFileError(f"无法读取该 Excel 文件（{path.name}）：{exc}") from exc
    sheets = []
    try:
        for ws in workbook.worksheets:
            _check_dimensions(path, ws)
            rows = [list(r) for r in ws.iter_rows(values_only=True)]
            _fill_merged(rows, ws.merged_cells.ranges)
            sheets.append((ws.title, rows))
    finally:
        workbook.close()
    return sheets


def _fill_merged(rows: list[list], ranges) -> None:
    """A merged cell holds its value in the top-left cell only; give it to every cell it covers
    (a guardian merged over two patients of one household is that guardian for both)."""
    for merged in ranges:
        r0, c0 = merged.min_row - 1, merged.min_col - 1
        if r0 >= len(rows) or c0 >= len(rows[r0]):
            continue
        value = rows[r0][c0]
        for r in range(r0, min(merged.max_row, len(rows))):
            for c in range(c0, min(merged.max_col, len(rows[r]))):
                rows[r][c] = value


def _decode(data: bytes) -> str:
    """UTF-8 with or without BOM, UTF-16 ("Unicode 文本"), or GBK/GB18030 as Chinese Excel saves CSV."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise RegisterFileError("无法识别该 CSV 文件的文字编码：请在 Excel 中另存为 .xlsx 后再导入") from None


def _read_csv(path: Path) -> list[tuple[str, list[list]]]:
    try:
        size = path.stat().st_size
        if size > MAX_CSV_BYTES:
            raise RegisterFileError(f"该 CSV 文件有 {size // (1024 * 1024)} MB，超过登记名单的上限 "
                                    f"{MAX_CSV_BYTES // (1024 * 1024)} MB")
        text = _decode(path.read_bytes())
    except OSError as exc:
        raise RegisterFileError(f"无法打开文件：{path}（{exc.strerror or exc}）") from exc
    lines = [line for line in text.splitlines() if line.strip()][:HEADER_SCAN_ROWS]
    sample = "\n".join(lines)
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    try:
        rows = [[_csv_cell(c) for c in record]
                for record in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error as exc:
        raise RegisterFileError(f"无法读取该 CSV 文件（{path.name}）：文件内容不是文字表格") from exc
    if len(rows) > MAX_ROWS or any(len(r) > MAX_COLUMNS for r in rows):
        raise RegisterFileError(f"该 CSV 文件有 {len(rows)} 行、最多 {max(map(len, rows))} 列，超过登记名单的上限 "
                                f"{MAX_ROWS} 行、{MAX_COLUMNS} 列")
    return [(path.stem, rows)]


def _csv_cell(text: str):
    if not text.strip():
        return None
    match = _EXCEL_TEXT_FORMULA.match(text.strip())  # ="500381…": the CSV trick to keep text
    return match.group(1) if match else text


def read_sheets(path: Path) -> list[tuple[str, list[list]]]:
    if not path.exists():
        raise RegisterFileError(f"找不到文件：{path}")
    if path.is_dir():
        raise RegisterFileError(f"这是一个文件夹，不是登记名单文件：{path}")
    suffix = path.suffix.lower()
    if suffix in OLD_FORMATS:
        raise RegisterFileError(f"不支持 {suffix} 格式：请在 Excel 或 WPS 中“另存为” .xlsx 后再导入")
    try:
        with path.open("rb") as f:
            magic = f.read(4)
    except OSError as exc:
        raise RegisterFileError(f"无法打开文件：{path}（{exc.strerror or exc}）") from exc
    if magic.startswith(b"\xd0\xcf\x11\xe0"):  # an OLE file: the old binary .xls, or an encrypted .xlsx
        raise RegisterFileError("这是旧版 Excel（.xls）文件，或设置了打开密码的文件：请取消密码并"
                                "“另存为” .xlsx 后再导入")
    if suffix in XLSX_SUFFIXES or (suffix not in CSV_SUFFIXES and magic.startswith(b"PK")):
        return _read_xlsx(path)
    return _read_csv(path)


# --- finding the header ------------------------------------------------------------------------

@dataclass
class Header:
    row: int  # 0-based first header row
    height: int  # 1, or 2 for a two-row header ("监护人" over "姓名 | 联系方式 | 身份证号")
    texts: list[str]
    columns: dict[str, int]
    unknown: list[str]
    ignored: set[int]

    @property
    def score(self) -> int:
        return len(self.columns)


def _header_from(texts: list[str], row: int, height: int) -> Header:
    columns, unknown, ignored = {}, [], set()
    previous = ""
    for index, text in enumerate(texts):
        flat = normalize_header(text)
        if not flat:
            previous = ""
            continue
        if flat in ("原行号", "状态") or (flat == "说明" and previous == "状态"):
            ignored.add(index)  # columns of our own import report, when a fixed report is re-imported
            previous = flat
            continue
        previous = flat
        key = column_for_header(flat)
        if key is None:
            unknown.append(f"{flat}（第{column_letter(index)}列）")
            ignored.add(index)
        elif key in columns:
            unknown.append(f"{flat}（第{column_letter(index)}列，与第{column_letter(columns[key])}列重复，未使用）")
            ignored.add(index)
        else:
            columns[key] = index
    return Header(row, height, [str(t or "").strip() for t in texts], columns, unknown, ignored)


def _header_text(value) -> str:
    return "" if value is None else str(value)


def find_header(rows: list[list]) -> Header | None:
    best: Header | None = None
    for r in range(min(HEADER_SCAN_ROWS, len(rows))):
        top = [_header_text(v) for v in rows[r]]
        candidates = [_header_from(top, r, 1)]
        if r + 1 < len(rows):
            bottom = [_header_text(v) for v in rows[r + 1]]
            width = max(len(top), len(bottom))
            top += [""] * (width - len(top))
            bottom += [""] * (width - len(bottom))
            joined = [t if (not b or b == t) else (b if not t else t + b) for t, b in zip(top, bottom)]
            candidates.append(_header_from(joined, r, 2))
        for c in candidates:
            if best is None or c.score > best.score:
                best = c
    return best


def choose_sheet(sheets: list[tuple[str, list[list]]]) -> tuple[str, list[list], Header]:
    found = [(name, rows, find_header(rows)) for name, rows in sheets]
    usable = [f for f in found if f[2] is not None and {"name", "id_number"} <= set(f[2].columns)]
    if not usable:
        raise RegisterFileError(
            f"找不到表头：前 {HEADER_SCAN_ROWS} 行中没有同时含“{BY_KEY['name'].header}”和"
            f"“{BY_KEY['id_number'].header}”的一行。请确认这是附件8《患者登记名单》")
    return max(usable, key=lambda f: f[2].score)  # the first sheet wins a tie
