"""The one declaration of the patient and guardian fields of the application form (Attachment 4).

The edit form, the patient page, the printouts and the exports all read this list, so a field is
added, relabelled or given a rule in one place. ``validate_record`` turns what was typed into
clean values plus a Chinese message per bad field; it never throws away what was typed.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, Callable

from . import choices, disability, idnumber, phone, postcode
from .dates import parse_date
from .errors import ValidationError

TEXT, CHOICE, EDITABLE_CHOICE, MULTI, DATE, BOOL, IMAGE = (
    "text", "choice", "editable_choice", "multi", "date", "bool", "image",
)

GROUP_IDENTITY = "基本信息"
GROUP_RESIDENCE = "户籍与住址"
GROUP_INSURANCE = "医疗保险与补贴"
GROUP_DISEASE = "疾病诊断"
GROUP_GUARDIAN = "监护人"
GROUPS = (GROUP_IDENTITY, GROUP_RESIDENCE, GROUP_DISEASE, GROUP_INSURANCE, GROUP_GUARDIAN)

Validator = Callable[[Any, dict, dt.date], Any]


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    kind: str = TEXT
    group: str = GROUP_IDENTITY
    required: bool = False
    choices: tuple[str, ...] = ()
    validator: Validator | None = None
    placeholder: str = ""
    sensitive: bool = False  # masked in lists, shown whole only on request
    max_length: int = 100
    in_list: bool = False
    meta: dict = field(default_factory=dict)
    hint: str = ""  # a line under the input on the form, e.g. which of two similar questions counts

    @property
    def is_guardian(self) -> bool:
        return self.key.startswith("guardian_")


def _id_number(value, record, today):
    return idnumber.parse(value, today).number


def _optional_id_number(value, record, today):
    return idnumber.parse(value, today).number


def _disability(value, record, today):
    return disability.parse(value, record.get("id_number")).number


def _phone(value, record, today):
    return phone.normalize(value)


def _postcode(value, record, today):
    return postcode.normalize(value)


def _past_date(value, record, today):
    return parse_date(value, not_after=today).isoformat()


def _name(value, record, today):
    text = " ".join(str(value).split())
    if len(text) < 2:
        raise ValidationError("姓名至少2个字")
    if any(ch.isdigit() for ch in text):
        raise ValidationError("姓名中不应有数字")
    return text


PATIENT_FIELDS: tuple[Field, ...] = (
    Field("name", "姓名", required=True, validator=_name, in_list=True, max_length=30),
    Field("id_number", "身份证号", required=True, validator=_id_number, sensitive=True,
          placeholder="18位，末位可为X", in_list=True, max_length=24),
    Field("sex", "性别", CHOICE, choices=choices.SEXES, required=True, in_list=True),
    Field("birth_date", "出生年月", DATE, required=True, validator=_past_date, in_list=True),
    Field("ethnicity", "民族", EDITABLE_CHOICE, choices=choices.ETHNICITIES, required=True),
    Field("phone", "联系电话", validator=_phone, placeholder="手机或座机", in_list=True, max_length=24),
    Field("photo", "照片", IMAGE),
    Field("town", "镇（街）", CHOICE, GROUP_RESIDENCE, required=True, in_list=True),
    Field("village", "村（社区）", group=GROUP_RESIDENCE, in_list=True, max_length=40),
    Field("address", "家庭地址", group=GROUP_RESIDENCE, required=True, max_length=120),
    Field("postcode", "邮政编码", group=GROUP_RESIDENCE, validator=_postcode, placeholder="402260",
          max_length=10),
    Field("hukou_type", "户口类别", CHOICE, GROUP_RESIDENCE, choices=choices.HUKOU_TYPES),
    Field("residence_since", "在本区居住起始日期", DATE, GROUP_RESIDENCE, validator=_past_date),
    Field("police_managed", "公安机关列管", BOOL, GROUP_RESIDENCE),
    Field("diagnosis", "疾病诊断", CHOICE, GROUP_DISEASE, choices=choices.DIAGNOSES, required=True,
          in_list=True),
    Field("diagnosing_institution", "诊断机构名称", group=GROUP_DISEASE, max_length=60),
    Field("disability_cert_no", "残疾证号", group=GROUP_DISEASE, validator=_disability,
          placeholder="身份证号+类别+等级，如 …62", sensitive=True, max_length=30),
    Field("insurance_types", "享受医疗保险情况", MULTI, GROUP_INSURANCE, choices=choices.INSURANCE_TYPES),
    Field("insurance_card_no", "医保卡号", group=GROUP_INSURANCE, max_length=30),
    Field("special_disease_card", "持有医保特病卡", BOOL, GROUP_INSURANCE),
    Field("special_disease_card_no", "特病卡号", group=GROUP_INSURANCE, max_length=30),
    Field("poverty_statuses", "贫困情况", MULTI, GROUP_INSURANCE, choices=choices.POVERTY_STATUSES,
          hint="资格审核按此项判断“贫困”条件"),
    Field("subsidies", "享受何种政府补贴", MULTI, GROUP_INSURANCE, choices=choices.SUBSIDIES,
          hint="按申请表照填，不用于资格审核；贫困条件请在“贫困情况”中勾选"),
)

GUARDIAN_FIELDS: tuple[Field, ...] = (
    Field("guardian_name", "监护人姓名", group=GROUP_GUARDIAN, validator=_name, in_list=True, max_length=30),
    Field("guardian_relationship", "与患者关系", EDITABLE_CHOICE, GROUP_GUARDIAN,
          choices=choices.GUARDIAN_RELATIONSHIPS),
    Field("guardian_phone", "监护人联系电话", group=GROUP_GUARDIAN, validator=_phone, in_list=True,
          max_length=24),
    Field("guardian_id_number", "监护人身份证号", group=GROUP_GUARDIAN, validator=_optional_id_number,
          sensitive=True, max_length=24),
    Field("guardian_address", "监护人家庭地址", group=GROUP_GUARDIAN, max_length=120),
    Field("guardian_postcode", "监护人邮政编码", group=GROUP_GUARDIAN, validator=_postcode, max_length=10),
)

ALL_FIELDS: tuple[Field, ...] = PATIENT_FIELDS + GUARDIAN_FIELDS
BY_KEY = {f.key: f for f in ALL_FIELDS}


def is_blank(value) -> bool:
    return value is None or (isinstance(value, (str, bytes, list, tuple, set)) and len(value) == 0)


@dataclass
class Validated:
    values: dict
    errors: dict[str, str] = field(default_factory=dict)
    warnings: dict[str, str] = field(default_factory=dict)
    suggestions: dict[str, str] = field(default_factory=dict)  # e.g. a 15→18 digit conversion

    @property
    def ok(self) -> bool:
        return not self.errors


def _check_one(f: Field, value, record: dict, today: dt.date, result: Validated) -> None:
    if is_blank(value):
        if f.required:
            result.errors[f.key] = f"请填写{f.label}"
        result.values[f.key] = [] if f.kind == MULTI else (False if f.kind == BOOL else None)
        return
    if f.kind == BOOL:
        result.values[f.key] = bool(value)
        return
    if f.kind == MULTI:
        if isinstance(value, str):  # from a spreadsheet cell: "低保户、特困人员"
            value = [v for v in re.split(r"[、,，;；/\s]+", value) if v]
        unknown = [v for v in value if v not in f.choices]
        if unknown:
            result.errors[f.key] = f"{f.label}中有不认识的选项：{'、'.join(unknown)}"
        result.values[f.key] = [c for c in f.choices if c in value]
        return
    if f.kind == CHOICE and f.choices and value not in f.choices:
        result.errors[f.key] = f"{f.label}应从列表中选择"
        result.values[f.key] = value
        return
    if isinstance(value, str) and len(value) > f.max_length and f.kind not in (IMAGE,):
        result.errors[f.key] = f"{f.label}太长（最多{f.max_length}字）"
        result.values[f.key] = value
        return
    try:
        result.values[f.key] = f.validator(value, record, today) if f.validator else (
            value.strip() if isinstance(value, str) else value)
    except idnumber.FirstGenerationId as exc:
        result.errors[f.key] = exc.message
        result.suggestions[f.key] = exc.converted
        result.values[f.key] = value
    except ValidationError as exc:
        result.errors[f.key] = exc.message
        result.values[f.key] = value


def _derive_from_id(result: Validated, today: dt.date) -> None:
    """Fill sex and birth date from the ID number, and flag typed values that disagree."""
    if "id_number" in result.errors or not result.values.get("id_number"):
        return
    info = idnumber.parse(result.values["id_number"], today)
    derived = {"sex": info.sex, "birth_date": info.birth_date.isoformat()}
    for key, value in derived.items():
        current = result.values.get(key)
        if is_blank(current) or key in result.errors:
            result.values[key] = value
            result.errors.pop(key, None)
        elif current != value:
            shown = value if key == "sex" else info.birth_date.strftime("%Y年%m月%d日")
            result.warnings[key] = f"与身份证号不符：身份证号显示为{shown}"


def validate_record(values: dict, today: dt.date | None = None,
                    fields: tuple[Field, ...] = ALL_FIELDS) -> Validated:
    """Check every field; the result keeps each typed value, cleaned where it was valid."""
    today = today or dt.date.today()
    result = Validated(values={})
    for f in fields:
        _check_one(f, values.get(f.key), values, today, result)
    for key, value in values.items():
        result.values.setdefault(key, value)
    if any(f.key == "id_number" for f in fields):
        _derive_from_id(result, today)
    if result.values.get("special_disease_card_no") and not result.values.get("special_disease_card"):
        result.values["special_disease_card"] = True
    return result


def validate_field(key: str, value, record: dict | None = None, today: dt.date | None = None) -> Validated:
    """One field alone, for checking as the user leaves it."""
    record = dict(record or {})
    record[key] = value
    result = Validated(values={})
    _check_one(BY_KEY[key], value, record, today or dt.date.today(), result)
    return result
