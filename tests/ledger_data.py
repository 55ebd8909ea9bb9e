"""Ledger test data through the real API: two patients' collections in 2026Q4 (one of them voided
within the quarter), and helpers to move today into 2027Q1, when 2026Q4 has ended and can be
closed."""
from __future__ import annotations

import datetime as dt

from clinic_app.storage import settings
from tests.dispensing_data import World, build, enrolled_patient, fix_today, line, three_months

Q4, Q1 = "2026Q4", "2027Q1"
IN_2027 = dt.date(2027, 1, 15)


def ledger_world(db) -> tuple[World, dict]:
    """Entries: ``first`` (patient 1, 2 lines, 2026-11-20), ``second`` (patient 2, 1 line,
    2026-12-01), ``third`` (patient 2's other drug, 2026-12-02) voided on 2026-12-10 (``void``).
    Call with today fixed to 2026-12-31 (``dispensing_data.fix_today``)."""
    settings.put(db, "clinic_code", "youxi")
    world = build(db)
    other = enrolled_patient(db, name="李四", guardian_name="李大江")
    entries = {"first": world.dispense("2026-11-20", three_months(world))}
    entries["second"] = world.dispense("2026-12-01", [line(world.risperidone, 2, "1")], patient_id=other)
    entries["third"] = world.dispense("2026-12-02", [line(world.olanzapine, 1, "1")], patient_id=other)
    entries["void"] = world.void(entries["third"]["id"], "数量录错", date="2026-12-10")
    entries["other_patient"] = other
    return world, entries


def move_to_2027(monkeypatch) -> None:
    fix_today(monkeypatch, IN_2027)
