"""kill -9 in the middle of a backup, a ledger export or a register import: the next start
(``backup.remove_debris``, which the program runs first) leaves no temporary file behind, no
file under a final name is half-written, and the import wrote no patient."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from clinic_app.storage import backup, demo
from clinic_app.storage.db import connect, open_database

from .cli_login import add_clerk
from .exchange.register_files import ZHANG, write_xlsx

pytestmark = pytest.mark.skipif(os.name != "posix", reason="kill -9 is a POSIX signal")
ROOT = Path(__file__).resolve().parent.parent
READY = "READY-TO-BE-KILLED"

# Each script does its work up to the named point, says so, and waits there to be killed.
HALT = textwrap.dedent(f'''
    import sys, time
    def halt(*args, **kwargs):
        print("{READY}", flush=True)
        time.sleep(600)
''')

BACKUP = HALT + textwrap.dedent('''
    from pathlib import Path
    from clinic_app.storage import backup
    backup._integrity_problem = halt            # the copy is written, not yet checked nor renamed
    backup.backup_to(Path(sys.argv[1]), Path(sys.argv[2]))
''')

EXPORT = HALT + textwrap.dedent('''
    from pathlib import Path
    from clinic_app.exchange import ledger_export
    from clinic_app.services.exports import export_ledger
    from clinic_app.storage import accounts
    from clinic_app.storage.db import open_database
    written = ledger_export._write_file
    def write_then_halt(path, data):
        written(path, data)
        halt()                                   # one file of the package is in the hidden folder
    ledger_export._write_file = write_then_halt
    db = open_database(sys.argv[1])
    admin = next(u for u in accounts.list_users(db) if u["role"] == "admin")
    export_ledger(db, admin, sys.argv[3], Path(sys.argv[2]))
''')

IMPORT = HALT + textwrap.dedent('''
    from pathlib import Path
    from clinic_app.exchange import register_import as ri
    from clinic_app.services.register import import_register
    from clinic_app.storage import accounts
    from clinic_app.storage.db import open_database
    staged = ri.StagedReport.__init__
    def stage_then_halt(self, *args, **kwargs):
        staged(self, *args, **kwargs)
        halt()                                   # rows written, report staged, not committed
    ri.StagedReport.__init__ = stage_then_halt
    db = open_database(sys.argv[1])
    admin = next(u for u in accounts.list_users(db) if u["role"] == "admin")
    import_register(db, admin, Path(sys.argv[2]))
''')


def _kill_when_ready(script: str, *args) -> None:
    proc = subprocess.Popen([sys.executable, "-c", script, *map(str, args)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        line = proc.stdout.readline()
        assert line.strip() == READY, proc.stderr.read()
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
        proc.stderr.close()


def _hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob(".*") if not p.name.endswith(".lock"))


@pytest.fixture
def clinic(tmp_path):
    path = tmp_path / "data" / "clinic.db"
    db = open_database(path)
    demo.write_demo(db, patients=20, seed=3, months=4)
    add_clerk(db, role="admin")
    db.conn.close()
    return path


def test_a_killed_backup_leaves_no_copy_after_the_next_start(clinic):
    out = backup.paths.backups_dir(clinic)
    _kill_when_ready(BACKUP, clinic, out)
    assert _hidden(out)  # the whole copy of the patients' data, under a hidden name
    backup.remove_debris(clinic)
    assert _hidden(out) == [] and backup.list_backups(out) == []


def test_a_killed_ledger_export_leaves_nothing_on_the_stick_after_the_next_start(clinic, tmp_path):
    from clinic_app.domain import quarters as dq
    from clinic_app.storage import clock

    stick = tmp_path / "stick"
    stick.mkdir()
    quarter = dq.quarter_of(clock.today()).previous().code
    _kill_when_ready(EXPORT, clinic, stick, quarter)
    assert _hidden(stick)  # the half-written package in its hidden folder
    assert [p for p in stick.iterdir() if not p.name.startswith(".")] == []  # nothing under a final name
    backup.remove_debris(clinic)
    assert list(stick.iterdir()) == []


def test_a_killed_import_writes_no_patient_and_leaves_no_report(clinic, tmp_path):
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    register = write_xlsx(inputs / "register.xlsx",
                          [[1, "张三", "男", ZHANG, "2级", "", "", None, "油溪镇", None, None]])
    db = connect(clinic)
    before = db["patients"].count
    db.conn.close()
    _kill_when_ready(IMPORT, clinic, register)
    assert _hidden(inputs)  # the staged report
    backup.remove_debris(clinic)
    assert sorted(p.name for p in inputs.iterdir()) == ["register.xlsx"]
    db = open_database(clinic)
    try:
        assert db["patients"].count == before  # the transaction never committed
    finally:
        db.conn.close()


def test_a_running_programs_temporary_file_is_not_taken_for_debris(tmp_path):
    from clinic_app import temp_files

    work = tmp_path / ".report.xlsx.tmp"
    work.write_text("being written")
    with temp_files.tracked(work):
        assert temp_files.remove_leftovers() == []
        assert work.exists()
    assert temp_files.remove_leftovers() == []  # finished: nothing left to remove, file untouched
    assert work.exists()
