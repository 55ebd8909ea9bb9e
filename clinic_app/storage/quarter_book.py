"""A quarter's state as stored: its allocation, whether it is closed, its events. Reading only.

Apart from ``quarters`` (which changes that state) so the ledger can read it (``storage.ledger``
shows the allocation and the closed state) while closing a quarter reads the ledger (its
fingerprint): each imports this module, and neither the other's importer.
"""
from __future__ import annotations

import json

from ..domain import quarters as dq
from ..domain.errors import ValidationError
from .errors import StorageError

ALLOCATE, EXPORT, CLOSE, REOPEN = "allocate", "export", "close", "reopen"
EVENT_LABELS = {ALLOCATE: "预拨经费", EXPORT: "导出台账", CLOSE: "结账", REOPEN: "重新开账"}


def parse(quarter) -> dq.Quarter:
    """``dq.parse`` with its message as a ``StorageError`` (what the storage layer raises)."""
    try:
        return dq.parse(quarter)
    except ValidationError as exc:
        raise StorageError(exc.message) from None


def _quarter_of(value) -> dq.Quarter:
    try:
        return dq.quarter_of(value) if dq.is_date_text(value) else dq.parse(value)
    except ValidationError as exc:
        raise StorageError(exc.message) from None


# --- reading ---------------------------------------------------------------------------------

def get(db, quarter) -> dict:
    """The quarter with its allocation and state; a quarter never touched reads as open, 0 fen.

    Keys: quarter ("2026Q3"), label, first_day, last_day (ISO), allocated_fen, closed (bool),
    note, closed_at and closed_by (of the close in force, else None)."""
    q = parse(quarter)
    row = db.execute("SELECT allocated_fen, closed, note FROM quarters WHERE quarter = ?", [q.code]).fetchone()
    allocated, closed, note = row if row else (0, 0, None)
    result = {"quarter": q.code, "label": q.label, "first_day": q.first_day.isoformat(),
              "last_day": q.last_day.isoformat(), "allocated_fen": allocated or 0, "closed": bool(closed),
              "note": note, "closed_at": None, "closed_by": None}
    if closed:
        event = _latest(db, q.code, CLOSE)
        if event:
            result["closed_at"], result["closed_by"] = event["at"], event["display_name"]
    return result


def is_closed(db, date_or_quarter) -> bool:
    """Whether the quarter of a date (``2026-08-01`` or a ``date``) or a quarter is closed."""
    q = _quarter_of(date_or_quarter)
    row = db.execute("SELECT closed FROM quarters WHERE quarter = ?", [q.code]).fetchone()
    return bool(row and row[0])


def closed_quarters(db) -> list[str]:
    """Codes of the closed quarters, oldest first."""
    return [r[0] for r in db.execute("SELECT quarter FROM quarters WHERE closed = 1 ORDER BY quarter")]


def events(db, quarter) -> list[dict]:
    """The quarter's events, oldest first, with who (username, display_name) and the detail as a dict."""
    code = parse(quarter).code
    rows = db.query("SELECT e.*, u.username, u.display_name FROM quarter_events e "
                    "LEFT JOIN users u ON u.id = e.user_id WHERE e.quarter = ? ORDER BY e.id", [code])
    out = []
    for row in rows:
        row["detail"] = json.loads(row["detail"]) if row["detail"] else {}
        row["label"] = EVENT_LABELS.get(row["kind"], row["kind"])
        out.append(row)
    return out


def _latest(db, code: str, kind: str) -> dict | None:
    found = [e for e in events(db, code) if e["kind"] == kind]
    return found[-1] if found else None


def latest_export(db, quarter) -> dict | None:
    """The newest export since the quarter was last reopened (an older one may show old data)."""
    latest = None
    for event in events(db, quarter):
        if event["kind"] == REOPEN:
            latest = None
        elif event["kind"] == EXPORT:
            latest = event
    return latest


def earliest_records(db) -> tuple[str | None, str | None]:
    """(date of the first collection, code of the first quarter with a record of its own): how
    far back the ledger window's choice of quarters must reach."""
    first_day = db.execute("SELECT min(date) FROM dispensings").fetchone()[0]
    first_code = db.execute("SELECT min(quarter) FROM quarters").fetchone()[0]
    return first_day, first_code
