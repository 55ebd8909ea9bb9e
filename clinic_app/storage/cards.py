"""Rescue card numbers (救助卡编号), issued at enrolment and numbered per town.

A lost card is reported: its number becomes void for good, and a new number is issued when the
patient comes for the replacement (costs while the card was lost are the patient's own, 五、(一)9).
"""
from __future__ import annotations

from . import audit, clock, patients
from .errors import StorageError

ACTIVE, LOST, VOID = "active", "lost", "void"
STATUS_LABELS = {ACTIVE: "有效", LOST: "已挂失（作废）", VOID: "已作废（退出项目）"}
NUMBER_WIDTH = 4


def _next_seq(db, town: str) -> int:
    row = db.execute("SELECT max(seq) FROM rescue_cards WHERE town = ?", [town]).fetchone()
    return (row[0] or 0) + 1


def display_number(card: dict) -> str:
    return f"{card['town']} {card['number']}"


def current(db, patient_id: int) -> dict | None:
    rows = list(db.query("SELECT * FROM rescue_cards WHERE patient_id = ? AND status = ? "
                         "ORDER BY id DESC LIMIT 1", [patient_id, ACTIVE]))
    return rows[0] if rows else None


def valid_on(db, patient_id: int, day: str) -> dict | None:
    """The card the patient held on ``day``: issued on or before it, and not lost or voided by
    then (a card lost or voided on ``day`` is no longer valid that day). The newest such card."""
    rows = list(db.query(
        "SELECT * FROM rescue_cards WHERE patient_id = ? AND issued_date <= ? "
        "AND NOT (status = ? AND coalesce(lost_date, '') <= ?) "
        "AND NOT (status = ? AND coalesce(void_date, '') <= ?) ORDER BY issued_date DESC, id DESC LIMIT 1",
        [patient_id, day, LOST, day, VOID, day]))
    return rows[0] if rows else None


def lost_on(db, patient_id: int, day: str) -> dict | None:
    """The card lost on or before ``day`` whose replacement was not yet issued by then."""
    rows = list(db.query(
        "SELECT c.* FROM rescue_cards c WHERE c.patient_id = ? AND c.status = ? AND c.lost_date <= ? "
        "AND NOT EXISTS (SELECT 1 FROM rescue_cards n WHERE n.replaces_id = c.id AND n.issued_date <= ?) "
        "ORDER BY c.lost_date DESC, c.id DESC LIMIT 1", [patient_id, LOST, day, day]))
    return rows[0] if rows else None


def history(db, patient_id: int) -> list[dict]:
    return list(db.query("SELECT * FROM rescue_cards WHERE patient_id = ? ORDER BY id", [patient_id]))


def awaiting_reissue(db, patient_id: int) -> dict | None:
    """The lost card, when the newest card of this patient is lost and no new one was issued."""
    rows = list(db.query("SELECT * FROM rescue_cards WHERE patient_id = ? ORDER BY id DESC LIMIT 1",
                         [patient_id]))
    return rows[0] if rows and rows[0]["status"] == LOST else None


def issue(db, patient_id: int, issued_date: str, user: dict | None = None,
          replaces_id: int | None = None) -> dict:
    patient = patients.get(db, patient_id)
    town = patient.get("town")
    if not town:
        raise StorageError("患者未填写镇（街），无法按镇编号发卡")
    with db.atomic():
        if current(db, patient_id):
            raise StorageError("该患者已有有效的救助卡，如已遗失请先挂失")
        seq = _next_seq(db, town)
        card = {"patient_id": patient_id, "town": town, "seq": seq,
                "number": str(seq).zfill(NUMBER_WIDTH), "issued_date": issued_date,
                "status": ACTIVE, "replaces_id": replaces_id, "created_at": clock.now(),
                "created_by": user["id"] if user else None}
        card["id"] = db["rescue_cards"].insert(card).last_pk
        patients.refresh_search_keys(db, patient_id)
        verb = "补发" if replaces_id else "发放"
        audit.record(db, audit.CREATE, "rescue_card", card["id"],
                     f"{verb}救助卡 {display_number(card)}：{patient['name']}", user=user)
    return card


def report_lost(db, patient_id: int, lost_date: str, user: dict | None = None) -> dict:
    card = current(db, patient_id)
    if card is None:
        raise StorageError("该患者没有有效的救助卡")
    if lost_date < card["issued_date"]:
        raise StorageError("挂失日期不能早于发卡日期", field="lost_date")
    with db.atomic():
        db["rescue_cards"].update(card["id"], {"status": LOST, "lost_date": lost_date,
                                               "void_reason": "遗失挂失"})
        patients.refresh_search_keys(db, patient_id)
        audit.record(db, audit.UPDATE, "rescue_card", card["id"],
                     f"挂失救助卡 {display_number(card)}，原编号作废", user=user)
    return db["rescue_cards"].get(card["id"])


def reissue(db, patient_id: int, issued_date: str, user: dict | None = None) -> dict:
    lost = awaiting_reissue(db, patient_id)
    if lost is None:
        raise StorageError("该患者没有待补发的挂失救助卡")
    if issued_date < lost["lost_date"]:
        raise StorageError("补发日期不能早于挂失日期", field="issued_date")
    return issue(db, patient_id, issued_date, user, replaces_id=lost["id"])


def void_on_leaving(db, patient_id: int, date: str, user: dict | None = None) -> None:
    """Leaving ends the card's use (封三 note 3); a patient approved again gets a new number."""
    card = current(db, patient_id)
    if card is None:
        return
    with db.atomic():
        db["rescue_cards"].update(card["id"], {"status": VOID, "void_reason": f"退出项目（{date}）",
                                               "void_date": date})
        patients.refresh_search_keys(db, patient_id)
        audit.record(db, audit.UPDATE, "rescue_card", card["id"],
                     f"退出项目，救助卡 {display_number(card)} 作废", user=user)
