"""Dispensing figures for ``benchmarks/run.py``: writing one collection with a million entries
already stored, and rendering a rescue card booklet.

The million entries are the demo's real collections copied into earlier years with plain SQL
(``INSERT … SELECT``), so building them takes seconds, and every patient gets a long history for
the queries a new collection runs (earlier cover, voids, stock).
"""
from __future__ import annotations

import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path

ENTRY_COLUMNS = ("patient_id", "kind", "date", "card_id", "psychiatrist_id", "dispenser_id", "next_appointment",
                 "total_fen", "insurance_fen", "relief_fen", "disability_fen", "programme_fen",
                 "guardian_signer", "guardian_name", "self_sign_reason", "guardian_signature",
                 "psychiatrist_signed_at", "dispenser_signed_at", "guardian_signed_at", "voids_id",
                 "void_reason", "content_hash", "created_at", "created_by")
LINE_COLUMNS = ("spec_id", "drug_id", "packs", "units", "daily_dose", "days", "cover_start", "cover_until",
                "price_fen", "total_fen", "insurance_fen", "relief_fen", "disability_fen", "programme_fen")


def fill_entries(db, target: int) -> int:
    """Copy the stored collections into earlier years until ``target`` entries exist."""
    years = 1
    while True:
        count = db.execute("SELECT count(*) FROM dispensings").fetchone()[0]
        if count >= target or count == 0:
            return count
        base_entry = db.execute("SELECT max(id) FROM dispensings").fetchone()[0]
        base_line = db.execute("SELECT max(id) FROM dispensing_lines").fetchone()[0]
        take = min(count, target - count)
        shift = f"-{years * 2} years"
        with db.atomic():
            cols = ", ".join(ENTRY_COLUMNS)
            # copies are years old: they sat on earlier cards, not on the patient's current one
            picked = ", ".join("date(%s, ?)" % c if c in ("date", "next_appointment")
                               else "NULL" if c == "card_id" else c for c in ENTRY_COLUMNS)
            db.execute(f"INSERT INTO dispensings (id, {cols}) SELECT id + ?, {picked} FROM dispensings "
                       f"WHERE id <= ? ORDER BY id LIMIT ?", [base_entry, shift, shift, base_entry, take])
            line_cols = ", ".join(LINE_COLUMNS)
            line_picked = ", ".join("date(%s, ?)" % c if c in ("cover_start", "cover_until") else c
                                    for c in LINE_COLUMNS)
            db.execute(f"INSERT INTO dispensing_lines (id, dispensing_id, {line_cols}) "
                       f"SELECT id + ?, dispensing_id + ?, {line_picked} FROM dispensing_lines "
                       f"WHERE dispensing_id <= ?", [base_line, base_entry, shift, shift, min(take, base_entry)])
            if db["line_cover"].exists():  # the recomputed cover of the copies, shifted alike
                db.execute("INSERT INTO line_cover (line_id, dispensing_id, patient_id, drug_id, date, cover_start, "
                           "cover_until) SELECT line_id + ?, dispensing_id + ?, patient_id, drug_id, date(date, ?), "
                           "date(cover_start, ?), date(cover_until, ?) FROM line_cover WHERE dispensing_id <= ?",
                           [base_line, base_entry, shift, shift, shift, min(take, base_entry)])
        years += 1


def _candidates(db) -> list[int]:
    return [r[0] for r in db.execute(
        "SELECT p.id FROM patients p WHERE p.programme_status = 'enrolled' ORDER BY p.id")]


def dispense_write_ms(db, runs: int) -> tuple[float, float]:
    """Median ms of ``dispensing.record`` (every rule checked again, then written) and of the
    argon2 password checks of one signing, measured separately (slow on purpose)."""
    from clinic_app.storage import catalogue, dispensing
    from clinic_app.storage.demo import DEMO_PASSWORD

    today = dt.date.today().isoformat()
    users = dict(db.execute("SELECT username, id FROM users").fetchall())
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 200
    specs = [s for s in catalogue.specs(db) if s["programme_pays"]]
    sig = dispensing.Signatures(users["yisheng"], DEMO_PASSWORD, users["jingfang"], DEMO_PASSWORD, png,
                                signer=dispensing.PATIENT_SELF, self_sign_reason="基准测试")
    signing, writing = [], []
    for pid in _candidates(db):
        if len(writing) >= runs:
            break
        line = _feasible_line(db, pid, today, specs)
        if line is None:
            continue
        started = time.perf_counter()
        signed = dispensing.verify_signatures(db, pid, sig)
        signing.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        dispensing.record(db, pid, today, [line], signed)
        writing.append((time.perf_counter() - started) * 1000)
    return statistics.median(writing), statistics.median(signing)


def _feasible_line(db, pid: int, today: str, specs: list[dict]) -> dict | None:
    from clinic_app.storage import dispensing

    if dispensing.refusal(db, pid, today):
        return None
    for spec in specs:
        line = {"spec_id": spec["id"], "packs": 1, "daily_dose": "1"}
        if dispensing.quote(db, pid, today, [line]).ok:
            return line
    return None


def card_pdf_ms(db, runs: int) -> float:
    """Median ms to render the 13-page booklet of the patient with the most rows on his card."""
    from clinic_app.services import printing
    from clinic_app.storage import accounts

    pid = db.execute("SELECT patient_id FROM dispensings WHERE date >= date('now', '-400 days') "
                     "GROUP BY patient_id ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
    admin = next(u for u in accounts.list_users(db) if u["username"] == "demo")  # the demo's administrator
    folder = Path(tempfile.mkdtemp(prefix="clinic_app_card_"))
    times = []
    for n in range(runs):
        started = time.perf_counter()
        printing.print_card(db, admin, pid, folder / f"card{n}.pdf")
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)
