"""Print jobs: gather one document's data from the database, hand it to its renderer, and record
in the audit trail who printed (or exported) what — the plan's privacy rule (七、(二)) asks that
every printed patient record be traceable.

The renderers know nothing of the database; the windows and the ``clinic-app print`` command know
nothing of the renderers. The register is split in three steps (gather, write, record) so a
window can do the slow writing off the UI thread and the two database steps on it.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ..storage import agreements, applications, audit, clock, patients, reference, settings
from ..storage import register as register_store
from ..storage.errors import StorageError

PDF, XLSX = ".pdf", ".xlsx"
REGISTER_FORMATS = {PDF: "PDF", XLSX: "Excel"}
REGISTER_NAME = "患者登记名单"


def clinic_name(db) -> str:
    """This clinic's name as chosen in the first-start wizard ("" before that)."""
    clinic = reference.clinic(db, settings.get(db, "clinic_code"))
    return clinic["name"] if clinic else ""


def _who(user: dict | None) -> str:
    return (user or {}).get("display_name") or (user or {}).get("username") or ""


# --- Attachment 4: the application form ----------------------------------------------------

def print_application(db, patient_id: int, out, user: dict | None = None) -> Path:
    """The approval form of the patient's latest application round (a blank one, dated by hand,
    when none was taken yet), prefilled from the record, with the photo when there is one."""
    from .application_form import render_application_form

    patient = patients.get(db, patient_id)
    application = applications.latest(db, patient_id)
    photo = patients.get_photo(db, patient_id)
    if application:
        application = dict(application, requirements=applications.requirements_of(db, application))
    render_application_form(out, patient, application, patient.get("town") or "", photo)
    what = f"第 {application['round']} 轮申请" if application else "空白申请"
    audit.record(db, audit.PRINT, "patient", patient_id,
                 f"打印服药审批表：{patient['name']}（{what}）",
                 detail={"document": "application_form",
                         "application_id": application["id"] if application else None},
                 user=user)
    return Path(out)


# --- Attachment 7: the service agreement ---------------------------------------------------

@dataclass
class AgreementJob:
    """What printing an agreement needs, read on the thread that owns the database. A draft is
    printed to be read and signed on paper (``agreement_id`` None: nothing is recorded as signed
    until staff confirm 双方已签字); otherwise it is a reprint (补打) of a signed agreement."""
    agreement_id: int | None
    patient: dict
    clinic_name: str
    signed: dt.date | None
    draft: bool = False
    clinic_code: str | None = None


def gather_agreement(db, patient_id: int) -> AgreementJob:
    """The newest signed agreement, for a reprint (补打)."""
    patient = patients.get(db, patient_id)
    agreement = agreements.latest(db, patient_id)
    if agreement is None:
        raise StorageError(f"{patient['name']} 还没有签订服务协议，无协议可打印")
    clinic = reference.clinic(db, agreement["designated_clinic_code"])
    name = clinic["name"] if clinic else agreement["designated_clinic_code"]
    return AgreementJob(agreement["id"], patient, name, dt.date.fromisoformat(agreement["signed_date"]),
                        clinic_code=agreement["designated_clinic_code"])


def gather_agreement_draft(db, patient_id: int, clinic_code: str | None = None,
                           planned: dt.date | None = None) -> AgreementJob:
    """A copy to sign: the designated clinic (by default the previous agreement's, else this
    clinic) and the planned signing date (None leaves the dates to be written by hand)."""
    patient = patients.get(db, patient_id)
    previous = agreements.latest(db, patient_id)
    code = clinic_code or (previous or {}).get("designated_clinic_code") or settings.get(db, "clinic_code")
    try:
        agreements.check_may_sign(db, patient_id, code)
    except StorageError as exc:
        if previous is None:
            raise StorageError(f"{patient['name']} 还没有签订服务协议，也不能打印待签字的协议：{exc.message}", field=exc.field) from None
        raise
    return AgreementJob(None, patient, reference.clinic(db, code)["name"], planned, draft=True, clinic_code=code)


def write_agreement(job: AgreementJob, out) -> Path:
    """The slow part, safe off the UI thread: no database."""
    from .agreement import render_agreement

    render_agreement(out, job.patient, job.clinic_name, job.signed, copies=2)
    return Path(out)


def record_agreement(db, job: AgreementJob, user: dict | None = None) -> None:
    """A draft is audited as a print of the patient's record (nothing is signed yet); a reprint
    of a signed agreement as 补打 of that agreement."""
    name = job.patient["name"]
    if job.draft:
        when = f"拟 {job.signed.isoformat()} 签字" if job.signed else "日期待手写"
        audit.record(db, audit.PRINT, "agreement", None,
                     f"打印服务协议（待签字，未登记为已签订）：{name}（{job.clinic_name}，{when}，一式两份）",
                     detail={"document": "agreement_draft", "patient_id": job.patient["id"],
                             "clinic_code": job.clinic_code}, user=user)
        return
    audit.record(db, audit.PRINT, "agreement", job.agreement_id,
                 f"补打服务协议：{name}（{job.signed.isoformat()} 签订，一式两份）",
                 detail={"document": "agreement", "patient_id": job.patient["id"], "reprint": True}, user=user)


def print_agreement(db, patient_id: int, out, user: dict | None = None, *, draft: bool = False,
                    clinic_code: str | None = None, planned: dt.date | None = None) -> Path:
    """Print only — never records a signing. The newest signed agreement again (补打) when there
    is one and no ``draft`` is asked for; otherwise a copy to sign (two copies either way)."""
    if draft or agreements.latest(db, patient_id) is None:
        job = gather_agreement_draft(db, patient_id, clinic_code, planned)
    else:
        job = gather_agreement(db, patient_id)
    path = write_agreement(job, out)
    record_agreement(db, job, user)
    return path


# --- Attachment 8: the patient register ----------------------------------------------------

@dataclass
class RegisterJob:
    """Everything the register's renderer needs, read from the database in one go."""
    rows: list[dict]
    clinic_name: str
    filled_by: str
    filled_date: dt.date


def register_format(out) -> str:
    """``.pdf`` or ``.xlsx`` from the file name; anything else is refused in Chinese."""
    suffix = Path(str(out)).suffix.lower()
    if suffix not in REGISTER_FORMATS:
        raise StorageError(f"登记名单只能保存为 PDF（.pdf）或 Excel（.xlsx）文件，而不是“{suffix or '无扩展名'}”")
    return suffix


def gather_register(db, user: dict | None = None, today: dt.date | None = None) -> RegisterJob:
    rows = register_store.register_rows(db)
    if not rows:
        raise StorageError("没有在册或住院暂停的患者，登记名单为空")
    return RegisterJob(rows, clinic_name(db), _who(user), today or clock.today())


def write_register(out, job: RegisterJob) -> Path:
    """The slow step: no database access, safe to run on a worker thread."""
    args = (out, job.rows, job.clinic_name, job.filled_by, job.filled_date)
    if register_format(out) == XLSX:
        from ..exchange.register_xlsx import write_register_xlsx

        write_register_xlsx(*args)
    else:
        from .register import render_register_pdf

        render_register_pdf(*args)
    return Path(out)


def record_register(db, out, job: RegisterJob, user: dict | None = None) -> dict:
    """The audit row: PRINT for the PDF, EXPORT for the Excel file, naming how many patients."""
    exported = register_format(out) == XLSX
    verb = "导出" if exported else "打印"
    return audit.record(db, audit.EXPORT if exported else audit.PRINT, "register", None,
                        f"{verb}{REGISTER_NAME}（{len(job.rows)} 名患者）：{Path(out).name}",
                        detail={"document": "register", "rows": len(job.rows),
                                "patient_ids": [r["patient_id"] for r in job.rows]},
                        user=user)


def print_register(db, out, user: dict | None = None) -> Path:
    """Attachment 8 as a PDF or an Excel file, chosen by the file name's suffix."""
    register_format(out)
    job = gather_register(db, user)
    path = write_register(out, job)
    record_register(db, out, job, user)
    return path
