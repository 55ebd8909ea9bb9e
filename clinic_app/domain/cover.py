"""Cover: from which day to which day a patient has each drug — the one home of the rule.

五、(三)2 (药品按月计划领取，每次限领3个月服用量) makes every collection's supply start when
what is left of earlier collections of the same drug runs out, or on the collection day when
nothing is left. So a line's cover is not a fact of the line alone: it depends on every live
(not voided) collection of the same drug before it. Voiding an earlier collection frees the
cover it caused; a collection entered later with an earlier date (补录) slots in by its date.
The cover stored on a dispensing line at signing stays the record of what was said then; every
reader uses what this module computes from the live collections.

Rules, all pure:

* Collections are taken in the order of their date, then of their entry (``dispensing_id``):
  only dates matter, except between two collections of the same day, where the one entered
  first was handed out first.
* ``start`` = the latest ``until`` of the earlier lines of the same drug, or the collection day
  when that is earlier. ``until`` = ``start + days`` and is the *first day without drug*
  (half-open ``[start, until)``, as ``domain.supply`` and ``domain.adherence`` count).
* Lines of one drug in one collection (1 mg and 2 mg tablets taken together) run side by side:
  they share the start and do not push each other back.

What staff read is the *last day with drug* (``last_day``), labelled ``LAST_DAY_LABEL`` on the
dialog, the patient page, the slip and the follow-up lists alike.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable, Sequence

from .months import add_months

LIMIT_MONTHS = 3
LAST_DAY_LABEL = "可用至（含当日）"  # the last day with drug, on every screen and printout
_ONE_DAY = dt.timedelta(days=1)


def limit_date(collection: dt.date) -> dt.date:
    """The first day a collection's supply may not reach: three calendar months on."""
    return add_months(collection, LIMIT_MONTHS)


def last_day(until: dt.date | str | None) -> dt.date | None:
    """The last day with drug of a cover whose first day without drug is ``until``."""
    if until is None or until == "":
        return None
    if isinstance(until, str):
        until = dt.date.fromisoformat(until[:10])
    return until - _ONE_DAY


def last_day_text(until: dt.date | str | None) -> str:
    """``2027-02-11``: what every screen and printout shows under ``LAST_DAY_LABEL``."""
    day = last_day(until)
    return day.isoformat() if day else ""


@dataclass(frozen=True)
class Collected:
    """A line of a live collection, as much as cover needs."""
    line_id: int
    dispensing_id: int
    date: dt.date
    drug_id: int
    days: int


@dataclass(frozen=True)
class LineCover:
    line_id: int
    dispensing_id: int
    drug_id: int
    date: dt.date
    start: dt.date
    until: dt.date  # the first day without drug

    @property
    def last_day(self) -> dt.date:
        return self.until - _ONE_DAY


def order_key(line: Collected) -> tuple:
    return line.date, line.dispensing_id, line.line_id


def compute(lines: Iterable[Collected], in_hand: dict[int, dt.date] | None = None) -> list[LineCover]:
    """Every line's cover, recomputed from scratch, in collection order. ``in_hand`` ({drug: the
    latest first day without drug}) is what the collections before ``lines`` left — so the lines
    from a given day on can be recomputed alone (``storage.cover.rebuild``)."""
    out: list[LineCover] = []
    in_hand = dict(in_hand or {})             # drug -> first day without, after the collections so far
    pending: dict[int, dt.date] = {}          # the current collection's ends, applied when it is over
    current = None
    for line in sorted(lines, key=order_key):
        if line.dispensing_id != current:
            for drug, until in pending.items():
                in_hand[drug] = max(in_hand.get(drug, until), until)
            pending, current = {}, line.dispensing_id
        start = max(line.date, in_hand.get(line.drug_id, line.date))
        until = start + dt.timedelta(days=max(line.days, 0))
        pending[line.drug_id] = max(pending.get(line.drug_id, until), until)
        out.append(LineCover(line.line_id, line.dispensing_id, line.drug_id, line.date, start, until))
    return out


# --- a collection that would be slotted in before later ones (补录) ------------------------------

@dataclass(frozen=True)
class Later:
    """A live collection of the same drug dated after the one being planned: its lines' days."""
    dispensing_id: int
    date: dt.date
    days: tuple[int, ...]
    until: dt.date  # its current first day without drug (the longest of its lines)


@dataclass(frozen=True)
class Overrun:
    """A later collection that would go past its own three-month limit."""
    date: dt.date
    until: dt.date   # its first day without drug, were the new collection written
    limit: dt.date

    def message(self) -> str:
        return (f"补录后，{self.date.isoformat()} 的领药将超过三个月用量（{LAST_DAY_LABEL}"
                f"{last_day_text(self.until)}，不得超过 {last_day_text(self.limit)}）")


def later_collections(covers: Iterable[LineCover], drug_id: int, after: dt.date) -> list[Later]:
    """The live collections of ``drug_id`` dated after ``after``, in collection order."""
    groups: dict[int, list[LineCover]] = {}
    for c in covers:
        if c.drug_id == drug_id and c.date > after:
            groups.setdefault(c.dispensing_id, []).append(c)
    out = [Later(did, g[0].date, tuple((c.until - c.start).days for c in g), max(c.until for c in g))
           for did, g in groups.items()]
    out.sort(key=lambda later: (later.date, later.dispensing_id))
    return out


def push(later: Sequence[Later], in_hand: dt.date | None) -> list[dt.date]:
    """The first day without drug of each later collection when ``in_hand`` is what is left
    before the first of them."""
    out = []
    for collection in later:
        start = max(collection.date, in_hand or collection.date)
        until = start + dt.timedelta(days=max(collection.days, default=0))
        out.append(until)
        in_hand = max(in_hand or until, until)
    return out


def overrun(later: Sequence[Later], in_hand: dt.date | None) -> Overrun | None:
    """The first later collection pushed past its limit, given what is in hand before them.
    One already past its limit before (older data) is not blamed on the new collection."""
    for collection, until in zip(later, push(later, in_hand)):
        limit = limit_date(collection.date)
        if until > limit and until > collection.until:
            return Overrun(collection.date, until, limit)
    return None


def latest_until(later: Sequence[Later], earliest: dt.date, latest: dt.date) -> dt.date:
    """The latest first day without drug in ``[earliest, latest]`` a new line may reach without
    pushing a later collection past its limit (``earliest`` when none fits). Pushing is monotone,
    so a binary search over the days is exact."""
    if not later or overrun(later, latest) is None:
        return latest
    lo, hi = earliest, latest  # overrun(lo) is None is assumed: nothing pushes further than now
    while (hi - lo).days > 1:
        mid = lo + dt.timedelta(days=(hi - lo).days // 2)
        if overrun(later, mid) is None:
            lo = mid
        else:
            hi = mid
    return lo


# --- the next appointment ----------------------------------------------------------------------

def default_appointment(collection: dt.date, untils: Iterable[dt.date], calendar=None) -> dt.date | None:
    """约定下次门诊免费取药时间 (五、(二)2), as the dialog proposes it: the last day with drug of
    the line of this collection that runs out first (counting what was left of earlier
    collections), moved to the previous working day when it is not one, so the patient comes
    before he runs out. Never on or before the collection day: then the next working day after it.

    ``calendar`` is a ``workcalendar.WorkCalendar`` (``None``: every day is a working day)."""
    ends = [u for u in untils if u is not None]
    if not ends:
        return None
    day = min(ends) - _ONE_DAY
    if calendar is not None:
        day = calendar.previous_working_day_on_or_before(day)
    if day <= collection:
        day = collection + _ONE_DAY
        if calendar is not None:
            day = calendar.next_working_day_on_or_after(day)
    return day
