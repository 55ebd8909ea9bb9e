"""The maintenance commands: verify the audit trail, back up, restore."""
import os
import random
import sqlite3
import subprocess
import sys
from contextlib import closing

import pytest

from clinic_app import paths
from clinic_app.cli import main
from clinic_app.storage import audit
from clinic_app.storage.db import open_database, open_file

from .cli_login import add_clerk, login
from .tamper import drop_all_triggers


@pytest.fixture
def audited_db(fresh_db, db_path):
    """A database with five audit rows, closed so the commands open it themselves."""
    for n in range(1, 6):
        audit.record(fresh_db, audit.VIEW, "patient", n, f"查看患者 {n}")
    fresh_db["households"].insert({"created_at": "2024-01-01T00:00:00", "note": "original"})
    add_clerk(fresh_db, role="admin")
    fresh_db.conn.close()
    return db_path


def _tamper(db_path, sql, args=()):
    with closing(open_file(db_path)) as conn:
        drop_all_triggers(conn)
        conn.execute(sql, args)
        conn.commit()


def _notes(db_path):
    with closing(open_file(db_path)) as conn:
        return [r[0] for r in conn.execute("SELECT note FROM households ORDER BY id")]


# --- the real entry point ----------------------------------------------------------------------

def test_python_dash_m_runs_the_audit_check(audited_db):
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    result = subprocess.run([sys.executable, "-m", "clinic_app", "audit", "verify", "--db",
                             str(audited_db)], capture_output=True, text=True, encoding="utf-8",
                            env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "审计链完整：共 5 行" in result.stdout


def test_python_dash_m_reports_a_broken_chain(audited_db):
    _tamper(audited_db, "DELETE FROM audit_log WHERE id = 2")
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    result = subprocess.run([sys.executable, "-m", "clinic_app", "audit", "verify", "--db",
                             str(audited_db)], capture_output=True, text=True, encoding="utf-8",
                            env=env, timeout=120)
    assert result.returncode == 1
    assert "first bad row: 2" in result.stderr


# --- audit verify ------------------------------------------------------------------------------

def test_audit_verify_passes_an_intact_chain(audited_db, capsys):
    assert main(["audit", "verify", "--db", str(audited_db)]) == 0
    assert "审计链完整：共 5 行" in capsys.readouterr().out


@pytest.mark.parametrize("sql, args, bad_row", [
    ("UPDATE audit_log SET summary = ? WHERE id = ?", ["查看患者 99", 3], 3),
    ("DELETE FROM audit_log WHERE id = ?", [3], 3),
    ("DELETE FROM audit_log WHERE id = ?", [5], 5),
], ids=["altered-middle", "deleted-middle", "deleted-last"])
def test_audit_verify_names_the_first_bad_row(audited_db, capsys, sql, args, bad_row):
    _tamper(audited_db, sql, args)
    assert main(["audit", "verify", "--db", str(audited_db)]) != 0
    err = capsys.readouterr().err
    assert f"first bad row: {bad_row}" in err
    assert f"第 {bad_row} 行" in err


def test_audit_verify_of_a_missing_file_fails_without_creating_it(tmp_path, capsys):
    missing = tmp_path / "none.db"
    assert main(["audit", "verify", "--db", str(missing)]) != 0
    assert "找不到数据库文件" in capsys.readouterr().err
    assert not missing.exists()


# --- backup ------------------------------------------------------------------------------------

def test_backup_writes_a_file_that_opens(audited_db, tmp_path, capsys):
    out_dir = tmp_path / "usb"
    assert main(["backup", "--db", str(audited_db), "--out", str(out_dir), *login()]) == 0
    (made,) = list(out_dir.iterdir())
    assert str(made) in capsys.readouterr().out
    db = open_database(made)
    assert audit.verify(db).checked == 5 + 1  # and the login
    assert db["drugs"].count == 26
    db.conn.close()


def test_backup_of_a_missing_database_fails(tmp_path, capsys):
    assert main(["backup", "--db", str(tmp_path / "none.db"), "--out", str(tmp_path), *login()]) == 1
    assert "找不到" in capsys.readouterr().err


# --- restore -----------------------------------------------------------------------------------

def _files(folder):
    """Every file's bytes, except the instance lock file restore takes while it works."""
    return {p.name: p.read_bytes() for p in folder.iterdir()
            if p.is_file() and not p.name.endswith(".lock")}


@pytest.fixture
def saved(audited_db, tmp_path):
    """A backup of the 'original' state; afterwards the live database changes."""
    assert main(["backup", "--db", str(audited_db), "--out", str(tmp_path / "usb"), *login()]) == 0
    db = open_database(audited_db)
    db["households"].insert({"created_at": "2024-02-01T00:00:00", "note": "later"})
    db.conn.close()
    (path,) = list((tmp_path / "usb").iterdir())
    return path


def test_restore_puts_the_backup_in_place_and_keeps_the_previous(audited_db, saved, capsys):
    assert main(["restore", "--db", str(audited_db), str(saved), *login()]) == 0
    assert _notes(audited_db) == ["original"]
    (kept,) = list(paths.backups_dir(audited_db).iterdir())
    assert str(kept) in capsys.readouterr().out
    assert _notes(kept) == ["original", "later"]
    db = open_database(audited_db)
    assert audit.verify(db).ok
    db.conn.close()


def _random_bytes(path):
    path.write_bytes(random.Random(7).randbytes(16384))


def _zeroed_cells(path):
    with closing(sqlite3.connect(str(path))) as conn:
        conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)")
        conn.execute("CREATE INDEX t_body ON t (body)")
        conn.executemany("INSERT INTO t (body) VALUES (?)", [(f"row {i} " + "x" * 50,)
                                                             for i in range(3000)])
        conn.commit()
    with open(path, "r+b") as f:
        f.seek(path.stat().st_size // 2 + 100)
        f.write(b"\0" * 200)


@pytest.mark.parametrize("make", [_random_bytes, _zeroed_cells], ids=["random-bytes", "corrupt"])
def test_restore_refuses_a_damaged_file_and_changes_nothing(audited_db, tmp_path, capsys, make):
    bad = tmp_path / "picked.db"
    make(bad)
    before = _files(audited_db.parent)
    assert main(["restore", "--db", str(audited_db), str(bad), *login()]) == 1
    assert capsys.readouterr().err.strip()
    assert _files(audited_db.parent) == before
    assert not paths.backups_dir(audited_db).exists()


def test_restore_refuses_a_missing_file(audited_db, tmp_path, capsys):
    assert main(["restore", "--db", str(audited_db), str(tmp_path / "none.db"), *login()]) == 1
    assert "找不到备份文件" in capsys.readouterr().err


def test_restore_is_refused_while_the_program_holds_the_database(audited_db, saved, capsys):
    from clinic_app.storage.lock import InstanceLock

    with InstanceLock(audited_db):
        assert main(["restore", "--db", str(audited_db), str(saved), *login()]) == 1
    assert "另一个程序" in capsys.readouterr().err


def _tamper_audit(path):
    with closing(open_file(path)) as conn:
        for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'"):
            conn.execute(f'DROP TRIGGER "{name}"')
        conn.execute("UPDATE audit_log SET summary = '改过' WHERE id = 1")
        conn.commit()


def test_restore_refuses_a_backup_whose_audit_chain_fails_unless_the_administrator_accepts_it(
        audited_db, saved, capsys):
    _tamper_audit(saved)
    before = _notes(audited_db)
    assert main(["restore", "--db", str(audited_db), str(saved), *login()]) == 1
    err = capsys.readouterr().err
    assert "审计记录未通过校验" in err and "--accept-broken-chain" in err
    assert _notes(audited_db) == before
    assert main(["restore", "--db", str(audited_db), str(saved), "--accept-broken-chain", *login()]) == 0
    db = open_database(audited_db)
    row = audit.recent(db, 1)[0]
    db.conn.close()
    assert row["action"] == audit.RESTORE and "管理员确认使用审计记录未通过校验的备份" in row["summary"]
