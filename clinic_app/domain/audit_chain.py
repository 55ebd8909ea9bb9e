"""The hash chain of the audit trail: each row's hash covers its content and the previous hash,
so altering or deleting any row breaks every hash after it. From the cut-over row on the hashes
are keyed (HMAC), so they cannot be recomputed without the key."""
from __future__ import annotations

import hashlib
import json

from .seal_crypto import chain_mac

GENESIS = "0" * 64
HASHED_FIELDS = ("id", "at", "user_id", "username", "action", "entity", "entity_id", "summary", "detail")


def _payload(row: dict) -> str:
    return json.dumps({k: row.get(k) for k in HASHED_FIELDS}, ensure_ascii=False,
                      sort_keys=True, separators=(",", ":"))


def row_hash(prev_hash: str, row: dict, key: bytes | None = None) -> str:
    """Plain SHA-256 for rows written before the cut-over to keyed hashes; HMAC with ``key``.

    A plain hash can be recomputed by anyone who deletes or edits rows; an HMAC only by the
    holder of the key, which lives outside the database (``storage.integrity_key``)."""
    if key is not None:
        return chain_mac(key, prev_hash, _payload(row))
    return hashlib.sha256((prev_hash + "\n" + _payload(row)).encode("utf-8")).hexdigest()
