"""Disability certificate numbers (残疾人证号): the holder's ID number, category digit, level digit.

Issued certificates sometimes carry a reissue suffix such as ``(1)``; it is kept as typed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from . import idnumber
from .errors import ValidationError
from .text import squeeze

CATEGORIES = {
    "1": "视力残疾",
    "2": "听力残疾",
    "3": "言语残疾",
    "4": "肢体残疾",
    "5": "智力残疾",
    "6": "精神残疾",
    "7": "多重残疾",
}
LEVELS = {"1": "一级", "2": "二级", "3": "三级", "4": "四级"}
_SUFFIX = re.compile(r"^\((\d{1,2})\)$")


@dataclass(frozen=True)
class DisabilityCert:
    number: str
    id_number: str
    category: str
    level: str
    suffix: str

    @property
    def description(self) -> str:
        return f"{CATEGORIES[self.category]}{LEVELS[self.level]}"


def parse(raw: str | None, patient_id_number: str | None = None) -> DisabilityCert:
    n = squeeze(raw).upper()
    if len(n) < 20:
        raise ValidationError("残疾证号应为身份证号（18位）加残疾类别（1位）和等级（1位），共20位")
    head, category, level, suffix = n[:18], n[18], n[19], n[20:]
    try:
        idnumber.parse(head)
    except idnumber.FirstGenerationId:
        raise ValidationError("残疾证号的前18位应为18位身份证号") from None
    except ValidationError as exc:
        raise ValidationError("残疾证号的前18位不是有效身份证号：" + exc.message) from None
    if category not in CATEGORIES:
        raise ValidationError(f"残疾证号第19位是残疾类别，应为1–7，现为“{category}”")
    if level not in LEVELS:
        raise ValidationError(f"残疾证号第20位是残疾等级，应为1–4，现为“{level}”")
    if suffix and not _SUFFIX.match(suffix):
        raise ValidationError(f"残疾证号末尾“{suffix}”无法识别，补发标记应写作“(1)”")
    if patient_id_number:
        own = idnumber.normalize(patient_id_number)
        if len(own) == 18 and own != head:
            raise ValidationError("残疾证号的前18位与患者身份证号不一致")
    return DisabilityCert(number=n, id_number=head, category=category, level=level, suffix=suffix)
