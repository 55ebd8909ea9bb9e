"""Resident identity numbers (GB 11643-1999): check digit, birth date, sex, masking.

Staff type these from paper, from photocopies and from Excel lists, so input is forgiving in
form (spaces, full-width digits, lowercase x) and strict in substance (check digit, real date).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .errors import ValidationError
from .text import squeeze

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
EARLIEST_BIRTH_YEAR = 1900
# The expected check character is never shown: typing it in would make a mistyped number (one wrong
# digit anywhere) pass the check; the number has to be read again from the card.
CHECK_DIGIT_WRONG = "身份证号校验位错误：号码中有数字输错，请对照身份证逐位核对"


@dataclass(frozen=True)
class IdInfo:
    number: str
    area_code: str
    birth_date: dt.date
    sex: str  # "男" or "女"


class FirstGenerationId(ValidationError):
    """A valid-looking 15-digit number: the caller may offer to convert it to 18 digits."""

    def __init__(self, number: str, converted: str):
        super().__init__(
            f"这是15位的第一代身份证号，可转换为18位：{converted}"
        )
        self.number = number
        self.converted = converted


def check_char(first17: str) -> str:
    """The 18th character for 17 digits (ISO 7064 MOD 11-2)."""
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS))
    return CHECK_CHARS[total % 11]


def normalize(raw: str | None) -> str:
    return squeeze(raw).upper()


def _birth_date(text: str, today: dt.date) -> dt.date:
    try:
        born = dt.date(int(text[0:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        raise ValidationError(f"身份证号中的出生日期 {text[0:4]}-{text[4:6]}-{text[6:8]} 不是有效日期") from None
    if born > today:
        raise ValidationError(f"身份证号中的出生日期 {born.isoformat()} 晚于今天")
    if born.year < EARLIEST_BIRTH_YEAR:
        raise ValidationError(f"身份证号中的出生年份 {born.year} 不合理")
    return born


def convert_15_to_18(number15: str) -> str:
    """First-generation numbers drop the century ('19') and have no check digit."""
    n = normalize(number15)
    if len(n) != 15 or not n.isdigit():
        raise ValidationError("15位身份证号应全部为数字")
    first17 = n[:6] + "19" + n[6:]
    return first17 + check_char(first17)


def parse(raw: str | None, today: dt.date | None = None) -> IdInfo:
    """Validate and decode an 18-character ID number; raise ``ValidationError`` saying why not."""
    today = today or dt.date.today()
    n = normalize(raw)
    if not n:
        raise ValidationError("请填写身份证号")
    if len(n) == 15 and n.isdigit():
        converted = convert_15_to_18(n)
        _birth_date(converted[6:14], today)
        raise FirstGenerationId(n, converted)
    if len(n) != 18:
        raise ValidationError(f"身份证号应为18位，现为{len(n)}位")
    if not n[:17].isdigit():
        raise ValidationError("身份证号前17位应全部为数字")
    if not (n[17].isdigit() or n[17] == "X"):
        raise ValidationError("身份证号最后一位应为数字或X")
    born = _birth_date(n[6:14], today)
    if n[17] != check_char(n[:17]):
        raise ValidationError(CHECK_DIGIT_WRONG)
    sex = "男" if int(n[16]) % 2 == 1 else "女"
    return IdInfo(number=n, area_code=n[:6], birth_date=born, sex=sex)


def is_valid(raw: str | None, today: dt.date | None = None) -> bool:
    try:
        parse(raw, today)
    except ValidationError:
        return False
    return True


def mask(number: str | None) -> str:
    """``500381********123X``: area code and last four stay, so staff can still tell people apart."""
    if not number:
        return ""
    n = str(number)
    if len(n) <= 10:
        return n[:2] + "*" * max(len(n) - 2, 0)
    return n[:6] + "*" * (len(n) - 10) + n[-4:]


def age_on(birth_date: dt.date, on: dt.date) -> int:
    years = on.year - birth_date.year
    if (on.month, on.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years
