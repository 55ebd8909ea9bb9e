"""Settings stored as text, typed by their declaration in ``domain.settings_spec``."""
from __future__ import annotations

from ..domain.settings_spec import BY_KEY


def get(db, key: str):
    spec = BY_KEY[key]
    row = db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
    if row is None or row[0] is None:
        return spec.default
    return spec.type(row[0])


def put(db, key: str, value) -> None:
    spec = BY_KEY[key]
    if spec.normalize is not None:
        value = spec.normalize(value)   # ValidationError (a ValueError) names what is wrong
    value = spec.type(value)
    if spec.type is int:
        if spec.minimum is not None and value < spec.minimum:
            raise ValueError(f"{spec.label}不能小于{spec.minimum}")
        if spec.maximum is not None and value > spec.maximum:
            raise ValueError(f"{spec.label}不能大于{spec.maximum}")
    db["settings"].upsert({"key": key, "value": str(value)}, pk="key")
