"""Test data for dispensing, built through the real API: an enrolled patient with a signed
agreement and a rescue card, a psychiatrist, an officer and an administrator, two priced
specifications with stock, and a tiny PNG for the guardian's signature (no Qt needed)."""
from __future__ import annotations

import datetime as dt
import struct
import zlib
from dataclasses import dataclass

from clinic_app.storage import accounts, agreements, catalogue, clock, stock
from clinic_app.storage import dispensing as disp

from .enrolment_data import add_patient, approve

TODAY = dt.date(2026, 12, 31)
ENROLLED_ON = "2026-11-19"
CLINIC = "youxi"

DOCTOR = ("wang_ys", "Yisheng2026x", "王医生")
OFFICER = ("li_jf", "Jingfang2026x", "李精防")
OFFICER2 = ("zhao_jf", "Fayao2026xy", "赵发药")
ADMIN = ("chen_gl", "Guanli2026x", "陈管理")

RISPERIDONE, OLANZAPINE, INVEGA = 7, 8, 13  # drug ids in the catalogue (Attachment 3)
RISPERIDONE_FEN, OLANZAPINE_FEN = 1850, 4620


def png(width: int = 6, height: int = 3) -> bytes:
    """A valid grey-scale PNG (a black diagonal on white), written with zlib and struct only."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    rows = b"".join(b"\x00" + bytes(0 if x == y else 255 for x in range(width)) for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
            + chunk(b"IEND", b""))


SIGNATURE = png()


def fast_passwords(monkeypatch) -> None:
    """Cheap argon2 parameters: tests sign many times, and the default costs ~0.1 s per check."""
    from argon2 import PasswordHasher

    hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(accounts, "_hasher", lambda: hasher)


def fix_today(monkeypatch, day: dt.date = TODAY) -> None:
    monkeypatch.setattr(clock, "today", lambda: day)


@dataclass
class World:
    db: object
    patient_id: int
    doctor: dict
    officer: dict
    officer2: dict
    admin: dict
    risperidone: dict  # 利培酮片 1mg×20片/盒, 18.50 元
    olanzapine: dict   # 奥氮平片 5mg×14片/盒, 46.20 元

    def signatures(self, **overrides) -> disp.Signatures:
        values = dict(psychiatrist_id=self.doctor["id"], psychiatrist_password=DOCTOR[1],
                      dispenser_id=self.officer["id"], dispenser_password=OFFICER[1],
                      guardian_png=SIGNATURE)
        values.update(overrides)
        return disp.Signatures(**values)

    def dispense(self, date: str, lines: list[dict], patient_id: int | None = None, **kwargs) -> dict:
        kwargs.setdefault("signatures", self.signatures())
        kwargs.setdefault("user", self.officer)
        return disp.dispense(self.db, patient_id or self.patient_id, date, lines, **kwargs)

    def void(self, dispensing_id: int, reason: str = "数量录错", **kwargs) -> dict:
        kwargs.setdefault("authoriser_id", self.admin["id"])
        kwargs.setdefault("password", ADMIN[1])
        kwargs.setdefault("user", self.admin)
        return disp.void(self.db, dispensing_id, reason, **kwargs)


def line(spec: dict, packs: int, daily_dose: str = "1") -> dict:
    return {"spec_id": spec["id"], "packs": packs, "daily_dose": daily_dose}


def three_months(world: World) -> list[dict]:
    """利培酮 2 片/日 × 9 盒 = 90 天；奥氮平 1 片/日 × 6 盒 = 84 天: 443.70 元."""
    return [line(world.risperidone, 9, "2"), line(world.olanzapine, 6, "1")]


def user(db, who: tuple[str, str, str], role: str) -> dict:
    username, password, name = who
    return accounts.create_user(db, username, password, role, name)


def enrolled_patient(db, guardian: bool = True, **overrides) -> int:
    """A patient approved and enrolled (rescue card issued) with a signed service agreement."""
    if not guardian:
        overrides.update(guardian_name=None, guardian_phone=None)
    pid = add_patient(db, **overrides)
    approve(db, pid)
    agreements.sign(db, pid, CLINIC, ENROLLED_ON)
    return pid


def priced_spec(db, drug_id: int, name: str, strength: str, units: int, price_fen: int,
                unit: str = "片", packs_in_stock: int = 200, **kwargs) -> dict:
    spec = catalogue.add_spec(db, drug_id, name, strength, unit, units, **kwargs)
    catalogue.set_price(db, spec["id"], price_fen, "2026-01-01", "招标价")
    if packs_in_stock:
        stock.receive(db, spec["id"], f"B{spec['id']}-1", "2028-06-30", packs_in_stock, "2026-10-01",
                      supplier="重庆医药")
    return catalogue.spec(db, spec["id"])


def build(db, guardian: bool = True) -> World:
    from clinic_app.domain import roles

    return World(
        db=db,
        patient_id=enrolled_patient(db, guardian),
        doctor=user(db, DOCTOR, roles.PSYCHIATRIST),
        officer=user(db, OFFICER, roles.OFFICER),
        officer2=user(db, OFFICER2, roles.OFFICER),
        admin=user(db, ADMIN, roles.ADMIN),
        risperidone=priced_spec(db, RISPERIDONE, "利培酮片", "1mg", 20, RISPERIDONE_FEN),
        olanzapine=priced_spec(db, OLANZAPINE, "奥氮平片", "5mg", 14, OLANZAPINE_FEN),
    )
