"""The term of a service agreement (Attachment 7: "甲方为乙方提供免费第二代抗精神病药一年").

The signing day is the first day of the year of free medication, so the agreement runs until the
day before the same date next year. A patient who signs on 29 February still gets a whole year:
there is no 29 February next year, so the term ends on 28 February.
"""
from __future__ import annotations

import datetime as dt

TERM_YEARS = 1


def anniversary(signed: dt.date, years: int = TERM_YEARS) -> dt.date:
    """The same date ``years`` later; 29 February becomes 1 March in a common year."""
    try:
        return signed.replace(year=signed.year + years)
    except ValueError:  # 29 February -> a year without one
        return dt.date(signed.year + years, 3, 1)


def valid_until(signed: dt.date) -> dt.date:
    """The last day the agreement covers: the day before its first anniversary."""
    return anniversary(signed) - dt.timedelta(days=1)


def format_period(signed: dt.date) -> str:
    """``2024年05月10日至2025年05月09日``, as printed on the agreement."""
    return f"{_chinese_date(signed)}至{_chinese_date(valid_until(signed))}"


def _chinese_date(day: dt.date) -> str:
    return f"{day.year}年{day.month:02d}月{day.day:02d}日"
