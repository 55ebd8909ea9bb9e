"""Printing: one use case per document a patient's record goes onto paper in.

The plan's privacy rule (七、(二)) asks that every printed patient record be traceable, so each
print is a use case: the acting user's right (``patient.print`` for one patient's papers,
``lists.print`` for the register and the work lists), the data gathered through storage reads,
the document drawn by its renderer in ``documents`` (data → PDF, nothing else), and then, in one
transaction, what the print changes: the audit row, and for the rescue card the lines its
collections were given and their print time.

The agreement and the register are also offered in steps (gather; write, safe off the UI thread;
record) so a window can draw on a pool thread and record afterwards; the recording step is a use
case of its own, with the same right. The calibration page shows no patient and needs no right.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from ..documents import card_layout as CL
from ..documents.card_data import VOID, CardData, SlipData, SlipLine
from ..documents.jobs import (PDF, REGISTER_FORMATS, REGISTER_NAME, XLSX, AgreementJob,  # noqa: F401
                              RegisterJob, register_format, write_agreement)
from ..domain import idnumber
from ..storage import agreements, applications, audit, cards, card_rows, clock, patients, reference, settings
from ..storage import register as register_store
from ..storage.errors import StorageError
from .use_case import use_case

CARD_NAME = "救助卡"
PATIENT_RIGHT = "patient.print"
LISTS_RIGHT = "lists.print"


def clinic_name(db) -> str:
    """This clinic's name as chosen in the first-start wizard ("" before that)."""
    clinic = reference.clinic(db, settings.get(db, "clinic_code"))
    return clinic["name"] if clinic else ""


def _who(user: dict | None) -> str:
    return (user or {}).get("display_name") or (user or {}).get("username") or ""


def _result(out):
    """The written file as a ``Path``; a file object written to is handed back as it is."""
    return Path(out) if isinstance(out, (str, Path)) or hasattr(out, "__fspath__") else out


# --- Attachment 4: the application form ----------------------------------------------------

@use_case(PATIENT_RIGHT)
def print_application(db, actor, patient_id: int, out, draft: dict | None = None) -> Path:
    """The approval form of the patient's latest application round (a blank one, dated by hand,
    when none was taken yet), prefilled from the record, with the photo when there is one, and
    its document checklist page once anything on it is ticked. ``draft`` is an application
    being taken (受理申请 not yet saved): its received date, checklist and village opinion are
    printed instead, and nothing is stored."""
    from ..documents.application_form import render_application_form

    patient = patients.get(db, patient_id)
    photo = patients.get_photo(db, patient_id)
    if draft is not None:
        application = dict(draft, requirements=applications.document_requirements(db, patient_id))
        what = "受理中的申请，未保存"
    else:
        application = applications.latest(db, patient_id)
        if application:
            application = dict(application, requirements=applications.requirements_of(db, application))
        what = f"第 {application['round']} 轮申请" if application else "空白申请"
    render_application_form(out, patient, application, patient.get("town") or "", photo)
    audit.record(db, audit.PRINT, "patient", patient_id,
                 f"打印服药审批表：{patient['name']}（{what}）",
                 detail={"document": "application_form", "draft": draft is not None,
                         "application_id": application["id"] if application and draft is None else None},
                 user=actor)
    return _result(out)


# --- Attachment 7: the service agreement ---------------------------------------------------

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
            raise StorageError(f"{patient['name']} 还没有签订服务协议，也不能打印待签字的协议：{exc.message}",
                               field=exc.field) from None
        raise
    return AgreementJob(None, patient, reference.clinic(db, code)["name"], planned, draft=True, clinic_code=code)


def _record_agreement(db, job: AgreementJob, user: dict) -> None:
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


@use_case(PATIENT_RIGHT)
def record_agreement_print(db, actor, job: AgreementJob) -> None:
    """After ``write_agreement``: a draft is audited as a print of the patient's record (nothing
    is signed yet); a reprint of a signed agreement as 补打 of that agreement."""
    _record_agreement(db, job, actor)


@use_case(PATIENT_RIGHT)
def print_agreement(db, actor, patient_id: int, out, *, draft: bool = False, clinic_code: str | None = None,
                    planned: dt.date | None = None) -> Path:
    """Print only — never records a signing. The newest signed agreement again (补打) when there
    is one and no ``draft`` is asked for; otherwise a copy to sign (two copies either way)."""
    if draft or agreements.latest(db, patient_id) is None:
        job = gather_agreement_draft(db, patient_id, clinic_code, planned)
    else:
        job = gather_agreement(db, patient_id)
    path = write_agreement(job, out)
    _record_agreement(db, job, actor)
    return path


# --- Attachment 8: the patient register ----------------------------------------------------

def gather_register(db, user: dict | None = None, today: dt.date | None = None) -> RegisterJob:
    rows = register_store.register_rows(db)
    if not rows:
        raise StorageError("没有在册或住院暂停的患者，登记名单为空")
    return RegisterJob(rows, clinic_name(db), _who(user), today or clock.today())


def _format_of(out) -> str:
    """``.pdf`` / ``.xlsx`` from a file name; a file object in memory (to print) is a PDF."""
    return register_format(out) if isinstance(out, (str, Path)) else PDF


def write_register(out, job: RegisterJob):
    """The slow step: no database access, safe to run on a worker thread. The PDF is drawn by
    ``documents.register``, the Excel file by ``exchange.register_xlsx``."""
    args = (out, job.rows, job.clinic_name, job.filled_by, job.filled_date)
    if _format_of(out) == XLSX:
        from ..exchange.register_xlsx import write_register_xlsx

        write_register_xlsx(*args)
    else:
        from ..documents.register import render_register_pdf

        render_register_pdf(*args)
    return _result(out)


def _record_register(db, out, job: RegisterJob, user: dict) -> dict:
    exported = _format_of(out) == XLSX
    verb = "导出" if exported else "打印"
    where = f"：{Path(out).name}" if isinstance(out, (str, Path)) else ""
    return audit.record(db, audit.EXPORT if exported else audit.PRINT, "register", None,
                        f"{verb}{REGISTER_NAME}（{len(job.rows)} 名患者）{where}",
                        detail={"document": "register", "rows": len(job.rows),
                                "patient_ids": [r["patient_id"] for r in job.rows]},
                        user=user)


@use_case(LISTS_RIGHT)
def record_register_print(db, actor, out, job: RegisterJob) -> dict:
    """After ``write_register``: PRINT for the PDF, EXPORT for the Excel file, naming how many."""
    return _record_register(db, out, job, actor)


@use_case(LISTS_RIGHT)
def print_register(db, actor, out) -> Path:
    """Attachment 8 as a PDF or an Excel file, chosen by the file name's suffix (a file object
    in memory gets the PDF)."""
    _format_of(out)
    job = gather_register(db, actor)
    path = write_register(out, job)
    _record_register(db, out, job, actor)
    return path


# --- the work lists ------------------------------------------------------------------------

@use_case(LISTS_RIGHT)
def record_work_list(db, actor, action: str, path, title: str, patient_ids: list[int]) -> dict:
    """A work list as shown on screen was printed (``audit.PRINT``) or exported (``audit.EXPORT``)
    to ``path``: the window draws the file from what it shows, this records who and whom."""
    if action not in (audit.PRINT, audit.EXPORT):
        raise ValueError(f"not a print or an export: {action}")
    verb = "打印" if action == audit.PRINT else "导出"
    path = Path(path)
    return audit.record(db, action, "work_list", title,
                        f"{verb}工作清单“{title}”（{len(patient_ids)} 名）：{path.name}",
                        detail={"file": str(path), "patient_ids": patient_ids, "rows": len(patient_ids)},
                        user=actor)


# --- the rescue card (Attachment 5): settings and data ---------------------------------------

def card_page_size(db) -> str:
    """The card paper from the settings; an unknown value is refused in Chinese."""
    try:
        return CL.normalize_size(settings.get(db, "card_page_size"))
    except ValueError as exc:
        raise StorageError(f"{exc}，请在设置中改正") from None


def card_offsets_mm(db) -> tuple[float, float]:
    """The printer calibration in millimetres (stored in tenths of a millimetre)."""
    return (settings.get(db, "card_offset_x_tenth_mm") / 10,
            settings.get(db, "card_offset_y_tenth_mm") / 10)


def _active_card(db, patient: dict) -> dict:
    card = cards.current(db, patient["id"])
    if card is None:
        raise StorageError(f"{patient['name']} 没有有效的救助卡，无卡可打印")
    return card


def _age(patient: dict, on) -> int | None:
    on = dt.date.fromisoformat(str(on)[:10]) if on else clock.today()
    birth = patient.get("birth_date")
    try:
        born = dt.date.fromisoformat(str(birth)[:10]) if birth else idnumber.parse(patient["id_number"]).birth_date
    except Exception:  # an old number that does not decode: the age is written by hand
        return None
    return idnumber.age_on(born, on)


def _user_name(db, user_id) -> str:
    return card_rows.user_names(db, [user_id]).get(user_id, "") if user_id else ""


def _designated_clinic(db, patient_id: int) -> str:
    agreement = agreements.latest(db, patient_id)
    if agreement:
        clinic = reference.clinic(db, agreement["designated_clinic_code"])
        return clinic["name"] if clinic else agreement["designated_clinic_code"]
    return ""


def card_data(db, patient: dict, card: dict) -> CardData:
    """第一页 of the card, from the patient's record, the card and this clinic."""
    here = clinic_name(db)
    designated = _designated_clinic(db, patient["id"]) or here
    return CardData(
        number=card["number"], town=card["town"] or patient.get("town") or "",
        name=patient["name"], sex=patient.get("sex") or "", age=_age(patient, card["issued_date"]),
        disability_cert_no=patient.get("disability_cert_no") or "", phone=patient.get("phone") or "",
        guardian_name=patient.get("guardian_name") or "", guardian_phone=patient.get("guardian_phone") or "",
        address=patient.get("address") or "", insurance_card_no=patient.get("insurance_card_no") or "",
        disease=patient.get("diagnosis") or "", diagnosing_hospital=patient.get("diagnosing_institution") or "",
        drugs="、".join(card_rows.drugs_on_card(db, card["id"])), clinic=designated,
        issuing_unit=here or designated, issuer=_user_name(db, card.get("created_by")),
        issued_date=card["issued_date"])


# --- the booklet -----------------------------------------------------------------------------

@dataclass
class CardRowsPrint:
    """What a card print wrote: the file, the card pages to feed in, in order, and the rows
    drawn that are not yet marked printed — marked only once staff confirm they came out right
    on the card (``confirm_card_rows_printed``)."""
    path: Path  # or the file object written to
    pages: list[int] = field(default_factory=list)
    rows: int = 0
    row_ids: list[int] = field(default_factory=list)
    patient_id: int | None = None
    reprint: bool = False
    positions: dict[int, tuple[int, int]] = field(default_factory=dict)  # row id → (page, line)

    def rows_on_page(self, page: int) -> list[int]:
        """The drawn rows not yet marked printed that sit on card page ``page``, in line order."""
        return sorted((i for i in self.row_ids if self.positions.get(i, (None,))[0] == page),
                      key=lambda i: self.positions[i][1])

    def instruction(self) -> str:
        return f"请依次将救助卡翻到{'、'.join(CL.page_label(p) for p in self.pages)}放入打印机"


@use_case(PATIENT_RIGHT)
def print_card(db, actor, patient_id: int, out) -> CardRowsPrint:
    """The patient's current card, the whole booklet: collections not yet on it get their lines
    first (kept even if drawing fails, so the next print puts them on the same lines); every row
    is drawn where it stands. The rows not printed before stay so until staff confirm the card
    came out right (``confirm_card_rows_printed``)."""
    from ..documents.card import render_card_booklet

    patient = patients.get(db, patient_id)
    card = _active_card(db, patient)
    size = card_page_size(db)
    card_rows.place_all(db, card["id"])
    rows = card_rows.rows_for_card(db, card["id"])
    render_card_booklet(out, card_data(db, patient, card), rows, size)
    audit.record(db, audit.PRINT, "rescue_card", card["id"],
                 f"打印{CARD_NAME}：{patient['name']}（{cards.display_number(card)}，"
                 f"{len(rows)} 条领药记录）",
                 detail={"document": "rescue_card", "patient_id": patient_id, "rows": len(rows),
                         "page_size": size}, user=actor)
    return CardRowsPrint(_result(out), sorted({r.page for r in rows}), len(rows),
                         [r.row_id for r in rows if r.printed_at is None], patient_id,
                         positions={r.row_id: (r.page, r.line) for r in rows})


# --- new rows onto the printed card -----------------------------------------------------------

@use_case(PATIENT_RIGHT)
def print_new_card_rows(db, actor, patient_id: int, out, row_ids=None) -> CardRowsPrint:
    """Only the collections not yet printed on the patient's card, each at its line, moved by the
    calibration; refused when there is nothing new. With ``row_ids``: exactly those rows of the
    card again (a print that came out wrong), at the same lines. Nothing is marked printed here."""
    from ..documents.card import render_card_rows

    patient = patients.get(db, patient_id)
    card = _active_card(db, patient)
    size = card_page_size(db)
    dx, dy = card_offsets_mm(db)
    if row_ids is None:
        card_rows.place_all(db, card["id"])
        rows = [r for r in card_rows.rows_for_card(db, card["id"]) if r.printed_at is None]
        if not rows:
            raise StorageError(f"{patient['name']} 的救助卡上没有待打印的领药记录")
    else:
        wanted = {int(i) for i in row_ids}
        rows = [r for r in card_rows.rows_for_card(db, card["id"]) if r.row_id in wanted]
        if not rows or len(rows) != len(wanted):
            raise StorageError(f"要重新打印的领药记录不在{patient['name']}当前的救助卡上")
    pages = render_card_rows(out, rows, size, dx, dy)
    first = rows[0]
    verb = "重新套打" if row_ids is not None else "套打"
    audit.record(db, audit.PRINT, "rescue_card", card["id"],
                 f"{verb}{CARD_NAME}领药记录：{patient['name']}（{cards.display_number(card)}，"
                 f"{CL.position_label(first.page, first.line)}起 {len(rows)} 条）",
                 detail={"document": "rescue_card_rows", "patient_id": patient_id,
                         "rows": [[r.page, r.line, r.dispensing_id] for r in rows],
                         "reprint": row_ids is not None, "page_size": size, "offset_mm": [dx, dy]},
                 user=actor)
    return CardRowsPrint(_result(out), pages, len(rows), [r.row_id for r in rows], patient_id,
                         reprint=row_ids is not None, positions={r.row_id: (r.page, r.line) for r in rows})


@use_case(PATIENT_RIGHT)
def confirm_card_rows_printed(db, actor, patient_id: int, row_ids) -> int:
    """Staff saw the rows on the card, where they belong: mark them printed (a row printed
    before keeps its first time) and record who confirmed which lines. Returns how many rows
    were marked; rows of another card are refused."""
    patient = patients.get(db, patient_id)
    card = _active_card(db, patient)
    wanted = {int(i) for i in row_ids}
    rows = [r for r in card_rows.rows_for_card(db, card["id"]) if r.row_id in wanted]
    if len(rows) != len(wanted):
        raise StorageError(f"这些领药记录不在{patient['name']}当前的救助卡上")
    if not rows:
        return 0
    with db.atomic():
        marked = card_rows.mark_printed(db, [r.row_id for r in rows])
        first = rows[0]
        audit.record(db, audit.PRINT, "rescue_card", card["id"],
                     f"确认{CARD_NAME}领药记录已正确打印：{patient['name']}（{cards.display_number(card)}，"
                     f"{CL.position_label(first.page, first.line)}起 {len(rows)} 条）",
                     detail={"document": "rescue_card_rows_confirmed", "patient_id": patient_id,
                             "rows": [[r.page, r.line, r.dispensing_id] for r in rows], "marked": marked},
                     user=actor)
    return marked


# --- the slip ------------------------------------------------------------------------------------------

def slip_data(db, dispensing_id: int) -> SlipData:
    d = card_rows.slip_entry(db, dispensing_id)
    patient = patients.get(db, d["patient_id"])
    card = d["card"] or cards.current(db, patient["id"])
    names = card_rows.user_names(db, [d["psychiatrist_id"], d["dispenser_id"]])
    is_void = d["kind"] == VOID
    note = ""
    if is_void:
        note = "本条为作废记录" + (f"，冲销 {d['voided_date']} 的领药记录" if d["voided_date"] else "")
        if d.get("void_reason"):
            note += f"（原因：{d['void_reason']}）"
        note += "。"
    return SlipData(
        clinic=clinic_name(db), patient_name=patient["name"],
        card_number=cards.display_number(card) if card else "",
        id_number_masked=idnumber.mask(patient["id_number"]), date=d["date"],
        lines=[SlipLine(drug=card_rows.spec_label(l), packs=l["packs"] or 0, pack_unit=l["pack_unit"] or "",
                        units=l["units"] or 0, unit=l["unit"] or "", daily_dose=l["daily_dose"] or "",
                        days=l["days"], cover_until=l["cover_until"], total_fen=l["total_fen"] or 0)
               for l in d["lines"]],
        total_fen=d["total_fen"] or 0, insurance_fen=d["insurance_fen"] or 0, relief_fen=d["relief_fen"] or 0,
        disability_fen=d["disability_fen"] or 0, programme_fen=d["programme_fen"] or 0,
        next_appointment=d.get("next_appointment"),
        psychiatrist=names.get(d["psychiatrist_id"], ""), dispenser=names.get(d["dispenser_id"], ""),
        guardian=card_rows.guardian_text(d), is_void=is_void, void_note=note, dispensing_id=d["id"],
        card_position=CL.position_label(*d["position"]) if d["position"] else "")


@use_case(PATIENT_RIGHT)
def print_slip(db, actor, dispensing_id: int, out):
    from ..documents.slip import render_slip

    slip = slip_data(db, dispensing_id)
    render_slip(out, slip)
    what = "作废领药单" if slip.is_void else "领药单"
    audit.record(db, audit.PRINT, "dispensing", dispensing_id,
                 f"打印{what}：{slip.patient_name}（{slip.date}）",
                 detail={"document": "slip", "dispensing_id": dispensing_id}, user=actor)
    return _result(out)


# --- calibration ---------------------------------------------------------------------------------------

def print_calibration(db, out):
    """The calibration page with the current paper size and offsets: no patient data, so no right
    is needed and nothing is audited."""
    from ..documents.card import render_calibration_page

    dx, dy = card_offsets_mm(db)
    render_calibration_page(out, card_page_size(db), dx, dy)
    return _result(out)
