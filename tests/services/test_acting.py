"""Every use case starts here: the acting user is read again from the database and checked."""
from __future__ import annotations

import pytest

from clinic_app.domain import roles
from clinic_app.domain.errors import PermissionDenied
from clinic_app.services import acting_user, require
from clinic_app.storage import accounts


@pytest.fixture
def people(fresh_db):
    make = lambda name, role: accounts.create_user(fresh_db, name, "Mima2026xyz", role, name)  # noqa: E731
    return fresh_db, make("guanli", roles.ADMIN), make("chakan", roles.READONLY)


def denied_rows(db) -> list[dict]:
    return list(db.query("SELECT * FROM audit_log WHERE action = 'denied'"))


def test_a_role_with_the_right_passes_and_nothing_is_audited(people):
    db, admin, _ = people
    assert require(db, admin, "users.manage")["id"] == admin["id"]
    assert denied_rows(db) == []


def test_a_role_without_the_right_is_refused_and_the_attempt_audited(people):
    db, _, viewer = people
    with pytest.raises(PermissionDenied) as info:
        require(db, viewer, "patient.edit")
    assert info.value.message == "只有管理员、精防人员（发药人）、精神科医师可以新建和修改患者、监护人资料"
    (row,) = denied_rows(db)
    assert (row["username"], row["entity_id"]) == ("chakan", "patient.edit")


def test_the_role_is_read_from_the_database_not_from_the_session(people):
    db, admin, viewer = people
    stale = dict(viewer, role=roles.ADMIN)          # a session that remembers a promotion
    with pytest.raises(PermissionDenied):
        require(db, stale, "users.manage")
    db["users"].update(admin["id"], {"role": roles.READONLY})
    with pytest.raises(PermissionDenied):
        require(db, admin, "users.manage")


def test_nobody_or_a_deactivated_user_cannot_act(people):
    db, admin, viewer = people
    with pytest.raises(PermissionDenied, match="请先登录"):
        acting_user(db, None)
    db["users"].update(viewer["id"], {"active": 0})
    with pytest.raises(PermissionDenied, match="已停用"):
        require(db, viewer, "patient.view")
    with pytest.raises(PermissionDenied, match="不存在"):
        acting_user(db, {"id": 999})
