"""The administrator's holiday table, which deadlines are counted with."""
from __future__ import annotations

from ..storage import holidays
from .use_case import use_case


@use_case("holidays.edit")
def set_day(db, actor, day, kind: str, note: str = "") -> dict:
    return holidays.set_day(db, day, kind, note, user=actor)


@use_case("holidays.edit")
def remove_day(db, actor, day) -> dict:
    return holidays.remove_day(db, day, user=actor)
