"""Figures for the dashboard: collections and patients per month, money by fund per month,
the quarter so far against its pre-allocated amount, patients by status. Voids count in the month
they were made, as negative amounts, so the money figures equal the quarterly ledger's."""
from __future__ import annotations

import datetime as dt

from ..domain.months import add_months
from ..domain import programme_status as ps

FUNDS = ("insurance_fen", "relief_fen", "disability_fen", "programme_fen")


def month_keys(today: dt.date, months: int) -> list[str]:
    first = dt.date(today.year, today.month, 1)
    return [add_months(first, -i).strftime("%Y-%m") for i in range(months - 1, -1, -1)]


def monthly(db, today: dt.date, months: int = 12) -> list[dict]:
    keys = month_keys(today, months)
    rows = {r["month"]: r for r in db.query(
        "SELECT substr(date, 1, 7) AS month, "
        "sum(kind = 'dispense') AS collections, sum(kind = 'void') AS voids, "
        "count(DISTINCT CASE WHEN kind = 'dispense' THEN patient_id END) AS patients, "
        "sum(total_fen) AS total_fen, sum(insurance_fen) AS insurance_fen, sum(relief_fen) AS relief_fen, "
        "sum(disability_fen) AS disability_fen, sum(programme_fen) AS programme_fen "
        "FROM dispensings WHERE date >= ? AND date < ? GROUP BY month",
        [keys[0] + "-01", add_months(dt.date(today.year, today.month, 1), 1).isoformat()])}
    empty = {"collections": 0, "voids": 0, "patients": 0, "total_fen": 0, **{f: 0 for f in FUNDS}}
    return [{"month": k, **{n: (rows.get(k) or {}).get(n) or v for n, v in empty.items()}} for k in keys]


def quarter_to_date(db, today: dt.date) -> dict:
    quarter_index = (today.month - 1) // 3
    first = dt.date(today.year, quarter_index * 3 + 1, 1)
    label = f"{today.year}Q{quarter_index + 1}"
    spent = db.execute("SELECT coalesce(sum(programme_fen), 0), coalesce(sum(total_fen), 0) FROM dispensings "
                       "WHERE date >= ? AND date <= ?", [first.isoformat(), today.isoformat()]).fetchone()
    allocated = 0
    if db["quarters"].exists():
        row = db.execute("SELECT allocated_fen FROM quarters WHERE quarter = ?", [label]).fetchone()
        allocated = (row[0] or 0) if row else 0
    return {"quarter": label, "from": first.isoformat(), "to": today.isoformat(),
            "programme_fen": spent[0], "total_fen": spent[1], "allocated_fen": allocated}


def patients_by_status(db) -> list[dict]:
    counts = dict(db.execute("SELECT programme_status, count(*) FROM patients GROUP BY programme_status").fetchall())
    order = (ps.ENROLLED, ps.PAUSED, ps.WAITING, ps.LEFT, None)
    return [{"status": s, "label": ps.STATUS_LABELS[s], "count": counts.get(s, 0)} for s in order]
