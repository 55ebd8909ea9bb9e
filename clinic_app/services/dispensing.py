"""Dispensing (五、(二)(三)): a signed collection and its void. Storage re-checks every rule of the
quote inside the write (status on the day, the three-month limit, the cap, the stock); here the
acting user must be one who may hand out drugs, or void them."""
from __future__ import annotations

from ..storage import dispensing
from .use_case import use_case


@use_case("dispensing.record")
def record_collection(db, actor, patient_id: int, date: str, lines: list[dict], signed: dispensing.SignedBy,
                      insurance_fen: int = 0, relief_fen: int = 0, next_appointment: str | None = None) -> dict:
    """Write a collection whose three signatures were verified (``dispensing.verify_signatures``)."""
    return dispensing.record(db, patient_id, date, lines, signed, insurance_fen, relief_fen, next_appointment,
                             user=actor)


@use_case("dispensing.record")
def dispense(db, actor, patient_id: int, date: str, lines: list[dict], signatures: dispensing.Signatures,
             insurance_fen: int = 0, relief_fen: int = 0, next_appointment: str | None = None) -> dict:
    """Check, verify the signatures and write, in one call (for callers without a signing screen)."""
    return dispensing.dispense(db, patient_id, date, lines, signatures, insurance_fen, relief_fen,
                               next_appointment, user=actor)


@use_case("dispensing.void")
def void_collection(db, actor, dispensing_id: int, reason: str, authoriser_id: int, password: str,
                    date: str | None = None) -> dict:
    return dispensing.void(db, dispensing_id, reason, authoriser_id, password, date, user=actor)
