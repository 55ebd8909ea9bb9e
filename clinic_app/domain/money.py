"""Money is integer fen everywhere; yuan appear only on screen and paper."""
from __future__ import annotations

import re

from .errors import ValidationError
from .text import to_halfwidth

MAX_WHOLE_DIGITS = 9

# A plain number, or one with thousands separators in their proper three-digit groups. Full-width
# digits and the full-width comma "，" are turned half-width before matching, so "１，２３４" is read
# like "1,234": the group rule, not the comma's width, is what keeps "12,5" from becoming 125.
_PLAIN = re.compile(r"^(\d+)(?:\.(\d+))?$", re.ASCII)
_GROUPED = re.compile(r"^([1-9]\d{0,2}(?:,\d{3})+)(?:\.(\d+))?$", re.ASCII)
_CURRENCY = ("¥", "\uffe5")   # ¥ and the full-width ￥ in front; 元 behind

_COMMA_HOW = "小数点请用“.”，如 12.50；千位分隔须每三位一组，如 1,234.50"


def yuan(fen: int) -> str:
    """12345 → '123.45'; negative amounts (voids) keep their sign."""
    sign = "-" if fen < 0 else ""
    fen = abs(int(fen))
    return f"{sign}{fen // 100}.{fen % 100:02d}"


def yuan_grouped(fen: int) -> str:
    """12345678 → '123,456.78': the same amount with thousands separators, as people write it."""
    sign = "-" if fen < 0 else ""
    fen = abs(int(fen))
    return f"{sign}{fen // 100:,}.{fen % 100:02d}"


def _refuse(typed: str, reason: str) -> ValidationError:
    """An amount that is not one: the rule and an example first, then what was wrong with it."""
    return ValidationError(f"金额“{typed}”应为不超过两位小数的非负数，如 12.50（{reason}）")


def _refuse_comma(typed: str) -> ValidationError:
    """A comma out of place: most likely a decimal comma or a typo, so say both ways to write it."""
    return ValidationError(f"金额“{typed}”无法识别：{_COMMA_HOW}")


def parse_yuan(raw) -> int:
    """'123.4' → 12340 fen. At most two decimals, never negative, never a float in between.

    Every string that could mean two different amounts is refused rather than guessed: "12,5"
    (a decimal comma, or a typo) is never 125, "1,2,3" is never 123, "12 5" is never 125. Commas
    are thousands separators only in proper three-digit groups ("1,234,567.8"). The message says
    what was wrong and how to write it, so the field can show it next to the typed text.
    """
    typed = str(raw if raw is not None else "").strip()
    text = to_halfwidth(typed).strip()
    if text.endswith("元"):
        text = text[:-1].rstrip()
    if text[:1] in _CURRENCY:
        text = text[1:].lstrip()
    if text == "" and typed == "":
        return 0
    if text == "":
        raise _refuse(typed, "没有数字")
    if any(ch.isspace() for ch in text):
        raise _refuse(typed, "数字中间不应有空格")
    if text.startswith("-"):
        raise _refuse(typed, "不能为负数")
    match = _PLAIN.match(text) or _GROUPED.match(text)
    if not match:
        if "," in text:
            raise _refuse_comma(typed)
        if text.count(".") > 1 or text.startswith(".") or text.endswith("."):
            raise _refuse(typed, "小数点只能有一个，且前后都要有数字")
        raise _refuse(typed, "只能填写数字、小数点和千位分隔“,”")
    whole, cents = match.group(1).replace(",", ""), match.group(2) or ""
    if len(cents) > 2:
        raise _refuse(typed, f"现有{len(cents)}位小数，最多两位小数，只能到分")
    if len(whole) > MAX_WHOLE_DIGITS:
        raise _refuse(typed, f"金额过大，整数部分最多{MAX_WHOLE_DIGITS}位")
    return int(whole) * 100 + int(cents.ljust(2, "0"))
