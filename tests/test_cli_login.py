"""Every command that writes, prints patient data or exports logs in first (issue 9).

Refused — no user, an unknown one, a wrong or empty password, a locked account, a role without
the right — the command exits non-zero in Chinese, writes no output file and leaves the
database as it was: the same rows in every table, and at most the rows a refused login itself
leaves in the audit trail (the failed login that counts toward lockout, the refusal that shows
the attempt). With a valid user it runs, and the audit trail names that user.
"""
from __future__ import annotations

import datetime as dt
import io
import shutil
from contextlib import closing
from pathlib import Path

import pytest

from clinic_app.storage import integrity_key

from clinic_app import cli
from clinic_app.cli import build_parser, main
from clinic_app.storage import audit, backup, quarters
from clinic_app.storage.db import connect
from tests.dispensing_data import ADMIN, OFFICER, fast_passwords, fix_today
from tests.ledger_data import IN_2027, Q4, ledger_world

from .cli_login import add_clerk, login
from .exchange.register_files import ZHANG, write_xlsx

READONLY = ("chakan_cli", "Chakan2026xy")
SECURITY_ROWS = {audit.LOGIN, audit.LOGIN_FAILED, audit.DENIED}


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """One world for the module: two enrolled patients with cards and collections in 2026Q4,
    an officer, an administrator and a read-only account; tests work on copies of it."""
    folder = tmp_path_factory.mktemp("world")
    path = folder / "clinic.db"
    with pytest.MonkeyPatch.context() as mp:
        fast_passwords(mp)
        fix_today(mp)
        from clinic_app.storage.db import open_database

        db = open_database(path)
        world, entries = ledger_world(db)
        add_clerk(db, role="readonly", username=READONLY[0], password=READONLY[1])
        facts = {"id_number": db["patients"].get(world.patient_id)["id_number"],
                 "dispensing": entries["first"]["id"]}
        db.conn.close()
    return path, facts


@pytest.fixture
def world(template, tmp_path, monkeypatch):
    fast_passwords(monkeypatch)
    fix_today(monkeypatch)
    path = tmp_path / "clinic.db"
    shutil.copy(template[0], path)
    shutil.copy(integrity_key.key_path(template[0]), integrity_key.key_path(path))  # a copy keeps its key
    return path, template[1]


def _command(label: str, db: Path, facts: dict, out: Path) -> tuple[list[str], list[Path]]:
    """The arguments (without a login) and the files the command would write."""
    d = ["--db", str(db)]
    patient = ["--patient", facts["id_number"]]
    if label.startswith("print "):
        doc = label.split()[1]
        target = out / (f"{doc}.xlsx" if doc == "register" else f"{doc}.pdf")
        extra = (["--dispensing", str(facts["dispensing"])] if doc == "slip"
                 else [] if doc == "register" else patient)
        return ["print", doc, *d, *extra, "--out", str(target)], [target]
    if label == "import-register":
        (out.parent / "register-in").mkdir(exist_ok=True)
        register = write_xlsx(out.parent / "register-in" / "good.xlsx",
                              [[1, "张三", "男", ZHANG, "2级", "张大山", "13800138000", None,
                                "油溪镇大坡村", None, None]])
        return ["import-register", str(register), *d], [register.parent]
    if label == "export-ledger":
        return ["export-ledger", *d, "--quarter", Q4, "--out", str(out / "usb")], [out / "usb"]
    if label == "close-quarter":
        return ["close-quarter", *d, "--quarter", Q4], []
    if label == "reopen-quarter":
        return ["reopen-quarter", *d, "--quarter", Q4, "--reason", "补登漏登记录"], []
    if label == "backup":
        return ["backup", *d, "--out", str(out / "bk")], [out / "bk", backup.paths.backups_dir(db)]
    if label == "restore":
        saved = backup.backup_to(db, out.parent / "saved")
        return ["restore", *d, str(saved)], [backup.paths.backups_dir(db)]
    if label == "sign-agreement":
        return ["sign-agreement", *d, *patient, "--date", "2026-12-31"], []
    raise AssertionError(f"no test arguments for {label}")


def _prepare(label: str, db: Path, monkeypatch) -> None:
    """The state in which the command would succeed: closing needs an exported, ended quarter,
    reopening a closed one, renewing the agreement a passed annual review."""
    if label == "sign-agreement":
        conn = connect(db)
        from clinic_app.storage import programme

        pid = conn.execute("SELECT id FROM patients ORDER BY id LIMIT 1").fetchone()[0]
        programme.annual_review(conn, pid, "2026-12-30", True)
        conn.close()
    if label in ("close-quarter", "reopen-quarter"):
        conn = connect(db)
        from clinic_app.services.exports import export_ledger
        from clinic_app.storage import accounts

        officer = accounts.authenticate(conn, *OFFICER[:2])
        export_ledger(conn, officer, Q4, db.parent / "prepared-usb")
        fix_today(monkeypatch, IN_2027)
        if label == "reopen-quarter":
            quarters.close(conn, Q4, officer)
        conn.close()


def _written(paths: list[Path]) -> list[str]:
    found = []
    for p in paths:
        if p.is_dir():
            found += [str(f) for f in p.rglob("*") if f.is_file() and f.name != "good.xlsx"]
        elif p.exists():
            found.append(str(p))
    return found


def snapshot(db_path: Path) -> dict:
    with closing(connect(db_path).conn) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        counts = {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
        head = conn.execute("SELECT last_id, last_hash, count FROM audit_head").fetchone()
        rows = conn.execute("SELECT id, action, username FROM audit_log ORDER BY id").fetchall()
    return {"counts": counts, "head": head, "audit": rows}


LABELS = sorted(cli.LOGIN_COMMANDS)


def test_every_command_is_either_logged_in_or_known_to_need_no_login():
    """A new sub-command cannot slip in without deciding: it logs in, or is listed here."""
    # recover-key: the recovery code is the authority (whoever holds it can read every record);
    # it changes only this PC's key store, after checking the code opens the database, and audits
    needs_none = {"demo", "audit", "verify", "screenshots", "print calibration", "recover-key"}
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    commands = set(sub.choices) - {"print"} | {f"print {d}" for d in cli.PRINTABLE}
    assert commands == set(cli.LOGIN_COMMANDS) | needs_none
    assert cli.LOGIN_COMMANDS["import-register"] == "register.import"
    assert cli.LOGIN_COMMANDS["print register"] == "lists.print"
    assert cli.LOGIN_COMMANDS["restore"] == "backup.restore"


REFUSALS = {
    # kind: (login arguments, stdin, the Chinese it says, whether the login leaves audit rows)
    "no-user": ([], "", "需要登录", False),
    "empty-password": (["--user", ADMIN[0]], "", "未输入密码", False),
    "unknown-user": (login("nobody_here", "Nobody2026x"), "", "用户名或密码错误", True),
    "wrong-password": (login(ADMIN[0], "Wrong2026xyz"), "", "用户名或密码错误", True),
    "locked": (login(*ADMIN[:2]), "", "已锁定", False),
    "no-right": (login(*READONLY), "", "只有", True),
}


@pytest.mark.parametrize("kind", sorted(REFUSALS))
@pytest.mark.parametrize("label", LABELS)
def test_a_command_without_a_valid_user_is_refused_and_writes_nothing(world, tmp_path, monkeypatch,
                                                                       capsys, label, kind):
    db, facts = world
    out = tmp_path / "out"
    out.mkdir()
    _prepare(label, db, monkeypatch)
    args, outputs = _command(label, db, facts, out)
    creds, stdin, said, audited = REFUSALS[kind]
    if kind == "locked":
        with closing(connect(db).conn) as conn, conn:
            until = (dt.datetime.now() + dt.timedelta(minutes=30)).isoformat(timespec="seconds")
            conn.execute("UPDATE users SET locked_until = ? WHERE username = ?", [until, ADMIN[0]])
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    before = snapshot(db)
    capsys.readouterr()

    assert main([*args, *creds]) != 0
    err = capsys.readouterr().err
    assert said in err and "Traceback" not in err
    after = snapshot(db)
    assert _written(outputs) == []
    changed = {t for t in before["counts"] if before["counts"][t] != after["counts"].get(t)}
    assert changed <= {"audit_log", "audit_head", "row_seals"}  # row_seals: the audit rows' seals
    new_rows = after["audit"][len(before["audit"]):]
    if audited:
        assert new_rows and {action for _, action, _ in new_rows} <= SECURITY_ROWS
    else:
        assert after["head"] == before["head"] and new_rows == []


@pytest.mark.parametrize("label", LABELS)
def test_a_command_with_a_valid_user_runs_and_the_audit_names_them(world, tmp_path, monkeypatch,
                                                                   capsys, label):
    db, facts = world
    out = tmp_path / "out"
    out.mkdir()
    _prepare(label, db, monkeypatch)
    args, outputs = _command(label, db, facts, out)
    before = snapshot(db)
    monkeypatch.setattr("sys.stdin", io.StringIO(ADMIN[1] + "\n"))  # the password on stdin

    assert main([*args, "--user", ADMIN[0]]) == 0, capsys.readouterr().err
    rows = snapshot(db)["audit"]
    if label == "restore":  # the restored database says who restored it
        assert rows[-1][1:] == (audit.RESTORE, ADMIN[0])
        return
    new = rows[len(before["audit"]):]
    assert new[0][1:] == (audit.LOGIN, ADMIN[0])
    assert len(new) >= 2 and all(username == ADMIN[0] for _, _, username in new)
    if label.startswith("print") or label in ("import-register", "export-ledger", "backup"):
        assert _written(outputs)


def test_demo_refuses_a_database_with_real_data(world, capsys):
    db, _ = world
    before = snapshot(db)
    assert main(["demo", "--db", str(db), "--patients", "5"]) == 1
    assert "演示数据只能写入新的数据库文件" in capsys.readouterr().err
    assert snapshot(db) == before


def test_restore_onto_a_new_computer_logs_in_with_the_backups_accounts(world, tmp_path, capsys):
    """No database yet, so nobody to log in as, except the accounts in the backup itself; a
    refused login leaves no database behind."""
    db, _ = world
    saved = backup.backup_to(db, tmp_path / "usb")
    target = tmp_path / "new-computer" / "clinic.db"
    target.parent.mkdir()
    assert main(["restore", "--db", str(target), str(saved), *login(ADMIN[0], "Wrong2026xyz")]) == 1
    assert "用户名或密码错误" in capsys.readouterr().err
    assert not [p.name for p in target.parent.iterdir() if not p.name.endswith(".lock")]
    assert main(["restore", "--db", str(target), str(saved), *login(*ADMIN[:2])]) == 0
    assert snapshot(target)["audit"][-1][1:] == (audit.RESTORE, ADMIN[0])
