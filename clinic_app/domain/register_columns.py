"""The columns of the patient register (Attachment 8), declared once.

The PDF printout, the Excel export and the Excel importer all read this list, so the headers a
clinic prints are the headers the importer recognises. Registers kept by hand in Excel use many
spellings of the same header (姓名 / 患者姓名, 联系电话 / 监护人联系方式 …), hence the aliases.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .text import to_halfwidth


@dataclass(frozen=True)
class RegisterColumn:
    key: str
    header: str  # exactly as printed on Attachment 8
    width_mm: float  # on an A4 landscape page; the Excel width is derived from it
    aliases: tuple[str, ...] = ()
    is_id_number: bool = False  # stored as text: Excel would turn 18 digits into 5.00381E+17
    wraps: bool = False  # long free text (addresses, notes) that wraps onto several lines

    @property
    def accepted_headers(self) -> tuple[str, ...]:
        return (self.header,) + self.aliases


REGISTER_TITLE = "江津区免费服用第二代抗精神病药患者登记名单"

REGISTER_COLUMNS: tuple[RegisterColumn, ...] = (
    RegisterColumn("seq", "序号", 11, ("编号", "序")),
    RegisterColumn("name", "患者姓名", 19, ("姓名", "患者")),
    RegisterColumn("sex", "性别", 10, ("患者性别",)),
    RegisterColumn("id_number", "身份证号", 41, ("身份证号码", "患者身份证号", "患者身份证号码",
                                               "公民身份号码", "身份证"), is_id_number=True),
    RegisterColumn("risk_level", "危险性评估", 17, ("危险性评估等级", "危险性等级", "危险等级",
                                                 "风险评估", "危险性")),
    RegisterColumn("guardian_name", "监护人姓名", 19, ("监护人",)),
    RegisterColumn("guardian_phone", "监护人联系方式", 28, ("监护人电话", "联系电话", "监护人联系电话",
                                                      "监护人手机", "联系方式", "电话")),
    RegisterColumn("guardian_id_number", "监护人身份证号", 41, ("监护人身份证号码", "监护人身份证"),
                   is_id_number=True),
    RegisterColumn("address", "家庭住址", 57, ("住址", "家庭地址", "现住址", "地址"), wraps=True),
    RegisterColumn("note", "备注", 27, ("说明",), wraps=True),
)

BY_KEY = {c.key: c for c in REGISTER_COLUMNS}
HEADERS = tuple(c.header for c in REGISTER_COLUMNS)


def normalize_header(text) -> str:
    """Header cells typed by hand carry line breaks ("患者\\n姓名"), spaces, full-width or ASCII
    brackets and trailing colons; none of that changes which column is meant."""
    flat = "".join(to_halfwidth(str(text or "")).split())
    return re.sub(r"[:：*＊]+$", "", flat)


_ALIASES = {normalize_header(h): c.key for c in REGISTER_COLUMNS for h in c.accepted_headers}


def column_for_header(text) -> str | None:
    """The column key a header cell names, or None when it names none of ours."""
    return _ALIASES.get(normalize_header(text))
