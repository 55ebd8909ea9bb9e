"""One running program per database.

Two programs writing the same file (two windows, or two computers sharing a folder) would each
see a stale picture of the other's work. The lock is an OS file lock on ``<database>.lock``: the
operating system drops it when the process ends, so a crashed or killed program never leaves
the database locked. The file itself only says who holds the lock, for the message.
"""
from __future__ import annotations

import os
import socket
import sys
from pathlib import Path

# Windows locks byte ranges and forbids others to read a locked range, so the lock sits past the
# holder's note; POSIX flock locks the whole file and ignores the offset.
_LOCK_OFFSET = 1024


class AlreadyRunning(Exception):
    """The database is held by another program; ``message`` is Chinese, fit to show to staff."""

    def __init__(self, lock_path: Path, holder: dict | None = None):
        self.lock_path = Path(lock_path)
        self.holder = holder or {}
        who = _describe(self.holder)
        self.message = (f"该数据库已被另一个程序打开{who}。同一个数据库同时只能由一个程序使用。"
                        f"请先关闭另一个程序，或在另一台电脑上退出本程序。")
        super().__init__(self.message)


class InstanceLock:
    """Hold it for as long as the database is open; ``with InstanceLock(path):`` does that.

    Keep a reference for that long too: the lock lives in an open file, and a collected
    ``InstanceLock`` closes it, which releases the lock.
    """

    def __init__(self, db_path: Path):
        self.db_path = Path(db_path)
        self.path = Path(f"{self.db_path}.lock")
        self._file = None

    @property
    def held(self) -> bool:
        return self._file is not None

    def acquire(self) -> None:
        """Take the lock or raise ``AlreadyRunning``; taking a lock already held is a no-op."""
        if self._file is not None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Opened without truncating: the holder's note must survive a failed attempt.
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        file = os.fdopen(fd, "r+b", buffering=0)
        try:
            _lock(file)
        except OSError:
            holder = _read_holder(file)
            file.close()
            raise AlreadyRunning(self.path, holder) from None
        _write_holder(file)
        self._file = file

    def release(self) -> None:
        """Give the lock up. The file stays: deleting it would let two programs lock two files."""
        file, self._file = self._file, None
        if file is None:
            return
        try:
            file.seek(0)
            file.truncate(0)
            _unlock(file)
        except OSError:
            pass  # closing below releases the lock in any case
        finally:
            file.close()

    def __enter__(self) -> "InstanceLock":
        self.acquire()
        return self

    def __exit__(self, *exc) -> None:
        self.release()


def _lock(file) -> None:
    if sys.platform == "win32":
        import msvcrt

        os.lseek(file.fileno(), _LOCK_OFFSET, os.SEEK_SET)
        msvcrt.locking(file.fileno(), msvcrt.LK_NBLCK, 1)
    else:
        import fcntl

        fcntl.flock(file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)


def _unlock(file) -> None:
    if sys.platform == "win32":
        import msvcrt

        os.lseek(file.fileno(), _LOCK_OFFSET, os.SEEK_SET)
        msvcrt.locking(file.fileno(), msvcrt.LK_UNLCK, 1)
    else:
        import fcntl

        fcntl.flock(file.fileno(), fcntl.LOCK_UN)


def _write_holder(file) -> None:
    """Best effort: the lock holds whether or not the note could be written."""
    note = f"pid={os.getpid()}\nhost={socket.gethostname()}\n".encode("utf-8")
    try:
        file.seek(0)
        file.truncate(0)
        file.write(note)
    except OSError:
        pass


def _read_holder(file) -> dict:
    try:
        file.seek(0)
        text = file.read(_LOCK_OFFSET).decode("utf-8", "replace")
    except OSError:
        return {}
    holder = {}
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep and key.strip() in ("pid", "host"):
            holder[key.strip()] = value.strip()
    return holder


def _describe(holder: dict) -> str:
    parts = []
    if holder.get("host"):
        parts.append(f"电脑 {holder['host']}")
    if holder.get("pid"):
        parts.append(f"进程号 {holder['pid']}")
    return f"（{'，'.join(parts)}）" if parts else ""
