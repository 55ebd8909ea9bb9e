"""Test data for the rescue card: an enrolled patient (whose approval issued the card), staff,
drug specifications and final dispensing entries written straight into the tables (the
dispensing tables refuse UPDATE and DELETE, so every row goes in complete)."""
from __future__ import annotations

import datetime as dt
import hashlib

from clinic_app.storage import cards, clock
from tests.enrolment_data import add_patient, approve


def enrolled_patient(db, **overrides) -> tuple[int, dict]:
    """(patient id, the active card) of a patient approved on 2026-11-19."""
    patient_id = add_patient(db, **overrides)
    approve(db, patient_id)
    card = cards.current(db, patient_id)
    assert card is not None
    return patient_id, card


def add_user(db, username: str, display_name: str, role: str = "officer") -> int:
    """A staff account without the slow password hashing (it never logs in)."""
    return db["users"].insert({"username": username, "display_name": display_name, "role": role,
                               "password_hash": "-", "active": 1, "failed_attempts": 0,
                               "created_at": clock.now()}).last_pk


def staff(db) -> dict:
    return {"psychiatrist": add_user(db, "doctor", "王医生", "psychiatrist"),
            "dispenser": add_user(db, "officer", "李精防")}


def add_spec(db, drug: str = "利培酮", name: str = "利培酮片", strength: str = "1mg",
             units_per_pack: int = 20, unit: str = "片", pack_unit: str = "盒") -> int:
    drug_id = db.execute("SELECT id FROM drugs WHERE name = ?", [drug]).fetchone()[0]
    return db["drug_specs"].insert({"drug_id": drug_id, "name": name, "strength": strength, "unit": unit,
                                    "units_per_pack": units_per_pack, "pack_unit": pack_unit,
                                    "programme_pays": 1, "active": 1, "created_at": clock.now()}).last_pk


def dispense(db, patient_id: int, date: str, lines: list[tuple[int, int]], *, card_id: int | None = None,
             who: dict | None = None, insurance: int = 0, relief: int = 0, disability: int = 0,
             price: int = 1500, kind: str = "dispense", voids_id: int | None = None,
             guardian_name: str = "张大山", guardian_signer: str = "guardian", self_sign_reason: str = "",
             next_appointment: str | None = None, void_reason: str = "", days: int = 30) -> int:
    """One final entry with its lines: ``lines`` are (spec id, packs); every pack costs ``price``."""
    who = who or {}
    totals = [packs * price for _, packs in lines]
    total = sum(totals)
    sign = -1 if kind == "void" else 1
    row = {"patient_id": patient_id, "kind": kind, "date": date, "card_id": card_id,
           "psychiatrist_id": who.get("psychiatrist"), "dispenser_id": who.get("dispenser"),
           "next_appointment": next_appointment or (dt.date.fromisoformat(date) + dt.timedelta(days=28)).isoformat(),
           "total_fen": sign * total, "insurance_fen": sign * insurance, "relief_fen": sign * relief,
           "disability_fen": sign * disability, "programme_fen": sign * (total - insurance - relief - disability),
           "guardian_signer": guardian_signer, "guardian_name": guardian_name,
           "self_sign_reason": self_sign_reason, "guardian_signature": b"\x89PNG-test",
           "voids_id": voids_id, "void_reason": void_reason,
           "content_hash": hashlib.sha256(f"{patient_id}{date}{lines}{kind}".encode()).hexdigest(),
           "created_at": clock.now()}
    dispensing_id = db["dispensings"].insert(row).last_pk
    start = dt.date.fromisoformat(date)
    for (spec_id, packs), line_total in zip(lines, totals):
        spec = db["drug_specs"].get(spec_id)
        db["dispensing_lines"].insert({
            "dispensing_id": dispensing_id, "spec_id": spec_id, "drug_id": spec["drug_id"], "packs": packs,
            "units": packs * spec["units_per_pack"], "daily_dose": "1", "days": days,
            "cover_start": date, "cover_until": (start + dt.timedelta(days=days)).isoformat(),
            "price_fen": price, "total_fen": sign * line_total, "insurance_fen": 0, "relief_fen": 0,
            "disability_fen": 0, "programme_fen": sign * line_total})
    return dispensing_id


def monthly(db, patient_id: int, card_id: int, spec_id: int, count: int, who: dict | None = None,
            start: str = "2026-11-20") -> list[int]:
    """``count`` collections a month apart."""
    day = dt.date.fromisoformat(start)
    ids = []
    for i in range(count):
        ids.append(dispense(db, patient_id, (day + dt.timedelta(days=30 * i)).isoformat(), [(spec_id, 3)],
                            card_id=card_id, who=who))
    return ids


def printer(db) -> dict:
    """A 精防人员 to print as, for tests whose prints used to need no one (a print is a use case,
    and a use case has an acting user)."""
    row = db.execute("SELECT id FROM users WHERE username = 'printer_clerk'").fetchone()
    user_id = row[0] if row else add_user(db, "printer_clerk", "打印员")
    return {"id": user_id, "username": "printer_clerk", "display_name": "打印员"}
