"""The write lock (issue 9): one writing process at a time; the others wait, say so in Chinese,
and give up in Chinese — never with "database is locked"."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from clinic_app.domain.errors import ConflictError
from clinic_app.storage import lock as lock_module
from clinic_app.storage.db import connect, open_database
from clinic_app.storage.lock import WriteLock, WriteLockTimeout

HOLD_WRITE_LOCK = textwrap.dedent("""
    import sys, time
    from clinic_app.storage.lock import WriteLock
    with WriteLock.of(sys.argv[1]).hold(purpose="clinic-app import-register"):
        print("holding", flush=True)
        time.sleep(float(sys.argv[2]))
""")
ROOT = str(Path(__file__).resolve().parents[2])


def _holder(db_path, seconds: float) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": ROOT, "PYTHONIOENCODING": "utf-8"}
    child = subprocess.Popen([sys.executable, "-c", HOLD_WRITE_LOCK, str(db_path), str(seconds)],
                             stdout=subprocess.PIPE, text=True, encoding="utf-8", env=env)
    assert child.stdout.readline().strip() == "holding"
    return child


def _households(db_path) -> int:
    db = connect(db_path)
    try:
        return db["households"].count
    finally:
        db.conn.close()


def test_a_write_waits_for_another_process_and_says_so_in_chinese(fresh_db, db_path, monkeypatch):
    notices = []
    monkeypatch.setattr(lock_module, "wait_notice", notices.append)
    holder = _holder(db_path, 1.5)
    started = time.monotonic()
    with fresh_db.atomic():
        fresh_db["households"].insert({"created_at": "2026-01-01T00:00:00", "note": "after the wait"})
    waited = time.monotonic() - started
    holder.wait(timeout=30)
    assert waited >= 0.8  # it really waited for the other process
    assert len(notices) == 1
    assert "数据库正被另一个程序" in notices[0] and "等待中" in notices[0]
    assert "import-register" in notices[0]  # who holds it, as the holder wrote it
    assert _households(db_path) == 1


def test_a_write_that_waits_too_long_is_refused_in_chinese_and_writes_nothing(fresh_db, db_path, monkeypatch):
    monkeypatch.setattr(lock_module, "wait_notice", lambda message: None)
    monkeypatch.setenv(lock_module.TIMEOUT_ENV_VAR, "0.5")
    holder = _holder(db_path, 5)
    try:
        with pytest.raises(WriteLockTimeout) as refused:
            with fresh_db.atomic():
                fresh_db["households"].insert({"created_at": "2026-01-01T00:00:00", "note": "never"})
    finally:
        holder.kill()
        holder.wait()
    assert isinstance(refused.value, ConflictError)
    assert "没有写入任何内容" in refused.value.message
    assert _households(db_path) == 0


def test_the_outermost_transaction_begins_immediate(fresh_db):
    """Read, then write: with a plain BEGIN the write may fail at once with "database is locked";
    IMMEDIATE takes SQLite's write lock before the read."""
    statements = []
    fresh_db.conn.set_trace_callback(statements.append)
    with fresh_db.atomic():
        fresh_db.execute("SELECT count(*) FROM households").fetchone()
        fresh_db["households"].insert({"created_at": "2026-01-01T00:00:00", "note": "x"})
    fresh_db.conn.set_trace_callback(None)
    assert statements[0] == "BEGIN IMMEDIATE"


def test_the_lock_is_reentrant_within_a_process_and_shared_by_its_threads(fresh_db, db_path):
    lock = WriteLock.of(db_path)
    assert WriteLock.of(str(db_path)) is lock
    order = []
    with lock.hold():
        with fresh_db.atomic():  # the same process may nest
            fresh_db["households"].insert({"created_at": "2026-01-01T00:00:00", "note": "outer"})
        other = threading.Thread(target=lambda: (lock.acquire(), order.append("thread"), lock.release()))
        other.start()
        time.sleep(0.2)
        order.append("main")
    other.join(timeout=10)
    assert order == ["main", "thread"]  # the other thread waited for this one
    assert not lock.held


def test_a_gui_session_does_not_stop_a_command_from_writing(fresh_db, db_path):
    """The session lock keeps out a second program window; writers queue on the write lock."""
    from clinic_app.storage.lock import InstanceLock

    fresh_db.conn.close()
    env = {**os.environ, "PYTHONPATH": ROOT, "PYTHONIOENCODING": "utf-8"}
    with InstanceLock(db_path):
        result = subprocess.run([sys.executable, "-c", textwrap.dedent("""
            import sys
            from clinic_app.storage.db import connect
            db = connect(sys.argv[1])
            with db.atomic():
                db["households"].insert({"created_at": "2026-01-01T00:00:00", "note": "cli"})
        """), str(db_path)], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    assert _households(db_path) == 1


def test_only_storage_db_opens_a_database():
    """Every connection to the program's database gets the key, the pragmas and the write lock:
    only storage/db.py and the opener it uses (storage/encryption.py) connect."""
    package = Path(ROOT) / "clinic_app"
    openers = {("storage", "db.py"), ("storage", "encryption.py")}
    offenders = [str(p.relative_to(package)) for p in package.rglob("*.py")
                 if (p.parent.name, p.name) not in openers
                 for text in [p.read_text(encoding="utf-8")]
                 if any(call in text for call in ("sqlite3.connect(", "sqlite_utils.Database(",
                                                  "driver.connect(", "sqlcipher3.connect("))]
    assert offenders == []


def test_another_programs_database_is_refused_untouched(tmp_path):
    import sqlite3
    from contextlib import closing

    from clinic_app.storage import driver
    from clinic_app.storage.db import NotOurDatabase

    path = tmp_path / "other.db"
    with closing(sqlite3.connect(str(path))) as conn:
        conn.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY)")
        conn.commit()
    before = path.read_bytes()
    with pytest.raises(NotOurDatabase) as refused:
        open_database(path)
    assert "不是本程序的数据库" in refused.value.message
    assert path.read_bytes() == before
    assert driver.is_plain(path)  # not encrypted either: left exactly as it was
