"""The three-month limit (五、(三)2: 每次限领3个月服用量).

A line's supply lasts ``days = ceil(units ÷ daily dose)`` days, starting when what is left of
earlier collections of the same drug runs out (or on the collection day). ``cover_until`` is the
first day without drug; it must not reach past the same day three calendar months after the
collection (month ends clamped: 30 November → 28/29 February). Lines of one drug in the same
collection (1 mg and 2 mg tablets taken together) run side by side, not one after the other.

What is left is what ``domain.cover`` recomputes from the live collections dated on or before the
collection day; a collection dated before later ones (补录) must also not push any of them past
its own limit (``LineCheck.overrun``), and "最多可领" counts that too. Messages give the last day
with drug (``cover.LAST_DAY_LABEL``), as every screen does.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Iterable, Sequence

from . import cover
from .errors import ValidationError
from .text import squeeze

LIMIT_MONTHS = cover.LIMIT_MONTHS
MAX_DAILY_DOSE = Fraction(100)


@dataclass(frozen=True)
class PriorLine:
    """A line of an earlier, still valid collection."""
    drug_id: int
    cover_until: dt.date


@dataclass(frozen=True)
class LineCheck:
    start: dt.date
    days: int
    cover_until: dt.date
    limit: dt.date
    max_units: int
    max_packs: int
    left_over_days: int
    overrun: cover.Overrun | None = None  # a later collection this one would push past its limit

    @property
    def ok(self) -> bool:
        return self.cover_until <= self.limit and self.overrun is None

    @property
    def last_day(self) -> dt.date:
        """The last day with drug: what the dialog shows under ``cover.LAST_DAY_LABEL``."""
        return cover.last_day(self.cover_until)

    def message(self, unit: str = "片", pack_unit: str = "盒") -> str | None:
        if self.ok:
            return None
        most = f"本次最多可领 {self.max_packs} {pack_unit}（{self.max_units} {unit}）"
        if self.cover_until > self.limit:
            return (f"超过三个月用量：{most}，领药后{cover.LAST_DAY_LABEL}{cover.last_day_text(self.cover_until)}，"
                    f"不得超过 {cover.last_day_text(self.limit)}")
        return f"{self.overrun.message()}：{most}"


def parse_dose(raw) -> Fraction:
    """A daily dose in units: '1', '1.5', '0.5', '1/2', '１．５'. Exact, so no rounding creeps in."""
    if isinstance(raw, Fraction):
        value = raw
    else:
        text = squeeze(str(raw if raw is not None else "")).replace("。", ".")
        if not text:
            raise ValidationError("请填写每日用量")
        try:
            value = Fraction(text)
        except (ValueError, ZeroDivisionError):
            raise ValidationError(f"每日用量“{text}”应为数字，如 1、1.5 或 1/2") from None
    if value <= 0:
        raise ValidationError("每日用量应大于0")
    if value > MAX_DAILY_DOSE:
        raise ValidationError(f"每日用量不应超过 {MAX_DAILY_DOSE}")
    return value


def format_dose(dose: Fraction) -> str:
    if dose.denominator == 1:
        return str(dose.numerator)
    as_float = float(dose)
    text = f"{as_float:.3f}".rstrip("0").rstrip(".")
    return text if Fraction(text) == dose else f"{dose.numerator}/{dose.denominator}"


limit_date = cover.limit_date


def days_of_supply(units: int, daily_dose: Fraction) -> int:
    """A part-day's supply counts as a day: the limit errs on the side of the programme."""
    return math.ceil(Fraction(units) / daily_dose)


def cover_start(collection: dt.date, drug_id: int, prior: Iterable[PriorLine]) -> dt.date:
    ends = [p.cover_until for p in prior if p.drug_id == drug_id]
    return max([collection, *ends])


def check_line(collection: dt.date, drug_id: int, units_per_pack: int, packs: int,
               daily_dose: Fraction, prior: Iterable[PriorLine],
               later: Sequence[cover.Later] = ()) -> LineCheck:
    """``prior``: lines of live collections dated on or before ``collection`` (what is in hand
    that day); ``later``: live collections of this drug dated after it, which a back-dated
    collection (补录) pushes back and must not push past their own limit."""
    if packs < 0:
        raise ValidationError("数量不能为负数")
    if units_per_pack <= 0:
        raise ValidationError("每盒数量应大于0")
    start = cover_start(collection, drug_id, prior)
    limit = limit_date(collection)
    bound = cover.latest_until(later, start, limit) if later and start < limit else limit
    allowed_days = max((bound - start).days, 0)
    max_units = math.floor(allowed_days * daily_dose)
    units = packs * units_per_pack
    days = days_of_supply(units, daily_dose)
    until = start + dt.timedelta(days=days)
    overrun = cover.overrun(later, until) if later and until <= limit else None
    return LineCheck(start=start, days=days, cover_until=until, limit=limit,
                     max_units=max_units, max_packs=max_units // units_per_pack,
                     left_over_days=(start - collection).days, overrun=overrun)
