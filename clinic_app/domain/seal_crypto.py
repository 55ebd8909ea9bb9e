"""Keyed hashes (HMAC-SHA256) that bind each record's content, its table and its key together.

Without the key nobody can compute a valid seal, so a record edited, inserted or re-keyed behind
the program's back — and a chain recomputed after deleting rows — no longer matches. Pure: the
key is handed in by the storage layer, which keeps it outside the database.
"""
from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache

MAC_HEX = 64      # the HMAC itself, hex
TAG_HEX = 4       # per-column tag: says *which* column changed, not whether (the MAC does that)
ZERO = "0" * MAC_HEX
TOMBSTONE = "deleted"


def _encode(value) -> str:
    """Type-tagged and length-prefixed, so no two different values encode alike."""
    if value is None:
        return "n"
    if isinstance(value, bool):
        value = int(value)
    if isinstance(value, int):
        return f"i{value}"
    if isinstance(value, float):
        return f"f{value!r}"
    if isinstance(value, (bytes, bytearray, memoryview)):
        data = bytes(value).hex()
        return f"b{len(data)}:{data}"
    text = str(value)
    return f"s{len(text)}:{text}"


@lru_cache(maxsize=256)
def _prefixes(columns: tuple) -> tuple[str, ...]:
    return tuple(f"{_encode(c)}=" for c in columns)


def _parts(prefixes, values) -> list[str]:
    """``f"{_encode(column)}={_encode(value)}"`` per column, with the common types inline: a
    check seals every row of a package again, so this is its hot loop."""
    out = []
    append = out.append
    for prefix, value in zip(prefixes, values):
        kind = type(value)
        if kind is str:
            append(f"{prefix}s{len(value)}:{value}")
        elif kind is int:
            append(f"{prefix}i{value}")
        elif value is None:
            append(prefix + "n")
        else:
            append(prefix + _encode(value))
    return out


@lru_cache(maxsize=8)
def _keyed(key: bytes):
    return hmac.new(key, digestmod=hashlib.sha256)


def _mac(key: bytes, message: str) -> str:
    mac = _keyed(key).copy()  # the key schedule once, not per row
    mac.update(message.encode("utf-8"))
    return mac.hexdigest()


def row_seal(key: bytes, table: str, row_id, columns, values, *, tags: bool = True) -> str:
    """The row's MAC (64 hex) followed by one short tag per column, in ``columns`` order
    (``tags=False``: the MAC alone, all a check needs until a row fails)."""
    head = f"{_encode(table)}|{_encode(str(row_id))}"
    parts = _parts(_prefixes(tuple(columns)), values)
    mac = _mac(key, head + "|" + "|".join(parts))
    if not tags:
        return mac
    return mac + "".join(_mac(key, f"{head}|col|{p}")[:TAG_HEX] for p in parts)


def tombstone(key: bytes, table: str, row_id) -> str:
    """The seal a row leaves when the program deletes it: the deletion itself is sealed."""
    return _mac(key, f"{_encode(table)}|{_encode(str(row_id))}|{TOMBSTONE}")


def changed_columns(seal: str, fresh: str, columns) -> list[str]:
    """Which columns' tags differ between the stored seal and one computed from the row now."""
    old, new = seal[MAC_HEX:], fresh[MAC_HEX:]
    if len(old) != len(new):
        return []
    return [c for i, c in enumerate(columns)
            if old[i * TAG_HEX:(i + 1) * TAG_HEX] != new[i * TAG_HEX:(i + 1) * TAG_HEX]]


def xor(*macs) -> str:
    """XOR of the MAC parts: a table's digest is the XOR of its seals, updated in O(1)."""
    acc = 0
    for mac in macs:
        if mac:
            acc ^= int(mac[:MAC_HEX], 16)
    return f"{acc:0{MAC_HEX}x}"


def head_mac(key: bytes, counter, cutover, key_check, tables: str) -> str:
    """The seal head: binds every table's (count, digest) and the write counter together."""
    return _mac(key, f"head|{_encode(counter)}|{_encode(cutover)}|{_encode(key_check)}|{tables or ''}")


def key_check(key: bytes) -> str:
    """Stored in the database so a replaced or lost key is named as such, not as 1000 bad rows."""
    return _mac(key, "clinic_app key check")[:16]


def chain_mac(key: bytes, prev_hash: str, payload: str) -> str:
    """The keyed successor of the audit chain's plain SHA-256."""
    return hmac.new(key, (prev_hash + "\n" + payload).encode("utf-8"), hashlib.sha256).hexdigest()


def same(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and hmac.compare_digest(a, b)
