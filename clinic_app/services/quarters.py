"""The quarter's books: the allocation, closing after the export, reopening with a reason."""
from __future__ import annotations

from ..domain.errors import RefusedError
from ..storage import integrity, quarters
from ..storage.ledger import ledger
from .use_case import use_case


@use_case("quarter.manage")
def set_allocation(db, actor, quarter, fen: int, note: str | None = None) -> dict:
    return quarters.set_allocation(db, quarter, fen, actor, note)


@use_case("quarter.manage")
def close(db, actor, quarter, package_dir=None) -> dict:
    """The fingerprint is taken here, above storage: storage/quarters need not know the ledger.
    A quarter is not closed over records that fail the integrity check: its books would be
    sealed with whatever was changed behind the program's back."""
    refused = integrity.refusal(db, quarter)
    if refused:
        raise RefusedError(refused)
    return quarters.close(db, quarter, actor, package_dir, fingerprint=ledger(db, quarter).fingerprint())


@use_case("quarter.reopen")
def reopen(db, actor, quarter, reason: str) -> dict:
    return quarters.reopen(db, quarter, reason, actor)
