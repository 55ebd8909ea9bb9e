"""Staff accounts: argon2 password hashes, lockout after repeated failures, roles.

A user dict returned here never carries the password hash.
"""
from __future__ import annotations

import datetime as dt
from functools import lru_cache

from ..domain import roles
from . import audit, clock, settings
from .errors import DuplicateError, NotFoundError, StorageError

PUBLIC_COLUMNS = ("id", "username", "display_name", "role", "active", "failed_attempts",
                  "locked_until", "created_at", "last_login_at")


class AuthError(StorageError):
    pass


@lru_cache(maxsize=1)
def _hasher():
    from argon2 import PasswordHasher

    return PasswordHasher()


def _public(row: dict) -> dict:
    return {k: row.get(k) for k in PUBLIC_COLUMNS}


def count(db) -> int:
    return db["users"].count


def list_users(db) -> list[dict]:
    return [_public(r) for r in db["users"].rows_where(order_by="id")]


def get(db, user_id: int) -> dict:
    rows = list(db["users"].rows_where("id = ?", [user_id]))
    if not rows:
        raise NotFoundError("找不到该用户")
    return _public(rows[0])


def _row_by_username(db, username: str) -> dict | None:
    rows = list(db["users"].rows_where("username = ?", [username.strip()]))
    return rows[0] if rows else None


def create_user(db, username: str, password: str, role: str, display_name: str = "",
                by: dict | None = None) -> dict:
    username = username.strip()
    if not username:
        raise StorageError("请填写用户名")
    if role not in roles.ROLES:
        raise StorageError("角色无效")
    problem = roles.password_problem(password, username)
    if problem:
        raise StorageError(problem)
    if _row_by_username(db, username):
        raise DuplicateError(f"用户名“{username}”已存在")
    with db.atomic():
        user_id = db["users"].insert({
            "username": username, "display_name": display_name.strip() or username, "role": role,
            "password_hash": _hasher().hash(password), "active": 1, "failed_attempts": 0,
            "created_at": clock.now(),
        }).last_pk
        user = get(db, user_id)
        audit.record(db, audit.CREATE, "user", user_id,
                     f"新建用户 {username}（{roles.LABELS[role]}）", user=by)
    return user


def _locked_until(row: dict) -> dt.datetime | None:
    if not row.get("locked_until"):
        return None
    until = dt.datetime.fromisoformat(row["locked_until"])
    return until if until > dt.datetime.now() else None


def authenticate(db, username: str, password: str) -> dict:
    """Return the user, or raise ``AuthError`` with the reason; failures count toward lockout."""
    row = _row_by_username(db, username)
    if row is None:
        audit.record(db, audit.LOGIN_FAILED, "user", None, f"未知用户名 {username.strip()}")
        raise AuthError("用户名或密码错误")
    if not row["active"]:
        raise AuthError("该账户已停用，请联系管理员")
    until = _locked_until(row)
    if until:
        minutes = max(1, int((until - dt.datetime.now()).total_seconds() // 60) + 1)
        raise AuthError(f"密码输错次数过多，账户已锁定，请 {minutes} 分钟后再试")
    if not _password_matches(row, password):
        _register_failure(db, row)
        raise AuthError(_failure_message(db, row["id"]))
    with db.atomic():
        db["users"].update(row["id"], {"failed_attempts": 0, "locked_until": None,
                                       "last_login_at": clock.now()})
        if _hasher().check_needs_rehash(row["password_hash"]):
            db["users"].update(row["id"], {"password_hash": _hasher().hash(password)})
        user = get(db, row["id"])
        audit.record(db, audit.LOGIN, "user", row["id"], f"{row['username']} 登录", user=user)
    return user


def _password_matches(row: dict, password: str) -> bool:
    from argon2.exceptions import VerificationError, InvalidHashError

    try:
        return _hasher().verify(row["password_hash"], password)
    except (VerificationError, InvalidHashError):
        return False


def _register_failure(db, row: dict) -> None:
    threshold = settings.get(db, "lockout_threshold")
    failures = (row["failed_attempts"] or 0) + 1
    changes = {"failed_attempts": failures}
    if failures >= threshold:
        until = dt.datetime.now() + dt.timedelta(minutes=settings.get(db, "lockout_minutes"))
        changes.update(locked_until=until.isoformat(timespec="seconds"), failed_attempts=0)
    with db.atomic():
        db["users"].update(row["id"], changes)
        audit.record(db, audit.LOGIN_FAILED, "user", row["id"],
                     f"{row['username']} 密码错误（第 {failures} 次）")


def _failure_message(db, user_id: int) -> str:
    row = db["users"].get(user_id)
    if _locked_until(row):
        return f"密码输错次数过多，账户已锁定 {settings.get(db, 'lockout_minutes')} 分钟"
    left = settings.get(db, "lockout_threshold") - row["failed_attempts"]
    return f"用户名或密码错误（再错 {left} 次将锁定账户）"


def check_password(db, user_id: int, password: str) -> bool:
    """For unlocking the screen and, later, for signing: no lockout side effects beyond counting."""
    row = db["users"].get(user_id)
    if not row["active"] or _locked_until(row):
        return False
    if _password_matches(row, password):
        db["users"].update(user_id, {"failed_attempts": 0})
        return True
    _register_failure(db, row)
    return False


def set_password(db, user_id: int, password: str, by: dict | None = None) -> None:
    row = db["users"].get(user_id)
    problem = roles.password_problem(password, row["username"])
    if problem:
        raise StorageError(problem)
    with db.atomic():
        db["users"].update(user_id, {"password_hash": _hasher().hash(password),
                                     "failed_attempts": 0, "locked_until": None})
        audit.record(db, audit.UPDATE, "user", user_id, f"重设 {row['username']} 的密码", user=by)


def update_user(db, user_id: int, *, role: str | None = None, active: bool | None = None,
                display_name: str | None = None, by: dict | None = None) -> dict:
    row = db["users"].get(user_id)
    changes: dict = {}
    if role is not None:
        if role not in roles.ROLES:
            raise StorageError("角色无效")
        changes["role"] = role
    if active is not None:
        changes["active"] = 1 if active else 0
    if display_name is not None:
        changes["display_name"] = display_name.strip() or row["username"]
    leaving_admin = row["role"] == roles.ADMIN and (
        changes.get("role", roles.ADMIN) != roles.ADMIN or changes.get("active", 1) == 0)
    if leaving_admin and _active_admin_count(db) <= 1:
        raise StorageError("至少要保留一个启用的管理员账户")
    with db.atomic():
        db["users"].update(user_id, changes)
        audit.record(db, audit.UPDATE, "user", user_id, f"修改用户 {row['username']}",
                     detail={k: v for k, v in changes.items()}, user=by)
    return get(db, user_id)


def unlock(db, user_id: int, by: dict | None = None) -> None:
    with db.atomic():
        db["users"].update(user_id, {"failed_attempts": 0, "locked_until": None})
        audit.record(db, audit.UPDATE, "user", user_id, "解除账户锁定", user=by)


def _active_admin_count(db) -> int:
    return db.execute("SELECT count(*) FROM users WHERE role = ? AND active = 1",
                      [roles.ADMIN]).fetchone()[0]
