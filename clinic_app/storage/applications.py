"""Applications and their two reviews (section 五、(一)): received at the clinic, initial review
within 5 working days, sent to the programme office by the 20th, final review recorded when the
office's answer comes back. Every round stays; a resubmission is a new round."""
from __future__ import annotations

import datetime as dt
import json

from ..domain import applications as ap
from ..domain import eligibility
from ..domain import programme_status as ps
from . import audit, clock, holidays, patients, programme, settings
from .errors import StorageError

_JSON = ("documents", "subsidies")


def _decode(row: dict) -> dict:
    for key in _JSON:
        row[key] = json.loads(row[key]) if row.get(key) else ({} if key == "documents" else [])
    row["state"] = ap.state(row)
    return row


def get(db, application_id: int) -> dict:
    """One round, with ``application_day_note`` when it was received off the application day."""
    rows = list(db.query("SELECT * FROM applications WHERE id = ?", [application_id]))
    if not rows:
        raise StorageError("找不到该申请")
    return _with_note(db, _decode(rows[0]))


def for_patient(db, patient_id: int) -> list[dict]:
    return [_with_note(db, _decode(r)) for r in db.query(
        "SELECT * FROM applications WHERE patient_id = ? ORDER BY round, id", [patient_id])]


def latest(db, patient_id: int) -> dict | None:
    rounds = for_patient(db, patient_id)
    return rounds[-1] if rounds else None


def household_size(db, patient: dict) -> int:
    """Patients of the household still in it: one who left the programme (moved away, died)
    no longer makes the household's guardianship weak."""
    return db.execute("SELECT count(*) FROM patients WHERE household_id = ? "
                      "AND coalesce(programme_status, '') != ?",
                      [patient["household_id"], ps.LEFT]).fetchone()[0]


def check_eligibility(db, patient_id: int, on: dt.date, annual_review: bool = False) -> eligibility.Eligibility:
    """As the patient stood on ``on``: a stay in hospital open that day fails 居家 (三、(一)),
    naming the admission date — an inpatient applies after discharge (五、(一)6(2)). For the
    annual review a stay does not count against the patient: he keeps his place until
    discharge (六(三))."""
    patient = patients.get(db, patient_id)
    if annual_review:
        return eligibility.assess(patient, on, household_size(db, patient))
    state = programme.state(db, patient_id, on.isoformat())
    return eligibility.assess(patient, on, household_size(db, patient), state.status, state.admitted_on)


def document_requirements(db, patient_id: int, on: dt.date | None = None) -> dict[str, str]:
    """Which of the six documents this applicant hands in (必交 / 如有 / 不适用), from what he
    qualifies on — the one answer the dialogs, the initial review and the printout all use."""
    on = on or clock.today()
    return ap.document_requirements(check_eligibility(db, patient_id, on, annual_review=True))


def requirements_of(db, app: dict) -> dict[str, str]:
    """The requirements of an application round, as of the day it was received."""
    return document_requirements(db, app["patient_id"], dt.date.fromisoformat(app["received_date"]))


def iso_date(text: str, label: str, not_after: dt.date | None = None, field: str | None = None) -> dt.date:
    """A date from the UI or the CLI, refused in Chinese rather than with a ValueError, naming
    ``field`` (the argument it came in) so a screen shows the refusal beside that date."""
    try:
        day = dt.date.fromisoformat(str(text))
    except ValueError:
        raise StorageError(f"{label}“{text}”不是有效日期，请写作 2026-01-05", field=field) from None
    if not_after and day > not_after:
        raise StorageError(f"{label}不能晚于今天", field=field)
    return day


def create(db, patient_id: int, received_date: str, documents: dict | None = None,
           village_opinion: str = "", village_opinion_date: str | None = None, note: str = "",
           user: dict | None = None) -> dict:
    """Take an application. Refused, with the reasons, for an ineligible patient, a patient whose
    previous round is still open, or one already in the programme."""
    received = iso_date(received_date, "受理日期", not_after=clock.today(), field="received_date")
    with db.atomic():
        patient = patients.get(db, patient_id)
        previous = latest(db, patient_id)
        if previous and previous["state"] not in ap.CLOSED:
            raise StorageError(f"该患者第 {previous['round']} 轮申请尚在审核中（{ap.STATE_LABELS[previous['state']]}）")
        if patient.get("programme_status") in (ps.WAITING, ps.ENROLLED, ps.PAUSED):
            raise StorageError(f"该患者已{ps.STATUS_LABELS[patient['programme_status']]}，无需再次申请")
        result = check_eligibility(db, patient_id, received)
        if not result.eligible:
            raise StorageError("不符合申请条件：\n" + "\n".join(result.missing), field="eligibility")
        admitted = programme.in_hospital_since(db, patient_id)
        if admitted:  # received before the stay but entered during it: still after discharge
            raise StorageError(f"不符合申请条件：\n居家（未住院）：自 {admitted} 起住院治疗，出院后方可申请",
                               field="eligibility")
        row = {
            "patient_id": patient_id, "round": (previous["round"] + 1) if previous else 1,
            "previous_id": previous["id"] if previous and previous["state"] in ap.REJECTED else None,
            "received_date": received_date,
            "documents": json.dumps(documents or ap.empty_checklist(), ensure_ascii=False),
            "village_opinion": village_opinion, "village_opinion_date": village_opinion_date,
            "subsidies": json.dumps(patient.get("subsidies") or [], ensure_ascii=False), "note": note,
            "created_at": clock.now(), "created_by": user["id"] if user else None,
        }
        app_id = db["applications"].insert(row).last_pk
        off_day = application_day_note(db, received)   # accepted, with the note kept in the audit
        audit.record(db, audit.CREATE, "application", app_id,
                     f"受理第 {row['round']} 轮申请：{patient['name']}（{received_date}）"
                     + (f"；{off_day}" if off_day else ""), user=user)
    return get(db, app_id)


def update_documents(db, application_id: int, documents: dict, village_opinion: str = "",
                     village_opinion_date: str | None = None, user: dict | None = None) -> dict:
    app = get(db, application_id)
    if app["state"] != ap.SUBMITTED:
        raise StorageError("初审后材料清单不能再修改")
    with db.atomic():
        db["applications"].update(application_id, {
            "documents": json.dumps(documents, ensure_ascii=False),
            "village_opinion": village_opinion, "village_opinion_date": village_opinion_date})
        audit.record(db, audit.UPDATE, "application", application_id, "修改申请材料清单", user=user)
    return get(db, application_id)


def application_day(db, in_month: dt.date) -> dt.date:
    """The month's application day: the 10th, or the next working day (五、(一)2)."""
    return holidays.calendar(db).application_day(in_month.year, in_month.month)


def application_day_note(db, received) -> str | None:
    """The note for an application received on another day than its month's application day
    (``None`` on the day itself), from the holiday calendar as it now stands."""
    day = received if isinstance(received, dt.date) else iso_date(received, "受理日期")
    return ap.application_day_note(day, application_day(db, day))


def _with_note(db, app: dict) -> dict:
    app["application_day_note"] = application_day_note(db, app["received_date"])
    return app


def schedule(db, app: dict):
    return holidays.calendar(db).schedule(dt.date.fromisoformat(app["received_date"]))


def record_initial_review(db, application_id: int, decision: str, reviewer: str, date: str,
                          reason: str = "", late_reason: str = "", user: dict | None = None) -> dict:
    """The clinic's initial review. A rejection needs its reason; a review after the 5-working-day
    deadline needs the reason for the delay, which is kept with it."""
    app = get(db, application_id)
    if app["state"] != ap.SUBMITTED:
        raise StorageError(f"该申请已{ap.STATE_LABELS[app['state']]}，不能再次初审")
    if decision not in ap.INITIAL_DECISIONS:
        raise StorageError("请选择初审结论", field="decision")
    if not reviewer.strip():
        raise StorageError("请填写初审人", field="reviewer")
    iso_date(date, "初审日期", field="date")
    if date < app["received_date"]:
        raise StorageError("初审日期不能早于受理日期", field="date")
    if decision == "rejected" and not reason.strip():
        raise StorageError("初审不通过时请写明理由", field="reason")
    if decision == "passed":
        missing = ap.missing_documents(app["documents"], requirements_of(db, app))
        if missing:
            raise StorageError("材料不齐，不能通过初审：\n" + "\n".join(missing), field="documents")
    due = schedule(db, app).initial_review_due
    if dt.date.fromisoformat(date) > due and not late_reason.strip():
        raise StorageError(f"已超过初审期限（{due.isoformat()}，受理后5个工作日），请填写逾期原因",
                           field="late_reason")
    text = reason.strip()
    if late_reason.strip():
        text = (text + "；" if text else "") + f"逾期原因：{late_reason.strip()}"
    with db.atomic():
        db["applications"].update(application_id, {
            "initial_decision": decision, "initial_reviewer": reviewer.strip(), "initial_date": date,
            "initial_reason": text})
        audit.record(db, audit.UPDATE, "application", application_id,
                     f"初审{ap.INITIAL_DECISIONS[decision]}（{reviewer.strip()}，{date}）", user=user)
    return get(db, application_id)


def mark_sent_to_office(db, application_id: int, date: str, user: dict | None = None) -> dict:
    app = get(db, application_id)
    if app["state"] != ap.AWAITING_FINAL:
        raise StorageError("只有初审通过、待复审的申请才能报送免费服药办公室")
    iso_date(date, "报送日期", field="date")
    if date < app["initial_date"]:
        raise StorageError("报送日期不能早于初审日期", field="date")
    with db.atomic():
        db["applications"].update(application_id, {"sent_to_office_date": date})
        audit.record(db, audit.UPDATE, "application", application_id, f"报送免费服药办公室复审（{date}）",
                     user=user)
    return get(db, application_id)


def record_final_review(db, application_id: int, decision: str, reviewer: str, date: str,
                        reason: str = "", user: dict | None = None) -> dict:
    """The programme office's answer. Approval enrols the patient while a place is free (and
    issues the rescue card), otherwise puts him on the waiting list — in the same transaction."""
    app = get(db, application_id)
    if app["state"] != ap.AWAITING_FINAL:
        raise StorageError(f"该申请{ap.STATE_LABELS[app['state']]}，不能登记复审结果")
    if decision not in ap.FINAL_DECISIONS:
        raise StorageError("请选择复审结论", field="decision")
    if not reviewer.strip():
        raise StorageError("请填写复审人", field="reviewer")
    iso_date(date, "复审日期", field="date")
    if date < app["initial_date"]:
        raise StorageError("复审日期不能早于初审日期", field="date")
    if app["sent_to_office_date"] and date < app["sent_to_office_date"]:
        raise StorageError(f"复审日期不能早于报送日期（{app['sent_to_office_date']}）", field="date")
    if decision == "rejected" and not reason.strip():
        raise StorageError("复审不同意时请写明理由", field="reason")
    with db.atomic():
        db["applications"].update(application_id, {
            "final_decision": decision, "final_reviewer": reviewer.strip(), "final_date": date,
            "final_reason": reason.strip(),
            "sent_to_office_date": app["sent_to_office_date"] or app["initial_date"]})
        audit.record(db, audit.UPDATE, "application", application_id,
                     f"复审{ap.FINAL_DECISIONS[decision]}（{reviewer.strip()}，{date}）", user=user)
        outcome = None
        if decision == "approved":
            outcome = programme.approve(db, app["patient_id"], date, application_id, user)
    result = get(db, application_id)
    result["outcome"] = outcome
    return result


def deadlines(db, today: dt.date) -> list[dict]:
    """Open applications with their due dates and how close they are, most urgent first."""
    cal = holidays.calendar(db)
    warn = settings.get(db, "deadline_warning_days")
    out = []
    for row in db.query(
            "SELECT a.*, p.name, p.id_number, p.town FROM applications a JOIN patients p "
            "ON p.id = a.patient_id WHERE a.initial_decision IS NULL "
            "OR (a.initial_decision = 'passed' AND a.final_decision IS NULL)"):
        row = _decode(row)
        plan = cal.schedule(dt.date.fromisoformat(row["received_date"]))
        if row["state"] == ap.SUBMITTED:
            step, due = "初审", plan.initial_review_due
        elif not row["sent_to_office_date"]:
            step, due = "报送复审", plan.office_deadline
        else:
            step, due = "等待复审结果", None
        row.update(step=step, due=due.isoformat() if due else None, note=plan.note,
                   deadline_state=cal.deadline_state(due, today, warn) if due else "ok")
        out.append(row)
    order = {"overdue": 0, "due_soon": 1, "ok": 2}
    return sorted(out, key=lambda r: (order[r["deadline_state"]], r["due"] or "9999"))
