"""The catalogue of specifications and their dated prices: the administrator's to change."""
from __future__ import annotations

from ..storage import catalogue
from .use_case import use_case


@use_case("catalogue.edit")
def add_spec(db, actor, drug_id: int, name: str, strength: str, unit: str, units_per_pack: int,
             pack_unit: str = "盒", programme_pays: int | None = None) -> dict:
    return catalogue.add_spec(db, drug_id, name, strength, unit, units_per_pack, pack_unit, programme_pays,
                              user=actor)


@use_case("catalogue.edit")
def update_spec(db, actor, spec_id: int, changes: dict, date) -> dict:
    return catalogue.update_spec(db, spec_id, changes, date, user=actor)


@use_case("catalogue.edit")
def retire_spec(db, actor, spec_id: int, date) -> dict:
    return catalogue.retire_spec(db, spec_id, date, user=actor)


@use_case("catalogue.edit")
def reactivate_spec(db, actor, spec_id: int, date) -> dict:
    return catalogue.reactivate_spec(db, spec_id, date, user=actor)


@use_case("catalogue.edit")
def set_price(db, actor, spec_id: int, price_fen: int, effective_date, note: str = "") -> dict:
    return catalogue.set_price(db, spec_id, price_fen, effective_date, note, user=actor)
