"""The three-month limit (五、(三)2: 每次限领3个月服用量).

A line's supply lasts ``days = ceil(units ÷ daily dose)`` days, starting when what is left of
earlier collections of the same drug runs out (or on the collection day). ``cover_until`` is the
first day without drug; it must not reach past the same day three calendar months after the
collection (month ends clamped: 30 November → 28/29 February). Lines of one drug in the same
collection (1 mg and 2 mg tablets taken together) run side by side, not one after the other.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Iterable

from .errors import ValidationError
from .months import add_months
from .text import squeeze

LIMIT_MONTHS = 3
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

    @property
    def ok(self) -> bool:
        return self.cover_until <= self.limit

    def message(self, unit: str = "片", pack_unit: str = "盒") -> str | None:
        if self.ok:
            return None
        return (f"超过三个月用量：本次最多可领 {self.max_packs} {pack_unit}（{self.max_units} {unit}），"
                f"领药后可用至 {self.cover_until.isoformat()}，不得超过 {self.limit.isoformat()}")


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


def limit_date(collection: dt.date) -> dt.date:
    return add_months(collection, LIMIT_MONTHS)


def days_of_supply(units: int, daily_dose: Fraction) -> int:
    """A part-day's supply counts as a day: the limit errs on the side of the programme."""
    return math.ceil(Fraction(units) / daily_dose)


def cover_start(collection: dt.date, drug_id: int, prior: Iterable[PriorLine]) -> dt.date:
    ends = [p.cover_until for p in prior if p.drug_id == drug_id]
    return max([collection, *ends])


def check_line(collection: dt.date, drug_id: int, units_per_pack: int, packs: int,
               daily_dose: Fraction, prior: Iterable[PriorLine]) -> LineCheck:
    if packs < 0:
        raise ValidationError("数量不能为负数")
    if units_per_pack <= 0:
        raise ValidationError("每盒数量应大于0")
    start = cover_start(collection, drug_id, prior)
    limit = limit_date(collection)
    allowed_days = max((limit - start).days, 0)
    max_units = math.floor(allowed_days * daily_dose)
    units = packs * units_per_pack
    days = days_of_supply(units, daily_dose)
    return LineCheck(start=start, days=days, cover_until=start + dt.timedelta(days=days), limit=limit,
                     max_units=max_units, max_packs=max_units // units_per_pack,
                     left_over_days=(start - collection).days)
