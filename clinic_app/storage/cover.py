"""The recomputed cover of every live dispensing line (``line_cover``, migration m009).

``domain.cover`` computes a line's cover from the patient's live collections; this module keeps
its result in ``line_cover`` — one row per line of a collection that is not voided — and rebuilds
a patient's rows in the same transaction as every collection and void written for him
(``dispensing.record`` and ``dispensing.void``). Readers that need cover (the limit check and
"最多可领", the patient page, the follow-up lists, adherence, the slip) read this table, never
the ``cover_start``/``cover_until`` stored on the line at signing: those stay the record of what
was said then, and are part of the entry's hash.

Why a table and not a computation on every read: the follow-up lists and adherence read the
cover of every enrolled patient through date indexes (see ``storage.followup``); recomputing a
clinic's whole history for each list would read every line ever written. A patient's rebuild
reads his own history only (tens of collections), so writing stays quick.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict

from ..domain import cover as rules
from ..domain import supply

DISPENSE, VOID = "dispense", "void"  # as storage.dispensing (not imported: it imports this module)

_LIVE_LINES = """
SELECT l.id, l.dispensing_id, d.date, l.drug_id, l.days, d.patient_id
FROM dispensings d JOIN dispensing_lines l ON l.dispensing_id = d.id
WHERE d.kind = 'dispense' AND l.days IS NOT NULL AND l.days > 0
  AND NOT EXISTS (SELECT 1 FROM dispensings v WHERE v.voids_id = d.id)
"""


def _collected(rows) -> dict[int, list[rules.Collected]]:
    out: dict[int, list[rules.Collected]] = defaultdict(list)
    for line_id, dispensing_id, day, drug_id, days, patient_id in rows:
        out[patient_id].append(rules.Collected(line_id, dispensing_id, dt.date.fromisoformat(day), drug_id, days))
    return out


def collected(db, patient_id: int, since: dt.date | None = None) -> list[rules.Collected]:
    """The lines of the patient's live collections (dated ``since`` or later), as
    ``domain.cover`` takes them."""
    sql, args = _LIVE_LINES + " AND d.patient_id = ?", [patient_id]
    if since is not None:
        sql, args = sql + " AND d.date >= ?", args + [since.isoformat()]
    return _collected(db.execute(sql, args).fetchall()).get(patient_id, [])


_INSERT = ("INSERT OR REPLACE INTO line_cover (line_id, dispensing_id, patient_id, drug_id, date, cover_start, "
           "cover_until) VALUES (?, ?, ?, ?, ?, ?, ?)")


def _values(patient_id: int, c: rules.LineCover) -> tuple:
    return (c.line_id, c.dispensing_id, patient_id, c.drug_id, c.date.isoformat(), c.start.isoformat(),
            c.until.isoformat())


def rebuild(db, patient_id: int, since: dt.date | str | None = None) -> None:
    """Recompute the patient's ``line_cover`` rows from his live collections. Call it inside the
    transaction that wrote the collection or the void, with ``since`` = that collection's date:
    collections dated before it come first in any order, so their cover cannot change and only
    the lines from that day on are recomputed, from what the earlier ones left. Only rows that
    changed are written: a collection in date order adds its own lines and touches nothing else."""
    if isinstance(since, str):
        since = dt.date.fromisoformat(since)
    left: dict[int, dt.date] = {}
    held_sql, held_args = ("SELECT line_id, dispensing_id, patient_id, drug_id, date, cover_start, cover_until "
                           "FROM line_cover WHERE patient_id = ?"), [patient_id]
    if since is not None:
        left = {drug: dt.date.fromisoformat(until) for drug, until in db.execute(
            "SELECT drug_id, max(cover_until) FROM line_cover WHERE patient_id = ? AND date < ? GROUP BY drug_id",
            [patient_id, since.isoformat()])}
        held_sql, held_args = held_sql + " AND date >= ?", held_args + [since.isoformat()]
    fresh = {c.line_id: _values(patient_id, c) for c in rules.compute(collected(db, patient_id, since), left)}
    held = {row[0]: tuple(row) for row in db.execute(held_sql, held_args)}
    gone = [(line_id,) for line_id in held if line_id not in fresh]
    if gone:
        db.conn.executemany("DELETE FROM line_cover WHERE line_id = ?", gone)
    changed = [values for line_id, values in fresh.items() if held.get(line_id) != values]
    if changed:
        db.conn.executemany(_INSERT, changed)


def rebuild_all(db) -> int:
    """Every patient's rows from scratch (the migration, a repair); returns the lines."""
    by_patient = _collected(db.execute(_LIVE_LINES))
    db.execute("DELETE FROM line_cover")
    count = 0
    for patient_id, lines in by_patient.items():
        values = [_values(patient_id, c) for c in rules.compute(lines)]
        db.conn.executemany(_INSERT, values)
        count += len(values)
    return count


def covers(db, patient_id: int) -> list[rules.LineCover]:
    """The patient's live lines with their cover, in collection order."""
    return [rules.LineCover(line_id, did, drug, dt.date.fromisoformat(day), dt.date.fromisoformat(a),
                            dt.date.fromisoformat(b))
            for line_id, did, drug, day, a, b in db.execute(
                "SELECT line_id, dispensing_id, drug_id, date, cover_start, cover_until FROM line_cover "
                "WHERE patient_id = ? ORDER BY date, dispensing_id, line_id", [patient_id])]


def in_hand(db, patient_id: int, on: dt.date | str) -> list[supply.PriorLine]:
    """What counts as left on a new collection dated ``on``: the live lines dated on or before
    that day (on the day itself: the collections entered before, which is all of them)."""
    day = on.isoformat() if isinstance(on, dt.date) else str(on)
    return [supply.PriorLine(drug, dt.date.fromisoformat(until)) for drug, until in db.execute(
        "SELECT drug_id, cover_until FROM line_cover WHERE patient_id = ? AND date <= ?", [patient_id, day])]


def later(db, patient_id: int, drug_id: int, on: dt.date) -> list[rules.Later]:
    """The live collections of ``drug_id`` dated after ``on``, which a collection back-dated to
    ``on`` would push back."""
    rows = [rules.LineCover(line_id, did, drug, dt.date.fromisoformat(day), dt.date.fromisoformat(a),
                            dt.date.fromisoformat(b))
            for line_id, did, drug, day, a, b in db.execute(
                "SELECT line_id, dispensing_id, drug_id, date, cover_start, cover_until FROM line_cover "
                "WHERE patient_id = ? AND drug_id = ? AND date > ?", [patient_id, drug_id, on.isoformat()])]
    return rules.later_collections(rows, drug_id, on)


LIVE_LINES_SQL = """
SELECT c.dispensing_id, c.line_id, c.date, c.drug_id, l.spec_id, l.packs, l.units, l.days,
       c.cover_start, c.cover_until, l.total_fen, l.insurance_fen, l.relief_fen, l.disability_fen,
       l.programme_fen
FROM line_cover c JOIN dispensing_lines l ON l.id = c.line_id
WHERE c.patient_id = ?
ORDER BY c.date, c.dispensing_id, c.line_id
"""


def live_lines(db, patient_id: int) -> list[dict]:
    """Each live collection's lines with their recomputed cover, in collection order: plain rows
    with ``dispensing_id``, ``line_id``, ``date``, ``drug_id``, ``spec_id``, ``packs``,
    ``units``, ``days``, ``cover_start`` and ``cover_until`` (ISO; ``[start, until)``, the
    until being the first day without drug), ``last_day`` (the last day with drug) and the line's
    amounts in fen (``total_fen`` … ``programme_fen``)."""
    cursor = db.execute(LIVE_LINES_SQL, [patient_id])
    names = [c[0] for c in cursor.description]
    out = []
    for values in cursor:
        row = dict(zip(names, values))
        row["last_day"] = rules.last_day_text(row["cover_until"])
        out.append(row)
    return out


def for_lines(db, line_ids) -> dict[int, tuple[str, str]]:
    """{line_id: (cover_start, cover_until)} of those lines that are live."""
    ids = [int(i) for i in line_ids]
    if not ids:
        return {}
    return {line_id: (a, b) for line_id, a, b in db.execute(
        f"SELECT line_id, cover_start, cover_until FROM line_cover WHERE line_id IN ({','.join('?' * len(ids))})",
        ids)}
