"""The programme's stock: receipts and counts, by those who dispense."""
from __future__ import annotations

from ..storage import stock
from .use_case import use_case


@use_case("stock.edit")
def receive(db, actor, spec_id: int, batch_no: str, expiry_date, packs: int, received_date,
            supplier: str = stock.DEFAULT_SUPPLIER, note: str = "") -> dict:
    return stock.receive(db, spec_id, batch_no, expiry_date, packs, received_date, supplier, note, user=actor)


@use_case("stock.edit")
def count(db, actor, batch_id: int, counted_packs: int, date, reason: str) -> dict:
    return stock.adjust(db, batch_id, counted_packs, date, reason, user=actor)
