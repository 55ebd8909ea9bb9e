"""The programme status history of each patient, the clinic's places and the waiting list.

Every change is a dated event (who recorded it, why); ``patients.programme_status`` caches the
status those events fold into and is written in the same transaction.
"""
from __future__ import annotations

import datetime as dt

from ..domain import programme_status as ps
from . import audit, cards, clock, settings
from .errors import StorageError


def status(db, patient_id: int) -> str | None:
    row = db.execute("SELECT programme_status FROM patients WHERE id = ?", [patient_id]).fetchone()
    if row is None:
        raise StorageError("找不到该患者")
    return row[0]


def events(db, patient_id: int) -> list[dict]:
    return list(db.query(
        "SELECT e.*, u.display_name AS recorded_by_name FROM status_events e "
        "LEFT JOIN users u ON u.id = e.recorded_by WHERE e.patient_id = ? ORDER BY e.date, e.id",
        [patient_id]))


def state(db, patient_id: int, on: str | None = None) -> ps.State:
    """The patient's state folded from his history — status and any open stay in hospital — as
    it stands now, or as it stood on ``on`` (events dated that day count)."""
    history = [ps.Event(e["kind"], e["date"], e["reason"]) for e in db.query(
        "SELECT kind, date, reason FROM status_events WHERE patient_id = ? ORDER BY date, id",
        [patient_id])]
    if not history:  # a record written without events (built by hand): trust the cache
        return ps.State(status(db, patient_id))
    try:
        return ps.fold_state(history, on)
    except ps.TransitionError as exc:
        raise StorageError(f"状态记录不一致：{exc.message}") from None


def in_hospital_since(db, patient_id: int, on: str | None = None) -> str | None:
    """The admission date of the stay open now (or on ``on``), else None."""
    return state(db, patient_id, on).admitted_on


def open_stays(db) -> list[dict]:
    """Every patient in hospital now with the admission date, whatever his place — the paused
    ones and those not (yet) enrolled — as the work list shows them."""
    out = []
    for row in db.query(
            "SELECT DISTINCT p.id, p.name, p.id_number, p.town, p.programme_status, p.approved_date "
            "FROM patients p JOIN status_events e ON e.patient_id = p.id WHERE e.kind = ? ORDER BY p.name",
            [ps.ADMITTED]):
        admitted = in_hospital_since(db, row["id"])
        if admitted:
            out.append(dict(row, admitted_on=admitted))
    return out


def _last_date(db, patient_id: int) -> str | None:
    row = db.execute("SELECT max(date) FROM status_events WHERE patient_id = ?", [patient_id]).fetchone()
    return row[0]


def record_event(db, patient_id: int, kind: str, date: str, reason: str | None = None,
                 note: str = "", user: dict | None = None, application_id: int | None = None) -> str:
    """Append one event after checking it may follow the current status; return the new status."""
    try:
        dt.date.fromisoformat(date)
    except ValueError:
        raise StorageError(f"日期“{date}”不是有效日期，请写作 2026-01-05", field="date") from None
    with db.atomic():
        before = state(db, patient_id)
        try:
            after = ps.step(before, kind, date).status
        except ps.TransitionError as exc:
            raise StorageError(exc.message) from None
        last = _last_date(db, patient_id)
        if last and date < last:
            raise StorageError(f"日期不能早于上一次状态变更（{last}）", field="date")
        if kind == ps.LEAVE and reason not in ps.LEAVE_REASONS:
            raise StorageError("请选择退出原因", field="reason")
        event_id = db["status_events"].insert({
            "patient_id": patient_id, "date": date, "kind": kind, "reason": reason, "note": note,
            "application_id": application_id, "recorded_by": user["id"] if user else None,
            "recorded_at": clock.now()}).last_pk
        changes = {"programme_status": after}
        if kind == ps.APPROVED:
            changes["approved_date"] = date
        db["patients"].update(patient_id, changes)
        label = ps.event_label(kind, before.status) + (
            f"（{ps.LEAVE_REASONS[reason]}）" if kind == ps.LEAVE else "")
        audit.record(db, audit.UPDATE, "patient", patient_id, f"{label}：{date}",
                     detail={"event_id": event_id, "note": note} if note else {"event_id": event_id},
                     user=user)
    return after


# --- places ---------------------------------------------------------------------------------

def places_summary(db) -> dict:
    total = settings.get(db, "places")
    occupied = db.execute(
        f"SELECT count(*) FROM patients WHERE programme_status IN ({','.join('?' * len(ps.HOLDS_PLACE))})",
        list(ps.HOLDS_PLACE)).fetchone()[0]
    waiting = db.execute("SELECT count(*) FROM patients WHERE programme_status = ?",
                         [ps.WAITING]).fetchone()[0]
    return {"places": total, "occupied": occupied, "free": max(total - occupied, 0), "waiting": waiting}


def waiting_list(db) -> list[dict]:
    """Approved patients waiting for a place, first approved first. A waiting patient in
    hospital keeps his order; ``admitted_on`` says since when he is in hospital (else None)."""
    rows = list(db.query(
        "SELECT id, name, id_number, town, approved_date FROM patients WHERE programme_status = ? "
        "ORDER BY approved_date, id", [ps.WAITING]))
    for position, row in enumerate(rows, start=1):
        row["position"] = position
        row["admitted_on"] = in_hospital_since(db, row["id"])
    return rows


def next_in_line(db) -> dict | None:
    """The first waiting patient at home — the one a free place goes to. Those ahead of him who
    are in hospital are named in ``skipped`` (each with ``admitted_on``), so the offer can say
    who was passed over and why."""
    skipped = []
    for row in waiting_list(db):
        if row["admitted_on"]:
            skipped.append(row)
            continue
        return dict(row, skipped=skipped)
    return None


def offer_text(first: dict) -> str:
    """The question asked when a place is free: who is proposed, and who was passed over."""
    place = "第一位" if first["position"] == 1 else f"第 {first['position']} 位"
    text = f"是否将候补{place} {first['name']} 纳入？"
    if first.get("skipped"):
        text += "\n" + "；".join(f"候补第 {s['position']} 位 {s['name']} 自 {s['admitted_on']} 起住院治疗，"
                                 "出院后方可纳入，本次跳过" for s in first["skipped"])
    return text


def enrol(db, patient_id: int, date: str, user: dict | None = None) -> dict:
    """Give a waiting patient a free place and issue the rescue card, together. A patient in
    hospital is not "居家" and can't be given a place until discharge; the place goes to the
    next waiting patient at home."""
    with db.atomic():
        admitted = in_hospital_since(db, patient_id)
        if admitted and status(db, patient_id) == ps.WAITING:
            name = db["patients"].get(patient_id)["name"]
            raise StorageError(f"{name} 自 {admitted} 起住院治疗，出院后方可纳入免费服药；名额可给下一位居家的候补患者")
        if places_summary(db)["free"] <= 0:
            raise StorageError(f"名额已满（共 {settings.get(db, 'places')} 个），患者留在候补名单")
        first = next_in_line(db)
        if first and first["id"] != patient_id and status(db, patient_id) == ps.WAITING:
            raise StorageError(f"候补名单按复审通过先后排序：应先纳入 {first['name']}")
        record_event(db, patient_id, ps.ENROL, date, user=user)
        card = cards.current(db, patient_id) or cards.issue(db, patient_id, date, user)
    return card


def approve(db, patient_id: int, date: str, application_id: int, user: dict | None = None) -> str:
    """Final approval: enrolled at once while a place is free, otherwise onto the waiting list."""
    with db.atomic():
        record_event(db, patient_id, ps.APPROVED, date, user=user, application_id=application_id)
        first = next_in_line(db)
        if places_summary(db)["free"] > 0 and first is not None and first["id"] == patient_id:
            enrol(db, patient_id, date, user)
            return ps.ENROLLED
    return ps.WAITING


def admit(db, patient_id: int, date: str, note: str = "", user: dict | None = None) -> str:
    return record_event(db, patient_id, ps.ADMITTED, date, note=note, user=user)


def discharge(db, patient_id: int, date: str, note: str = "", user: dict | None = None) -> str:
    return record_event(db, patient_id, ps.DISCHARGED, date, note=note, user=user)


def leave(db, patient_id: int, date: str, reason: str, note: str = "",
          user: dict | None = None) -> dict | None:
    """Record the leaving; return the next patient in line when that freed a place."""
    with db.atomic():
        held_place = status(db, patient_id) in ps.HOLDS_PLACE
        record_event(db, patient_id, ps.LEAVE, date, reason=reason, note=note, user=user)
        cards.void_on_leaving(db, patient_id, date, user)
    if held_place and places_summary(db)["free"] > 0:
        return next_in_line(db)
    return None


def annual_review(db, patient_id: int, date: str, still_eligible: bool, note: str = "",
                  user: dict | None = None) -> dict | None:
    """The yearly eligibility review; a patient who no longer qualifies leaves the programme."""
    with db.atomic():
        record_event(db, patient_id, ps.ANNUAL_REVIEW, date, reason="passed" if still_eligible else "failed",
                     note=note, user=user)
        if not still_eligible:
            return leave(db, patient_id, date, "ineligible", note or "年度资格审核不通过", user)
    return None


def last_annual_review(db, patient_id: int) -> dict | None:
    rows = list(db.query("SELECT * FROM status_events WHERE patient_id = ? AND kind = ? "
                         "ORDER BY date DESC, id DESC LIMIT 1", [patient_id, ps.ANNUAL_REVIEW]))
    return rows[0] if rows else None


def patients_with_status(db, *statuses: str) -> list[dict]:
    return list(db.query(
        f"SELECT id, name, id_number, town, programme_status, approved_date FROM patients "
        f"WHERE programme_status IN ({','.join('?' * len(statuses))}) ORDER BY name", list(statuses)))
