"""Opening the one SQLite file: pragmas, migrations, reference data — the same way every time."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import sqlite_utils

from . import reference
from .schema import MIGRATIONS


def connect(path: str | Path) -> sqlite_utils.Database:
    """A connection with the pragmas every part of the program relies on, without migrating."""
    path = Path(path)
    conn = sqlite3.connect(str(path), timeout=10, check_same_thread=False)
    db = sqlite_utils.Database(conn)
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    db.execute("PRAGMA busy_timeout = 10000")
    return db


def open_database(path: str | Path) -> sqlite_utils.Database:
    """Create the file if needed, bring its schema up to date and load reference data."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    db = connect(path)
    migrate(db)
    return db


def migrate(db: sqlite_utils.Database) -> None:
    MIGRATIONS.apply(db)
    reference.ensure_loaded(db)


def schema_version(db: sqlite_utils.Database) -> list[str]:
    return [m.name for m in MIGRATIONS.applied(db)]


def pending_migrations(db: sqlite_utils.Database) -> list[str]:
    return [m.name for m in MIGRATIONS.pending(db)]
