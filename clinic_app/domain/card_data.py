"""Plain data the rescue card (救助卡, Attachment 5) and the dispensing slip (领药单) are drawn
from. Plain data, so it lives in the domain: ``storage.card_rows`` returns the card's rows as
``CardRow`` and ``services.printing`` fills in the rest, without the storage layer having to
reach up into ``documents``; the renderers draw them and tests build them by hand.

Money is integer fen; the renderers turn it into yuan with ``domain.money.yuan``.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

DISPENSE, VOID = "dispense", "void"


@dataclass(frozen=True)
class CardData:
    """What 第一页 of the card says about its holder, and who issued it."""
    number: str                      # 编号, e.g. "0012" (numbered per town)
    town: str = ""                   # "油溪镇"
    name: str = ""
    sex: str = ""
    age: int | None = None
    disability_cert_no: str = ""
    phone: str = ""
    guardian_name: str = ""
    guardian_phone: str = ""
    address: str = ""
    insurance_card_no: str = ""
    disease: str = ""                # 疾病名称
    diagnosing_hospital: str = ""    # 诊断医院
    drugs: str = ""                  # 药品名称: the drugs dispensed (or prescribed) so far
    clinic: str = ""                 # 就诊医院: the designated clinic
    issuing_unit: str = ""           # 核发单位
    issuer: str = ""                 # 核发人
    issued_date: dt.date | str | None = None


@dataclass(frozen=True)
class CardRow:
    """One line of a record page (第二至第十二页): one collection, or the void of one."""
    page: int                        # 2 … 12
    line: int                        # 1 … card_layout.ROWS_PER_PAGE
    date: dt.date | str
    drug_text: str                   # "利培酮片 1mg 3盒；奥氮平片 5mg 2盒"
    total_fen: int
    insurance_fen: int = 0
    disability_fen: int = 0
    programme_fen: int = 0
    relief_fen: int = 0              # 民政救助: the card has no column for it (see card.py)
    psychiatrist: str = ""
    dispenser: str = ""
    guardian: str = ""               # the guardian's name, or "本人（理由）"
    kind: str = DISPENSE
    voids_text: str = ""             # "作废第3页第5行" for a void entry
    dispensing_id: int | None = None
    row_id: int | None = None        # card_rows.id
    printed_at: str | None = None

    @property
    def is_void(self) -> bool:
        return self.kind == VOID


@dataclass(frozen=True)
class SlipLine:
    """One drug of a collection as the slip lists it."""
    drug: str                        # "利培酮片 1mg×20片/盒"
    packs: int
    pack_unit: str = "盒"
    units: int = 0
    unit: str = "片"
    daily_dose: str = ""
    days: int | None = None
    cover_until: dt.date | str | None = None   # the first day without drug (domain.supply)
    total_fen: int = 0


@dataclass(frozen=True)
class SlipData:
    """A dispensing slip (领药单): what was handed out, who pays, when to come back."""
    clinic: str
    patient_name: str
    card_number: str                 # in full, e.g. "油溪镇 0012"
    id_number_masked: str            # already masked (domain.idnumber.mask)
    date: dt.date | str
    lines: list[SlipLine] = field(default_factory=list)
    total_fen: int = 0
    insurance_fen: int = 0
    relief_fen: int = 0
    disability_fen: int = 0
    programme_fen: int = 0
    next_appointment: dt.date | str | None = None
    psychiatrist: str = ""
    dispenser: str = ""
    guardian: str = ""
    is_void: bool = False
    void_note: str = ""              # "作废 2026-11-20 领药记录（原因：…）"
    dispensing_id: int | None = None
    card_position: str = ""          # "救助卡第3页第5行"
