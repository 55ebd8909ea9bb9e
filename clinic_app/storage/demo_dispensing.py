"""Dispensing histories for the demo clinic: ``clinic-app demo --months M``.

Every collection goes through the same rules as a real one — the three-month limit with what is
left of earlier collections (``domain.supply``; the recomputed cover of ``line_cover`` written
alongside, equal to ``storage.cover.rebuild`` since the demo writes in date order without voids), the cost split and the monthly cap
(``domain.cost_split``), prices in force on the day — and gets the same content hash; only the
writing is in bulk (``insert_all``) so that a year of a 20,000-patient clinic takes seconds.
"""
from __future__ import annotations

import datetime as dt
import math
import random
import struct
import zlib
from fractions import Fraction

from ..domain import backstop, cost_split, supply
from ..domain import disability as disability_rule
from . import catalogue, clock, settings
from .dispensing import DISPENSE, GUARDIAN, PATIENT_SELF, content_hash

DOSES = (Fraction(1), Fraction(2), Fraction(1, 2), Fraction(3, 2))
INTERVALS = (28, 30, 30, 30, 60, 84)  # days between collections: mostly monthly (五、(三)2)
ANTIPSYCHOTIC_CLASSES = ("非典型抗精神病药物", "传统抗精神病药物")


def signature_png() -> bytes:
    """A tiny valid grey PNG standing in for a guardian's strokes in demo entries."""
    width, height = 40, 12
    raw = b"".join(b"\x00" + bytes([255 if (x + y) % 7 else 60 for x in range(width)]) for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


class _Writer:
    def __init__(self, db, start: dt.date):
        self.db = db
        self.next_entry = _next(db, "dispensings")
        self.next_line = _next(db, "dispensing_lines")
        self.next_batch = _next(db, "stock_batches")
        self.entries, self.lines, self.moves, self.batches, self.covers = [], [], [], [], []
        self.batch_of: dict[int, int] = {}
        self.issued: dict[int, int] = {}
        self.start = start
        self.now = clock.now()

    def batch_for(self, spec_id: int) -> int:
        if spec_id not in self.batch_of:
            self.batch_of[spec_id] = self.next_batch
            self.next_batch += 1
        return self.batch_of[spec_id]

    def receipt(self, batch_id: int, spec_id: int, packs: int, expiry: dt.date, received: dt.date) -> None:
        self.batches.append({"id": batch_id, "spec_id": spec_id, "batch_no": f"DEMO{batch_id:05d}",
                             "expiry_date": expiry.isoformat(), "received_date": received.isoformat(),
                             "packs_received": packs, "supplier": "区精神卫生中心", "note": "演示数据",
                             "created_at": self.now})
        self.moves.append({"batch_id": batch_id, "date": received.isoformat(), "packs": packs,
                           "kind": "receive", "created_at": self.now})

    def flush(self, stocked: list[dict] = ()) -> None:
        """Write everything; each specification issued from gets a batch covering what was issued
        plus 200 packs, and each of ``stocked`` never issued from a delivery of its own — one of
        them close to its expiry date, so the stock window shows its warning."""
        today = clock.today()
        for spec_id, batch_id in self.batch_of.items():
            self.receipt(batch_id, spec_id, self.issued.get(spec_id, 0) + 200, today + dt.timedelta(days=540),
                         self.start)
        for n, spec in enumerate(s for s in stocked if s["id"] not in self.batch_of):
            self.receipt(self.next_batch, spec["id"], 20 + 10 * (n % 4),
                         today + dt.timedelta(days=45 if n == 0 else 400), self.start)
            self.next_batch += 1
        db = self.db
        db["stock_batches"].insert_all(self.batches, pk="id")
        db["dispensings"].insert_all(self.entries, pk="id", batch_size=2000)
        db["dispensing_lines"].insert_all(self.lines, pk="id", batch_size=2000)
        db["line_cover"].insert_all(self.covers, pk="line_id", batch_size=5000)
        db["stock_moves"].insert_all(self.moves, pk="id", batch_size=5000)


def _next(db, table: str) -> int:
    return db.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}").fetchone()[0]


def _patients(db) -> list[dict]:
    """Patients who held a place, with the span in which they collected drugs."""
    rows = db.query(
        "SELECT p.id, p.programme_status, p.special_disease_card, p.disability_cert_no, "
        "p.poverty_statuses, g.name AS guardian_name, c.id AS card_id, "
        "(SELECT min(date) FROM status_events e WHERE e.patient_id = p.id AND e.kind = 'enrolled') AS since, "
        "(SELECT max(date) FROM status_events e WHERE e.patient_id = p.id AND e.kind IN ('admitted', 'left')) AS until "
        "FROM patients p LEFT JOIN guardians g ON g.id = p.guardian_id "
        "JOIN rescue_cards c ON c.id = (SELECT max(id) FROM rescue_cards WHERE patient_id = p.id) "
        "WHERE p.programme_status IN ('enrolled', 'paused', 'left') ORDER BY p.id")
    return [r for r in rows if r["since"]]


def _oral_specs(db) -> list[dict]:
    """Daily tablets of the programme's antipsychotics: injections are given every few weeks, which
    a daily-dose demo regimen would misrepresent."""
    return [s for s in catalogue.specs(db) if s["programme_pays"] and s["drug_class"] in ANTIPSYCHOTIC_CLASSES
            and "注射" not in s["name"] and s["units_per_pack"] > 1]


def _demo_settings(db, start: dt.date) -> None:
    """A demo clinic shows every fund: a disability subsidy rule and quarterly pre-allocations."""
    if settings.get(db, "disability_subsidy_percent") == 0:
        settings.put(db, "disability_subsidy_percent", 20)
        settings.put(db, "disability_subsidy_monthly_cap_fen", 3000)
    holding = db.execute("SELECT count(*) FROM patients WHERE programme_status IN ('enrolled', 'paused')").fetchone()[0]
    allocation = max(holding, 1) * 120_00  # about 120 yuan per patient a quarter
    day = start
    while day <= clock.today() + dt.timedelta(days=92):
        quarter = f"{day.year}Q{(day.month - 1) // 3 + 1}"
        db["quarters"].insert({"quarter": quarter, "allocated_fen": allocation, "closed": 0}, ignore=True)
        day += dt.timedelta(days=28)


def _dose(rng: random.Random, spec: dict) -> Fraction:
    """A daily dose at which one pack lasts under three months, so whole packs can be handed out."""
    least = Fraction(spec["units_per_pack"], 80)
    fitting = [d for d in DOSES if d >= least]
    return rng.choice(fitting) if fitting else Fraction(math.ceil(least))


def write_demo_dispensing(db, months: int, seed: int) -> int:
    """Add ``months`` of collections for every demo patient who held a place; returns the count."""
    if months <= 0:
        return 0
    today = clock.today()
    start = today - dt.timedelta(days=months * 30)
    specs = _oral_specs(db)
    if not specs:
        catalogue.load_sample_specs(db, (start - dt.timedelta(days=30)).isoformat())
        specs = _oral_specs(db)
    prices = {s["id"]: catalogue.price_on(db, s["id"], start.isoformat()) for s in specs}
    users = dict(db.execute("SELECT username, id FROM users").fetchall())
    doctor, dispenser = users.get("yisheng"), users.get("jingfang")
    _demo_settings(db, start)
    cap = settings.get(db, "monthly_cap_fen")
    percent, disability_cap = (settings.get(db, "disability_subsidy_percent"),
                               settings.get(db, "disability_subsidy_monthly_cap_fen"))
    rng = random.Random(seed + 2)
    writer = _Writer(db, start)
    png = signature_png()
    categories = settings.get(db, "disability_subsidy_categories")
    for patient in _patients(db):
        patient["subsidy"] = disability_rule.subsidy_eligibility(patient["disability_cert_no"], categories).applies
        regimen = [(s, _dose(rng, s)) for s in rng.sample(specs, 1 if rng.random() < 0.8 else 2)]
        first = max(dt.date.fromisoformat(patient["since"]), start)
        last = dt.date.fromisoformat(patient["until"]) if patient["until"] else today
        _collections(writer, rng, patient, regimen, first, last, prices, cap, percent, disability_cap,
                     doctor, dispenser, png)
    writer.flush([s for s in catalogue.specs(db) if s["programme_pays"]])
    return len(writer.entries)


def _collections(writer, rng, patient, regimen, day, last, prices, cap, percent, disability_cap,
                 doctor, dispenser, png) -> None:
    prior: list[supply.PriorLine] = []
    earlier: list[backstop.Collection] = []
    while day <= last:
        interval = rng.choice(INTERVALS)
        lines = []
        for spec, dose in regimen:
            wanted = max(1, int(interval * dose) // spec["units_per_pack"] + 1)
            check = supply.check_line(day, spec["drug_id"], spec["units_per_pack"], wanted, dose, prior)
            packs = wanted if check.ok else check.max_packs
            if packs <= 0:
                continue
            check = supply.check_line(day, spec["drug_id"], spec["units_per_pack"], packs, dose, prior)
            lines.append((spec, dose, packs, check))
        if lines and _entry(writer, patient, day, lines, prices, cap, percent, disability_cap, doctor,
                            dispenser, png, next_day=day + dt.timedelta(days=interval), earlier=earlier):
            # only what was written is in hand: a collection refused by the cap leaves nothing
            prior += [supply.PriorLine(s["drug_id"], c.cover_until) for s, _, _, c in lines]
        day += dt.timedelta(days=interval + rng.choice((-2, 0, 0, 1, 3)))


def _entry(writer, patient, day, lines, prices, cap, percent, disability_cap, doctor, dispenser, png,
           next_day, earlier: list) -> bool:
    totals = [prices[s["id"]] * packs for s, _, packs, _ in lines]
    total = sum(totals)
    insurance = total * 6 // 10 if patient["special_disease_card"] else 0
    relief = total // 10 if patient["poverty_statuses"] not in (None, "[]") else 0
    covers = [(c.start, c.cover_until) for *_, c in lines]
    months = backstop.months_of_cover(backstop.month_fractions(covers))
    disability = cost_split.disability_subsidy(total - insurance - relief, patient["subsidy"], percent,
                                               disability_cap, months)
    split, line_splits = cost_split.split_collection(totals, insurance, relief, disability)
    if backstop.check(covers, split.programme, earlier, cap).refusals():
        return False  # a real dispenser would be refused here too
    earlier.append(backstop.Collection(tuple(covers), split.programme))
    signer = GUARDIAN if patient["guardian_name"] else PATIENT_SELF
    entry = {
        "id": writer.next_entry, "patient_id": patient["id"], "kind": DISPENSE, "date": day.isoformat(),
        "card_id": patient["card_id"], "psychiatrist_id": doctor, "dispenser_id": dispenser,
        "next_appointment": next_day.isoformat(),
        **{f"{k}_fen": v for k, v in split.as_dict().items()},
        "guardian_signer": signer, "guardian_name": patient["guardian_name"] or "本人",
        "self_sign_reason": None if patient["guardian_name"] else "无监护人",
        "guardian_signature": png, "psychiatrist_signed_at": f"{day.isoformat()}T09:30:00",
        "dispenser_signed_at": f"{day.isoformat()}T09:31:00", "guardian_signed_at": f"{day.isoformat()}T09:31:00",
        "created_at": writer.now, "created_by": dispenser,
    }
    writer.next_entry += 1
    line_rows = []
    for (spec, dose, packs, check), part in zip(lines, line_splits):
        line = {"id": writer.next_line, "dispensing_id": entry["id"], "spec_id": spec["id"],
                "drug_id": spec["drug_id"], "packs": packs, "units": packs * spec["units_per_pack"],
                "daily_dose": supply.format_dose(dose), "days": check.days,
                "cover_start": check.start.isoformat(), "cover_until": check.cover_until.isoformat(),
                "price_fen": prices[spec["id"]], "total_fen": part.total, "insurance_fen": part.insurance,
                "relief_fen": part.relief, "disability_fen": part.disability, "programme_fen": part.programme}
        writer.next_line += 1
        line_rows.append(line)
        writer.covers.append({"line_id": line["id"], "dispensing_id": entry["id"], "patient_id": patient["id"],
                              "drug_id": spec["drug_id"], "date": entry["date"], "cover_start": line["cover_start"],
                              "cover_until": line["cover_until"]})
        writer.moves.append({"batch_id": writer.batch_for(spec["id"]), "date": entry["date"], "packs": -packs,
                             "kind": "issue", "dispensing_line_id": line["id"], "created_at": writer.now})
        writer.issued[spec["id"]] = writer.issued.get(spec["id"], 0) + packs
    entry["content_hash"] = content_hash(entry, line_rows)
    writer.entries.append(entry)
    writer.lines += line_rows
    return True
