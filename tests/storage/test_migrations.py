"""A database left by an older version is brought up to date on open, keeping its data."""
from contextlib import closing

import pytest
import sqlite_utils

from clinic_app.storage.db import connect, open_database, pending_migrations, schema_version
from clinic_app.storage.schema import MIGRATIONS
from clinic_app.storage import driver
from clinic_app.storage.db import open_file

ALL_MIGRATIONS = [m.name for m in MIGRATIONS.pending(sqlite_utils.Database(memory=True))]
FIRST_LATER = "m003_accounts_and_settings"


@pytest.fixture
def old_db_path(db_path):
    """A file at the schema of the first migrations only, holding one patient."""
    db = connect(db_path)
    MIGRATIONS.apply(db, stop_before=FIRST_LATER)
    household_id = db["households"].insert({"created_at": "2019-03-18T09:00:00"}).last_pk
    db["patients"].insert({"name": "张三", "id_number": "11010519491231002X",
                           "household_id": household_id, "town": "几江街道"})
    db.conn.close()
    return db_path


def test_the_fixture_really_is_an_older_version(old_db_path):
    db = connect(old_db_path)
    assert FIRST_LATER in pending_migrations(db)
    assert not db["users"].exists()
    db.conn.close()


def test_opening_an_old_database_applies_every_migration(old_db_path):
    db = open_database(old_db_path)
    assert schema_version(db) == ALL_MIGRATIONS
    assert pending_migrations(db) == []
    for table in ("users", "settings", "audit_log", "audit_head"):
        assert db[table].exists()
    db.conn.close()


def test_opening_an_old_database_keeps_its_data(old_db_path):
    db = open_database(old_db_path)
    rows = list(db.query("SELECT name, id_number, town FROM patients"))
    assert rows == [{"name": "张三", "id_number": "11010519491231002X", "town": "几江街道"}]
    db.conn.close()


@pytest.mark.parametrize("table, expected", [("drugs", 26), ("clinics", 14), ("towns", 30)])
def test_opening_an_old_database_loads_reference_data(old_db_path, table, expected):
    db = open_database(old_db_path)
    assert db[table].count == expected
    db.conn.close()


@pytest.mark.parametrize("pragma, expected", [("journal_mode", "wal"), ("foreign_keys", 1)])
def test_an_opened_database_has_the_required_pragmas(old_db_path, pragma, expected):
    db = open_database(old_db_path)
    assert db.execute(f"PRAGMA {pragma}").fetchone()[0] == expected
    db.conn.close()


def test_wal_mode_is_stored_in_the_file(old_db_path):
    open_database(old_db_path).conn.close()
    with closing(open_file(old_db_path)) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_foreign_keys_are_enforced(old_db_path):
    db = open_database(old_db_path)
    with pytest.raises(driver.IntegrityError):
        db.execute("INSERT INTO patients (name, id_number, household_id) VALUES (?, ?, ?)",
                   ["李四", "110105194912310037", 999])
    db.conn.close()


def _snapshot(db):
    tables = [r[0] for r in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name != '_sqlite_migrations' "
        "ORDER BY name")]
    return {t: db.execute(f"SELECT count(*) FROM [{t}]").fetchone()[0] for t in tables}


def test_opening_twice_changes_nothing(old_db_path):
    db = open_database(old_db_path)
    first, applied = _snapshot(db), db["_sqlite_migrations"].count
    db.conn.close()
    db = open_database(old_db_path)
    assert _snapshot(db) == first
    assert db["_sqlite_migrations"].count == applied
    assert schema_version(db) == ALL_MIGRATIONS
    db.conn.close()


def test_a_new_database_gets_every_migration(fresh_db):
    assert schema_version(fresh_db) == ALL_MIGRATIONS
