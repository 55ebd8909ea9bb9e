"""Money is integer fen everywhere; yuan appear only on screen and paper."""
from __future__ import annotations

import re

from .errors import ValidationError
from .text import squeeze

_YUAN = re.compile(r"^(\d{1,9})(?:\.(\d{1,2}))?$")


def yuan(fen: int) -> str:
    """12345 → '123.45'; negative amounts (voids) keep their sign."""
    sign = "-" if fen < 0 else ""
    fen = abs(int(fen))
    return f"{sign}{fen // 100}.{fen % 100:02d}"


def parse_yuan(raw) -> int:
    """'123.4' → 12340 fen. At most two decimals, never negative, never a float in between."""
    text = squeeze(str(raw if raw is not None else "")).replace("元", "").replace(",", "").replace("，", "")
    if text == "":
        return 0
    match = _YUAN.match(text)
    if not match:
        raise ValidationError(f"金额“{text}”应为不超过两位小数的非负数，如 12.50")
    whole, cents = match.groups()
    return int(whole) * 100 + int((cents or "0").ljust(2, "0"))
