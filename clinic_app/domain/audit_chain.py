"""The hash chain of the audit trail: each row's hash covers its content and the previous hash,
so altering or deleting any row breaks every hash after it."""
from __future__ import annotations

import hashlib
import json

GENESIS = "0" * 64
HASHED_FIELDS = ("id", "at", "user_id", "username", "action", "entity", "entity_id", "summary", "detail")


def row_hash(prev_hash: str, row: dict) -> str:
    payload = json.dumps({k: row.get(k) for k in HASHED_FIELDS}, ensure_ascii=False,
                         sort_keys=True, separators=(",", ":"))
    return hashlib.sha256((prev_hash + "\n" + payload).encode("utf-8")).hexdigest()
