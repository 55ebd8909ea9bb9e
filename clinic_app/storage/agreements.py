"""Service agreements (Attachment 7): one designated clinic, one year of free medication.

Printing an agreement is not signing it: staff print a copy to read and sign on paper, and the
agreement is recorded only when they confirm "双方已签字" with the signing date (``sign`` /
``renew`` / ``record_signed``) — a patient who refuses to sign leaves nothing recorded. The
signing date is not in the future and not before the patient's enrolment (for a waiting
patient, his approval); the agreement runs one year from it.

Renewal goes through the annual eligibility review: a renewal without a passed review in the
weeks before is refused.
"""
from __future__ import annotations

import datetime as dt

from ..domain import agreement_terms
from ..domain import programme_status as ps
from . import audit, clock, patients, programme, reference
from .errors import StorageError

REVIEW_BEFORE_RENEWAL_DAYS = 90
MAY_SIGN = (ps.WAITING, ps.ENROLLED, ps.PAUSED)


def current(db, patient_id: int, on: str | None = None) -> dict | None:
    on = on or clock.today().isoformat()
    rows = list(db.query(
        "SELECT * FROM agreements WHERE patient_id = ? AND signed_date <= ? AND valid_until >= ? "
        "ORDER BY signed_date DESC, id DESC LIMIT 1", [patient_id, on, on]))
    return rows[0] if rows else None


def latest(db, patient_id: int) -> dict | None:
    rows = list(db.query("SELECT * FROM agreements WHERE patient_id = ? ORDER BY signed_date DESC, id DESC "
                         "LIMIT 1", [patient_id]))
    return rows[0] if rows else None


def history(db, patient_id: int) -> list[dict]:
    return list(db.query("SELECT a.*, c.name AS clinic_name FROM agreements a JOIN clinics c "
                         "ON c.code = a.designated_clinic_code WHERE a.patient_id = ? ORDER BY a.signed_date",
                         [patient_id]))


def sign(db, patient_id: int, clinic_code: str, signed_date: str, user: dict | None = None) -> dict:
    """A first agreement, after the final approval."""
    if latest(db, patient_id):
        raise StorageError("该患者已签过协议；到期请走“续签”（需先完成年度资格审核）")
    return _insert(db, patient_id, clinic_code, signed_date, user, None)


def renew(db, patient_id: int, clinic_code: str, signed_date: str, user: dict | None = None) -> dict:
    previous = latest(db, patient_id)
    if previous is None:
        raise StorageError("该患者还没有协议，请先签订协议")
    review = programme.last_annual_review(db, patient_id)
    signed = check_signing_date(db, patient_id, signed_date)
    if (review is None or review["reason"] != "passed"
            or (signed - dt.date.fromisoformat(review["date"])).days > REVIEW_BEFORE_RENEWAL_DAYS
            or review["date"] > signed_date):
        raise StorageError(f"续签前需完成年度资格审核（签订日前{REVIEW_BEFORE_RENEWAL_DAYS}天内审核通过）",
                           field="annual_review")
    return _insert(db, patient_id, clinic_code, signed_date, user, previous["id"])


def record_signed(db, patient_id: int, clinic_code: str, signed_date: str, user: dict | None = None) -> dict:
    """Both parties signed the printed agreement on ``signed_date``: record it — the first one,
    or a renewal when the patient already had one."""
    store = renew if latest(db, patient_id) else sign
    return store(db, patient_id, clinic_code, signed_date, user)


def check_may_sign(db, patient_id: int, clinic_code: str | None) -> None:
    """Refuse (Chinese) an agreement this patient can't sign with this clinic — checked before a
    copy is printed for signing, and again when the signing is recorded."""
    if clinic_code is None or reference.clinic(db, clinic_code) is None:
        raise StorageError("定点医院只能从附件6《设服药门诊医院名单》中选择", field="clinic_code")
    if programme.status(db, patient_id) not in MAY_SIGN:
        raise StorageError("复审通过（在册或候补）的患者才能签订协议")


def earliest_signing(db, patient_id: int) -> tuple[str, str] | None:
    """(date, what) the agreement can't be signed before: the latest enrolment, or for a patient
    still waiting his latest approval."""
    for event in reversed(programme.events(db, patient_id)):
        if event["kind"] == ps.ENROL:
            return event["date"], "纳入免费服药日期"
        if event["kind"] == ps.APPROVED:
            return event["date"], "复审通过日期"
    return None


def check_signing_date(db, patient_id: int, signed_date: str) -> dt.date:
    try:
        signed = dt.date.fromisoformat(str(signed_date))
    except ValueError:
        raise StorageError(f"签字日期“{signed_date}”不是有效日期，请写作 2026-01-05", field="signed_date") from None
    if signed > clock.today():
        raise StorageError("签字日期不能晚于今天：双方签字后再登记", field="signed_date")
    earliest = earliest_signing(db, patient_id)
    if earliest and signed_date < earliest[0]:
        raise StorageError(f"签字日期不能早于{earliest[1]}（{earliest[0]}）", field="signed_date")
    return signed


def _insert(db, patient_id, clinic_code, signed_date, user, renewed_from) -> dict:
    check_may_sign(db, patient_id, clinic_code)
    signed = check_signing_date(db, patient_id, signed_date)
    row = {"patient_id": patient_id, "designated_clinic_code": clinic_code, "signed_date": signed_date,
           "valid_until": agreement_terms.valid_until(signed).isoformat(), "renewed_from_id": renewed_from,
           "created_at": clock.now(), "created_by": user["id"] if user else None}
    with db.atomic():
        row["id"] = db["agreements"].insert(row).last_pk
        name = patients.get(db, patient_id)["name"]
        verb = "续签" if renewed_from else "签订"
        audit.record(db, audit.CREATE, "agreement", row["id"],
                     f"{verb}服务协议（双方已签字，{signed_date}）：{name}，有效期至 {row['valid_until']}",
                     user=user)
    return row


def expiring(db, today: str, days: int) -> list[dict]:
    """Newest agreement of each patient still in the programme that ends within ``days``."""
    until = (dt.date.fromisoformat(today) + dt.timedelta(days=days)).isoformat()
    return list(db.query(
        "SELECT a.*, p.name, p.id_number, p.town, p.programme_status FROM agreements a "
        "JOIN patients p ON p.id = a.patient_id "
        "WHERE a.id = (SELECT id FROM agreements WHERE patient_id = a.patient_id "
        "              ORDER BY signed_date DESC, id DESC LIMIT 1) "
        "AND a.valid_until <= ? AND p.programme_status IN ('waiting', 'enrolled', 'paused') "
        "ORDER BY a.valid_until", [until]))
