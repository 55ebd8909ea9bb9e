"""The statements of one collection (``dispensing.record``) use indexes: none reads a whole table
that grows with the register (patients, dispensings and their lines, stock moves, cover, audit)."""
from __future__ import annotations

import re

import pytest

from clinic_app.storage import dispensing as disp
from tests.dispensing_data import build, fast_passwords, fix_today, three_months

DAY = "2026-11-20"
# Tables that grow with the register; the catalogue, settings, users and quarters stay small.
GROWING = {"patients", "guardians", "dispensings", "dispensing_lines", "stock_moves", "line_cover",
           "audit_log", "row_seals", "status_events", "agreements", "rescue_cards", "card_rows",
           "applications", "search_index", "stock_balances"}


@pytest.fixture(autouse=True)
def _setup(monkeypatch):
    fast_passwords(monkeypatch)
    fix_today(monkeypatch)


def _statements(db, run) -> list[tuple[str, object]]:
    statements = []
    with db.tracer(lambda sql, params: statements.append((sql, params))):
        run()
    return statements


def _full_scans(db, sql: str, params) -> list[str]:
    """Growing tables the statement (with its triggers' own statements left out) reads whole."""
    if not re.match(r"\s*(SELECT|WITH|INSERT|UPDATE|DELETE)", sql, re.I):
        return []
    rows = db.conn.execute("EXPLAIN QUERY PLAN " + sql, params or []).fetchall()
    scans = []
    for row in rows:
        found = re.match(r"SCAN (\w+)(?: AS \w+)?(?: USING (COVERING )?INDEX \w+)?$", row[-1])
        if found and found.group(1) in GROWING and " USING " not in row[-1]:
            scans.append(row[-1])
    return scans


def test_recording_a_collection_reads_no_growing_table_whole(fresh_db):
    world = build(fresh_db)
    world.dispense("2026-11-19", three_months(world)[:1])  # an earlier cover and stock to look up
    signed = disp.verify_signatures(world.db, world.patient_id, world.signatures())
    statements = _statements(world.db, lambda: disp.record(
        world.db, world.patient_id, DAY, three_months(world)[1:], signed, user=world.officer))
    assert len(statements) > 10
    scans = {sql: _full_scans(world.db, sql, params) for sql, params in statements}
    assert [(sql[:60], s) for sql, s in scans.items() if s] == []


def test_the_stock_lookup_reads_the_running_balance(fresh_db):
    from clinic_app.storage import stock

    world = build(fresh_db)
    statements = _statements(world.db, lambda: stock.usable_batches(world.db, world.risperidone["id"], DAY))
    plans = [" | ".join(r[-1] for r in world.db.conn.execute("EXPLAIN QUERY PLAN " + sql, params or []))
             for sql, params in statements]
    assert any("SEARCH sb USING INTEGER PRIMARY KEY" in p for p in plans), plans
    assert not any("stock_moves" in p for p in plans), plans
