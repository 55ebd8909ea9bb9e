"""Dates as staff write them: 2020-01-05, 2020/1/5, 2020.1.5, 20200105, 2020年1月5日."""
from __future__ import annotations

import datetime as dt
import re

from .errors import ValidationError
from .text import squeeze

_PATTERN = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")


def parse_date(raw: str | dt.date | None, *, not_after: dt.date | None = None) -> dt.date:
    if isinstance(raw, dt.datetime):
        raw = raw.date()
    if isinstance(raw, dt.date):
        value = raw
    else:
        text = squeeze(raw)
        if not text:
            raise ValidationError("请填写日期")
        match = _PATTERN.match(text)
        if match:
            parts = match.groups()
        elif len(text) == 8 and text.isdigit():
            parts = (text[:4], text[4:6], text[6:])
        else:
            raise ValidationError(f"日期“{text}”无法识别，请写作 2020-01-05")
        try:
            value = dt.date(*(int(p) for p in parts))
        except ValueError:
            raise ValidationError(f"日期“{text}”不存在") from None
    if not_after is not None and value > not_after:
        raise ValidationError(f"日期 {value.isoformat()} 晚于今天")
    return value
