"""Print jobs for the rescue card and the dispensing slip: read the database, hand plain data to
``card`` / ``slip``, keep ``card_rows`` in step with what went onto paper, and record every
print in the audit trail (七、(二): who printed which patient's record is traceable).

- ``print_card``: the patient's current card as a whole booklet, every collection on its line.
- ``print_new_card_rows``: only the collections not yet printed, onto the card the patient holds,
  moved by the printer calibration (``card_offset_x_tenth_mm`` / ``card_offset_y_tenth_mm``).
- ``print_slip``: the 领药单 of one dispensing entry.
- ``print_calibration``: the test page for the calibration.

Collections get their lines (``card_rows.place_new_rows``) before anything is drawn, and are
marked printed once the file is written: a failed print leaves them placed but unprinted, so
the next print puts them on their lines.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from ..domain import idnumber
from ..storage import agreements, audit, cards, card_rows, clock, patients, reference, settings
from ..storage.errors import NotFoundError, StorageError
from . import card_layout as CL
from .card_data import VOID, CardData, SlipData, SlipLine
from .jobs import clinic_name

CARD_NAME = "救助卡"


def _result(out):
    """The written file as a ``Path``; a file object written to is handed back as it is."""
    return Path(out) if isinstance(out, (str, Path)) or hasattr(out, "__fspath__") else out


# --- settings ------------------------------------------------------------------------------------

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


# --- gathering ------------------------------------------------------------------------------------

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


# --- the booklet -----------------------------------------------------------------------------------

def print_card(db, patient_id: int, out, user: dict | None = None):
    """The patient's current card, the whole booklet: collections not yet on it get their lines
    first; every row is drawn where it stands and counts as printed afterwards."""
    from .card import render_card_booklet

    patient = patients.get(db, patient_id)
    card = _active_card(db, patient)
    size = card_page_size(db)
    card_rows.place_all(db, card["id"])
    rows = card_rows.rows_for_card(db, card["id"])
    render_card_booklet(out, card_data(db, patient, card), rows, size)
    with db.atomic():
        card_rows.mark_printed(db, [r.row_id for r in rows if r.printed_at is None])
        audit.record(db, audit.PRINT, "rescue_card", card["id"],
                     f"打印{CARD_NAME}：{patient['name']}（{cards.display_number(card)}，"
                     f"{len(rows)} 条领药记录）",
                     detail={"document": "rescue_card", "patient_id": patient_id, "rows": len(rows),
                             "page_size": size}, user=user)
    return _result(out)


# --- new rows onto the printed card -----------------------------------------------------------------

@dataclass
class CardRowsPrint:
    """What a rows-only print wrote: the file, and the card pages to feed in, in order."""
    path: Path  # or the file object written to
    pages: list[int] = field(default_factory=list)
    rows: int = 0

    def instruction(self) -> str:
        return f"请依次将救助卡翻到{'、'.join(CL.page_label(p) for p in self.pages)}放入打印机"


def print_new_card_rows(db, patient_id: int, out, user: dict | None = None) -> CardRowsPrint:
    """Only the collections not yet printed on the patient's card, each at its line, moved by the
    calibration; refused when there is nothing new."""
    from .card import render_card_rows

    patient = patients.get(db, patient_id)
    card = _active_card(db, patient)
    size = card_page_size(db)
    dx, dy = card_offsets_mm(db)
    card_rows.place_all(db, card["id"])
    rows = [r for r in card_rows.rows_for_card(db, card["id"]) if r.printed_at is None]
    if not rows:
        raise StorageError(f"{patient['name']} 的救助卡上没有待打印的领药记录")
    pages = render_card_rows(out, rows, size, dx, dy)
    with db.atomic():
        card_rows.mark_printed(db, [r.row_id for r in rows])
        first = rows[0]
        audit.record(db, audit.PRINT, "rescue_card", card["id"],
                     f"套打{CARD_NAME}领药记录：{patient['name']}（{cards.display_number(card)}，"
                     f"{CL.position_label(first.page, first.line)}起 {len(rows)} 条）",
                     detail={"document": "rescue_card_rows", "patient_id": patient_id,
                             "rows": [[r.page, r.line, r.dispensing_id] for r in rows],
                             "page_size": size, "offset_mm": [dx, dy]}, user=user)
    return CardRowsPrint(_result(out), pages, len(rows))


# --- the slip ------------------------------------------------------------------------------------------

def slip_data(db, dispensing_id: int) -> SlipData:
    found = list(db.query("SELECT * FROM dispensings WHERE id = ?", [dispensing_id]))
    if not found:
        raise NotFoundError(f"找不到第 {dispensing_id} 号领药记录")
    d = found[0]
    patient = patients.get(db, d["patient_id"])
    card = None
    if d.get("card_id"):
        card = db["rescue_cards"].get(d["card_id"])
    else:
        card = cards.current(db, patient["id"])
    position = db.execute("SELECT page, line FROM card_rows WHERE dispensing_id = ? ORDER BY id LIMIT 1",
                          [dispensing_id]).fetchone()
    lines = card_rows.lines_for(db, [dispensing_id])[dispensing_id]
    names = card_rows.user_names(db, [d["psychiatrist_id"], d["dispenser_id"]])
    is_void = d["kind"] == VOID
    note = ""
    if is_void:
        target = list(db.query("SELECT date FROM dispensings WHERE id = ?", [d["voids_id"]])) \
            if d.get("voids_id") else []
        note = "本条为作废记录" + (f"，冲销 {target[0]['date']} 的领药记录" if target else "")
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
               for l in lines],
        total_fen=d["total_fen"] or 0, insurance_fen=d["insurance_fen"] or 0, relief_fen=d["relief_fen"] or 0,
        disability_fen=d["disability_fen"] or 0, programme_fen=d["programme_fen"] or 0,
        next_appointment=d.get("next_appointment"),
        psychiatrist=names.get(d["psychiatrist_id"], ""), dispenser=names.get(d["dispenser_id"], ""),
        guardian=card_rows.guardian_text(d), is_void=is_void, void_note=note, dispensing_id=d["id"],
        card_position=CL.position_label(*position) if position else "")


def print_slip(db, dispensing_id: int, out, user: dict | None = None):
    from .slip import render_slip

    slip = slip_data(db, dispensing_id)
    render_slip(out, slip)
    what = "作废领药单" if slip.is_void else "领药单"
    audit.record(db, audit.PRINT, "dispensing", dispensing_id,
                 f"打印{what}：{slip.patient_name}（{slip.date}）",
                 detail={"document": "slip", "dispensing_id": dispensing_id}, user=user)
    return _result(out)


# --- calibration ---------------------------------------------------------------------------------------

def print_calibration(db, out):
    """The calibration page with the current paper size and offsets (no patient data: no audit)."""
    from .card import render_calibration_page

    dx, dy = card_offsets_mm(db)
    render_calibration_page(out, card_page_size(db), dx, dy)
    return _result(out)
