"""The quarterly ledger (台账, 五、(五)) as plain data: its rows, its columns and its totals.

``storage.ledger`` fills it from the database; the Excel, CSV and PDF writers and the screens
read it. Every amount is integer fen. A row is one line of one final entry: a collection's lines
are positive, a void's lines negative, each in the quarter of its own date.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

from .cost_split import FUND_LABELS, FUNDS  # noqa: F401  (the labels' one home; re-exported)
from .money import yuan
from .quarters import Quarter

TITLE = "免费服药台账"
TOTAL_LABEL = "合计"


@dataclass(frozen=True)
class Funds:
    """Amounts per fund, in fen; voids make them negative."""
    total: int = 0
    insurance: int = 0
    relief: int = 0
    disability: int = 0
    programme: int = 0

    def __add__(self, other: "Funds") -> "Funds":
        return Funds(*(getattr(self, k) + getattr(other, k) for k in FUNDS))

    def as_dict(self) -> dict:
        return {k: getattr(self, k) for k in FUNDS}


class LedgerRow(NamedTuple):
    date: str
    entry_id: int
    line_id: int
    kind: str  # "dispense" or "void"
    card_number: str
    patient_id: int
    patient_name: str
    id_number: str  # masked unless the setting asks for whole numbers
    drug: str
    specification: str
    packs: int
    pack_unit: str
    total_fen: int
    insurance_fen: int
    relief_fen: int
    disability_fen: int
    programme_fen: int
    psychiatrist: str
    dispenser: str
    note: str

    @property
    def funds(self) -> Funds:
        return Funds(self.total_fen, self.insurance_fen, self.relief_fen, self.disability_fen,
                     self.programme_fen)


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str  # "text", "id" (an ID number: always text), "int", "money" (fen, shown as yuan)
    width_mm: float  # on the printed page


COLUMNS: tuple[Column, ...] = (
    Column("date", "日期", "text", 15.5),
    Column("card_number", "救助卡号", "text", 18),
    Column("patient_name", "姓名", "text", 12),
    Column("id_number", "身份证号", "id", 27),
    Column("drug", "药品名称", "text", 19),
    Column("specification", "规格", "text", 21),
    Column("packs", "数量", "int", 9),
    Column("total_fen", "领药总金额（元）", "money", 17),
    Column("insurance_fen", "医保特病资金（元）", "money", 17),
    Column("relief_fen", "民政救助资金（元）", "money", 17),
    Column("disability_fen", "残联免费服药资金（元）", "money", 17),
    Column("programme_fen", "免费服药项目资金（元）", "money", 17),
    Column("psychiatrist", "精神科医师", "text", 14.5),
    Column("dispenser", "发药人", "text", 12),
    Column("entry_id", "记录号", "int", 10),
    Column("note", "备注", "text", 24),
)
HEADERS = tuple(c.header for c in COLUMNS)
MONEY_KEYS = tuple(c.key for c in COLUMNS if c.kind == "money")


def text_rows(rows) -> list[list[str]]:
    """Each row's cells as text, in ``COLUMNS`` order: money in yuan with two decimals (amounts
    repeat, so each is formatted once), counts as digits, nothing as ""."""
    positions = [LedgerRow._fields.index(c.key) for c in COLUMNS]
    money = [c.kind == "money" for c in COLUMNS]
    shown: dict[int, str] = {}
    out = []
    for row in rows:
        cells = []
        for position, is_money in zip(positions, money):
            value = row[position]
            if is_money:
                text = shown.get(value)
                if text is None:
                    text = shown[value] = yuan(value)
                cells.append(text)
            else:
                cells.append("" if value is None else str(value))
        out.append(cells)
    return out


def void_note(voided_date: str, reason: str | None) -> str:
    note = f"作废 {voided_date} 的领药"
    return f"{note}（{reason.strip()}）" if reason and reason.strip() else note


@dataclass(frozen=True)
class DrugTotal:
    """One specification's packs and money over the quarter (voids subtracted)."""
    drug: str
    specification: str
    pack_unit: str
    packs: int
    lines: int
    funds: Funds


def totals_of(rows) -> Funds:
    sums = [0, 0, 0, 0, 0]
    for r in rows:
        sums[0] += r.total_fen
        sums[1] += r.insurance_fen
        sums[2] += r.relief_fen
        sums[3] += r.disability_fen
        sums[4] += r.programme_fen
    return Funds(*sums)


def drug_totals(rows) -> list[DrugTotal]:
    """Per specification, ordered by drug name then specification."""
    groups: dict[tuple[str, str, str], list] = {}
    for r in rows:
        acc = groups.setdefault((r.drug, r.specification, r.pack_unit), [0, 0, [0, 0, 0, 0, 0]])
        acc[0] += r.packs
        acc[1] += 1
        money = acc[2]
        money[0] += r.total_fen
        money[1] += r.insurance_fen
        money[2] += r.relief_fen
        money[3] += r.disability_fen
        money[4] += r.programme_fen
    return [DrugTotal(drug, spec, unit, packs, lines, Funds(*money))
            for (drug, spec, unit), (packs, lines, money) in sorted(groups.items())]


@dataclass
class Ledger:
    quarter: Quarter
    clinic_code: str
    clinic_name: str
    rows: list[LedgerRow]
    allocated_fen: int = 0
    closed: bool = False
    whole_id_numbers: bool = False
    totals: Funds = field(init=False)  # the rest is worked out from the rows
    by_drug: list[DrugTotal] = field(init=False)
    patients_served: int = field(init=False)

    def __post_init__(self):
        self.totals = totals_of(self.rows)
        self.by_drug = drug_totals(self.rows)
        self.patients_served = len({r.patient_id for r in self.rows if r.kind == "dispense"})

    @property
    def label(self) -> str:
        return self.quarter.label

    @cached_property
    def text_rows(self) -> list[list[str]]:
        """Every row as the texts of its cells (``COLUMNS`` order, money in yuan), computed once
        for all the files of an export."""
        return text_rows(self.rows)

    @property
    def programme_spent_fen(self) -> int:
        """What the programme fund paid this quarter (voids made in it subtracted)."""
        return self.totals.programme

    @property
    def balance_fen(self) -> int:
        """Pre-allocated minus spent; negative when the clinic spent more than it was given."""
        return self.allocated_fen - self.programme_spent_fen

    @property
    def dispense_count(self) -> int:
        return len({r.entry_id for r in self.rows if r.kind == "dispense"})

    @property
    def void_count(self) -> int:
        return len({r.entry_id for r in self.rows if r.kind != "dispense"})

    def fingerprint(self) -> str:
        """SHA-256 over every row as shown: tells whether the ledger changed since an export."""
        digest = hashlib.sha256()
        for row in self.rows:
            digest.update(repr(tuple(row)).encode("utf-8"))
        digest.update(repr((self.allocated_fen, self.clinic_code, self.clinic_name)).encode("utf-8"))
        return digest.hexdigest()
