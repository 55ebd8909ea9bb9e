"""The patient's papers of the programme, printed from wherever staff are: the approval form
(Attachment 4) with its document checklist page — of the latest application round, or of the
application being taken — and the agreement (Attachment 7) to read and sign. Each goes through
the print preview (``ui.printing``); printing the agreement never records it as signed."""
from __future__ import annotations

from ...domain.errors import ClinicError
from ...documents import jobs
from ...services import printing
from ...storage import patients
from .. import messages

APPLICATION_TITLE = "服药审批表"


def print_application_form(flow, session, patient_id: int, draft: dict | None = None) -> bool:
    """Draw the form (audited by the use case) on a worker thread and open the preview."""
    name = patients.get(session.db, patient_id)["name"]
    user = session.user
    return flow.start("application", APPLICATION_TITLE, f"{APPLICATION_TITLE}_{name}.pdf",
                      op=lambda db, out: printing.print_application(db, user, patient_id, out, draft=draft))


def print_agreement_to_read(flow, session, patient_id: int, parent=None) -> bool:
    """An unsigned agreement to read (and sign on paper): the designated clinic of the last
    agreement, else this clinic, dates left to be written by hand. Nothing is recorded as
    signed — that is 双方已签字 (``enrolment.record_agreement_signed``)."""
    try:
        job = printing.gather_agreement_draft(session.db, patient_id)
    except ClinicError as exc:
        messages.error(parent, "无法打印服务协议", exc.message)
        return False
    name = job.patient["name"]
    return flow.start("agreement", "服务协议（待签字）", f"服务协议_{name}_待签字.pdf",
                      fn=lambda out: jobs.write_agreement(job, out),
                      on_ready=lambda _document: printing.record_agreement_print(session.db, session.user, job))
