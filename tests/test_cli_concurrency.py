"""One writer per database (issue 9): two processes writing and a restore at the same time lose
nothing. Each writer keeps one connection open and, in every transaction, reads before it
writes — the pattern a plain ``BEGIN`` turns into "database is locked" — and prints each tag once
its transaction committed. The restore takes its safety copy and puts the backup in place
while the writers run."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
import time
from contextlib import closing
from pathlib import Path

from clinic_app.storage import backup
from clinic_app.storage.db import connect, open_database

from .cli_login import add_clerk
from .keys import data_home_with_key

ROUNDS = 3000  # at most: the writers stop once the test says so, after the restore
PAIR = ("a", "b")  # each transaction writes two rows: a half-written one would show up unpaired

WRITER = textwrap.dedent('''
    import os, sys, time
    from clinic_app.storage.db import connect

    path, name, rounds, stop = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    db = connect(path)
    for i in range(rounds):
        if os.path.exists(stop):
            break
        with db.atomic():
            seen = db.execute("SELECT count(*) FROM households").fetchone()[0]  # read, then write
            for half in ("a", "b"):
                db["households"].insert({"created_at": "2026-01-01T00:00:00",
                                         "note": f"{name}-{i}-{half}-{seen}"})
        print(f"{name}-{i}", flush=True)
        time.sleep(0.01)
    db.conn.close()
''')


def _env(tmp_path: Path) -> dict:
    root = str(Path(__file__).resolve().parent.parent)
    return {**os.environ, "PYTHONIOENCODING": "utf-8", "PYTHONPATH": root,
            "XDG_DATA_HOME": str(data_home_with_key(tmp_path / "xdg"))}


def _tags(path: Path) -> dict[str, set[str]]:
    """tag -> the halves stored for it (writer rows only)."""
    with closing(connect(path).conn) as conn:
        notes = [r[0] for r in conn.execute("SELECT note FROM households WHERE note LIKE 'w%'")]
    found: dict[str, set[str]] = {}
    for note in notes:
        name, i, half, _seen = note.split("-")
        found.setdefault(f"{name}-{i}", set()).add(half)
    return found


def test_two_writers_and_a_restore_at_the_same_time_lose_nothing(tmp_path):
    db_path = tmp_path / "clinic.db"
    db = open_database(db_path)
    login = add_clerk(db, role="admin")
    db["households"].insert({"created_at": "2026-01-01T00:00:00", "note": "before the backup"})
    db.conn.close()
    saved = backup.backup_to(db_path, tmp_path / "usb")
    script = tmp_path / "writer.py"
    script.write_text(WRITER, encoding="utf-8")
    env = _env(tmp_path)

    stop = tmp_path / "stop"
    writers = [subprocess.Popen([sys.executable, str(script), str(db_path), name, str(ROUNDS), str(stop)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                encoding="utf-8", env=env) for name in ("w1", "w2")]
    first = [w.stdout.readline().strip() for w in writers]  # both are writing
    assert all(first), [w.stderr.read() for w in writers]
    time.sleep(0.3)
    restore = subprocess.run([sys.executable, "-m", "clinic_app", "restore", "--db", str(db_path),
                              str(saved), *login], capture_output=True, text=True, encoding="utf-8",
                             env=env, timeout=300)
    time.sleep(0.3)  # the writers go on writing into the restored database
    stop.touch()
    # read(), not communicate(): the buffer behind readline() above may already hold more lines
    outputs = [(w.stdout.read(), w.stderr.read()) for w in writers]
    for w in writers:
        w.wait(timeout=300)

    for w, (out, err) in zip(writers, outputs):
        assert w.returncode == 0, err
        assert "locked" not in err and "Traceback" not in err
    assert restore.returncode == 0, restore.stderr
    assert "locked" not in restore.stderr and "Traceback" not in restore.stderr
    committed = set(first) | {line.strip() for _, (out, _) in zip(writers, outputs)
                              for line in out.splitlines() if line.strip()}
    assert len(committed) > 40
    kept = Path(re.search(r"原数据库已保存为 (\S+)", restore.stdout).group(1))

    final, safety = _tags(db_path), _tags(kept)
    for stored in (final, safety):
        assert all(halves == set(PAIR) for halves in stored.values())  # nothing half-written
    assert set(final) | set(safety) == committed  # every committed write is somewhere
    assert not set(final) & set(safety)  # each one exactly once: before or after the restore
    assert safety and final  # the restore really fell between the writers' transactions
