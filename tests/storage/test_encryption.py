"""Encryption at rest: nothing readable in the database, its WAL or its backups without the key;
plain databases of earlier versions encrypted in place; another PC's files opened only with its
recovery code."""
import os
import shutil
import sqlite3
import stat
import subprocess
from contextlib import closing
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clinic_app import paths
from clinic_app.cli import main
from clinic_app.storage import audit, backup, cipher_key, demo, driver, encryption
from clinic_app.storage.db import WrongKey, connect, open_database, open_file


@pytest.fixture
def demo_db(db_path):
    db = open_database(db_path)
    demo.write_demo(db, patients=30, seed=5, months=2)
    yield db
    db.conn.close()


def _secrets(db):
    """Whole ID numbers, names and phone numbers: what must not be readable in any file."""
    rows = db.execute("SELECT id_number, name, phone FROM patients").fetchall()
    values = [r[0] for r in rows] + [r[1] for r in rows if len(r[1]) >= 2]
    values += [r[2] for r in rows if r[2]]
    return [v.encode("utf-8") for v in values]


def _readable(path: Path, secrets) -> list[bytes]:
    data = path.read_bytes()
    return [s for s in secrets if s in data]


def _strings(path: Path) -> str:
    """What ``strings`` shows of a file (the tool when installed, else the same rule here)."""
    if shutil.which("strings"):
        return subprocess.run(["strings", "-n", "6", str(path)], capture_output=True,
                              text=True, errors="replace").stdout
    import re
    return "\n".join(m.decode() for m in re.findall(rb"[\x20-\x7e]{6,}", path.read_bytes()))


# --- nothing readable -------------------------------------------------------------------------

def test_the_database_file_and_its_wal_hold_no_whole_id_number(demo_db, db_path):
    secrets = _secrets(demo_db)
    demo_db["households"].insert({"created_at": "2026-01-01T00:00:00", "note": "仍在WAL中"})
    wal = Path(f"{db_path}-wal")
    assert wal.exists() and wal.stat().st_size > 0  # the last writes are in the WAL
    for file in (db_path, wal):
        assert _readable(file, secrets) == []
        shown = _strings(file)
        assert not any(s.decode() in shown for s in secrets if s.isascii())
    assert not driver.is_plain(db_path)


def test_a_backup_is_encrypted_too(demo_db, db_path, tmp_path):
    secrets = _secrets(demo_db)
    made = backup.backup_to(db_path, tmp_path / "out")
    assert not driver.is_plain(made)
    assert _readable(made, secrets) == []
    with closing(open_file(made)) as conn:  # and opens with the key
        assert conn.execute("SELECT count(*) FROM patients").fetchone()[0] == 30


def test_the_stdlib_sqlite3_module_cannot_read_the_database(demo_db, db_path):
    with closing(sqlite3.connect(str(db_path))) as conn, pytest.raises(sqlite3.DatabaseError):
        conn.execute("SELECT count(*) FROM patients").fetchone()


def test_the_key_file_is_private_and_outside_the_database_folder(demo_db, db_path):
    key_file = paths.user_data_dir() / cipher_key.KEY_FILE
    assert key_file.exists()
    assert key_file.parent.resolve() != db_path.parent.resolve()
    if os.name == "posix":
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert cipher_key.format_code(bytes(20)) not in key_file.read_text()


# --- plain databases of earlier versions ------------------------------------------------------

def _plain_copy(db_path: Path, dest: Path) -> Path:
    """The same database as an earlier (unencrypted) version of the program would have it."""
    with closing(open_file(db_path)) as conn:
        conn.execute("ATTACH DATABASE ? AS plain KEY ''", [str(dest)])
        conn.execute("SELECT sqlcipher_export('plain')")
        conn.execute("DETACH DATABASE plain")
    assert driver.is_plain(dest)
    return dest


def _counts(path: Path) -> dict:
    with closing(open_file(path, read_only=True)) as conn:
        names = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
        return {n: conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}


def test_a_plain_database_is_encrypted_in_place_with_every_row(demo_db, db_path, tmp_path):
    demo_db.conn.close()
    folder = tmp_path / "old"
    folder.mkdir()
    old = _plain_copy(db_path, folder / "clinic.db")
    secrets = [s for s in _secrets(connect(db_path))]
    before = _counts(old)
    assert _readable(old, secrets)  # the earlier version's file: everything in plain text
    db = open_database(old)
    try:
        assert db.encrypted_now
        last = db.execute("SELECT action, summary FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
        assert last[0] == audit.ENCRYPTED
    finally:
        db.conn.close()
    assert not driver.is_plain(old)
    assert _readable(old, secrets) == []
    after = _counts(old)
    audited = ("audit_log", "row_seals")  # the one new audit row, and its seal
    assert {t: after[t] for t in before if t not in audited} == \
           {t: before[t] for t in before if t not in audited}
    assert after["audit_log"] == before["audit_log"] + 1
    leftovers = [p.name for p in folder.iterdir() if p.name.startswith(".") or p.suffix == ".tmp"]
    assert leftovers == []
    assert main(["verify", "--db", str(old)]) == 0


def test_plain_backups_beside_it_are_encrypted_with_it(demo_db, db_path, tmp_path):
    demo_db.conn.close()
    folder = tmp_path / "old"
    (folder / "backups").mkdir(parents=True)
    old = _plain_copy(db_path, folder / "clinic.db")
    old_backup = _plain_copy(db_path, folder / "backups" / "clinic-20260101-120000.db")
    other = folder / "backups" / "notes.txt"
    other.write_text("not ours")
    open_database(old).conn.close()
    assert not driver.is_plain(old_backup)
    assert _counts(old_backup)["patients"] == 30
    assert other.read_text() == "not ours"


def test_a_failed_check_of_the_encrypted_copy_leaves_the_plain_database(demo_db, db_path, tmp_path,
                                                                        monkeypatch):
    demo_db.conn.close()
    folder = tmp_path / "old"
    folder.mkdir()
    old = _plain_copy(db_path, folder / "clinic.db")
    before = old.read_bytes()
    counts = iter([{"patients": 30}, {"patients": 29}])
    monkeypatch.setattr(encryption, "_row_counts", lambda conn: next(counts))
    with pytest.raises(encryption.StorageError, match="不一致"):
        connect(old)
    assert old.read_bytes() == before
    assert sorted(p.name for p in folder.iterdir()) == ["clinic.db", "clinic.db.write.lock"]


def test_a_plain_backup_of_an_earlier_version_restores_encrypted(demo_db, db_path, tmp_path):
    demo_db["households"].insert({"created_at": "2026-01-01T00:00:00", "note": "after"})
    demo_db.conn.close()
    picked = tmp_path / "stick"
    picked.mkdir()
    plain = _plain_copy(db_path, picked / "old-backup.db")
    os.chmod(plain, 0o400)  # on a write-protected stick
    backup.restore(db_path, plain)
    assert not driver.is_plain(db_path)
    assert _counts(db_path)["patients"] == 30
    assert driver.is_plain(plain)  # the picked file itself is not changed


# --- another PC's files ------------------------------------------------------------------------

@pytest.fixture
def other_pc(tmp_path, monkeypatch):
    """Switch to another installation (its own user data folder, so its own key)."""
    folder = tmp_path / "other-pc-data"

    def switch():
        monkeypatch.setattr(paths, "user_data_dir", lambda: folder)
        cipher_key.forget_cache()
    yield switch
    cipher_key.forget_cache()


def test_a_database_from_another_pc_is_refused_without_its_code(demo_db, db_path, other_pc):
    demo_db.conn.close()
    other_pc()
    with pytest.raises(WrongKey) as refused:
        connect(db_path)
    assert "恢复密钥" in refused.value.message
    assert not (paths.user_data_dir() / cipher_key.KEY_FILE).exists()  # no key made for it


def test_recover_key_makes_the_code_this_pcs_key(demo_db, db_path, other_pc, monkeypatch):
    demo_db.conn.close()
    code = cipher_key.format_code(cipher_key.installation_secret(create=False))
    other_pc()
    monkeypatch.setattr("sys.stdin", _Lines(code.lower().replace("-", " ")))
    assert main(["recover-key", "--db", str(db_path)]) == 0
    db = connect(db_path)
    try:
        last = db.execute("SELECT action FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()[0]
        assert last == audit.KEY_RECOVERED
    finally:
        db.conn.close()


def test_recover_key_refuses_a_wrong_code_and_changes_nothing(demo_db, db_path, other_pc,
                                                              monkeypatch, capsys):
    demo_db.conn.close()
    other_pc()
    monkeypatch.setattr("sys.stdin", _Lines(cipher_key.format_code(bytes(20))))
    assert main(["recover-key", "--db", str(db_path)]) != 0
    assert "打不开" in capsys.readouterr().err
    assert not cipher_key.has_installation_key()


def test_a_backup_from_another_pc_restores_with_its_code_and_is_rekeyed(demo_db, db_path, tmp_path,
                                                                         other_pc, monkeypatch, capsys):
    from clinic_app.storage import accounts

    accounts.create_user(demo_db, "admin2", "pass-word-1", "admin", "管理员二")
    made = backup.backup_to(db_path, tmp_path / "stick")
    demo_db.conn.close()
    code = cipher_key.format_code(cipher_key.installation_secret(create=False))
    other_pc()  # a new PC: no database and no key yet
    new_db = tmp_path / "newpc" / "clinic.db"
    args = ["restore", "--db", str(new_db), str(made), "--user", "admin2"]
    monkeypatch.setattr("sys.stdin", _Lines("pass-word-1"))
    assert main(args) != 0
    assert "恢复密钥" in capsys.readouterr().err
    assert not new_db.exists()
    monkeypatch.setattr("sys.stdin", _Lines(code, "pass-word-1"))
    assert main(args + ["--recovery-key"]) == 0
    err = capsys.readouterr().err
    new_code = cipher_key.format_code(cipher_key.installation_secret(create=False))
    assert new_code != code and new_code in err  # the new PC's own code, shown once
    assert encryption.opens_with(new_db, cipher_key.installation_key())
    assert not encryption.opens_with(new_db, cipher_key.raw_key(cipher_key.parse_code(code)))
    assert _counts(new_db)["patients"] == 30


class _Lines:
    def __init__(self, *lines):
        self.lines = [line + "\n" for line in lines]

    def isatty(self):
        return False

    def readline(self):
        return self.lines.pop(0) if self.lines else ""


# --- the recovery code ------------------------------------------------------------------------

@given(st.binary(min_size=20, max_size=20))
def test_a_recovery_code_reads_back_to_its_secret(secret):
    code = cipher_key.format_code(secret)
    assert cipher_key.parse_code(code) == secret
    assert cipher_key.parse_code(code.lower().replace("-", " ")) == secret
    assert len(code.split("-")) == 8 and all(len(g) == 4 for g in code.split("-"))


def test_lookalike_digits_are_read_as_the_letters_they_resemble():
    secret = bytes(range(20))
    code = cipher_key.format_code(secret)
    assert cipher_key.parse_code(code.replace("O", "0").replace("I", "1")) == secret


@pytest.mark.parametrize("typed", ["", "ABCD", "ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ23-45672"])
def test_a_malformed_code_is_refused_in_chinese(typed):
    with pytest.raises(cipher_key.RecoveryCodeInvalid) as refused:
        cipher_key.parse_code(typed)
    assert "恢复密钥" in refused.value.message and refused.value.field == "recovery_code"


def test_the_code_is_shown_once(tmp_path, monkeypatch):
    monkeypatch.setattr(paths, "user_data_dir", lambda: tmp_path / "fresh")
    cipher_key.forget_cache()
    try:
        cipher_key.installation_key(create=True)
        first = cipher_key.take_unshown_code()
        assert first and cipher_key.parse_code(first)
        assert cipher_key.take_unshown_code() is None
    finally:
        cipher_key.forget_cache()


def test_a_new_pcs_first_command_prints_the_code_once(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(paths, "user_data_dir", lambda: tmp_path / "fresh")
    cipher_key.forget_cache()
    try:
        assert main(["demo", "--db", str(tmp_path / "a.db"), "--patients", "3"]) == 0
        code = cipher_key.format_code(cipher_key.installation_secret(create=False))
        assert code in capsys.readouterr().err
        assert main(["demo", "--db", str(tmp_path / "b.db"), "--patients", "3"]) == 0
        assert code not in capsys.readouterr().err
    finally:
        cipher_key.forget_cache()


# --- the OS credential store ----------------------------------------------------------------

class _MemoryKeyring:
    """A credential store of this test's own (keyring's API), so the real one is never touched."""
    priority = 5

    def __init__(self):
        self.items = {}

    def get_password(self, service, account):
        return self.items.get((service, account))

    def set_password(self, service, account, value):
        self.items[(service, account)] = value


def test_the_key_lives_in_the_credential_store_when_there_is_one(tmp_path, monkeypatch):
    store = _MemoryKeyring()
    monkeypatch.setattr(cipher_key, "_keyring", lambda: store)
    monkeypatch.setattr(paths, "user_data_dir", lambda: tmp_path / "data")
    cipher_key.forget_cache()
    try:
        db = open_database(tmp_path / "clinic.db")
        db.conn.close()
        assert len(store.items) == 1
        assert not (tmp_path / "data" / cipher_key.KEY_FILE).exists()
        cipher_key.forget_cache()
        connect(tmp_path / "clinic.db").conn.close()  # opens again with the stored key
    finally:
        cipher_key.forget_cache()


def test_keyring_is_not_used_when_switched_off(monkeypatch):
    monkeypatch.setenv(cipher_key.KEYRING_ENV, "off")
    assert cipher_key._keyring() is None


# --- the driver and the benchmark seam --------------------------------------------------------

def test_sqlite_utils_runs_on_sqlcipher():
    """sqlite-utils' own ``except OperationalError`` clauses must catch the errors of the
    connections it is given: it has to be using the same driver."""
    import sqlcipher3.dbapi2
    import sqlite_utils.utils

    assert sqlite_utils.utils.dbapi2 is sqlcipher3.dbapi2 is driver.sqlite


def test_nothing_in_the_program_opens_plain_files():
    """The plain mode exists for benchmarks/encryption_bench.py; the program never enters it."""
    package = Path(__file__).resolve().parents[2] / "clinic_app"
    users = [str(p.relative_to(package)) for p in package.rglob("*.py")
             if "plain_files_for_benchmark(" in p.read_text(encoding="utf-8")
             and p.name != "encryption.py"]
    assert users == []
