"""Backups are complete, checked copies; restoring refuses anything that is not a sound backup."""
import datetime as dt
import os
import random
import sqlite3
import subprocess
import sys
from contextlib import closing

import pytest

from clinic_app import paths
from clinic_app.storage import backup
from clinic_app.storage.backup import BackupError
from clinic_app.storage.db import open_database
from clinic_app.storage import driver
from clinic_app.storage.db import WrongKey, open_file

WHEN = dt.datetime(2024, 3, 18, 8, 30, 0)


def _add_marker(db, text="before"):
    db["households"].insert({"created_at": "2024-01-01T00:00:00", "note": text})


def _markers(path):
    with closing(open_file(path)) as conn:
        return [r[0] for r in conn.execute("SELECT note FROM households ORDER BY id")]


def _integrity(path):
    with closing(open_file(path)) as conn:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]


def _make_random_file(path, size=8192):
    path.write_bytes(random.Random(42).randbytes(size))
    return path


def _make_indexed_db(path):
    with closing(open_file(path)) as conn:
        conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)")
        conn.execute("CREATE INDEX t_body ON t (body)")
        conn.executemany("INSERT INTO t (body) VALUES (?)",
                         [(f"row {i} " + "x" * 50,) for i in range(3000)])
        conn.commit()
    return path.stat().st_size


def _overwrite(path, offset, data):
    with open(path, "r+b") as f:
        f.seek(offset)
        f.write(data)


def _make_db_with_overwritten_pages(path):
    """Two middle pages of 0xff: SQLite calls the file malformed as soon as it reads them."""
    size = _make_indexed_db(path)
    _overwrite(path, size // 2, b"\xff" * 8192)
    return path


def _make_db_with_zeroed_cells(path):
    """A few zeroed bytes inside one b-tree page: integrity_check reports rows, no exception."""
    size = _make_indexed_db(path)
    _overwrite(path, size // 2 + 100, b"\0" * 200)
    return path


CORRUPTIONS = pytest.mark.parametrize(
    "make", [_make_db_with_overwritten_pages, _make_db_with_zeroed_cells],
    ids=["overwritten-pages", "zeroed-cells"])


def _backup_files(folder):
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))


# --- fixtures used to build corrupt inputs really are corrupt ----------------------------------

def test_overwritten_pages_fixture_is_malformed(tmp_path):
    path = _make_db_with_overwritten_pages(tmp_path / "bad.db")
    assert _integrity(path) != "ok"
    with closing(open_file(path)) as conn, pytest.raises(driver.DatabaseError, match="malformed"):
        conn.execute("SELECT count(*) FROM t").fetchone()


def test_zeroed_cells_fixture_fails_integrity_check(tmp_path):
    path = _make_db_with_zeroed_cells(tmp_path / "bad.db")
    assert _integrity(path) != "ok"


def test_random_fixture_is_not_a_database(tmp_path):
    path = _make_random_file(tmp_path / "noise.db")
    with pytest.raises(WrongKey):
        _integrity(path)


# --- backup_to ---------------------------------------------------------------------------------

def test_backup_copies_committed_data_including_the_wal(fresh_db, db_path, tmp_path):
    _add_marker(fresh_db)  # still in the -wal file while fresh_db is open
    out = backup.backup_to(db_path, tmp_path / "out", now=WHEN)
    assert out == tmp_path / "out" / "clinic-20240318-083000.db"
    assert _markers(out) == ["before"]
    assert _integrity(out) == "ok"


def test_backup_is_a_single_file_that_opens(fresh_db, db_path, tmp_path):
    out = backup.backup_to(db_path, tmp_path / "out")
    assert not os.path.exists(f"{out}-wal")
    with closing(open_file(out)) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    db = open_database(out)
    assert db["drugs"].count == 26
    db.conn.close()


def test_backup_adds_a_suffix_when_the_name_is_taken(fresh_db, db_path, tmp_path):
    first = backup.backup_to(db_path, tmp_path, now=WHEN)
    second = backup.backup_to(db_path, tmp_path, now=WHEN)
    third = backup.backup_to(db_path, tmp_path, now=WHEN)
    assert [first.name, second.name, third.name] == [
        "clinic-20240318-083000.db", "clinic-20240318-083000-2.db", "clinic-20240318-083000-3.db"]


def test_backup_creates_the_output_folder(fresh_db, db_path, tmp_path):
    out = backup.backup_to(db_path, tmp_path / "a" / "b")
    assert out.parent == tmp_path / "a" / "b"


def test_backup_of_a_missing_database_is_refused(tmp_path):
    with pytest.raises(BackupError, match="找不到"):
        backup.backup_to(tmp_path / "none.db", tmp_path / "out")
    assert not (tmp_path / "none.db").exists()


@pytest.mark.parametrize("make", [_make_random_file, _make_db_with_overwritten_pages,
                                  _make_db_with_zeroed_cells],
                         ids=["random-bytes", "overwritten-pages", "zeroed-cells"])
def test_backup_of_a_damaged_database_fails_and_leaves_nothing(tmp_path, make):
    source = make(tmp_path / "clinic.db")
    out_dir = tmp_path / "out"
    with pytest.raises(BackupError) as info:
        backup.backup_to(source, out_dir)
    assert "备份" in info.value.message
    assert list(out_dir.iterdir()) == []


def test_backup_interrupted_by_a_full_disk_leaves_no_partial_file(fresh_db, db_path, tmp_path,
                                                                  monkeypatch):
    def fill_disk(source, dest, read_only=False):
        dest.write_bytes(b"SQLite format 3\x00" + b"\0" * 100)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backup, "_copy_database", fill_disk)
    out_dir = tmp_path / "out"
    with pytest.raises(BackupError, match="磁盘空间不足"):
        backup.backup_to(db_path, out_dir)
    assert list(out_dir.iterdir()) == []


def test_backup_failing_inside_sqlite_leaves_no_partial_file(fresh_db, db_path, tmp_path,
                                                            monkeypatch):
    def fail(source, dest, read_only=False):
        dest.write_bytes(b"partial")
        raise driver.OperationalError("database or disk is full")

    monkeypatch.setattr(backup, "_copy_database", fail)
    with pytest.raises(BackupError, match="磁盘空间不足"):
        backup.backup_to(db_path, tmp_path / "out")
    assert list((tmp_path / "out").iterdir()) == []


# --- rotate ------------------------------------------------------------------------------------

def _touch_backups(folder, names):
    folder.mkdir(exist_ok=True)
    for name in names:
        (folder / name).write_bytes(b"x")


def test_rotate_keeps_the_newest_by_name_and_returns_the_deleted(tmp_path):
    names = [f"clinic-202403{d:02d}-080000.db" for d in range(1, 13)]
    _touch_backups(tmp_path, reversed(names))  # creation order must not matter
    deleted = backup.rotate(tmp_path, keep=10)
    assert sorted(p.name for p in deleted) == names[:2]
    assert _backup_files(tmp_path) == names[2:]


def test_rotate_orders_same_second_suffixes_numerically(tmp_path):
    names = ["clinic-20240301-080000.db", "clinic-20240301-080000-2.db",
             "clinic-20240301-080000-10.db"]
    _touch_backups(tmp_path, names)
    deleted = backup.rotate(tmp_path, keep=1)
    assert _backup_files(tmp_path) == ["clinic-20240301-080000-10.db"]
    assert len(deleted) == 2


@pytest.mark.parametrize("name", [
    "clinic.db", "clinic-20240301.db", "other-20240301-080000.db", "clinic-20240301-080000.db.bak",
    "clinic-20240301-080000-damaged.db", "notes.txt", ".clinic-abc.tmp",
])
def test_rotate_leaves_files_it_did_not_make(tmp_path, name):
    _touch_backups(tmp_path, [name, "clinic-20240302-080000.db", "clinic-20240303-080000.db"])
    backup.rotate(tmp_path, keep=1)
    assert (tmp_path / name).exists()
    assert not (tmp_path / "clinic-20240302-080000.db").exists()


def test_rotate_with_fewer_backups_than_keep_deletes_nothing(tmp_path):
    _touch_backups(tmp_path, ["clinic-20240301-080000.db"])
    assert backup.rotate(tmp_path, keep=10) == []


def test_rotate_of_a_missing_folder_deletes_nothing(tmp_path):
    assert backup.rotate(tmp_path / "none", keep=3) == []


def test_rotate_refuses_to_keep_nothing(tmp_path):
    with pytest.raises(ValueError):
        backup.rotate(tmp_path, keep=0)


def test_backup_and_rotate_keeps_the_new_copy(fresh_db, db_path, tmp_path):
    out_dir = tmp_path / "out"
    _touch_backups(out_dir, [f"clinic-2000010{d}-080000.db" for d in range(1, 6)])
    path = backup.backup_and_rotate(db_path, out_dir, keep=3)
    remaining = _backup_files(out_dir)
    assert len(remaining) == 3
    assert path.name in remaining


# --- needs_daily_backup -----------------------------------------------------------------------

@pytest.mark.parametrize("last, expected", [
    ("", True),
    ("not a date", True),
    ("2024-03-17", True),
    ("2024-03-18", False),
    (" 2024-03-18 ", False),
    ("2030-01-01", True),  # the clock was once wrong: do not wait until 2030
])
def test_needs_daily_backup(last, expected):
    assert backup.needs_daily_backup(last, dt.date(2024, 3, 18)) is expected


# --- restore -----------------------------------------------------------------------------------

@pytest.fixture
def good_backup(fresh_db, db_path, tmp_path):
    """A backup holding marker 'backed up', after which the live db gets marker 'after'."""
    _add_marker(fresh_db, "backed up")
    path = backup.backup_to(db_path, tmp_path / "saved", now=WHEN)
    _add_marker(fresh_db, "after")
    fresh_db.conn.close()
    return path


def test_restore_replaces_the_database_and_keeps_the_previous_one(good_backup, db_path):
    kept = backup.restore(db_path, good_backup)
    assert _markers(db_path) == ["backed up"]
    assert kept.parent == paths.backups_dir(db_path)
    assert _markers(kept) == ["backed up", "after"]
    db = open_database(db_path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db["drugs"].count == 26
    db.conn.close()


def _crash_after_writing(db_path, note):
    """A program that commits and dies without closing: its changes stay in the -wal file."""
    code = ("import os, sys\n"
            "from clinic_app.storage.db import open_database\n"
            "db = open_database(sys.argv[1])\n"
            "db['households'].insert({'created_at': 'x', 'note': sys.argv[2]})\n"
            "os._exit(0)\n")
    subprocess.run([sys.executable, "-c", code, str(db_path), note], check=True)


def test_restore_keeps_changes_left_in_a_crashed_programs_wal(good_backup, db_path):
    _crash_after_writing(db_path, "only in wal")
    assert os.path.getsize(f"{db_path}-wal") > 0
    kept = backup.restore(db_path, good_backup)
    assert "only in wal" in _markers(kept)
    assert _markers(db_path) == ["backed up"]
    assert not os.path.exists(f"{db_path}-wal")


def test_restore_into_a_missing_database_returns_none(good_backup, tmp_path):
    target = tmp_path / "new" / "clinic.db"
    assert backup.restore(target, good_backup) is None
    assert _markers(target) == ["backed up"]


def test_restore_does_not_change_the_backup_file(good_backup, db_path):
    before = good_backup.read_bytes()
    backup.restore(db_path, good_backup)
    assert good_backup.read_bytes() == before
    assert sorted(p.name for p in good_backup.parent.iterdir()) == [good_backup.name]


def test_restore_accepts_a_backup_from_an_older_version(db_path, tmp_path):
    from clinic_app.storage.db import connect
    from clinic_app.storage.schema import MIGRATIONS

    old = tmp_path / "old.db"
    db = connect(old)
    MIGRATIONS.apply(db, stop_before="m003_accounts_and_settings")
    db.conn.close()
    backup.restore(db_path, old)
    db = open_database(db_path)
    assert db["users"].exists() and db["audit_log"].exists()
    db.conn.close()


@CORRUPTIONS
def test_restore_keeps_a_damaged_current_database_as_a_raw_copy(good_backup, db_path, make):
    db_path.unlink()
    make(db_path)
    damaged = db_path.read_bytes()
    kept = backup.restore(db_path, good_backup)
    assert kept.name.endswith("-damaged.db")
    assert kept.read_bytes() == damaged
    assert _markers(db_path) == ["backed up"]


def _snapshot(db_path):
    return {p.name: p.read_bytes() for p in db_path.parent.iterdir() if p.is_file()}


def _make_foreign_db(path):
    with closing(sqlite3.connect(str(path))) as conn:
        conn.execute("CREATE TABLE notes (x)")
        conn.commit()
    return path


def _make_db_without_migrations(path):
    with closing(sqlite3.connect(str(path))) as conn:
        conn.execute("CREATE TABLE patients (id INTEGER PRIMARY KEY)")
        conn.commit()
    return path


def _make_newer_version_db(path):
    db = open_database(path)
    db["_sqlite_migrations"].insert({"migration_set": "clinic_app", "name": "m999_future",
                                     "applied_at": "2099-01-01"})
    db.conn.close()
    return path


@pytest.mark.parametrize("make, reason", [
    (_make_random_file, "不是本机可以打开的数据库备份"),
    (_make_db_with_overwritten_pages, "已损坏"),
    (_make_db_with_zeroed_cells, "未通过完整性检查"),
    (_make_foreign_db, "缺少数据表"),
    (_make_db_without_migrations, "_sqlite_migrations"),
    (_make_newer_version_db, "更新版本"),
], ids=["random-bytes", "overwritten-pages", "zeroed-cells", "foreign-db", "no-migrations",
        "newer-version"])
def test_restore_refuses_an_unusable_file_and_leaves_the_database_untouched(
        fresh_db, db_path, tmp_path, make, reason):
    _add_marker(fresh_db)
    fresh_db.conn.close()
    bad = make(_fresh_path(tmp_path))
    before = _snapshot(db_path)
    with pytest.raises(BackupError) as info:
        backup.restore(db_path, bad)
    assert reason in info.value.message
    assert _snapshot(db_path) == before
    assert not paths.backups_dir(db_path).exists()
    assert _markers(db_path) == ["before"]


def _fresh_path(tmp_path):
    folder = tmp_path / "picked"
    folder.mkdir(exist_ok=True)
    return folder / "bad.db"


def test_restore_refuses_a_missing_file(fresh_db, db_path, tmp_path):
    with pytest.raises(BackupError, match="找不到备份文件"):
        backup.restore(db_path, tmp_path / "nowhere.db")


def test_restore_refuses_the_database_itself(fresh_db, db_path):
    fresh_db.conn.close()
    with pytest.raises(BackupError, match="自身"):
        backup.restore(db_path, db_path)


def test_a_backup_killed_half_way_leaves_nothing_after_the_next_start(fresh_db, db_path, tmp_path):
    """kill -9 while the copy is written: the hidden temporary copy (all the patients' data) stays
    behind — until the next start removes it."""
    import os
    import signal
    import subprocess
    import sys

    from clinic_app.storage import backup as bk

    fresh_db.conn.close()
    child = ("import os, signal, sys\n"
             "from pathlib import Path\n"
             "from clinic_app.storage import backup\n"
             "def killed(src, dest, read_only=False):\n"
             "    Path(dest).write_bytes(Path(src).read_bytes()[:4096])\n"
             "    os.kill(os.getpid(), signal.SIGKILL)\n"
             "backup._copy_database = killed\n"
             "backup.backup_to(Path(sys.argv[1]), Path(sys.argv[2]))\n")
    backups = bk.paths.backups_dir(db_path)
    result = subprocess.run([sys.executable, "-c", child, str(db_path), str(backups)],
                            env={**os.environ, "PYTHONPATH": os.getcwd()}, capture_output=True)
    assert result.returncode == -signal.SIGKILL
    left = list(backups.glob(".clinic-*.tmp"))
    assert left and not bk.list_backups(backups)
    (db_path.parent / ".clinic-abc.tmp").write_bytes(b"a restore's copy")
    removed = bk.remove_debris(db_path)
    assert set(removed) == {*left, db_path.parent / ".clinic-abc.tmp"}
    assert not list(backups.glob(".clinic-*")) and not list(db_path.parent.glob(".clinic-*"))
    assert db_path.exists()


def test_the_database_a_restore_replaced_is_never_pruned_by_rotation(fresh_db, db_path, tmp_path):
    from clinic_app.storage import backup as bk

    fresh_db.conn.close()
    saved = bk.backup_to(db_path, tmp_path / "elsewhere")
    kept = bk.restore(db_path, saved)
    assert kept.name.endswith("-恢复前.db")
    folder = bk.paths.backups_dir(db_path)
    for n in range(4):
        bk.backup_to(db_path, folder, now=dt.datetime(2030, 1, 1, 8, 0, n))
    bk.rotate(folder, keep=1)
    assert kept.exists() and len(bk.list_backups(folder)) == 1
