"""The administrator's holiday table: days that override the official calendar.

Needed for years chinese-calendar does not know yet (2027 on) and for local adjustments. Every
change is audited in the same transaction, because a wrong holiday moves legal deadlines.
"""
from __future__ import annotations

import datetime as dt

from ..domain.workcalendar import KIND_LABELS, KINDS, WorkCalendar
from . import audit
from .errors import NotFoundError, StorageError

ENTITY = "holiday"


def _iso(day: dt.date | str) -> str:
    """A date or its ISO text, checked: the table's key is always 'YYYY-MM-DD'."""
    if isinstance(day, dt.datetime):
        day = day.date()
    if isinstance(day, dt.date):
        return day.isoformat()
    try:
        return dt.date.fromisoformat(str(day).strip()).isoformat()
    except ValueError:
        raise StorageError(f"日期“{day}”无效，请写作 2027-01-01") from None


def overrides(db) -> dict[dt.date, str]:
    """Every override day, ready for :class:`WorkCalendar`."""
    return {dt.date.fromisoformat(r["date"]): r["kind"]
            for r in db.query("SELECT date, kind FROM holidays")}


def calendar(db) -> WorkCalendar:
    """The calendar every deadline in the program should use: official days plus this table."""
    return WorkCalendar(overrides(db))


def get_day(db, day: dt.date | str) -> dict | None:
    rows = list(db.query("SELECT date, kind, note FROM holidays WHERE date = ?", [_iso(day)]))
    return rows[0] if rows else None


def list_days(db, year: int | None = None) -> list[dict]:
    """Rows ``{date, kind, note}`` in date order, optionally one year only."""
    if year is None:
        return list(db.query("SELECT date, kind, note FROM holidays ORDER BY date"))
    return list(db.query("SELECT date, kind, note FROM holidays WHERE date LIKE ? ORDER BY date",
                         [f"{int(year):04d}-%"]))


def set_day(db, day: dt.date | str, kind: str, note: str = "", user: dict | None = None) -> dict:
    """Add or change one day. Returns the stored row."""
    if kind not in KINDS:
        raise StorageError("类型应为“节假日”或“调休上班”")
    row = {"date": _iso(day), "kind": kind, "note": (note or "").strip()}
    with db.atomic():
        before = get_day(db, row["date"])
        db["holidays"].upsert(row, pk="date")
        summary = f"节假日表：{row['date']} 设为{KIND_LABELS[kind]}"
        if row["note"]:
            summary += f"（{row['note']}）"
        audit.record(db, audit.UPDATE, ENTITY, row["date"], summary,
                     detail={"before": before, "after": row}, user=user)
    return row


def remove_day(db, day: dt.date | str, user: dict | None = None) -> dict:
    """Delete one day, so the official calendar (or weekends) decides it again."""
    key = _iso(day)
    with db.atomic():
        before = get_day(db, key)
        if before is None:
            raise NotFoundError(f"节假日表中没有 {key}")
        db.execute("DELETE FROM holidays WHERE date = ?", [key])
        audit.record(db, audit.UPDATE, ENTITY, key,
                     f"节假日表：删除 {key}（原为{KIND_LABELS.get(before['kind'], before['kind'])}）",
                     detail={"before": before, "after": None}, user=user)
    return before
