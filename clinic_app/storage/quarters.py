"""Quarters of the ledger: the amount pre-allocated to the clinic, exporting, closing and reopening.

Closing a quarter (结账) freezes it: no collection and no void may be dated in it any more (the
checks are in ``storage.dispensing``). A late correction is a void made today, in the open
quarter, which is where the programme office expects the adjustment. A quarter can only be closed
after its ledger was exported and did not change since; only an administrator may reopen it, and
must say why. Every step is an event in ``quarter_events`` and a row in the audit trail.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

from ..domain import quarters as dq
from ..domain import roles
from ..domain.money import yuan
from . import accounts, audit, clock
from .errors import StorageError
from .ledger import ledger
# The reading half, named here as well: every caller of ``quarters.get`` & co. keeps working.
from .quarter_book import (ALLOCATE, CLOSE, EVENT_LABELS, EXPORT, REOPEN, _latest, _quarter_of,  # noqa: F401
                           closed_quarters, earliest_records, events, get, is_closed, latest_export,
                           parse)

MANAGE_ROLES = roles.roles_with("quarter.manage")  # may set the allocation and close a quarter
REOPEN_ROLES = roles.roles_with("quarter.reopen")
MANIFEST = "manifest.json"


def _ensure_row(db, code: str) -> None:
    db.execute("INSERT OR IGNORE INTO quarters (quarter, allocated_fen, closed) VALUES (?, 0, 0)", [code])


def _check_role(db, user: dict | None, allowed: tuple, what: str) -> dict:
    if not user:
        raise StorageError(f"请先登录，再{what}")
    current = accounts.get(db, user["id"])
    if current["role"] not in allowed or not current["active"]:
        who = "、".join(roles.LABELS[r] for r in allowed)
        raise StorageError(f"只有{who}可以{what}")
    return current


def closed_refusal(db, day, what: str = "领药") -> str | None:
    """Why nothing may be dated ``day`` (its quarter is closed), or None."""
    if not is_closed(db, day):
        return None
    label = _quarter_of(day).label
    if what == "作废":
        return (f"{label}已结账，不能再登记该季度的作废；如需更正，请以本季度日期作废"
                f"（计入本季度台账）或请管理员重新开账")
    return f"{label}已结账，不能再登记该季度的{what}；如需补登，请以本季度日期登记或请管理员重新开账"


def _event(db, code: str, kind: str, user: dict | None, reason: str | None = None,
           detail: dict | None = None, at: str | None = None) -> dict:
    _ensure_row(db, code)
    event = {"quarter": code, "kind": kind, "reason": reason,
             "detail": json.dumps(detail, ensure_ascii=False, sort_keys=True) if detail else None,
             "at": at or clock.now(), "user_id": user["id"] if user else None}
    event["id"] = db["quarter_events"].insert(event).last_pk
    return event


# --- changing --------------------------------------------------------------------------------

def set_allocation(db, quarter, fen: int, user: dict | None, note: str | None = None) -> dict:
    """Record the amount the programme office pre-allocated for the quarter (integer fen)."""
    q = parse(quarter)
    if isinstance(fen, bool) or not isinstance(fen, int) or fen < 0:
        raise StorageError("预拨经费应为不小于 0 的金额")
    _check_role(db, user, MANAGE_ROLES, "填写预拨经费")
    if is_closed(db, q.code):
        raise StorageError(f"{q.label}已结账，不能再修改预拨经费；请管理员重新开账")
    before = get(db, q.code)["allocated_fen"]
    with db.atomic():
        _ensure_row(db, q.code)
        changes = {"allocated_fen": fen}
        if note is not None:
            changes["note"] = note.strip() or None
        db["quarters"].update(q.code, changes)
        _event(db, q.code, ALLOCATE, user, detail={"allocated_fen": fen, "before_fen": before})
        audit.record(db, audit.UPDATE, "quarter", q.code,
                     f"{q.label}预拨经费：{yuan(before)} 元 → {yuan(fen)} 元",
                     detail={"allocated_fen": fen, "before_fen": before}, user=user)
    return get(db, q.code)


def record_export(db, quarter, detail: dict, user: dict | None = None, summary: str = "") -> dict:
    """Note a verified export of the quarter's ledger: an 'export' event and an EXPORT audit row.

    ``detail`` carries at least ``path`` and ``manifest_sha256``, and ``fingerprint`` (the ledger's,
    so that closing can tell whether the data changed since)."""
    q = parse(quarter)
    with db.atomic():
        event = _event(db, q.code, EXPORT, user, detail=detail)
        audit.record(db, audit.EXPORT, "ledger", q.code, summary or f"导出{q.label}台账：{detail.get('path')}",
                     detail=detail, user=user)
    return event


def close_refusal(db, quarter, fingerprint: str | None = None) -> str | None:
    """Why the quarter cannot be closed now, or ``None``: it has ended, its current ledger was
    exported, and nothing changed since. The ledger window says this under its buttons and
    ``close`` refuses with it, so the two never disagree. ``fingerprint``: the ledger's now."""
    q = parse(quarter)
    if is_closed(db, q.code):
        return f"{q.label}已经结账"
    if q.last_day >= clock.today():
        return f"{q.label}尚未结束（至 {q.last_day.isoformat()} 止），季度结束后才能结账"
    export = latest_export(db, q.code)
    if export is None:
        return f"请先导出{q.label}的台账，核对无误后再结账"
    if fingerprint is None:
        fingerprint = ledger(db, q.code).fingerprint()
    if export["detail"].get("fingerprint") != fingerprint:
        return f"导出之后{q.label}的台账又有变动，请重新导出后再结账"
    return None


def close(db, quarter, user: dict | None, package_dir=None, fingerprint: str | None = None) -> dict:
    """Close (结账) a quarter that has ended and whose current ledger was exported.

    With ``package_dir``, that folder must be the package of the latest export, unaltered
    (its manifest's hash is the one recorded at export)."""
    q = parse(quarter)
    user = _check_role(db, user, MANAGE_ROLES, "结账")
    reason = close_refusal(db, q.code, fingerprint)
    if reason:
        raise StorageError(reason)
    export = latest_export(db, q.code)
    if package_dir is not None:
        _check_package(Path(package_dir), export, q)
    detail = {"export_event": export["id"], "package": export["detail"].get("path"),
              "manifest_sha256": export["detail"].get("manifest_sha256")}
    with db.atomic():
        _ensure_row(db, q.code)
        db["quarters"].update(q.code, {"closed": 1})
        _event(db, q.code, CLOSE, user, detail=detail)
        audit.record(db, audit.UPDATE, "quarter", q.code, f"{q.label}结账", detail=detail, user=user)
    return get(db, q.code)


def _check_package(folder: Path, export: dict, q: dq.Quarter) -> None:
    try:
        data = (folder / MANIFEST).read_bytes()
    except OSError:
        raise StorageError(f"在 {folder} 中找不到台账清单 {MANIFEST}，请选择导出的台账文件夹") from None
    if hashlib.sha256(data).hexdigest() != export["detail"].get("manifest_sha256"):
        raise StorageError(f"{folder} 不是{q.label}最近一次导出的台账，或已被改动；请重新导出后再结账")


def reopen(db, quarter, reason: str, user: dict | None) -> dict:
    """Reopen (重新开账) a closed quarter: administrators only, with a reason."""
    q = parse(quarter)
    user = _check_role(db, user, REOPEN_ROLES, "重新开账")
    reason = (reason or "").strip()
    if not reason:
        raise StorageError("请写明重新开账的原因")
    if not is_closed(db, q.code):
        raise StorageError(f"{q.label}尚未结账，无需重新开账")
    with db.atomic():
        db["quarters"].update(q.code, {"closed": 0})
        _event(db, q.code, REOPEN, user, reason=reason)
        audit.record(db, audit.UPDATE, "quarter", q.code, f"{q.label}重新开账：{reason}",
                     detail={"reason": reason}, user=user)
    return get(db, q.code)


def generated_at(db, quarter) -> str:
    """When the package of a closed quarter says it was made: the moment it was closed, so that
    exporting it again gives the same bytes. An open quarter: now."""
    info = get(db, quarter)
    return info["closed_at"] if info["closed"] and info["closed_at"] else clock.now()


def today_quarter() -> dq.Quarter:
    return dq.quarter_of(clock.today())


def quarter_of(day: dt.date | str) -> dq.Quarter:
    return _quarter_of(day)
