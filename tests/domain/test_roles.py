"""The permission table is the one answer to "may this role do that"."""
from __future__ import annotations

import pytest

from clinic_app.domain import roles
from clinic_app.domain.roles import ADMIN, OFFICER, PERMISSIONS, PSYCHIATRIST, READONLY, may, refusal


def test_read_only_may_look_but_never_write_print_or_export():
    allowed = {p.key for p in PERMISSIONS if READONLY in p.roles}
    assert allowed == {"patient.view", "patient.reveal_id"}


def test_the_administrator_may_do_everything_but_sign_as_psychiatrist():
    assert {p.key for p in PERMISSIONS if ADMIN not in p.roles} == {"dispensing.sign_psychiatrist"}


def test_only_a_psychiatrist_signs_as_psychiatrist_and_never_as_dispenser():
    assert roles.roles_with("dispensing.sign_psychiatrist") == (PSYCHIATRIST,)
    assert not may(PSYCHIATRIST, "dispensing.record") and not may(PSYCHIATRIST, "dispensing.void")


@pytest.mark.parametrize("action", ["users.manage", "settings.change", "catalogue.edit", "quarter.reopen",
                                    "backup.restore", "places.set", "holidays.edit", "audit.view"])
def test_administrator_only_actions(action):
    assert roles.roles_with(action) == (ADMIN,)


def test_a_refusal_says_who_may():
    assert refusal(ADMIN, "stock.edit") is None
    assert refusal(READONLY, "stock.edit") == "只有管理员、精防人员（发药人）可以药品入库、盘点"
    assert refusal(None, "quarter.reopen") == "只有管理员可以重新开账"


def test_an_unknown_action_is_a_bug_not_a_no():
    with pytest.raises(KeyError):
        may(ADMIN, "patients.edit")


def test_every_role_in_the_table_is_a_known_role_and_keys_are_unique():
    assert len({p.key for p in PERMISSIONS}) == len(PERMISSIONS)
    assert all(set(p.roles) <= set(roles.ROLES) and p.roles for p in PERMISSIONS)


def test_the_readme_table_has_a_row_per_permission_and_a_column_per_role():
    lines = roles.permission_table_markdown().splitlines()
    assert len(lines) == 2 + len(PERMISSIONS)
    assert lines[0] == "| 操作 | 管理员 | 精防人员（发药人） | 精神科医师 | 只读 |"
    assert lines[2 + [p.key for p in PERMISSIONS].index("backup.restore")] == "| 从备份恢复数据库 | ✔ | — | — | — |"


def test_storage_and_screens_read_their_role_lists_from_the_table():
    from clinic_app.storage import dispensing, quarters
    assert dispensing.DISPENSER_ROLES == roles.roles_with("dispensing.record") == (ADMIN, OFFICER)
    assert dispensing.VOID_ROLES == roles.roles_with("dispensing.void")
    assert quarters.MANAGE_ROLES == (ADMIN, OFFICER) and quarters.REOPEN_ROLES == (ADMIN,)
