"""Only one program at a time may hold a database, and a crashed holder never blocks the next."""
import os
import socket
import subprocess
import sys
import textwrap

import pytest

from clinic_app.storage.lock import AlreadyRunning, InstanceLock

CHILD_ACQUIRE = textwrap.dedent("""
    import sys
    from clinic_app.storage.lock import AlreadyRunning, InstanceLock
    try:
        InstanceLock(sys.argv[1]).acquire()
    except AlreadyRunning as exc:
        print(exc.message)
        sys.exit(3)
    print("acquired")
""")

CHILD_HOLD = textwrap.dedent("""
    import sys, time
    from clinic_app.storage.lock import InstanceLock
    lock = InstanceLock(sys.argv[1])  # kept referenced: a collected lock is a released lock
    lock.acquire()
    print("holding", flush=True)
    time.sleep(60)
""")


def _run_child(db_path):
    return subprocess.run([sys.executable, "-c", CHILD_ACQUIRE, str(db_path)],
                          capture_output=True, text=True, encoding="utf-8", timeout=60)


def test_a_second_lock_on_the_same_database_is_refused(db_path):
    with InstanceLock(db_path):
        with pytest.raises(AlreadyRunning) as info:
            InstanceLock(db_path).acquire()
    assert "该数据库已被另一个程序打开" in info.value.message
    assert "同一个数据库同时只能由一个程序使用" in info.value.message


def test_the_message_names_the_holder(db_path):
    with InstanceLock(db_path):
        with pytest.raises(AlreadyRunning) as info:
            InstanceLock(db_path).acquire()
    assert info.value.holder == {"pid": str(os.getpid()), "host": socket.gethostname()}
    assert str(os.getpid()) in info.value.message
    assert socket.gethostname() in info.value.message


def test_after_release_the_lock_can_be_taken_again(db_path):
    first = InstanceLock(db_path)
    first.acquire()
    first.release()
    second = InstanceLock(db_path)
    second.acquire()
    assert second.held
    second.release()
    assert not second.held


def test_a_refused_attempt_does_not_disturb_the_holder(db_path):
    holder = InstanceLock(db_path)
    holder.acquire()
    for _ in range(2):
        with pytest.raises(AlreadyRunning):
            InstanceLock(db_path).acquire()
    assert f"pid={os.getpid()}" in holder.path.read_text(encoding="utf-8")
    holder.release()


def test_acquiring_twice_through_the_same_object_is_harmless(db_path):
    lock = InstanceLock(db_path)
    lock.acquire()
    lock.acquire()
    lock.release()
    lock.release()
    with InstanceLock(db_path):
        pass


def test_locks_on_different_databases_are_independent(tmp_path):
    with InstanceLock(tmp_path / "a.db"), InstanceLock(tmp_path / "b.db"):
        pass


def test_the_lock_file_sits_beside_the_database(tmp_path):
    db_path = tmp_path / "sub" / "clinic.db"
    with InstanceLock(db_path) as lock:
        assert lock.path == tmp_path / "sub" / "clinic.db.lock"
        assert lock.path.exists()


def test_a_leftover_lock_file_without_a_holder_does_not_block(db_path):
    """The file outlives the program; only the OS lock on it counts."""
    with InstanceLock(db_path):
        pass
    (db_path.parent / "clinic.db.lock").write_text("pid=999999\nhost=elsewhere\n")
    with InstanceLock(db_path):
        pass


def test_another_process_is_refused_while_the_lock_is_held(db_path):
    with InstanceLock(db_path):
        result = _run_child(db_path)
    assert result.returncode == 3, result.stderr
    assert "该数据库已被另一个程序打开" in result.stdout
    assert _run_child(db_path).stdout.strip() == "acquired"


def test_a_killed_holder_releases_the_lock(db_path):
    child = subprocess.Popen([sys.executable, "-c", CHILD_HOLD, str(db_path)],
                             stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "holding"
        with pytest.raises(AlreadyRunning) as info:
            InstanceLock(db_path).acquire()
        assert info.value.holder.get("pid") == str(child.pid)
    finally:
        child.kill()
        child.wait(timeout=30)
        child.stdout.close()
    with InstanceLock(db_path):
        pass


def test_the_database_and_its_wal_are_readable_by_the_programs_user_only(tmp_path):
    import os
    import stat

    from clinic_app.storage.db import open_database

    path = tmp_path / "clinic.db"
    path.touch(mode=0o644)
    os.chmod(path, 0o644)
    db = open_database(path)
    db["settings"].count  # noqa: B018 - the WAL exists once the database was written
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in tmp_path.glob("clinic.db*")
             if not p.name.endswith(".lock")}
    db.conn.close()
    assert modes["clinic.db"] == 0o600
    assert all(mode & 0o077 == 0 for name, mode in modes.items() if name in ("clinic.db-wal", "clinic.db-shm"))
