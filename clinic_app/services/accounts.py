"""Accounts: the first administrator, and the administrator's management of everyone else."""
from __future__ import annotations

from ..domain import roles
from ..domain.errors import PermissionDenied, RefusedError
from ..storage import accounts, audit, settings
from .acting import acting_user
from .use_case import use_case


def create_first_administrator(db, clinic_code: str, username: str, password: str,
                               display_name: str = "") -> dict:
    """The first start: the clinic and its administrator, together. Only while no account exists,
    so nobody can use it later to make himself an administrator."""
    with db.atomic():
        if accounts.count(db) > 0:
            raise PermissionDenied("已有用户账户：新账户须由管理员在“用户管理”中创建")
        if not clinic_code:
            raise RefusedError("请选择本单位", field="clinic_code")
        settings.put(db, "clinic_code", clinic_code)
        user = accounts.create_user(db, username, password, roles.ADMIN, display_name)
        audit.record(db, audit.CREATE, "clinic", clinic_code, "首次启动：设定本单位并创建管理员", user=user)
    return user


@use_case("users.manage")
def create_user(db, actor, username: str, password: str, role: str, display_name: str = "") -> dict:
    return accounts.create_user(db, username, password, role, display_name, by=actor)


@use_case("users.manage")
def update_user(db, actor, user_id: int, *, role: str | None = None, active: bool | None = None,
                display_name: str | None = None) -> dict:
    return accounts.update_user(db, user_id, role=role, active=active, display_name=display_name, by=actor)


@use_case("users.manage")
def reset_password(db, actor, user_id: int, password: str) -> None:
    accounts.set_password(db, user_id, password, by=actor)


@use_case("users.manage")
def unlock_user(db, actor, user_id: int) -> None:
    accounts.unlock(db, user_id, by=actor)


def change_own_password(db, user, old_password: str, new_password: str) -> None:
    """Anyone may change his own password, knowing the old one."""
    actor = acting_user(db, user)
    if not accounts.check_password(db, actor["id"], old_password):
        raise RefusedError("原密码错误", field="old_password")
    accounts.set_password(db, actor["id"], new_password, by=actor)


def switch_user(db, previous: dict, username: str, password: str) -> dict:
    """切换用户 on the lock screen: the next shift logs in as himself, without the last user's
    password. The login is checked and counted like any login (lockout, a failure audited); the
    hand-over is audited as a switch naming both. Returns the new user; ``AuthError`` (Chinese)
    when refused, and nothing changes."""
    user = accounts.authenticate(db, username, password)
    audit.record(db, audit.SWITCH_USER, "user", user["id"],
                 f"{previous['username']} 锁屏后切换为 {user['username']}",
                 detail={"from": previous["username"], "to": user["username"]}, user=user)
    return user
