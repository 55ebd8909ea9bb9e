"""The monthly backstop cap (四: 每月最大免费服药兜底限额), counted in calendar months of cover.

The cap is per patient per calendar month. A collection counts as many months as its drugs last:
each calendar month its cover touches counts by the share of that month's days that have drug
(1–31 October is one month, 1 September–30 November three, 16–31 October 16/31). Lines of
several drugs taken together count once: it is the patient's month, not the drug's.

Its programme fund is charged to those months in the same proportions (in whole fen, by the
largest remainder), and in every month the charges of all live collections together may not pass
the cap. The collection's own ceiling, cap × months, is rounded down to the fen: part months are
counted in the programme's favour.
"""
from __future__ import annotations

import calendar
import datetime as dt
import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Iterable

from .cost_split import allocate
from .money import yuan

Month = tuple[int, int]  # (year, month)
Interval = tuple[dt.date, dt.date]  # [start, end): ``end`` is the first day without drug


def _merged(intervals: Iterable[Interval]) -> list[Interval]:
    """Overlapping or touching covers as one: two drugs taken together fill a day once."""
    out: list[list[dt.date]] = []
    for start, end in sorted((s, e) for s, e in intervals if e > s):
        if out and start <= out[-1][1]:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return [(s, e) for s, e in out]


def month_fractions(intervals: Iterable[Interval]) -> dict[Month, Fraction]:
    """Each calendar month the cover touches, with the share of its days that have drug."""
    out: dict[Month, Fraction] = {}
    for start, end in _merged(intervals):
        day = start
        while day < end:
            length = calendar.monthrange(day.year, day.month)[1]
            month_end = dt.date(day.year, day.month, length) + dt.timedelta(days=1)
            stop = min(end, month_end)
            key = (day.year, day.month)
            out[key] = out.get(key, Fraction(0)) + Fraction((stop - day).days, length)
            day = stop
    return dict(sorted(out.items()))


def months_of_cover(fractions: dict[Month, Fraction]) -> Fraction:
    return sum(fractions.values(), Fraction(0))


def charges(programme_fen: int, fractions: dict[Month, Fraction]) -> dict[Month, int]:
    """The programme fund of one collection, shared out to its months in whole fen."""
    if programme_fen <= 0 or not fractions:
        return {m: 0 for m in fractions}
    denominator = math.lcm(*(f.denominator for f in fractions.values()))
    weights = [int(f * denominator) for f in fractions.values()]
    return dict(zip(fractions, allocate(programme_fen, weights)))


def ceiling(cap_per_month: int, months: Fraction) -> int:
    """cap × months, rounded down: a part month never buys a fen more than its days."""
    return math.floor(cap_per_month * months)


def format_months(months: Fraction) -> str:
    """3 → '3'; 2 + 29/30 → '2.97' (shown, not computed with)."""
    if months.denominator == 1:
        return str(months.numerator)
    hundredths = round(months * 100)
    return f"{hundredths // 100}.{hundredths % 100:02d}"


def month_label(month: Month) -> str:
    return f"{month[0]}年{month[1]}月"


@dataclass(frozen=True)
class Collection:
    """A live earlier collection as the cap sees it: its lines' covers and its programme fund."""
    intervals: tuple[Interval, ...]
    programme_fen: int


@dataclass(frozen=True)
class MonthUse:
    month: Month
    fraction: Fraction  # of this month's days covered by this collection
    used: int           # fen charged to the month by the other live collections
    adds: int           # fen this collection would charge to it


@dataclass(frozen=True)
class CapCheck:
    cap: int                       # fen per month; 0 = no cap
    months: Fraction
    allowed: int                   # this collection's own ceiling, fen
    programme: int                 # this collection's programme fund, fen
    uses: tuple[MonthUse, ...]

    def month_parts(self) -> str:
        """'2026年9月 15/30天、10月 整月、11月 15/30天'."""
        parts, year = [], None
        for use in self.uses:
            label = month_label(use.month) if use.month[0] != year else f"{use.month[1]}月"
            year = use.month[0]
            length = calendar.monthrange(*use.month)[1]
            days = use.fraction * length
            parts.append(f"{label} 整月" if use.fraction == 1 else f"{label} {days}/{length}天")
        return "、".join(parts)

    def summary(self) -> str:
        """The line the dispensing dialog shows under the amounts."""
        if self.cap <= 0:
            return "未设每月最大免费服药兜底限额"
        return (f"每月最大免费服药兜底限额 {yuan(self.cap)} 元；本次按 {format_months(self.months)} 个月计"
                f"（{self.month_parts()}），项目资金上限 {yuan(self.allowed)} 元")

    def refusals(self) -> list[str]:
        """Chinese sentences, one per way the cap is passed; empty when it holds."""
        if self.cap <= 0:
            return []
        out = []
        if self.programme > self.allowed:
            out.append(
                f"超过每月最大免费服药兜底限额：本次项目资金 {yuan(self.programme)} 元，"
                f"按 {format_months(self.months)} 个月计（{self.month_parts()}，不足整月按天数折算，"
                f"舍去不足1分），上限 {yuan(self.allowed)} 元（每月 {yuan(self.cap)} 元）")
        for use in self.uses:
            if use.used and use.used + use.adds > self.cap:
                out.append(
                    f"超过每月最大免费服药兜底限额：{month_label(use.month)} 限额 {yuan(self.cap)} 元，"
                    f"其他领药已计入 {yuan(use.used)} 元，本次将再计入 {yuan(use.adds)} 元，"
                    f"合计 {yuan(use.used + use.adds)} 元，超出 {yuan(use.used + use.adds - self.cap)} 元")
        return out


def check(intervals: Iterable[Interval], programme_fen: int, earlier: Iterable[Collection],
          cap_per_month: int) -> CapCheck:
    """The cap for a collection whose lines cover ``intervals``, beside the live ``earlier`` ones."""
    fractions = month_fractions(intervals)
    months = months_of_cover(fractions)
    adds = charges(programme_fen, fractions)
    used = {m: 0 for m in fractions}
    for other in earlier:
        for month, fen in charges(other.programme_fen, month_fractions(other.intervals)).items():
            if month in used:
                used[month] += fen
    uses = tuple(MonthUse(m, f, used[m], adds[m]) for m, f in fractions.items())
    return CapCheck(cap_per_month, months, ceiling(cap_per_month, months), programme_fen, uses)
