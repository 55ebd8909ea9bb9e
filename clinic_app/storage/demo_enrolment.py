"""The programme side of the demo clinic: applications with both reviews, enrolment, rescue cards,
agreements, a few patients in hospital, waiting or gone, and risk assessments.

Written in bulk (one ``insert_all`` per table) so 20,000 demo patients stay fast; the rows have the
shape the real enrolment code writes, and each patient's status equals its folded history.
"""
from __future__ import annotations

import datetime as dt
import json
import random

from ..domain import agreement_terms, eligibility
from ..domain import applications as ap
from ..domain import programme_status as ps
from . import clock, settings

REVIEWERS = ("李精防", "王精防")
OFFICE_REVIEWER = "区精神卫生中心 黄主任"
RISK_WEIGHTS = (60, 20, 10, 6, 3, 1)  # levels 0..5
WORSENING_LEVEL = 3   # of the demo's level 3–5 patients, about a third are flagged as worsening
WORSENING_NOTES = ("医师报告病情波动，已通知综治办、派出所", "监护人反映近期拒绝服药，情绪激动")


class _Rows:
    def __init__(self, db):
        self.now = clock.now()
        self.next_app = db.execute("SELECT coalesce(max(id), 0) + 1 FROM applications").fetchone()[0]
        self.town_seq = dict(db.execute("SELECT town, max(seq) FROM rescue_cards GROUP BY town").fetchall())
        self.applications, self.events, self.cards, self.agreements, self.risks = [], [], [], [], []
        self.flags: list[dict] = []
        self.status: dict[int, tuple[str, str | None]] = {}
        self.card_numbers: dict[int, str] = {}

    def application(self, pid: int, received: dt.date, *, initial: dt.date | None,
                    final: dt.date | None) -> int:
        app_id = self.next_app
        self.next_app += 1
        docs = {key: {"original_seen": True, "copy_received": True, "note": ""} for key, _ in ap.DOCUMENTS}
        self.applications.append({
            "id": app_id, "patient_id": pid, "round": 1, "received_date": received.isoformat(),
            "documents": json.dumps(docs, ensure_ascii=False), "village_opinion": "情况属实，同意申请",
            "village_opinion_date": received.isoformat(), "subsidies": "[]",
            "initial_decision": "passed" if initial else None,
            "initial_reviewer": REVIEWERS[pid % 2] if initial else None,
            "initial_date": initial.isoformat() if initial else None,
            "sent_to_office_date": initial.isoformat() if initial and final else None,
            "final_decision": "approved" if final else None,
            "final_reviewer": OFFICE_REVIEWER if final else None,
            "final_date": final.isoformat() if final else None,
            "created_at": self.now})
        return app_id

    def event(self, pid: int, kind: str, day: dt.date, reason: str | None = None, app_id=None) -> None:
        self.events.append({"patient_id": pid, "date": day.isoformat(), "kind": kind, "reason": reason,
                            "note": "", "application_id": app_id, "recorded_at": self.now})

    def card(self, pid: int, town: str, day: dt.date) -> None:
        seq = self.town_seq.get(town, 0) + 1
        self.town_seq[town] = seq
        number = str(seq).zfill(4)
        self.cards.append({"patient_id": pid, "town": town, "seq": seq, "number": number,
                           "issued_date": day.isoformat(), "status": "active", "created_at": self.now})
        self.card_numbers[pid] = number


def _approved(rows: _Rows, rng: random.Random, patient: dict, today: dt.date) -> tuple[dt.date, int]:
    """An application decided between 1 and 11 months ago."""
    final = today - dt.timedelta(days=rng.randint(20, 340))
    received = final - dt.timedelta(days=rng.randint(8, 14))
    initial = received + dt.timedelta(days=rng.randint(1, 4))
    app_id = rows.application(patient["id"], received, initial=initial, final=final)
    rows.event(patient["id"], ps.APPROVED, final, app_id=app_id)
    return final, app_id


def _enrol(rows: _Rows, rng, patient: dict, day: dt.date, clinic_code: str) -> None:
    rows.event(patient["id"], ps.ENROL, day)
    rows.card(patient["id"], patient["town"], day)
    signed = day + dt.timedelta(days=rng.randint(0, 5))
    rows.agreements.append({"patient_id": patient["id"], "designated_clinic_code": clinic_code,
                            "signed_date": signed.isoformat(),
                            "valid_until": agreement_terms.valid_until(signed).isoformat(),
                            "created_at": rows.now})


def _one_patient(rows: _Rows, rng: random.Random, patient: dict, today: dt.date, clinic_code: str) -> str | None:
    roll = rng.random()
    pid = patient["id"]
    if roll < 0.05:  # an application still open
        received = today - dt.timedelta(days=rng.randint(0, 12))
        initial = received + dt.timedelta(days=2) if rng.random() < 0.5 and received + dt.timedelta(days=2) <= today else None
        rows.application(pid, received, initial=initial, final=None)
        return None
    final, _ = _approved(rows, rng, patient, today)
    if roll < 0.09:
        return ps.WAITING
    _enrol(rows, rng, patient, final, clinic_code)
    later = final + dt.timedelta(days=rng.randint(5, 15))
    if roll < 0.13 and later <= today:
        rows.event(pid, ps.ADMITTED, later)
        return ps.PAUSED
    if roll < 0.16 and later <= today:
        rows.event(pid, ps.LEAVE, later, reason=rng.choice(("moved", "died", "withdrew")))
        return ps.LEFT
    return ps.ENROLLED


def enrol_demo_patients(db, patient_ids: list[int], seed: int, clinic_code: str) -> dict:
    """Give the eligible demo patients a programme history; call inside the demo transaction."""
    rng = random.Random(seed + 1)
    today = clock.today()
    rows = _Rows(db)
    sizes = dict(db.execute("SELECT household_id, count(*) FROM patients GROUP BY household_id").fetchall())
    from . import patients as patient_store

    for pid in patient_ids:
        patient = patient_store.get(db, pid)
        if rng.random() < 0.85:
            rows.risks.append({"patient_id": pid, "date": (today - dt.timedelta(days=rng.randint(0, 90))).isoformat(),
                               "level": rng.choices(range(6), RISK_WEIGHTS)[0], "assessor": "王医生",
                               "note": "", "recorded_at": rows.now})
        if not eligibility.assess(patient, today, sizes.get(patient["household_id"], 1)).eligible:
            continue
        status = _one_patient(rows, rng, patient, today, clinic_code)
        rows.status[pid] = (status, next((e["date"] for e in reversed(rows.events)
                                          if e["patient_id"] == pid and e["kind"] == ps.APPROVED), None))
    _flag_worsening(rows, random.Random(seed + 3), today)
    _write(db, rows)
    counts = {s: sum(1 for v, _ in rows.status.values() if v == s) for s in ps.STATUS_LABELS if s}
    settings.put(db, "places", counts[ps.ENROLLED] + counts[ps.PAUSED] + (0 if counts[ps.WAITING] else 10))
    return counts


def _flag_worsening(rows: _Rows, rng: random.Random, today: dt.date) -> None:
    """A few patients assessed at level 3 or above are flagged as worsening (the 病情加重 list),
    flagged on or after their assessment; a separate random stream, so the rest stays as it was."""
    for risk in rows.risks:
        if risk["level"] >= WORSENING_LEVEL and rng.random() < 0.35:
            assessed = dt.date.fromisoformat(risk["date"])
            day = min(assessed + dt.timedelta(days=rng.randint(0, 10)), today)
            rows.flags.append({"patient_id": risk["patient_id"], "date": day.isoformat(),
                               "note": rng.choice(WORSENING_NOTES), "recorded_by": None,
                               "recorded_at": rows.now})


def _write(db, rows: _Rows) -> None:
    db["applications"].insert_all(rows.applications, pk="id")
    db["status_events"].insert_all(sorted(rows.events, key=lambda e: (e["patient_id"], e["date"])), pk="id")
    db["rescue_cards"].insert_all(rows.cards, pk="id")
    db["agreements"].insert_all(rows.agreements, pk="id")
    db["risk_assessments"].insert_all(rows.risks, pk="id")
    if rows.flags:
        db["worsening_flags"].insert_all(rows.flags, pk="id")
    db.conn.executemany("UPDATE patients SET programme_status = ?, approved_date = ? WHERE id = ?",
                        [(s, d, pid) for pid, (s, d) in rows.status.items()])
    db.conn.executemany("UPDATE patients SET search_numbers = search_numbers || ' ' || ? WHERE id = ?",
                        [(n, pid) for pid, n in rows.card_numbers.items()])
