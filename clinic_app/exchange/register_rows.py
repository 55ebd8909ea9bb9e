"""Checking a register: every non-blank row is checked and what is wrong with it said in Chinese
— nothing is dropped without a message, and nothing is "repaired" by guessing (an ID number
Excel stored as a number has lost its last digits for good; a 15-digit ID number is only
*suggested* as 18 digits). Duplicates are found within the file and, asked through a function
given by the caller (``mark_registered``), against the patients already registered.

The register's 备注 has no place in the patient record: when the row has a risk assessment it is
kept as that assessment's note, otherwise a hint says it will not be imported.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path

from ..domain import idnumber, phone
from ..domain import patient_fields as pf
from ..domain import risk as risk_rules
from ..domain.errors import ValidationError
from ..domain.register_columns import BY_KEY, normalize_header
from ..domain.text import squeeze, to_halfwidth
from ..storage import reference  # the shipped clinic list (a file, not the database): the towns
from .register_id_damage import DAMAGED_ID, display_text, flag_rounded_ids, numeric_damage
from .register_reading import cell_text, choose_sheet, column_letter, is_blank, read_sheets
from .register_results import DUPLICATE, ERROR, HINT, OK, REPORT_COLUMNS, ParsedRegister, RowResult

_ADDRESS_PREFIXES = ("重庆市", "重庆", "江津区", "江津")
_MALE, _FEMALE = {"男", "男性", "M", "MALE"}, {"女", "女性", "F", "FEMALE"}
_PHONE_SEPARATORS = re.compile(r"[/、,，;；\s]+")


# --- checking one row --------------------------------------------------------------------------

def _check_id(value, label: str, today: dt.date, errors: list[str], extra: dict, key: str):
    """The cleaned number, or None with the reason appended to ``errors``."""
    if numeric_damage(value):
        errors.append(f"{label}：{DAMAGED_ID}")
        return None
    try:
        return idnumber.parse(cell_text(value), today)
    except idnumber.FirstGenerationId as exc:
        extra[f"{key}_suggestion"] = exc.converted
        errors.append(f"{label}是15位的第一代身份证号，可转换为18位：{exc.converted}。"
                      f"请核对无误后在表格中改为18位再导入")
    except ValidationError as exc:
        errors.append(exc.message if label == "身份证号" else f"{label}：{exc.message}")
    return None


def _name(value) -> str:
    """"张　三" (padded to line up with three-character names) is 张三."""
    text = " ".join(cell_text(value).split())
    if text and all("\u4e00" <= ch <= "\u9fff" or ch == " " for ch in text):
        text = text.replace(" ", "")
    return text


def _sex(value) -> str | None:
    text = squeeze(cell_text(value)).upper()
    if text in _MALE:
        return "男"
    if text in _FEMALE:
        return "女"
    return None


def _phone(value, errors: list[str], hints: list[str]) -> str | None:
    text = cell_text(value)
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


def _invisible(ch: str) -> bool:
    """Control characters (a NUL, an ESC) and the zero-width and bidirectional marks (U+200B–U+200F,
    U+202A–U+202E, U+2066–U+2069, U+FEFF) that make two names look alike or a number read
    backwards: never part of a register's text. Line breaks and tabs are spacing, not this."""
    return ch not in "\t\r\n" and unicodedata.category(ch) in ("Cc", "Cf")


def _visible_cells(cells: list, columns: dict[str, int]) -> tuple[list, list[str]]:
    """The row's cells with invisible characters removed, and a note per field that had any."""
    cleaned, notes = list(cells), []
    label_of = {index: BY_KEY[key].header for key, index in columns.items() if key in BY_KEY}
    for index, value in enumerate(cells):
        if isinstance(value, str) and any(_invisible(ch) for ch in value):
            cleaned[index] = "".join(ch for ch in value if not _invisible(ch)).strip() or None
            notes.append(f"{HINT}{label_of.get(index, f'第{column_letter(index)}列')}中含不可见字符"
                         "（控制字符、零宽或方向字符），已删除")
    return cleaned, notes


def _field_error(key: str, value) -> str | None:
    checked = pf.validate_field(key, value)
    return checked.errors.get(key)


def _check_row(row_number: int, cells: list, columns: dict[str, int], towns: list[str],
               today: dt.date) -> RowResult:
    cells, invisible = _visible_cells(cells, columns)

    def get(key):
        index = columns.get(key)
        return cells[index] if index is not None and index < len(cells) else None

    errors: list[str] = []
    hints: list[str] = list(invisible)
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
    if is_blank(raw_id):
        errors.append("请填写身份证号")
    else:
        info = _check_id(raw_id, "身份证号", today, errors, values, "id_number")
    values["id_number"] = info.number if info else None
    values["birth_date"] = info.birth_date.isoformat() if info else None

    raw_sex = get("sex")
    sex = _sex(raw_sex)
    if not is_blank(raw_sex) and sex is None:
        errors.append(f"性别应填“男”或“女”，现为“{cell_text(raw_sex)}”")
    if info:
        if sex and sex != info.sex:
            errors.append(f"性别与身份证号不符：身份证号显示为{info.sex}")
        sex = info.sex
    values["sex"] = sex

    raw_level = get("risk_level")
    values["risk_level"] = None
    if not is_blank(raw_level):
        try:
            values["risk_level"] = risk_rules.parse_level(raw_level)
        except ValidationError as exc:
            errors.append(exc.message)

    guardian_name = _name(get("guardian_name"))
    if guardian_name and (problem := _field_error("guardian_name", guardian_name)):
        errors.append(f"监护人姓名：{problem}")
    values["guardian_name"] = guardian_name or None

    raw_phone = get("guardian_phone")
    values["guardian_phone"] = None if is_blank(raw_phone) else _phone(raw_phone, errors, hints)

    raw_gid = get("guardian_id_number")
    values["guardian_id_number"] = None
    if not is_blank(raw_gid):
        ginfo = _check_id(raw_gid, "监护人身份证号", today, errors, values, "guardian_id_number")
        if ginfo:
            values["guardian_id_number"] = ginfo.number
            if info and ginfo.number == info.number:
                errors.append("监护人身份证号与患者身份证号相同")

    address = " ".join(cell_text(get("address")).split())
    if address and (problem := _field_error("address", address)):
        errors.append(f"家庭住址：{problem}")
    values["address"] = address or None
    values["town"] = derive_town(address, towns) if address else None
    if not address:
        hints.append(f"{HINT}家庭住址为空，导入后请在患者资料中补填家庭住址和镇（街）")
    elif values["town"] is None:
        hints.append(f"{HINT}未能从家庭住址识别镇（街），导入后请在患者资料中补填")

    values["note"] = cell_text(get("note")) or None
    if values["note"] and values["risk_level"] is None:
        hints.append(f"{HINT}本行没有危险性评估，备注“{values['note']}”不会导入系统，请按需录入")

    status = ERROR if errors else OK
    return RowResult(row_number, status, errors + hints, values, list(cells))


def _is_template_row(cells: list, columns: dict[str, int], ignored: set[int]) -> bool:
    """A row of the printed template with nothing but its 序号 filled in."""
    seq = columns.get("seq")
    if seq is None or seq >= len(cells) or not squeeze(cell_text(cells[seq])).isdigit():
        return False  # "合计：10人" in the 序号 column is a line to show, not a template row
    return all(is_blank(v) for i, v in enumerate(cells) if i != seq and i not in ignored)


# --- checking the whole file --------------------------------------------------------------------

def read_register(path, towns: list[str] | None = None, today: dt.date | None = None) -> ParsedRegister:
    """Read and check a register file, without a database. Raises ``RegisterFileError`` when the
    file cannot be read as a register at all."""
    path = Path(path)
    today = today or dt.date.today()
    if towns is None:
        towns = [t for clinic in reference.clinic_list() for t in clinic["towns"]]
    sheet, rows, header = choose_sheet(read_sheets(path))
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
        if all(is_blank(v) for i, v in enumerate(cells) if i not in report_columns):
            continue
        if _is_template_row(cells, header.columns, report_columns):
            parsed.skipped_rows.append(index + 1)
            continue
        unnamed_with_data.update(i for i, v in enumerate(cells) if i not in used and not is_blank(v))
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
    flag_rounded_ids(parsed)
    for i in sorted(unnamed_with_data):
        parsed.unknown_columns.append(f"第{column_letter(i)}列（无表头）")
    if parsed.unknown_columns:
        parsed.notes.append("以下列不属于登记名单，未导入：" + "、".join(parsed.unknown_columns))
    if parsed.skipped_rows:
        parsed.notes.append(f"只有序号、其余为空的 {len(parsed.skipped_rows)} 行已跳过")
    return parsed


def mark_registered(parsed: ParsedRegister, is_registered) -> ParsedRegister:
    """What only the database knows, asked through ``is_registered(id_number)``: a row of a
    patient already registered is a duplicate (``services.register.check_register`` asks)."""
    for result in parsed.rows:
        number = result.values.get("id_number")
        if number and is_registered(number):
            result.status = DUPLICATE
            result.messages.insert(0, "该患者已在本系统登记")
    return parsed
