"""The pack a specification is counted in: 盒 unless the catalogue says otherwise (瓶, 支 …)."""
from __future__ import annotations

DEFAULT_PACK_UNIT = "盒"


def pack_unit(spec: dict | None) -> str:
    """``spec['pack_unit']``, or 盒 for a specification (or a row read with it) that names none."""
    return ((spec or {}).get("pack_unit") or DEFAULT_PACK_UNIT)
