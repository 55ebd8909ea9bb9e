"""Telephone numbers as rural clinics meet them: mobiles, and landlines with or without area code."""
from __future__ import annotations

import re

from .errors import ValidationError
from .text import squeeze

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_MAX_EXTENSION = 6
_EXTENSION = re.compile(r"^(.*?)(?:转|ext|-)(\d{1,6})$")


def normalize(raw: str | None) -> str:
    """Return the number in a canonical form, or raise with a Chinese reason."""
    text = squeeze(raw)
    if not text:
        raise ValidationError("请填写联系电话")
    compact = text.replace("(", "").replace(")", "")
    if compact.startswith("+86"):
        compact = compact[3:]
    digits_only = compact.replace("-", "")
    if digits_only.startswith("86") and len(digits_only) == 13:
        digits_only = digits_only[2:]
    if digits_only.isdigit() and digits_only.startswith("1"):
        if _MOBILE.match(digits_only):
            return digits_only
        if len(digits_only) != 11:
            raise ValidationError(f"手机号应为11位，现为{len(digits_only)}位")
        raise ValidationError("手机号第二位应为3–9")
    landline = _landline(compact)
    if landline:
        return landline
    if not re.search(r"\d", text):
        raise ValidationError("电话号码应为数字")
    raise ValidationError("电话号码格式不对：手机号11位，座机如 023-47521234")


def is_mobile(number: str) -> bool:
    return bool(_MOBILE.match(number))


def _split_area_code(digits: str) -> tuple[str, str]:
    """Area codes 010 and 02x have three digits; every other one (0xxx) has four."""
    if not digits.startswith("0") or len(digits) < 2:
        return "", digits
    size = 3 if digits[1] in "12" else 4
    return digits[:size], digits[size:]


def _landline(text: str) -> str | None:
    ext = ""
    main = text
    parts = text.split("-")
    if len(parts) == 3 or (len(parts) == 2 and not parts[0].startswith("0")):
        main, ext = "-".join(parts[:-1]), parts[-1]
    elif "转" in text or "ext" in text:
        match = _EXTENSION.match(text)
        if match:
            main, ext = match.groups()
    digits = main.replace("-", "")
    if not digits.isdigit() or (ext and not (ext.isdigit() and len(ext) <= _MAX_EXTENSION)):
        return None  # a long "extension" is a second number typed after a hyphen
    area, local = _split_area_code(digits)
    if not (7 <= len(local) <= 8) or local[0] in "01":
        return None
    out = f"{area}-{local}" if area else local
    return f"{out}转{ext}" if ext else out
