"""Quarters of the ledger (五、(五): every designated clinic reports its ledger each quarter).

A quarter is written ``2026Q3`` in files, the database and on the command line, and
``2026年第三季度`` on screen and paper. Staff may type ``2026q3``, ``2026-Q3``, ``2026 Q3`` or the
Chinese form; anything else is refused with a message saying how to write it.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .errors import ValidationError
from .text import to_halfwidth

NUMERALS = "一二三四"
FIRST_YEAR, LAST_YEAR = 2000, 2099
_CODE = re.compile(r"^(\d{4})\s*[-_/.]?\s*Q\s*([1-4])$", re.IGNORECASE)
_CHINESE = re.compile(r"^(\d{4})\s*年\s*第?\s*([1-4一二三四])\s*季度?$")


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int  # 1–4

    def __post_init__(self):
        if not 1 <= self.number <= 4:
            raise ValidationError(f"季度应为 1–4，不是 {self.number}")
        if not FIRST_YEAR <= self.year <= LAST_YEAR:
            raise ValidationError(f"季度的年份 {self.year} 不合理")

    def __str__(self) -> str:
        return self.code

    @property
    def code(self) -> str:
        """``2026Q3``: the form stored and used in file names."""
        return f"{self.year}Q{self.number}"

    @property
    def label(self) -> str:
        """``2026年第三季度``."""
        return f"{self.year}年第{NUMERALS[self.number - 1]}季度"

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, 3 * self.number - 2, 1)

    @property
    def last_day(self) -> dt.date:
        if self.number == 4:
            return dt.date(self.year, 12, 31)
        return dt.date(self.year, 3 * self.number + 1, 1) - dt.timedelta(days=1)

    def contains(self, day: dt.date) -> bool:
        return self.first_day <= day <= self.last_day

    def previous(self) -> "Quarter":
        return Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)

    def next(self) -> "Quarter":
        return Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)


def parse(raw) -> Quarter:
    """A ``Quarter`` from ``2026Q3`` / ``2026q3`` / ``2026-Q3`` / ``2026年第三季度`` (or a Quarter)."""
    if isinstance(raw, Quarter):
        return raw
    text = to_halfwidth(str(raw if raw is not None else "")).strip()
    if not text:
        raise ValidationError("请填写季度，如 2026Q3")
    match = _CODE.match(text) or _CHINESE.match(text)
    if not match:
        raise ValidationError(f"季度“{text}”无法识别，请写作 2026Q3（2026年第三季度）")
    year, number = match.groups()
    number = NUMERALS.index(number) + 1 if number in NUMERALS else int(number)
    return Quarter(int(year), number)


def _day(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        raise ValidationError(f"日期“{value}”不是有效日期，请写作 2026-07-01") from None


def quarter_of(day) -> Quarter:
    """The quarter a date (``date`` or ISO text) falls in."""
    day = _day(day)
    return Quarter(day.year, (day.month - 1) // 3 + 1)


def bounds(quarter) -> tuple[dt.date, dt.date]:
    """First and last day of the quarter, both inclusive."""
    q = parse(quarter)
    return q.first_day, q.last_day


def previous(quarter) -> Quarter:
    return parse(quarter).previous()


def next_quarter(quarter) -> Quarter:
    return parse(quarter).next()


def label(quarter) -> str:
    return parse(quarter).label


def is_date_text(value) -> bool:
    """True for a date (object or ``2026-07-15``), False for a quarter (``2026Q3``)."""
    if isinstance(value, (dt.date, dt.datetime)):
        return True
    return bool(re.match(r"^\d{4}-\d{2}-\d{2}", str(value).strip()))
