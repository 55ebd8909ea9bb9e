"""Risk assessments (level 0–5) and "worsening" flags, each write audited in its own transaction.

A worsening patient is reported by the psychiatrist to the clinic, and by the clinic to the
comprehensive-governance office (综治办) and the police station (派出所); ``open_flags`` is that
list. A flag stays open until it is cleared with a date and a note; it is never deleted.
"""
from __future__ import annotations

import datetime as dt

from ..domain import risk as risk_rules
from ..domain.dates import parse_date
from ..domain.errors import ValidationError
from . import audit, clock
from .errors import NotFoundError, StorageError

ASSESSMENT = "risk_assessment"
FLAG = "worsening_flag"


def _date(value, what: str, field: str = "date") -> str:
    try:
        return parse_date(value, not_after=clock.today()).isoformat()
    except ValidationError as exc:
        raise StorageError(f"{what}：{exc.message}", field=field) from None


def _patient_name(db, patient_id: int) -> str:
    row = db.execute("SELECT name FROM patients WHERE id = ?", [patient_id]).fetchone()
    if row is None:
        raise NotFoundError("找不到该患者")
    return row[0]


def _text(value) -> str:
    return " ".join(str(value or "").split())


def _level(level) -> int:
    if isinstance(level, str):
        try:
            return risk_rules.parse_level(level)
        except ValidationError as exc:
            raise StorageError(exc.message, field="level") from None
    if not risk_rules.is_level(level):
        raise StorageError(f"危险性评估等级应为0–5级，收到的是“{level}”", field="level")
    return level


def record_assessment(db, patient_id: int, level, date, assessor: str, note: str = "",
                      user: dict | None = None) -> int:
    """Store one assessment and its audit row, all or nothing; returns the new id."""
    level = _level(level)
    day = _date(date, "评估日期")
    assessor = _text(assessor)
    if not assessor:
        raise StorageError("请填写评估人", field="assessor")
    with db.atomic():
        name = _patient_name(db, patient_id)
        assessment_id = db["risk_assessments"].insert({
            "patient_id": patient_id, "date": day, "level": level, "assessor": assessor,
            "note": (note or "").strip(), "recorded_by": user["id"] if user else None,
            "recorded_at": clock.now(),
        }).last_pk
        audit.record(db, audit.CREATE, ASSESSMENT, assessment_id,
                     f"危险性评估 {name} {risk_rules.label(level)}（{day}，{assessor}）", user=user)
    return assessment_id


def assessments(db, patient_id: int) -> list[dict]:
    """Newest first (by assessment date, then by the order they were recorded)."""
    return list(db.query("SELECT * FROM risk_assessments WHERE patient_id = ? "
                         "ORDER BY date DESC, id DESC", [patient_id]))


def latest(db, patient_id: int) -> dict | None:
    rows = assessments(db, patient_id)
    return rows[0] if rows else None


LATEST_SQL = """
SELECT patient_id, level FROM (
    SELECT patient_id, level,
           ROW_NUMBER() OVER (PARTITION BY patient_id ORDER BY date DESC, id DESC) AS n
    FROM risk_assessments)
WHERE n = 1
"""


def latest_levels(db) -> dict[int, int]:
    """{patient_id: level of the newest assessment}, for every assessed patient, in one query."""
    return {row[0]: row[1] for row in db.execute(LATEST_SQL).fetchall()}


# --- worsening flags ---------------------------------------------------------------------------

def flag_worsening(db, patient_id: int, date, note: str = "", user: dict | None = None) -> int:
    """Mark a patient as worsening. A patient has at most one open flag at a time."""
    day = _date(date, "病情加重日期")
    with db.atomic():
        name = _patient_name(db, patient_id)
        if db.execute("SELECT 1 FROM worsening_flags WHERE patient_id = ? AND cleared_date IS NULL",
                      [patient_id]).fetchone():
            raise StorageError(f"{name} 已有未解除的病情加重标记")
        flag_id = db["worsening_flags"].insert({
            "patient_id": patient_id, "date": day, "note": (note or "").strip(),
            "recorded_by": user["id"] if user else None, "recorded_at": clock.now(),
        }).last_pk
        audit.record(db, audit.CREATE, FLAG, flag_id, f"标记病情加重 {name}（{day}）", user=user)
    return flag_id


def clear_worsening(db, flag_id: int, date, note: str = "", user: dict | None = None) -> None:
    """Close an open flag (e.g. "已送治", "病情已稳定"); the flag itself is kept."""
    day = _date(date, "解除日期")
    with db.atomic():
        rows = list(db.query("SELECT * FROM worsening_flags WHERE id = ?", [flag_id]))
        if not rows:
            raise NotFoundError("找不到该病情加重标记")
        flag = rows[0]
        if flag["cleared_date"]:
            raise StorageError(f"该标记已于 {flag['cleared_date']} 解除")
        if day < flag["date"]:
            raise StorageError(f"解除日期 {day} 早于标记日期 {flag['date']}", field="date")
        db["worsening_flags"].update(flag_id, {"cleared_date": day, "cleared_note": (note or "").strip()})
        name = _patient_name(db, flag["patient_id"])
        audit.record(db, audit.UPDATE, FLAG, flag_id, f"解除病情加重标记 {name}（{day}）",
                     detail={"cleared_date": [None, day]}, user=user)


OPEN_FLAGS_SQL = """
SELECT f.id, f.patient_id, f.date, f.note, p.name, p.sex, p.id_number, p.town, p.village, p.address,
       g.name AS guardian_name, g.phone AS guardian_phone
FROM worsening_flags f
JOIN patients p ON p.id = f.patient_id
LEFT JOIN guardians g ON g.id = p.guardian_id
WHERE f.cleared_date IS NULL
ORDER BY f.date, f.id
"""


def open_flags(db) -> list[dict]:
    """Flags not yet cleared, oldest first, with what 综治办 and 派出所 need: the patient's name and
    address, the guardian's name and phone, and the latest risk level (``None`` if never assessed)."""
    levels = latest_levels(db)
    rows = list(db.query(OPEN_FLAGS_SQL))
    for row in rows:
        row["level"] = levels.get(row["patient_id"])
    return rows


def flags(db, patient_id: int) -> list[dict]:
    """Every flag of one patient, open or cleared, newest first."""
    return list(db.query("SELECT * FROM worsening_flags WHERE patient_id = ? ORDER BY date DESC, id DESC",
                         [patient_id]))


def days_open(flag: dict, on: dt.date | None = None) -> int:
    on = on or clock.today()
    return (on - dt.date.fromisoformat(flag["date"])).days
