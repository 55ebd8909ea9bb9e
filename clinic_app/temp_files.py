"""Temporary files the program writes outside its own folders — a ledger package being written
onto a USB stick, an import report beside the register it reports on — are remembered while they
exist, so that a program killed half-way (power cut, kill -9) leaves nothing the next start does
not remove.

Each one has a marker file in ``<user data folder>/pending-temp/`` naming it, held locked by the
process that writes it. At start-up, ``remove_leftovers`` removes what an unlocked marker names
(its writer is gone) and the marker; a marker still locked belongs to a program still running.
Only hidden names (starting with a dot, holding ``.tmp``) are ever removed, whatever a marker says.
"""
from __future__ import annotations

import os
import shutil
import uuid
from contextlib import contextmanager
from pathlib import Path

FOLDER = "pending-temp"


def _folder() -> Path:
    from . import paths

    return paths.user_data_dir() / FOLDER


def _is_ours(path: Path) -> bool:
    return path.name.startswith(".") and ".tmp" in path.name


@contextmanager
def tracked(path: str | os.PathLike):
    """Remember ``path`` (a temporary file or folder) until the block ends."""
    path = Path(path)
    folder = _folder()
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        marker = folder / f"{uuid.uuid4().hex}.txt"
        handle = open(marker, "w+", encoding="utf-8")
    except OSError:  # no data folder to write to: the work itself must not fail for it
        yield path
        return
    try:
        _lock(handle)
        handle.write(str(path.resolve()))
        handle.flush()
        yield path
    finally:
        handle.close()
        marker.unlink(missing_ok=True)


def remove_leftovers() -> list[Path]:
    """Remove what killed programs left; returns what was removed."""
    folder = _folder()
    removed = []
    for marker in sorted(folder.glob("*.txt")) if folder.is_dir() else ():
        try:
            handle = open(marker, "r+", encoding="utf-8")
        except OSError:
            continue
        try:
            if not _try_lock(handle):
                continue  # its writer is still at work
            target = Path(handle.read().strip())
        finally:
            handle.close()
        if target.name and _is_ours(target) and (target.exists() or target.is_symlink()):
            if target.is_dir() and not target.is_symlink():
                shutil.rmtree(target, ignore_errors=True)
            else:
                target.unlink(missing_ok=True)
            if not target.exists():
                removed.append(target)
        marker.unlink(missing_ok=True)
    return removed


if os.name == "nt":  # pragma: no cover - exercised on Windows
    import msvcrt

    def _lock(handle) -> None:
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)

    def _try_lock(handle) -> bool:
        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
else:
    import fcntl

    def _lock(handle) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _try_lock(handle) -> bool:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        return True
