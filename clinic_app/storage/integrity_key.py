"""The secret behind the seals and the audit chain: a random key in a file beside the database,
readable by the program's user only, never inside the database itself.

``clinic.db`` has its key in ``clinic.key`` (``<stem>.key`` in the same folder), so a database on
a USB stick and one in the user data folder each have their own. Someone who copies or edits the
database file alone cannot forge a seal; someone who can read this file (the program's own OS
account) can — that is what the anchor in each quarterly package is for (see README).
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from .errors import StorageError

KEY_BYTES = 32


class KeyMissing(StorageError):
    """The key file is not there (and was not to be created)."""


def key_path(db_path: str | Path) -> Path:
    db_path = Path(db_path)
    return db_path.with_name(f"{db_path.stem}.key")


def load_key(db_path: str | Path, *, create: bool = True) -> bytes:
    """The database's key, made (0600, exclusively) the first time it is needed."""
    path = key_path(db_path)
    try:
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        if not create:
            raise KeyMissing(f"找不到校验钥匙文件：{path}") from None
        return _create(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise StorageError(f"无法读取校验钥匙文件 {path}：{exc}") from None
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) != KEY_BYTES:
        raise StorageError(f"校验钥匙文件 {path} 已损坏")
    return key


def _create(path: Path) -> bytes:
    key = secrets.token_bytes(KEY_BYTES)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        return _read_existing(path)
    with os.fdopen(fd, "w", encoding="ascii") as file:
        file.write(key.hex() + "\n")
        file.flush()
        os.fsync(file.fileno())
    return key


def _read_existing(path: Path) -> bytes:
    return bytes.fromhex(path.read_text(encoding="ascii").strip())


def database_file(db) -> Path | None:
    """The file behind a connection (``None`` for an in-memory database)."""
    path = getattr(db, "db_path", None)
    if path is not None:
        return Path(path)
    conn = getattr(db, "conn", db)
    for _, name, file in conn.execute("PRAGMA database_list").fetchall():
        if name == "main" and file:
            return Path(file)
    return None


def of(db, *, create: bool = True) -> bytes:
    """The key of the database ``db`` is connected to; cached on the connection object.

    A backup is not given a copy of the key (the key stays on the PC, not on the stick): a file
    without its own key is matched, by the key check the database stores, against the keys
    beside it, in the folder above (``backups/`` sits beside the database) and in the user data
    folder. When none matches, the file's own key is used (made if ``create``), and the check
    then reports the mismatch instead of a thousand bad rows."""
    cached = getattr(db, "_integrity_key", None)
    if cached is not None:
        return cached
    path = database_file(db)
    if path is None:
        raise KeyMissing("内存中的数据库没有校验钥匙")
    key = _matching_key(db, path)
    if key is None:
        key = load_key(path, create=create)
    try:
        db._integrity_key = key
    except AttributeError:
        pass
    return key


def _stored_check(db) -> str | None:
    conn = getattr(db, "conn", db)
    try:
        row = conn.execute("SELECT key_check FROM seal_head WHERE id = 1").fetchone()
    except Exception:  # noqa: BLE001 - no seals yet (before the migration), or not our file
        return None
    return row[0] if row else None


def _matching_key(db, path: Path) -> bytes | None:
    from ..domain.seal_crypto import key_check

    check = _stored_check(db)
    if check is None:
        return None
    own = key_path(path)
    candidates = [own]
    folders = [path.resolve().parent, path.resolve().parent.parent]
    try:
        from .. import paths

        folders.append(paths.user_data_dir())
    except Exception:  # noqa: BLE001 - no platformdirs: only the folders beside
        pass
    for folder in folders:
        try:
            candidates.extend(sorted(folder.glob("*.key")))
        except OSError:
            continue
    for candidate in dict.fromkeys(candidates):
        try:
            key = bytes.fromhex(candidate.read_text(encoding="ascii").strip())
        except (OSError, ValueError, UnicodeDecodeError):
            continue
        if len(key) == KEY_BYTES and key_check(key) == check:
            return key
    return None


def copy_key(source_db: str | Path, dest_db: str | Path) -> None:
    """A backup travels with its key, or it could never be verified (nor restored on a new PC);
    the copy is 0600 like the original. No key beside the source: nothing to copy."""
    source, dest = key_path(source_db), key_path(dest_db)
    try:
        data = source.read_bytes()
    except FileNotFoundError:
        return
    if source.resolve() == dest.resolve():
        return
    tmp = dest.with_name(f".{dest.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as file:
        file.write(data)
        file.flush()
        os.fsync(file.fileno())
    os.replace(tmp, dest)


def remove_key(db_path: str | Path) -> None:
    try:
        key_path(db_path).unlink()
    except FileNotFoundError:
        pass
