"""Opening files with the installation's key, and encrypting plain databases of earlier versions.

SQLCipher encrypts every page of the database and of its WAL; only a 16-byte random salt at the
start of the file is readable. A file whose first bytes are SQLite's plain header is therefore an
unencrypted database — an earlier version's, or another program's — and anything else is either
ours (it opens with the key) or not a database we can open. The two cannot be told apart without
the key, so the message says both.
"""
from __future__ import annotations

import os
from contextlib import closing, contextmanager
from pathlib import Path

import sqlite_utils

from . import cipher_key, driver
from .db_files import remove_side_files, remove_with_side_files, temp_file
from .errors import StorageError

BUSY_TIMEOUT_S = 10
# SQLCipher 4's own page size, pinned so that a later SQLCipher with another default still opens
# our files. Larger pages halve the cost of reading a whole file (a backup, the daily full check)
# but double that of every small write (a collection recorded); writes are what staff wait for
# (benchmarks/encryption_bench.py).
CIPHER_PAGE_SIZE = 4096
# Each page carries an HMAC (tampering with the ciphertext is refused on read). SHA-256 instead
# of SQLCipher 4's SHA-512 cuts what decrypting a page costs by a third (the HMAC is most of it);
# HMAC-SHA256 with a 256-bit key is as strong as this use needs.
CIPHER_HMAC = "HMAC_SHA256"
MIGRATION_SET = "clinic_app"


class NotOurDatabase(StorageError):
    """The file is an SQLite database, but another program's: we must not add our tables to it."""


class WrongKey(NotOurDatabase):
    """An encrypted file this installation's key does not open (or no database at all)."""

    def __init__(self, path: Path):
        super().__init__(
            f"{path} 无法用本机的数据库密钥打开：它不是本程序的数据库，或已损坏，或是在另一台电脑上"
            f"加密的（那样的数据库须用原电脑的恢复密钥打开：clinic-app recover-key）")


_plain_for_benchmark = False


@contextmanager
def plain_files_for_benchmark():
    """For ``benchmarks/encryption_bench.py`` only: while inside, files are created and opened
    without encryption, so the same program can be timed on a plain database beside an
    encrypted one. Nothing in the program calls it."""
    global _plain_for_benchmark
    _plain_for_benchmark = True
    try:
        yield
    finally:
        _plain_for_benchmark = False


def plain_mode() -> bool:
    return _plain_for_benchmark


def open_keyed(path: Path, *, encrypt_plain: bool = False, read_only: bool = False,
               key: bytes | None = None) -> driver.Connection:
    """A bare connection with the key applied and checked.

    A plain file is encrypted in place first when ``encrypt_plain`` (the live database), and is
    otherwise opened as it is (a plain backup of an earlier version, read to be restored).
    """
    path = Path(path)
    if _plain_for_benchmark:
        return _raw(path, read_only)
    header = driver.header_of(path)
    if header == driver.PLAIN_HEADER:
        if not encrypt_plain:
            return _raw(path, read_only)
        encrypt_in_place(path)
    new = not header  # no file yet, or an empty one: ours to create
    if key is None:
        key = cipher_key.installation_key(create=new and not read_only)
        if key is None:
            raise WrongKey(path)
    conn = _raw(path, read_only)
    try:
        conn.execute(cipher_key.key_pragma(key))
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except driver.DatabaseError:
        conn.close()
        raise WrongKey(path) from None
    except BaseException:
        conn.close()
        raise
    return conn


def _raw(path: Path, read_only: bool) -> driver.Connection:
    # A URI, so that ATTACH may name a file read-only (``export_plain``).
    uri = Path(path).resolve().as_uri() + ("?mode=ro" if read_only else "")
    conn = driver.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S, check_same_thread=False)
    # A wrong key is an answer we handle, not something to print on the console; sorting and
    # temporary indexes stay in memory instead of in temporary files.
    conn.execute("PRAGMA cipher_log_level = NONE")
    conn.execute(f"PRAGMA cipher_default_page_size = {CIPHER_PAGE_SIZE}")
    conn.execute(f"PRAGMA cipher_default_hmac_algorithm = {CIPHER_HMAC}")
    conn.execute("PRAGMA temp_store = MEMORY")
    return conn


def opens_with(path: Path, key: bytes) -> bool:
    try:
        with closing(open_keyed(path, read_only=True, key=key)):
            return True
    except NotOurDatabase:
        return False


# --- plain files of earlier versions ----------------------------------------------------------

def foreign_problem(db: sqlite_utils.Database) -> str | None:
    """Why this database is not ours (it has tables, but not our migrations), or ``None``.

    An empty file is a new database and is ours to fill. Reading the schema of a file that is
    no database at all raises ``driver.DatabaseError``, which the caller reports.
    """
    tables = set(db.table_names())
    if not tables:
        return None
    if "_sqlite_migrations" not in tables:
        return "缺少本程序的数据表"
    sets = {r[0] for r in db.execute("SELECT DISTINCT migration_set FROM _sqlite_migrations")}
    if MIGRATION_SET not in sets:
        return "缺少本程序的数据表"
    return None


def encrypt_in_place(path: Path) -> None:
    """Replace the plain database at ``path`` by an encrypted copy, checked table by table
    before the rename; the plain file and its WAL are gone afterwards, and so are the plain
    backups of it. Another program's plain database is refused untouched. Held under the write
    lock: two programs starting at once do it once."""
    from .. import paths
    from .lock import WriteLock

    with WriteLock.of(path).hold(purpose="加密数据库"):
        if not driver.is_plain(path):
            return  # another process encrypted it while we waited
        with closing(_raw(path, False)) as plain:
            problem = foreign_problem(sqlite_utils.Database(plain))
            if problem:
                raise NotOurDatabase(f"{path} 不是本程序的数据库（{problem}），未做任何改动")
            # The WAL's last changes into the file, so the copy below has them all.
            plain.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        _replace_by_encrypted(path)
        remove_side_files(path)
        backups = paths.backups_dir(path)
        for old in sorted(backups.glob("clinic-*.db")) if backups.is_dir() else ():
            if driver.is_plain(old):
                _replace_by_encrypted(old)


def _replace_by_encrypted(path: Path) -> None:
    tmp = temp_file(path.resolve().parent)
    try:
        export_plain(path, tmp)
        os.replace(tmp, path)
    except BaseException:
        remove_with_side_files(tmp)
        raise


def export_plain(plain_path: Path, dest: Path, *, read_only: bool = False) -> None:
    """Write an encrypted, verified copy of a plain database into the empty file ``dest``.

    The plain file is only read (attached read-only when ``read_only``: it may be a backup on a
    write-protected stick). The copy is checked — ``integrity_check`` and the row count of
    every table — before anyone may rename it into place.
    """
    key = cipher_key.installation_key(create=True)
    with closing(_raw(plain_path, True)) as plain:
        counts = _row_counts(plain)
        version = plain.execute("PRAGMA user_version").fetchone()[0]
    source = Path(plain_path).resolve().as_uri() + ("?mode=ro" if read_only else "")
    with closing(open_keyed(dest, key=key)) as enc:
        enc.execute("ATTACH DATABASE ? AS plain KEY ''", [source])
        enc.execute("SELECT sqlcipher_export('main', 'plain')")
        enc.execute(f"PRAGMA main.user_version = {int(version)}")
        enc.execute("DETACH DATABASE plain")
        enc.execute("PRAGMA journal_mode = DELETE")
    _check_copy(dest, key, counts)
    with open(dest, "rb+") as file:
        os.fsync(file.fileno())


def _row_counts(conn) -> dict[str, int]:
    names = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    return {n: conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}


def _check_copy(tmp: Path, key: bytes, counts: dict[str, int]) -> None:
    with closing(open_keyed(tmp, key=key)) as conn:
        check = [r[0] for r in conn.execute("PRAGMA integrity_check(5)")]
        if check != ["ok"]:
            raise StorageError(f"加密后的数据库未通过完整性检查，原数据库未改动：{'；'.join(check)}")
        copied = _row_counts(conn)
    if copied != counts:
        differ = sorted(n for n in set(counts) | set(copied) if counts.get(n) != copied.get(n))
        raise StorageError(f"加密后的数据库与原数据库不一致（{'、'.join(differ)}），原数据库未改动")
