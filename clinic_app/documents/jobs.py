"""What a print job hands its renderer, and the renderers' steps that need no database.

Gathering a document's data, and recording who printed it, are the work of
``services.printing`` (one use case per print, the plan's privacy rule 七、(二)); here are only
the plain data they gather into and the writing step, which a window runs off the UI thread.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ..storage.errors import StorageError

PDF, XLSX = ".pdf", ".xlsx"
REGISTER_FORMATS = {PDF: "PDF", XLSX: "Excel"}
REGISTER_NAME = "患者登记名单"


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


def write_agreement(job: AgreementJob, out) -> Path:
    """The slow part, safe off the UI thread: no database."""
    from .agreement import render_agreement

    render_agreement(out, job.patient, job.clinic_name, job.signed, copies=2)
    return Path(out) if isinstance(out, (str, Path)) else out


# --- Attachment 8: the patient register ----------------------------------------------------

@dataclass
class RegisterJob:
    """Everything the register's renderers need, read from the database in one go."""
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
