"""The audit trail is append-only, and tampering behind the program's back is found and located."""
import json
from contextlib import closing

import pytest

from clinic_app.domain.audit_chain import GENESIS, row_hash
from clinic_app.storage import audit, driver, integrity_key
from clinic_app.storage.db import open_file

from ..tamper import drop_all_triggers

USER = {"id": 7, "username": "wang"}
ROWS = 5
MIDDLE = 3


@pytest.fixture
def logged(fresh_db):
    """Five audit rows of different kinds."""
    audit.record(fresh_db, audit.LOGIN, "user", 7, "wang 登录", user=USER)
    audit.record(fresh_db, audit.CREATE, "patient", 1, "登记患者 张三", user=USER)
    audit.record(fresh_db, audit.UPDATE, "patient", 1, "修改患者 张三",
                 detail={"phone": ["13800000000", "13900000000"]}, user=USER)
    audit.record(fresh_db, audit.VIEW, "patient", 1, "查看患者 张三", user=USER)
    audit.record(fresh_db, audit.BACKUP, summary="备份数据库")
    return fresh_db


def _attack(db_path, *statements):
    """What someone with the sqlite3 shell could do: drop the triggers, then edit freely."""
    with closing(open_file(db_path)) as conn:
        drop_all_triggers(conn)
        for sql, args in statements:
            conn.execute(sql, args)
        conn.commit()


# --- recording ---------------------------------------------------------------------------------

def test_an_empty_trail_verifies(fresh_db):
    result = audit.verify(fresh_db)
    assert result.ok and result.checked == 0


def test_recorded_rows_verify(logged):
    result = audit.verify(logged)
    assert result.ok
    assert result.checked == ROWS
    assert result.bad_row is None


def test_rows_are_chained_from_genesis(logged):
    rows = list(logged.query("SELECT * FROM audit_log ORDER BY id"))
    assert [r["id"] for r in rows] == list(range(1, ROWS + 1))
    assert rows[0]["prev_hash"] == GENESIS
    for before, row in zip(rows, rows[1:]):
        assert row["prev_hash"] == before["hash"]
    key = integrity_key.of(logged)  # keyed (HMAC) since the seals migration
    assert all(row_hash(r["prev_hash"], r, key) == r["hash"] for r in rows)


def test_a_row_records_who_what_and_the_detail(logged):
    row = audit.recent(logged, entity="patient", entity_id=1, limit=10)[1]
    assert row["action"] == audit.UPDATE
    assert (row["user_id"], row["username"]) == (7, "wang")
    assert row["entity_id"] == "1"
    assert json.loads(row["detail"]) == {"phone": ["13800000000", "13900000000"]}


def test_recent_lists_newest_first(logged):
    assert [r["id"] for r in audit.recent(logged, limit=3)] == [5, 4, 3]


def test_the_head_follows_the_last_row(logged):
    head = logged.execute("SELECT last_id, count FROM audit_head WHERE id = 1").fetchone()
    assert head == (ROWS, ROWS)


def test_a_failed_change_leaves_no_audit_row(logged):
    with pytest.raises(RuntimeError):
        with logged.atomic():
            audit.record(logged, audit.CREATE, "patient", 2, "登记患者 李四")
            raise RuntimeError("the change itself failed")
    assert logged["audit_log"].count == ROWS
    assert audit.verify(logged).ok


# --- the triggers ------------------------------------------------------------------------------

@pytest.mark.parametrize("sql", [
    "UPDATE audit_log SET summary = 'nothing happened' WHERE id = 3",
    "DELETE FROM audit_log WHERE id = 3",
    "DELETE FROM audit_log",
], ids=["update", "delete-one", "delete-all"])
def test_the_triggers_refuse_changes(logged, sql):
    with pytest.raises(driver.DatabaseError, match="append-only"):
        logged.execute(sql)
    assert logged["audit_log"].count == ROWS
    assert audit.verify(logged).ok


# --- tampering with the triggers dropped ------------------------------------------------------

@pytest.mark.parametrize("column, value", [
    ("summary", "查看患者 李四"),
    ("detail", None),
    ("username", "zhao"),
    ("user_id", 8),
    ("action", audit.PRINT),
    ("at", "2000-01-01T00:00:00"),
    ("entity_id", "2"),
])
def test_altering_a_middle_row_is_found_at_that_row(logged, db_path, column, value):
    _attack(db_path, (f"UPDATE audit_log SET {column} = ? WHERE id = ?", [value, MIDDLE]))
    result = audit.verify(logged)
    assert not result.ok
    assert result.bad_row == MIDDLE
    assert f"第 {MIDDLE} 行" in result.reason
    assert result.checked == MIDDLE - 1


def test_rehashing_one_row_breaks_the_link_of_the_next(logged, db_path):
    """A forger who rehashes the changed row without the key is found at that very row (before
    the chain was keyed, the plain rehash only broke the link of the next row)."""
    row = next(logged.query("SELECT * FROM audit_log WHERE id = ?", [MIDDLE]))
    row["summary"] = "查看患者 李四"
    _attack(db_path, ("UPDATE audit_log SET summary = ?, hash = ? WHERE id = ?",
                      [row["summary"], row_hash(row["prev_hash"], row), MIDDLE]))
    result = audit.verify(logged)
    assert not result.ok
    assert result.bad_row == MIDDLE


def test_deleting_a_middle_row_is_found_at_that_row(logged, db_path):
    _attack(db_path, ("DELETE FROM audit_log WHERE id = ?", [MIDDLE]))
    result = audit.verify(logged)
    assert not result.ok
    assert result.bad_row == MIDDLE
    assert "缺失" in result.reason


def test_deleting_the_last_row_is_found(logged, db_path):
    _attack(db_path, ("DELETE FROM audit_log WHERE id = ?", [ROWS]))
    result = audit.verify(logged)
    assert not result.ok
    assert result.bad_row == ROWS
    assert "缺失" in result.reason


def test_deleting_every_row_is_found(logged, db_path):
    _attack(db_path, ("DELETE FROM audit_log", []))
    result = audit.verify(logged)
    assert not result.ok
    assert result.bad_row == 1


def test_a_row_appended_behind_the_programs_back_is_found(logged, db_path):
    last = next(logged.query("SELECT * FROM audit_log WHERE id = ?", [ROWS]))
    forged = {"id": ROWS + 1, "at": "2024-01-01T00:00:00", "user_id": None, "username": None,
              "action": audit.VIEW, "entity": "patient", "entity_id": "1", "summary": "伪造",
              "detail": None, "prev_hash": last["hash"]}
    forged["hash"] = row_hash(last["hash"], forged)
    columns = ", ".join(forged)
    _attack(db_path, (f"INSERT INTO audit_log ({columns}) VALUES "
                      f"({', '.join('?' * len(forged))})", list(forged.values())))
    result = audit.verify(logged)
    assert not result.ok
    assert result.bad_row == ROWS + 1


def test_recording_after_a_verified_trail_keeps_it_valid(logged):
    audit.record(logged, audit.EXPORT, "patient", None, "导出患者名单", user=USER)
    assert audit.verify(logged).ok
    assert audit.verify(logged).checked == ROWS + 1
