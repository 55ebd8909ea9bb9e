"""The SQLite driver every connection of the program goes through: SQLCipher's ``sqlcipher3``.

Its error classes are not the standard ``sqlite3`` module's, so code that catches database errors
catches ``driver.Error``, ``driver.DatabaseError`` and so on from here.
"""
from __future__ import annotations

import sqlcipher3.dbapi2 as sqlite
import sqlite_utils.utils

Connection = sqlite.Connection
Error = sqlite.Error
DatabaseError = sqlite.DatabaseError
OperationalError = sqlite.OperationalError
IntegrityError = sqlite.IntegrityError
ProgrammingError = sqlite.ProgrammingError
Row = sqlite.Row
connect = sqlite.connect
sqlite_version = sqlite.sqlite_version

PLAIN_HEADER = b"SQLite format 3\x00"

if sqlite_utils.utils.dbapi2 is not sqlite:  # pragma: no cover - an import-order mistake
    raise ImportError("sqlite-utils was imported before clinic_app and uses the standard sqlite3 "
                      "module; import clinic_app first")


def header_of(path) -> bytes:
    """The first 16 bytes of a file: the plain SQLite magic, or the salt of an encrypted one."""
    try:
        with open(path, "rb") as file:
            return file.read(len(PLAIN_HEADER))
    except FileNotFoundError:
        return b""


def is_plain(path) -> bool:
    """An unencrypted SQLite file (an older version's database or backup, or another program's)."""
    return header_of(path) == PLAIN_HEADER
