"""Medication adherence as the proportion of days covered (PDC, 服药依从性).

Over a window ``[start, end)`` a day is *covered* when at least one collection's supply reaches it
(``[cover_start, cover_until)`` of a dispensing line: ``cover_until`` is the first day without
drug). Overlapping supplies are merged, so a day counts once however many drugs or collections
cover it, and supply carried over from before the window counts for the days inside it.

Days in hospital (admitted → dispensing paused, 五、(一)8) are nobody's fault and not the
patient's to cover: they leave both the denominator and the numerator. Every interval is
half-open ``[from, until)``: the admission day is a hospital day, the discharge day is not.

    ratio = covered days outside hospital ÷ days of the window outside hospital

``ratio`` is ``None`` when no day is left to measure (an empty window, or in hospital all along).
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Iterable

from . import programme_status as ps

Interval = tuple[dt.date, dt.date]


@dataclass(frozen=True)
class Adherence:
    days_in_window: int
    hospital_days: int   # days of the window spent in hospital
    eligible_days: int   # days_in_window - hospital_days: the denominator
    covered_days: int    # eligible days with drug: the numerator
    ratio: Fraction | None
    start: dt.date | None = None
    end: dt.date | None = None  # first day after the window

    @property
    def uncovered_days(self) -> int:
        """Days at home without drug: what the follow-up is about."""
        return self.eligible_days - self.covered_days


def merge(intervals: Iterable[Interval], start: dt.date | None = None,
          end: dt.date | None = None) -> list[Interval]:
    """The union of half-open intervals, clipped to ``[start, end)`` when given, as sorted,
    disjoint, non-touching intervals. Empty and inverted intervals are dropped."""
    clipped = []
    for a, b in intervals:
        if start is not None and a < start:
            a = start
        if end is not None and b > end:
            b = end
        if a < b:
            clipped.append((a, b))
    clipped.sort()
    merged: list[list[dt.date]] = []
    for a, b in clipped:
        if merged and a <= merged[-1][1]:
            if b > merged[-1][1]:
                merged[-1][1] = b
        else:
            merged.append([a, b])
    return [(a, b) for a, b in merged]


def total_days(intervals: Iterable[Interval]) -> int:
    """Days in disjoint intervals."""
    return sum((b - a).days for a, b in intervals)


def overlap_days(left: list[Interval], right: list[Interval]) -> int:
    """Days in both of two sorted, disjoint interval lists (one pass over each)."""
    i = j = days = 0
    while i < len(left) and j < len(right):
        a = max(left[i][0], right[j][0])
        b = min(left[i][1], right[j][1])
        if a < b:
            days += (b - a).days
        if left[i][1] <= right[j][1]:
            i += 1
        else:
            j += 1
    return days


def pdc(covered: Iterable[Interval], hospital: Iterable[Interval], start: dt.date,
        end: dt.date) -> Adherence:
    """The proportion of days covered over ``[start, end)``, hospital days left out."""
    days = max((end - start).days, 0)
    cover = merge(covered, start, end)
    stays = merge(hospital, start, end)
    hospital_days = total_days(stays)
    eligible = days - hospital_days
    covered_days = total_days(cover) - overlap_days(cover, stays)
    ratio = Fraction(covered_days, eligible) if eligible > 0 else None
    return Adherence(days, hospital_days, eligible, covered_days, ratio, start, end)


def hospital_stays(events: Iterable[tuple[dt.date, str]], until: dt.date) -> list[Interval]:
    """``[admitted, discharged)`` intervals from a patient's ``(date, kind)`` status events, oldest
    first; a stay not yet ended runs to ``until``."""
    stays, admitted = [], None
    for day, kind in events:
        if kind == ps.ADMITTED and admitted is None:
            admitted = day
        elif kind == ps.DISCHARGED and admitted is not None:
            stays.append((admitted, day))
            admitted = None
    if admitted is not None and admitted < until:
        stays.append((admitted, until))
    return stays


def percent(adherence: Adherence) -> int | None:
    """Whole percent, rounded *down*: 79.9 % shows as 79, so a patient listed as below an 80 %
    line never shows as 80 %. ``None`` when there is nothing to measure."""
    if adherence.ratio is None:
        return None
    return math.floor(adherence.ratio * 100)


def below(adherence: Adherence, threshold_percent: int) -> bool:
    """Under the line (compared exactly, not on the rounded percent); never for ``None``."""
    return adherence.ratio is not None and adherence.ratio < Fraction(threshold_percent, 100)


NO_DAYS = "无可计算天数"


def percent_text(adherence: Adherence) -> str:
    """``72%``, or ``—`` when there is nothing to measure."""
    value = percent(adherence)
    return "—" if value is None else f"{value}%"


def label(adherence: Adherence) -> str:
    """``72%（有药 262/365 天，住院 20 天不计）`` — what the patient page shows."""
    if adherence.ratio is None:
        if adherence.hospital_days:
            return f"{NO_DAYS}（期间住院 {adherence.hospital_days} 天）"
        return NO_DAYS
    text = f"{percent_text(adherence)}（有药 {adherence.covered_days}/{adherence.eligible_days} 天"
    if adherence.hospital_days:
        text += f"，住院 {adherence.hospital_days} 天不计"
    return text + "）"
