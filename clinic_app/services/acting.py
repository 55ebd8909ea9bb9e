"""Who is acting, and may they? Checked against the database, never against a screen's memory.

A session remembers who logged in; the user's row may have changed since (deactivated by the
administrator, given another role). So every use case reads the row again before it acts, and a
refusal for want of a right is itself audited: an attempt by a 只读 account to create a patient
is exactly what the audit trail is for.
"""
from __future__ import annotations

from ..domain import roles
from ..domain.errors import PermissionDenied
from ..storage import audit


def acting_user(db, user: dict | None) -> dict:
    """The acting user's current row, or ``PermissionDenied`` when nobody (valid) is acting."""
    if not user or user.get("id") is None:
        raise PermissionDenied("请先登录")
    row = db.execute("SELECT id, username, display_name, role, active FROM users WHERE id = ?",
                     [user["id"]]).fetchone()
    if row is None:
        raise PermissionDenied("该用户不存在，请重新登录")
    current = dict(zip(("id", "username", "display_name", "role", "active"), row))
    if not current["active"]:
        raise PermissionDenied(f"账户 {current['username']} 已停用，请联系管理员")
    return current


def require(db, user: dict | None, action: str) -> dict:
    """The acting user if their role may do ``action``; otherwise an audited ``PermissionDenied``."""
    current = acting_user(db, user)
    reason = roles.refusal(current["role"], action)
    if reason:
        audit.record(db, audit.DENIED, "permission", action, reason, user=current)
        raise PermissionDenied(reason)
    return current
