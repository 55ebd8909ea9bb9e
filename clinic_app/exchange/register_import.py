"""Importing an existing patient register (Attachment 8) kept in Excel (.xlsx) or saved as CSV.

Clinics already keep the register by hand, so the file is whatever they made of the template:
title rows above the header, headers spelt several ways, extra columns, blank rows, numbers typed
as text and text turned into numbers. The importer

* finds the header row among the first rows and maps the columns by header, not by position;
* checks every non-blank row and says, in Chinese, what is wrong with it — nothing is dropped
  without a message, and nothing is "repaired" by guessing (an ID number Excel stored as a number
  has lost its last digits for good; a 15-digit ID number is only *suggested* as 18 digits);
* writes all good rows in one transaction, or none;
* always leaves a report next to the file: the original columns plus 状态 and 说明.

The register's 备注 has no place in the patient record: when the row has a risk assessment it is
kept as that assessment's note, otherwise the report says it was not imported.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..domain import idnumber, phone
from ..domain import patient_fields as pf
from ..domain import risk as risk_rules
from ..domain.errors import ValidationError
from ..domain.register_columns import BY_KEY, column_for_header, normalize_header
from ..domain.text import squeeze, to_halfwidth
from ..storage import audit, patients, reference
from ..storage import risk as risk_store
from ..storage.errors import StorageError

OK, ERROR, DUPLICATE = "ok", "error", "duplicate"
STATUS_LABELS = {OK: "可导入", ERROR: "错误", DUPLICATE: "重复"}
IMPORTED_LABEL = "已导入"
HEADER_SCAN_ROWS = 10
IMPORT_ASSESSOR = "导入"
REPORT_COLUMNS = ("原行号", "状态", "说明")
REPORT_SUFFIX = "导入报告"
HINT = "提示："

DAMAGED_ID = ("Excel 已把身份证号存成数字，后几位已丢失，无法恢复：请在原始资料中核对后，"
              "把该列设为“文本”重新录入")
EXCEL_SIGNIFICANT_DIGITS = 15
XLSX_SUFFIXES = {".xlsx", ".xlsm"}
CSV_SUFFIXES = {".csv", ".txt"}
OLD_FORMATS = {".xls", ".et", ".wps", ".ods", ".numbers"}
_ADDRESS_PREFIXES = ("重庆市", "重庆", "江津区", "江津")
_SCIENTIFIC = re.compile(r"^\d+(?:\.\d+)?[eE][+-]?\d+$")
_EXCEL_TEXT_FORMULA = re.compile(r'^="(.*)"$', re.S)
_MALE, _FEMALE = {"男", "男性", "M", "MALE"}, {"女", "女性", "F", "FEMALE"}
_PHONE_SEPARATORS = re.compile(r"[/、,，;；\s]+")


class RegisterFileError(Exception):
    """The file cannot be read as a register at all. ``message`` is Chinese, fit to show."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class ImportFailed(StorageError):
    """Writing failed midway; the transaction was rolled back, so nothing was written."""


@dataclass
class RowResult:
    row: int  # the spreadsheet row number, as Excel shows it
    status: str  # OK | ERROR | DUPLICATE
    messages: list[str]  # Chinese; hints (status stays OK) start with "提示："
    values: dict  # cleaned values (see ``_check_row``); ``patient_id`` once imported
    cells: list = field(default_factory=list, repr=False)  # the row as read, for the report

    @property
    def errors(self) -> list[str]:
        return [m for m in self.messages if not m.startswith(HINT)]

    def as_json(self) -> dict:
        return {"row": self.row, "status": self.status, "messages": list(self.messages)}


@dataclass
class ParsedRegister:
    rows: list[RowResult]
    unknown_columns: list[str]  # "联系电话（第K列）": ignored, reported once
    header_row: int  # first header row, 1-based
    headers: list[str] = field(default_factory=list)  # header texts as read (for the report)
    columns: dict[str, int] = field(default_factory=dict)  # key -> 0-based column index
    data_start_row: int = 0
    sheet: str = ""
    source: Path | None = None
    skipped_rows: list[int] = field(default_factory=list)  # rows holding nothing but a 序号
    report_columns: set[int] = field(default_factory=set)  # 原行号/状态/说明 of a re-imported report
    notes: list[str] = field(default_factory=list)  # file-level remarks, Chinese

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)

    @property
    def ok_count(self) -> int:
        return self.count(OK)

    @property
    def error_count(self) -> int:
        return self.count(ERROR)

    @property
    def duplicate_count(self) -> int:
        return self.count(DUPLICATE)

    def summary(self) -> str:
        return (f"可导入 {self.ok_count} 行，错误 {self.error_count} 行，"
                f"重复 {self.duplicate_count} 行")


@dataclass
class ImportResult:
    rows: list[RowResult]
    imported: int
    report_path: Path | None
    parsed: ParsedRegister | None = None
    dry_run: bool = False
    report_error: str = ""  # why the report could not be written, if it could not


# --- reading the file --------------------------------------------------------------------------

def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _read_xlsx(path: Path) -> list[tuple[str, list[list]]]:
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
    return [(path.stem, rows)]


def _csv_cell(text: str):
    if not text.strip():
        return None
    match = _EXCEL_TEXT_FORMULA.match(text.strip())  # ="500381…": the CSV trick to keep text
    return match.group(1) if match else text


def _read_sheets(path: Path) -> list[tuple[str, list[list]]]:
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
class _Header:
    row: int  # 0-based first header row
    height: int  # 1, or 2 for a two-row header ("监护人" over "姓名 | 联系方式 | 身份证号")
    texts: list[str]
    columns: dict[str, int]
    unknown: list[str]
    ignored: set[int]

    @property
    def score(self) -> int:
        return len(self.columns)


def _header_from(texts: list[str], row: int, height: int) -> _Header:
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
    return _Header(row, height, [str(t or "").strip() for t in texts], columns, unknown, ignored)


def _cell_text(value) -> str:
    return "" if value is None else str(value)


def _find_header(rows: list[list]) -> _Header | None:
    best: _Header | None = None
    for r in range(min(HEADER_SCAN_ROWS, len(rows))):
        top = [_cell_text(v) for v in rows[r]]
        candidates = [_header_from(top, r, 1)]
        if r + 1 < len(rows):
            bottom = [_cell_text(v) for v in rows[r + 1]]
            width = max(len(top), len(bottom))
            top += [""] * (width - len(top))
            bottom += [""] * (width - len(bottom))
            joined = [t if (not b or b == t) else (b if not t else t + b) for t, b in zip(top, bottom)]
            candidates.append(_header_from(joined, r, 2))
        for c in candidates:
            if best is None or c.score > best.score:
                best = c
    return best


def _choose_sheet(sheets: list[tuple[str, list[list]]]) -> tuple[str, list[list], _Header]:
    found = [(name, rows, _find_header(rows)) for name, rows in sheets]
    usable = [f for f in found if f[2] is not None and {"name", "id_number"} <= set(f[2].columns)]
    if not usable:
        raise RegisterFileError(
            f"找不到表头：前 {HEADER_SCAN_ROWS} 行中没有同时含“{BY_KEY['name'].header}”和"
            f"“{BY_KEY['id_number'].header}”的一行。请确认这是附件8《患者登记名单》")
    return max(usable, key=lambda f: f[2].score)  # the first sheet wins a tie


# --- checking one row --------------------------------------------------------------------------

def _text(value) -> str:
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


def display_text(value) -> str:
    """A cell as staff see it in Excel: a big number as 5.00381E+17."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and abs(value) >= 10 ** 11:
        return f"{value:.5E}"
    return squeeze(_text(value)).upper()


def _numeric_damage(value) -> bool:
    """True when a cell shows Excel turned an ID number into a number and rounded it."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return len(str(abs(value))) > EXCEL_SIGNIFICANT_DIGITS
    if isinstance(value, float):
        return abs(value) >= 10 ** EXCEL_SIGNIFICANT_DIGITS
    text = squeeze(_text(value))
    if _SCIENTIFIC.match(text):
        return True
    return _rounded_digits(text) and not idnumber.is_valid(text)


def _rounded_digits(text: str) -> bool:
    """More than 15 digits, all zero after the 15th: how a rounded number prints."""
    return (text.isdigit() and len(text) > EXCEL_SIGNIFICANT_DIGITS
            and set(text[EXCEL_SIGNIFICANT_DIGITS:]) == {"0"})


def _check_id(value, label: str, today: dt.date, errors: list[str], extra: dict, key: str):
    """The cleaned number, or None with the reason appended to ``errors``."""
    if _numeric_damage(value):
        errors.append(f"{label}：{DAMAGED_ID}")
        return None
    try:
        return idnumber.parse(_text(value), today)
    except idnumber.FirstGenerationId as exc:
        extra[f"{key}_suggestion"] = exc.converted
        errors.append(f"{label}是15位的第一代身份证号，可转换为18位：{exc.converted}。"
                      f"请核对无误后在表格中改为18位再导入")
    except ValidationError as exc:
        errors.append(exc.message if label == "身份证号" else f"{label}：{exc.message}")
    return None


def _name(value) -> str:
    """"张　三" (padded to line up with three-character names) is 张三."""
    text = " ".join(_text(value).split())
    if text and all("\u4e00" <= ch <= "\u9fff" or ch == " " for ch in text):
        text = text.replace(" ", "")
    return text


def _sex(value) -> str | None:
    text = squeeze(_text(value)).upper()
    if text in _MALE:
        return "男"
    if text in _FEMALE:
        return "女"
    return None


def _phone(value, errors: list[str], hints: list[str]) -> str | None:
    text = _text(value)
    parts = [p for p in _PHONE_SEPARATORS.split(to_halfwidth(text)) if p]
    try:
        return phone.normalize(text)
    except ValidationError as exc:
        first_error = exc.message
    if len(parts) > 1:
        try:
            numbers = [phone.normalize(p) for p in parts]
        except ValidationError:
            pass
        else:
            hints.append(f"{HINT}监护人联系方式有 {len(numbers)} 个号码，只导入第一个（{numbers[0]}），"
                         f"其余请在患者资料中补充")
            return numbers[0]
    errors.append(f"监护人联系方式：{first_error}")
    return None


def derive_town(address: str, towns: list[str]) -> str | None:
    """The town an address names: "油溪镇大坡村3组" → 油溪镇; "江津区油溪大坡村" → 油溪镇."""
    text = squeeze(address)
    for prefix in _ADDRESS_PREFIXES:
        text = text.removeprefix(prefix)
    found = [(text.find(t), t) for t in towns if t and t in text]
    if found:
        return min(found)[1]
    for town in towns:
        stem = re.sub(r"(镇|街道|乡)$", "", town)
        if len(stem) >= 2 and text.startswith(stem):
            return town
    return None


def _field_error(key: str, value) -> str | None:
    checked = pf.validate_field(key, value)
    return checked.errors.get(key)


def _check_row(row_number: int, cells: list, columns: dict[str, int], towns: list[str],
               today: dt.date) -> RowResult:
    def get(key):
        index = columns.get(key)
        return cells[index] if index is not None and index < len(cells) else None

    errors: list[str] = []
    hints: list[str] = []
    values: dict = {}

    name = _name(get("name"))
    if not name:
        errors.append(f"请填写{BY_KEY['name'].header}")
    elif problem := _field_error("name", name):
        errors.append(f"{BY_KEY['name'].header}：{problem}")
    values["name"] = name

    raw_id = get("id_number")
    values["id_number_text"] = display_text(raw_id)
    info = None
    if _is_blank(raw_id):
        errors.append("请填写身份证号")
    else:
        info = _check_id(raw_id, "身份证号", today, errors, values, "id_number")
    values["id_number"] = info.number if info else None
    values["birth_date"] = info.birth_date.isoformat() if info else None

    raw_sex = get("sex")
    sex = _sex(raw_sex)
    if not _is_blank(raw_sex) and sex is None:
        errors.append(f"性别应填“男”或“女”，现为“{_text(raw_sex)}”")
    if info:
        if sex and sex != info.sex:
            errors.append(f"性别与身份证号不符：身份证号显示为{info.sex}")
        sex = info.sex
    values["sex"] = sex

    raw_level = get("risk_level")
    values["risk_level"] = None
    if not _is_blank(raw_level):
        try:
            values["risk_level"] = risk_rules.parse_level(raw_level)
        except ValidationError as exc:
            errors.append(exc.message)

    guardian_name = _name(get("guardian_name"))
    if guardian_name and (problem := _field_error("guardian_name", guardian_name)):
        errors.append(f"监护人姓名：{problem}")
    values["guardian_name"] = guardian_name or None

    raw_phone = get("guardian_phone")
    values["guardian_phone"] = None if _is_blank(raw_phone) else _phone(raw_phone, errors, hints)

    raw_gid = get("guardian_id_number")
    values["guardian_id_number"] = None
    if not _is_blank(raw_gid):
        ginfo = _check_id(raw_gid, "监护人身份证号", today, errors, values, "guardian_id_number")
        if ginfo:
            values["guardian_id_number"] = ginfo.number
            if info and ginfo.number == info.number:
                errors.append("监护人身份证号与患者身份证号相同")

    address = " ".join(_text(get("address")).split())
    if address and (problem := _field_error("address", address)):
        errors.append(f"家庭住址：{problem}")
    values["address"] = address or None
    values["town"] = derive_town(address, towns) if address else None
    if not address:
        hints.append(f"{HINT}家庭住址为空，导入后请在患者资料中补填家庭住址和镇（街）")
    elif values["town"] is None:
        hints.append(f"{HINT}未能从家庭住址识别镇（街），导入后请在患者资料中补填")

    values["note"] = _text(get("note")) or None
    if values["note"] and values["risk_level"] is None:
        hints.append(f"{HINT}本行没有危险性评估，备注“{values['note']}”不会导入系统，请按需录入")

    status = ERROR if errors else OK
    return RowResult(row_number, status, errors + hints, values, list(cells))


def _is_template_row(cells: list, columns: dict[str, int], ignored: set[int]) -> bool:
    """A row of the printed template with nothing but its 序号 filled in."""
    seq = columns.get("seq")
    if seq is None or seq >= len(cells) or not squeeze(_text(cells[seq])).isdigit():
        return False  # "合计：10人" in the 序号 column is a line to show, not a template row
    return all(_is_blank(v) for i, v in enumerate(cells) if i != seq and i not in ignored)


def read_register(path, towns: list[str] | None = None, today: dt.date | None = None) -> ParsedRegister:
    """Read and check a register file, without a database. Raises ``RegisterFileError`` when the
    file cannot be read as a register at all."""
    path = Path(path)
    today = today or dt.date.today()
    if towns is None:
        towns = [t for clinic in reference.clinic_list() for t in clinic["towns"]]
    sheet, rows, header = _choose_sheet(_read_sheets(path))
    start = header.row + header.height
    report_columns = {i for i in header.ignored if normalize_header(header.texts[i]) in REPORT_COLUMNS}
    parsed = ParsedRegister(rows=[], unknown_columns=list(header.unknown), header_row=header.row + 1,
                            headers=header.texts, columns=dict(header.columns), data_start_row=start + 1,
                            sheet=sheet, source=path, report_columns=report_columns)
    used = set(header.columns.values()) | header.ignored
    unnamed_with_data = set()
    seen: dict[str, RowResult] = {}
    for index in range(start, len(rows)):
        cells = rows[index]
        if all(_is_blank(v) for i, v in enumerate(cells) if i not in report_columns):
            continue
        if _is_template_row(cells, header.columns, report_columns):
            parsed.skipped_rows.append(index + 1)
            continue
        unnamed_with_data.update(i for i, v in enumerate(cells) if i not in used and not _is_blank(v))
        result = _check_row(index + 1, cells, header.columns, towns, today)
        number = result.values["id_number"]
        if number:
            first = seen.get(number)
            if first:
                result.status = DUPLICATE
                result.messages.insert(0, f"与第 {first.row} 行身份证号重复")
                first.messages.append(f"{HINT}第 {result.row} 行的身份证号与本行相同")
            else:
                seen[number] = result
        parsed.rows.append(result)
    _flag_rounded_ids(parsed)
    for i in sorted(unnamed_with_data):
        parsed.unknown_columns.append(f"第{column_letter(i)}列（无表头）")
    if parsed.unknown_columns:
        parsed.notes.append("以下列不属于登记名单，未导入：" + "、".join(parsed.unknown_columns))
    if parsed.skipped_rows:
        parsed.notes.append(f"只有序号、其余为空的 {len(parsed.skipped_rows)} 行已跳过")
    return parsed


def _flag_rounded_ids(parsed: ParsedRegister) -> None:
    """Once one ID number in the file shows Excel's rounding, a number ending in zeros past the
    15th digit may be rounded too even if it happens to pass the check digit: refuse it as well."""
    if not any(m.startswith(f"身份证号：{DAMAGED_ID}") for r in parsed.rows for m in r.messages):
        return
    for result in parsed.rows:
        if result.values.get("id_number") and _rounded_digits(result.values["id_number"]):
            result.status = ERROR if result.status == OK else result.status
            result.messages.insert(0, f"身份证号：{DAMAGED_ID}（本文件其他行的身份证号已被 Excel 改成数字，"
                                      f"本行末尾的0也可能是这样来的）")
            result.values["id_number"] = None


def check_register(db, path, today: dt.date | None = None) -> ParsedRegister:
    """``read_register`` plus what only the database knows: patients already registered, and the
    towns of this installation."""
    parsed = read_register(path, towns=reference.towns(db), today=today)
    for result in parsed.rows:
        number = result.values.get("id_number")
        if number and patients.find_by_id_number(db, number):
            result.status = DUPLICATE
            result.messages.insert(0, "该患者已在本系统登记")
    return parsed


# --- importing ---------------------------------------------------------------------------------

PATIENT_KEYS = ("name", "sex", "birth_date", "id_number", "address", "town", "guardian_name",
                "guardian_phone", "guardian_id_number")


def patient_values(result: RowResult) -> dict:
    return {k: result.values.get(k) for k in PATIENT_KEYS}


def _write_rows(db, rows: list[RowResult], user, today: dt.date, source: Path) -> None:
    for result in rows:
        patient_id = patients.create(db, patient_values(result), user=user)
        level = result.values.get("risk_level")
        if level is not None:
            note = result.values.get("note")
            risk_store.record_assessment(db, patient_id, level, today, IMPORT_ASSESSOR,
                                         note=f"登记名单备注：{note}" if note else "", user=user)
        result.values["patient_id"] = patient_id
    audit.record(db, audit.CREATE, "import", None, f"导入登记名单 {len(rows)} 行",
                 detail={"file": source.name, "rows": [r.row for r in rows],
                         "patient_ids": [r.values["patient_id"] for r in rows]}, user=user)


def import_register(db, path, user: dict | None = None, dry_run: bool = False,
                    report_dir=None, today: dt.date | None = None) -> ImportResult:
    """Check the file, write every good row in ONE transaction (or none), and leave a report.

    Raises ``RegisterFileError`` for an unreadable file, ``ImportFailed`` when writing failed
    (then nothing was written and no report is made)."""
    path = Path(path)
    today = today or dt.date.today()
    parsed = check_register(db, path, today=today)
    good = [r for r in parsed.rows if r.status == OK]
    imported = 0
    if not dry_run and good:
        try:
            with db.atomic():
                _write_rows(db, good, user, today, path)
        except Exception as exc:
            failed_row = _failed_row(good)
            for result in good:
                result.values.pop("patient_id", None)
            reason = getattr(exc, "message", None) or str(exc) or type(exc).__name__
            raise ImportFailed(f"导入失败，没有写入任何患者（第 {failed_row} 行出错）：{reason}") from exc
        imported = len(good)
    result = ImportResult(rows=parsed.rows, imported=imported, report_path=None, parsed=parsed,
                          dry_run=dry_run)
    try:
        result.report_path = write_report(parsed, Path(report_dir) if report_dir else path.parent,
                                          imported=not dry_run)
    except OSError as exc:
        result.report_error = f"导入报告无法保存到 {report_dir or path.parent}：{exc.strerror or exc}"
    return result


def _failed_row(good: list[RowResult]) -> int:
    for result in good:
        if "patient_id" not in result.values:
            return result.row
    return good[-1].row


# --- the report --------------------------------------------------------------------------------

def report_status(result: RowResult, imported: bool) -> str:
    if result.status == OK and imported:
        return IMPORTED_LABEL if "patient_id" in result.values else STATUS_LABELS[OK]
    return STATUS_LABELS[result.status]


def report_path_for(source: Path, out_dir: Path, suffix: str = ".xlsx",
                    now: dt.datetime | None = None) -> Path:
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    path = out_dir / f"{source.stem}-{REPORT_SUFFIX}-{stamp}{suffix}"
    n = 2
    while path.exists():
        path = out_dir / f"{source.stem}-{REPORT_SUFFIX}-{stamp}-{n}{suffix}"
        n += 1
    return path


def _report_columns(parsed: ParsedRegister) -> list[int]:
    """Every column that has a header or any data, except those of an earlier report."""
    width = max([len(parsed.headers)] + [len(r.cells) for r in parsed.rows])

    def used(i):
        return ((i < len(parsed.headers) and parsed.headers[i])
                or any(i < len(r.cells) and not _is_blank(r.cells[i]) for r in parsed.rows))
    return [i for i in range(width) if i not in parsed.report_columns and used(i)]


def _report_table(parsed: ParsedRegister, imported: bool) -> tuple[list[str], list[list], set[int]]:
    keep = _report_columns(parsed)
    headers = [(parsed.headers[i] if i < len(parsed.headers) else "") or f"第{column_letter(i)}列"
               for i in keep] + list(REPORT_COLUMNS)
    body = []
    for result in parsed.rows:
        cells = [result.cells[i] if i < len(result.cells) else None for i in keep]
        body.append(cells + [result.row, report_status(result, imported), "；".join(result.messages)])
    id_positions = {keep.index(parsed.columns[c.key]) for c in BY_KEY.values()
                    if c.is_id_number and parsed.columns.get(c.key) in keep}
    return headers, body, id_positions


def write_report(parsed: ParsedRegister, out_dir: Path, imported: bool) -> Path:
    """The register as read, one row per checked row, plus 原行号, 状态 and 说明 — so staff can fix
    the rows in error right in the report and import it again. xlsx; CSV if xlsx cannot be made."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    headers, body, id_positions = _report_table(parsed, imported)
    source = parsed.source or Path("登记名单")
    title = (f"{source.name} 导入报告（{dt.datetime.now():%Y-%m-%d %H:%M}，"
             f"{'已导入' if imported else '仅检查，未导入'}）：{parsed.summary()}")
    try:
        import openpyxl  # noqa: F401
    except ImportError:  # pragma: no cover - openpyxl ships with the program
        return _write_csv_report(report_path_for(source, out_dir, ".csv"), title, headers, body)
    return _write_xlsx_report(report_path_for(source, out_dir), title, headers, body, id_positions)


_FILLS = {STATUS_LABELS[OK]: "E3F4E6", IMPORTED_LABEL: "C8EBCD", STATUS_LABELS[ERROR]: "FBE0E0",
          STATUS_LABELS[DUPLICATE]: "FFF0CC"}


def _write_xlsx_report(path: Path, title: str, headers: list[str], body: list[list],
                       id_positions: set[int]) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    wb = Workbook()
    ws = wb.active
    ws.title = REPORT_SUFFIX
    ws.append([title])
    ws.append(headers)
    for cells in body:
        ws.append(cells)
    ws["A1"].font = Font(bold=True, size=12)
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E9EFF6")
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    status_index, note_index = len(headers) - 2, len(headers) - 1
    for row in ws.iter_rows(min_row=3):
        for index, cell in enumerate(row):
            if isinstance(cell.value, str) and cell.data_type == "f":
                cell.data_type = "s"  # a cell of the source file never becomes a formula here
            if index in id_positions and isinstance(cell.value, str):
                cell.number_format = "@"  # stays text when the fixed report is imported again
        fill = _FILLS.get(row[status_index].value)
        if fill:
            row[status_index].fill = PatternFill("solid", fgColor=fill)
        row[note_index].alignment = Alignment(wrap_text=True, vertical="top")
    for index, header in enumerate(headers):
        if index == note_index:
            width = 70
        elif index in id_positions:
            width = 22
        else:
            width = max(8, min(30, len(header) * 2 + 4))
        ws.column_dimensions[column_letter(index)].width = width
    ws.freeze_panes = "A3"
    wb.save(path)
    return path


def _write_csv_report(path: Path, title: str, headers: list[str], body: list[list]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow([title])
        writer.writerow(headers)
        for cells in body:
            writer.writerow(["" if v is None else v for v in cells])
    return path
