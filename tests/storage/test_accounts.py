"""Staff accounts: hashed passwords, counted failures, lockout, and an admin always left."""
import datetime as dt

import pytest

from clinic_app.domain import roles
from clinic_app.storage import accounts, audit, settings
from clinic_app.storage.accounts import AuthError
from clinic_app.storage.errors import DuplicateError, StorageError

PASSWORD = "Jiangjin2019"
REAL_HASHER = accounts._hasher


@pytest.fixture(autouse=True)
def cheap_hashing(monkeypatch):
    """Argon2 with tiny costs: the rules under test do not depend on how slow hashing is."""
    from argon2 import PasswordHasher

    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(accounts, "_hasher", lambda: cheap)


@pytest.fixture
def admin(fresh_db):
    return accounts.create_user(fresh_db, "admin", PASSWORD, roles.ADMIN, "管理员")


@pytest.fixture
def officer(fresh_db, admin):
    return accounts.create_user(fresh_db, "li", PASSWORD, roles.OFFICER, "李医生", by=admin)


def _hash(db, user_id):
    return db.execute("SELECT password_hash FROM users WHERE id = ?", [user_id]).fetchone()[0]


def _fail(db, username, times):
    for _ in range(times):
        with pytest.raises(AuthError):
            accounts.authenticate(db, username, "Wrong-pass1")


def _audit_actions(db, user_id):
    return [r["action"] for r in audit.recent(db, entity="user", entity_id=user_id)][::-1]


# --- creating ----------------------------------------------------------------------------------

def test_the_password_is_stored_as_an_argon2_hash(fresh_db, admin):
    stored = _hash(fresh_db, admin["id"])
    assert stored.startswith("$argon2")
    assert PASSWORD not in stored


def test_the_real_hasher_is_argon2id_with_a_salt(fresh_db, monkeypatch):
    monkeypatch.setattr(accounts, "_hasher", REAL_HASHER)
    a = accounts.create_user(fresh_db, "zhao", PASSWORD, roles.OFFICER)
    b = accounts.create_user(fresh_db, "qian", PASSWORD, roles.OFFICER)
    assert _hash(fresh_db, a["id"]).startswith("$argon2id$")
    assert _hash(fresh_db, a["id"]) != _hash(fresh_db, b["id"])


def test_an_outdated_hash_is_upgraded_at_login(fresh_db, officer, monkeypatch):
    old = _hash(fresh_db, officer["id"])
    monkeypatch.setattr(accounts, "_hasher", REAL_HASHER)
    accounts.authenticate(fresh_db, "li", PASSWORD)
    new = _hash(fresh_db, officer["id"])
    assert new != old and new.startswith("$argon2id$")
    assert accounts.authenticate(fresh_db, "li", PASSWORD)


def test_user_dicts_never_carry_the_hash(fresh_db, admin, officer):
    seen = [admin, officer, accounts.get(fresh_db, officer["id"]),
            accounts.authenticate(fresh_db, "li", PASSWORD),
            accounts.update_user(fresh_db, officer["id"], display_name="李四", by=admin),
            *accounts.list_users(fresh_db)]
    for user in seen:
        assert "password_hash" not in user
        assert not any(str(v).startswith("$argon2") for v in user.values())


def test_a_new_user_has_the_given_fields(admin, officer):
    assert (officer["username"], officer["role"], officer["display_name"]) == (
        "li", roles.OFFICER, "李医生")
    assert officer["active"] == 1 and officer["failed_attempts"] == 0


def test_the_username_is_trimmed_and_the_display_name_defaults_to_it(fresh_db, admin):
    user = accounts.create_user(fresh_db, "  zhang  ", PASSWORD, roles.READONLY, by=admin)
    assert user["username"] == "zhang"
    assert user["display_name"] == "zhang"


@pytest.mark.parametrize("username", ["admin", " admin "])
def test_a_duplicate_username_is_refused(fresh_db, admin, username):
    with pytest.raises(DuplicateError, match="已存在"):
        accounts.create_user(fresh_db, username, PASSWORD, roles.OFFICER)
    assert accounts.count(fresh_db) == 1


@pytest.mark.parametrize("password, reason", [
    ("Ab1", "至少8位"),
    ("12345678", "同时包含字母和数字"),
    ("abcdefgh", "同时包含字母和数字"),
    ("wangwu123", "不能包含用户名"),
    ("a1a1a1a1", "过于简单"),
])
def test_weak_passwords_are_refused_with_a_chinese_reason(fresh_db, password, reason):
    with pytest.raises(StorageError) as info:
        accounts.create_user(fresh_db, "wangwu", password, roles.OFFICER)
    assert reason in info.value.message
    assert accounts.count(fresh_db) == 0


def test_a_weak_new_password_is_refused(fresh_db, admin):
    with pytest.raises(StorageError, match="至少8位"):
        accounts.set_password(fresh_db, admin["id"], "Ab1")
    assert accounts.authenticate(fresh_db, "admin", PASSWORD)


@pytest.mark.parametrize("username, role, reason", [
    ("", roles.OFFICER, "请填写用户名"),
    ("   ", roles.OFFICER, "请填写用户名"),
    ("zhao", "superuser", "角色无效"),
])
def test_a_user_without_a_name_or_with_an_unknown_role_is_refused(fresh_db, username, role, reason):
    with pytest.raises(StorageError, match=reason):
        accounts.create_user(fresh_db, username, PASSWORD, role)


# --- authenticating ----------------------------------------------------------------------------

def test_the_right_password_logs_in(fresh_db, officer):
    user = accounts.authenticate(fresh_db, "li", PASSWORD)
    assert user["id"] == officer["id"]
    assert user["last_login_at"]


def test_an_unknown_username_is_refused_without_saying_which_part_was_wrong(fresh_db, admin):
    with pytest.raises(AuthError) as info:
        accounts.authenticate(fresh_db, "nobody", PASSWORD)
    assert info.value.message == "用户名或密码错误"


def test_a_wrong_password_says_how_many_tries_are_left(fresh_db, officer):
    threshold = settings.get(fresh_db, "lockout_threshold")
    for attempt in range(1, threshold):
        with pytest.raises(AuthError) as info:
            accounts.authenticate(fresh_db, "li", "Wrong-pass1")
        assert f"再错 {threshold - attempt} 次将锁定账户" in info.value.message
        assert accounts.get(fresh_db, officer["id"])["failed_attempts"] == attempt


def test_a_successful_login_resets_the_count(fresh_db, officer):
    _fail(fresh_db, "li", 2)
    accounts.authenticate(fresh_db, "li", PASSWORD)
    assert accounts.get(fresh_db, officer["id"])["failed_attempts"] == 0


@pytest.mark.parametrize("threshold", [3, 5])
def test_the_account_locks_at_the_threshold(fresh_db, officer, threshold):
    settings.put(fresh_db, "lockout_threshold", threshold)
    _fail(fresh_db, "li", threshold - 1)
    with pytest.raises(AuthError, match="已锁定"):
        accounts.authenticate(fresh_db, "li", "Wrong-pass1")
    assert accounts.get(fresh_db, officer["id"])["locked_until"]


def test_a_locked_account_refuses_even_the_right_password(fresh_db, officer):
    _fail(fresh_db, "li", settings.get(fresh_db, "lockout_threshold"))
    with pytest.raises(AuthError) as info:
        accounts.authenticate(fresh_db, "li", PASSWORD)
    assert "账户已锁定" in info.value.message
    assert "分钟后再试" in info.value.message
    assert not accounts.check_password(fresh_db, officer["id"], PASSWORD)


def test_the_lock_lasts_the_configured_minutes(fresh_db, officer):
    settings.put(fresh_db, "lockout_minutes", 30)
    _fail(fresh_db, "li", settings.get(fresh_db, "lockout_threshold"))
    until = dt.datetime.fromisoformat(accounts.get(fresh_db, officer["id"])["locked_until"])
    expected = dt.datetime.now() + dt.timedelta(minutes=30)
    assert abs((until - expected).total_seconds()) < 60


def test_an_expired_lock_lets_the_right_password_in(fresh_db, officer):
    _fail(fresh_db, "li", settings.get(fresh_db, "lockout_threshold"))
    past = (dt.datetime.now() - dt.timedelta(minutes=1)).isoformat(timespec="seconds")
    fresh_db["users"].update(officer["id"], {"locked_until": past})
    user = accounts.authenticate(fresh_db, "li", PASSWORD)
    assert user["locked_until"] is None


def test_an_admin_can_unlock_an_account(fresh_db, admin, officer):
    _fail(fresh_db, "li", settings.get(fresh_db, "lockout_threshold"))
    accounts.unlock(fresh_db, officer["id"], by=admin)
    assert accounts.authenticate(fresh_db, "li", PASSWORD)


def test_a_deactivated_account_cannot_log_in(fresh_db, admin, officer):
    accounts.update_user(fresh_db, officer["id"], active=False, by=admin)
    with pytest.raises(AuthError, match="已停用"):
        accounts.authenticate(fresh_db, "li", PASSWORD)


def test_a_new_password_replaces_the_old(fresh_db, admin, officer):
    accounts.set_password(fresh_db, officer["id"], "Baishi2024x", by=admin)
    with pytest.raises(AuthError):
        accounts.authenticate(fresh_db, "li", PASSWORD)
    assert accounts.authenticate(fresh_db, "li", "Baishi2024x")


# --- the last admin ----------------------------------------------------------------------------

@pytest.mark.parametrize("change", [{"active": False}, {"role": roles.OFFICER}],
                         ids=["deactivate", "demote"])
def test_the_last_admin_cannot_be_removed(fresh_db, admin, officer, change):
    with pytest.raises(StorageError, match="至少要保留一个启用的管理员账户"):
        accounts.update_user(fresh_db, admin["id"], by=admin, **change)
    assert accounts.get(fresh_db, admin["id"])["role"] == roles.ADMIN
    assert accounts.get(fresh_db, admin["id"])["active"] == 1


@pytest.mark.parametrize("change", [{"active": False}, {"role": roles.OFFICER}],
                         ids=["deactivate", "demote"])
def test_an_admin_can_be_removed_while_another_remains(fresh_db, admin, change):
    other = accounts.create_user(fresh_db, "chen", PASSWORD, roles.ADMIN, by=admin)
    accounts.update_user(fresh_db, admin["id"], by=other, **change)


def test_an_inactive_admin_does_not_count_as_the_remaining_one(fresh_db, admin):
    other = accounts.create_user(fresh_db, "chen", PASSWORD, roles.ADMIN, by=admin)
    accounts.update_user(fresh_db, other["id"], active=False, by=admin)
    with pytest.raises(StorageError, match="管理员"):
        accounts.update_user(fresh_db, admin["id"], active=False, by=admin)


# --- auditing ----------------------------------------------------------------------------------

def test_every_write_is_audited(fresh_db, admin, officer):
    accounts.authenticate(fresh_db, "li", PASSWORD)
    _fail(fresh_db, "li", 1)
    accounts.set_password(fresh_db, officer["id"], "Baishi2024x", by=admin)
    accounts.update_user(fresh_db, officer["id"], role=roles.PSYCHIATRIST, by=admin)
    accounts.unlock(fresh_db, officer["id"], by=admin)
    assert _audit_actions(fresh_db, officer["id"]) == [
        audit.CREATE, audit.LOGIN, audit.LOGIN_FAILED, audit.UPDATE, audit.UPDATE, audit.UPDATE]
    assert audit.verify(fresh_db).ok


def test_the_audit_row_names_the_actor_and_the_change(fresh_db, admin, officer):
    accounts.update_user(fresh_db, officer["id"], role=roles.READONLY, by=admin)
    row = audit.recent(fresh_db, limit=1)[0]
    assert row["username"] == "admin"
    assert '"role": "readonly"' in row["detail"]


def test_an_unknown_username_is_audited(fresh_db):
    with pytest.raises(AuthError):
        accounts.authenticate(fresh_db, "ghost", PASSWORD)
    row = audit.recent(fresh_db, limit=1)[0]
    assert row["action"] == audit.LOGIN_FAILED
    assert "ghost" in row["summary"]


def test_no_audit_row_holds_a_password(fresh_db, admin, officer):
    accounts.set_password(fresh_db, officer["id"], "Baishi2024x", by=admin)
    _fail(fresh_db, "li", 1)
    text = " ".join(f"{r['summary']} {r['detail']}" for r in audit.recent(fresh_db))
    for secret in (PASSWORD, "Baishi2024x", "Wrong-pass1", "$argon2"):
        assert secret not in text
