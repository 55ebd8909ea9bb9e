"""Who pays for a collection (四 and 五、(二)3): special-disease insurance first, then civil-affairs
relief, then the disabled persons' federation subsidy, and the programme fund pays the rest; the
patient pays nothing. Everything in integer fen; the parts always add up to the total exactly,
per collection and per line (amounts are shared out by the largest-remainder method).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from .errors import ValidationError
from .money import yuan

PARTS = ("insurance", "relief", "disability", "programme")
PART_LABELS = {"insurance": "医保特病资金", "relief": "民政救助资金", "disability": "残联免费服药资金",
               "programme": "免费服药项目资金"}
FUNDS = ("total", *PARTS)
FUND_LABELS = {"total": "领药总金额", **PART_LABELS}  # the card's column names: the one home of these labels


@dataclass(frozen=True)
class Split:
    total: int
    insurance: int = 0
    relief: int = 0
    disability: int = 0
    programme: int = 0

    def __post_init__(self):
        parts = (self.insurance, self.relief, self.disability, self.programme)
        if any(p < 0 for p in parts) or sum(parts) != self.total:
            raise ValueError(f"split does not add up: {self}")

    def as_dict(self) -> dict:
        return {"total": self.total, **{p: getattr(self, p) for p in PARTS}}


def allocate(amount: int, weights: list[int]) -> list[int]:
    """Share ``amount`` fen in proportion to ``weights`` (largest remainder); sums exactly."""
    if amount == 0 or not weights:
        return [0] * len(weights)
    total = sum(weights)
    if total <= 0:
        raise ValueError("weights must add up to more than zero")
    raw = [amount * w for w in weights]
    shares = [r // total for r in raw]
    order = sorted(range(len(weights)), key=lambda i: (-(raw[i] % total), i))
    for i in order[: amount - sum(shares)]:
        shares[i] += 1
    return shares


def disability_subsidy(remaining: int, has_certificate: bool, percent: int, monthly_cap: int,
                       months) -> int:
    """The configured rule: ``percent`` of what insurance and relief left, at most
    ``monthly_cap`` fen a month (0 = no cap), for patients holding a disability certificate.
    ``months`` is the collection's calendar months of cover (domain.backstop, part months by
    their days); the cap for them is rounded down to the fen."""
    if not has_certificate or percent <= 0 or remaining <= 0:
        return 0
    amount = remaining * percent // 100
    if monthly_cap > 0:
        amount = min(amount, math.floor(monthly_cap * months))
    return amount


def split_collection(line_totals: list[int], insurance: int, relief: int, disability: int) -> tuple[Split, list[Split]]:
    """The collection's split and each line's; the programme fund is what is left."""
    total = sum(line_totals)
    for name, value in ((PART_LABELS["insurance"], insurance), (PART_LABELS["relief"], relief),
                        (PART_LABELS["disability"], disability)):
        if value < 0:
            raise ValidationError(f"{name}不能为负数")
    if insurance + relief + disability > total:
        raise ValidationError(
            f"医保、民政和残联合计 {yuan(insurance + relief + disability)} 元，超过领药总金额 {yuan(total)} 元")
    collection = Split(total, insurance, relief, disability, total - insurance - relief - disability)
    parts = {name: allocate(getattr(collection, name), line_totals) if total else [0] * len(line_totals)
             for name in ("insurance", "relief", "disability")}
    lines = []
    for i, line_total in enumerate(line_totals):
        ins, rel, dis = parts["insurance"][i], parts["relief"][i], parts["disability"][i]
        lines.append({"total": line_total, "insurance": ins, "relief": rel, "disability": dis,
                      "programme": line_total - ins - rel - dis})
    return collection, _settle_negative(lines)


def _settle_negative(lines: list[dict]) -> list[Split]:
    """Rounding can push one line's programme part below zero by a fen or two; move the excess to
    a line with room, keeping every sum exact. Works on plain dicts because a :class:`Split`
    refuses to exist with a negative part."""
    for line in lines:
        while line["programme"] < 0:
            donor = next(l for l in lines if l["programme"] > 0)
            part = next(p for p in ("insurance", "relief", "disability") if line[p] > 0)
            line[part] -= 1
            line["programme"] += 1
            donor[part] += 1
            donor["programme"] -= 1
    return [Split(**l) for l in lines]
