"""Opening the one SQLite file: pragmas, migrations, reference data — the same way every time.

``connect`` is the only way anything opens the program's database, and the connection it gives
is a ``ClinicDatabase``: every write transaction takes the write lock (``storage.lock.WriteLock``)
and begins with ``BEGIN IMMEDIATE``. Two processes writing at once therefore queue on the lock
instead of failing with "database is locked" — which a plain ``BEGIN`` that reads before it
writes does at once, whatever the busy timeout. Files that are not (yet) the live database —
backups being made, checked or restored — are opened with ``open_file`` below, which says so.
"""
from __future__ import annotations

import contextlib
import os
from pathlib import Path

import sqlite_utils

from .. import paths

from . import driver, encryption, integrity_key, reference, seals
from .encryption import NotOurDatabase, WrongKey, foreign_problem  # noqa: F401 - their home for callers
from .errors import NotFoundError, StorageError
from .lock import WriteLock
from .schema import MIGRATIONS

MIGRATION_SET = "clinic_app"
BUSY_TIMEOUT_MS = 10000
# Pages are decrypted as they enter SQLite's page cache: a cache that holds the working set of
# a clinic's register decrypts each page once per connection, not once per query.
CACHE_KIB = 32768
# Statements that write when run on their own, outside a transaction.
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER", "VACUUM", "REINDEX")


class ClinicDatabase(sqlite_utils.Database):
    """A ``sqlite_utils.Database`` whose writes queue on the write lock and begin IMMEDIATE."""

    db_path: Path | None = None
    encrypted_now = False  # this connection found the file plain and encrypted it

    @property
    def write_lock(self) -> WriteLock | None:
        return WriteLock.of(self.db_path) if self.db_path is not None else None

    @contextlib.contextmanager
    def atomic(self):
        if self.conn.in_transaction or self.write_lock is None:
            with super().atomic():
                yield self
            return
        with self.write_lock.hold():
            # The lock was waited for outside any transaction, so this one starts from the
            # other process's last commit; IMMEDIATE takes SQLite's write lock up front.
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self
            except BaseException:
                self.rollback()
                raise
            else:
                try:
                    self.conn.execute("COMMIT")
                except BaseException:
                    self.rollback()
                    raise

    def execute(self, sql, parameters=None):
        """A write run on its own (outside ``atomic``) still queues on the write lock."""
        words = sql.split(None, 1)
        if (self.write_lock is None or self.conn.in_transaction or not words
                or words[0].upper() not in _WRITES):
            return super().execute(sql, parameters)
        with self.write_lock.hold():
            return super().execute(sql, parameters)

    def executescript(self, sql: str):
        if self.write_lock is None:
            return super().executescript(sql)
        with self.write_lock.hold():
            return super().executescript(sql)


def connect(path: str | Path) -> ClinicDatabase:
    """A connection with the pragmas every part of the program relies on, without migrating.

    The file is encrypted with the installation's key (``cipher_key``); a new file is created
    encrypted, and a plain database of an earlier version is encrypted in place first
    (``encryption.encrypt_in_place``). A plain database of another program is refused untouched.
    """
    path = Path(path)
    was_plain = driver.is_plain(path)
    conn = encryption.open_keyed(path, encrypt_plain=True)
    # Implicit transactions (a lone INSERT through the sqlite3 module) begin IMMEDIATE as well.
    conn.isolation_level = "IMMEDIATE"
    db = ClinicDatabase(conn)
    db.db_path = path
    db.encrypted_now = was_plain  # open_database writes it into the audit trail
    # The seal triggers call these; the key is read (or made, 0600) when a sealed row is first
    # written, so a read-only check never creates one.
    seals.register(conn, lambda: integrity_key.of(db))
    db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    try:
        # Before anything that writes (switching to WAL rewrites the header): another
        # program's database is left exactly as it was.
        problem = foreign_problem(db)
    except BaseException:
        conn.close()
        raise
    if problem:
        conn.close()
        raise NotOurDatabase(f"{path} 不是本程序的数据库（{problem}），未做任何改动")
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    make_private(path)
    return db


def make_private(path: Path) -> None:
    """The database, its WAL and shared-memory files readable by the program's user only (0600),
    and the user data folder 0700: they hold every patient's health data. On Windows the folder
    under the user's profile is already private; chmod there only sets the read-only flag."""
    if os.name != "posix":
        return
    for file in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        try:
            if file.exists() and file.stat().st_mode & 0o077:
                os.chmod(file, 0o600)
        except OSError:
            pass  # a file on a stick formatted FAT has no modes to set
    folder = path.resolve().parent
    try:
        if folder == paths.user_data_dir().resolve() and folder.stat().st_mode & 0o077:
            os.chmod(folder, 0o700)
    except OSError:
        pass


def open_database(path: str | Path) -> ClinicDatabase:
    """Create the file if needed, bring its schema up to date and load reference data.

    Refuses (``NotOurDatabase``) a database of another program rather than adding our tables to
    it (``connect`` checks that); ``open_existing`` also refuses a file that is not there.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    db = connect(path)
    try:
        if pending_migrations(db) or not (db["clinics"].count and db["drugs"].count):
            with db.write_lock.hold():
                migrate(db)
        if db.encrypted_now:
            from . import audit

            audit.record(db, audit.ENCRYPTED, "database", None,
                         "早期版本的未加密数据库（及其备份）已在原处加密，未加密的文件已删除")
    except BaseException:
        db.conn.close()
        raise
    return db


def open_existing(path: str | Path) -> ClinicDatabase:
    """``open_database`` for commands that work on a database that must already exist."""
    return open_database(check_existing(path))


def check_existing(path: str | Path) -> Path:
    """The path of a database that must already exist; an empty file is refused too, since
    opening it would turn it into a new, empty database."""
    path = Path(path)
    if not path.is_file():
        if path.is_dir():
            raise NotFoundError(f"{path} 是文件夹，不是数据库文件")
        raise NotFoundError(f"找不到数据库文件：{path}")
    if path.stat().st_size == 0:
        raise NotOurDatabase(f"{path} 是空文件，不是本程序的数据库，未做任何改动")
    return path


def migrate(db: sqlite_utils.Database) -> None:
    MIGRATIONS.apply(db)
    reference.ensure_loaded(db)


def schema_version(db: sqlite_utils.Database) -> list[str]:
    return [m.name for m in MIGRATIONS.applied(db)]


def pending_migrations(db: sqlite_utils.Database) -> list[str]:
    return [m.name for m in MIGRATIONS.pending(db)]


# --- files that are not the live database: backups being made, checked or restored ---------------

def open_file(path: str | Path, *, read_only: bool = False,
              key: bytes | None = None) -> driver.Connection:
    """A bare connection to a database *file* (a backup, a copy in the making): no pragmas, no
    functions, no migrations, no write lock, because it is not the database the program works
    in — what the sqlcipher shell, given the key, would see.

    It is opened with the installation's key (or ``key``, recovered from another PC); a plain
    file (an older version's backup) is opened as it is, and left so. ``read_only`` opens it so
    that nothing — not even a journal — is written beside it (a backup the user picked may sit
    on a write-protected stick).
    """
    return encryption.open_keyed(Path(path), read_only=read_only, key=key)


def file_database(path: str | Path, *, read_only: bool = False,
                  key: bytes | None = None) -> sqlite_utils.Database:
    """``open_file`` with sqlite-utils' API on top (to read a backup's audit chain, say)."""
    return sqlite_utils.Database(open_file(path, read_only=read_only, key=key))


def scratch_database() -> sqlite_utils.Database:
    """An empty database in memory, e.g. to list which migrations a fresh database would get."""
    return sqlite_utils.Database(memory=True)
