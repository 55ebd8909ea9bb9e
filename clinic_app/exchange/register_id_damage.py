"""ID numbers Excel has damaged: a cell not formatted as text turns an 18-digit ID number into a
number and keeps only 15 significant digits, so the last digits are zeros for good. Such a number
is refused with the reason, never "repaired" by guessing — and once one row of a file shows the
damage, a number ending in zeros past the 15th digit is refused too, even if its check digit
happens to pass.
"""
from __future__ import annotations

import re

from ..domain import idnumber
from ..domain.text import squeeze
from .register_reading import cell_text
from .register_results import ERROR, OK, ParsedRegister

DAMAGED_ID = ("Excel 已把身份证号存成数字，后几位已丢失，无法恢复：请在原始资料中核对后，"
              "把该列设为“文本”重新录入")
EXCEL_SIGNIFICANT_DIGITS = 15
_SCIENTIFIC = re.compile(r"^\d+(?:\.\d+)?[eE][+-]?\d+$")


def display_text(value) -> str:
    """A cell as staff see it in Excel: a big number as 5.00381E+17."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and abs(value) >= 10 ** 11:
        return f"{value:.5E}"
    return squeeze(cell_text(value)).upper()


def numeric_damage(value) -> bool:
    """True when a cell shows Excel turned an ID number into a number and rounded it."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return len(str(abs(value))) > EXCEL_SIGNIFICANT_DIGITS
    if isinstance(value, float):
        return abs(value) >= 10 ** EXCEL_SIGNIFICANT_DIGITS
    text = squeeze(cell_text(value))
    if _SCIENTIFIC.match(text):
        return True
    return rounded_digits(text) and not idnumber.is_valid(text)


def rounded_digits(text: str) -> bool:
    """More than 15 digits, all zero after the 15th: how a rounded number prints."""
    return (text.isdigit() and len(text) > EXCEL_SIGNIFICANT_DIGITS
            and set(text[EXCEL_SIGNIFICANT_DIGITS:]) == {"0"})


def flag_rounded_ids(parsed: ParsedRegister) -> None:
    """Once one ID number in the file shows Excel's rounding, a number ending in zeros past the
    15th digit may be rounded too even if it happens to pass the check digit: refuse it as well."""
    if not any(m.startswith(f"身份证号：{DAMAGED_ID}") for r in parsed.rows for m in r.messages):
        return
    for result in parsed.rows:
        if result.values.get("id_number") and rounded_digits(result.values["id_number"]):
            result.status = ERROR if result.status == OK else result.status
            result.messages.insert(0, f"身份证号：{DAMAGED_ID}（本文件其他行的身份证号已被 Excel 改成数字，"
                                      f"本行末尾的0也可能是这样来的）")
            result.values["id_number"] = None
