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
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from ..domain.errors import ConflictError

# Windows locks byte ranges and forbids others to read a locked range, so the lock sits past the
# holder's note; POSIX flock locks the whole file and ignores the offset.
_LOCK_OFFSET = 1024


class AlreadyRunning(ConflictError):
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


def _write_holder(file, what: str = "") -> None:
    """Best effort: the lock holds whether or not the note could be written."""
    note = f"pid={os.getpid()}\nhost={socket.gethostname()}\n"
    if what:
        note += f"what={' '.join(what.split())}\n"
    note = note.encode("utf-8")[:_LOCK_OFFSET]
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
        if sep and key.strip() in ("pid", "host", "what"):
            holder[key.strip()] = value.strip()
    return holder


def _describe(holder: dict) -> str:
    parts = []
    if holder.get("host"):
        parts.append(f"电脑 {holder['host']}")
    if holder.get("pid"):
        parts.append(f"进程号 {holder['pid']}")
    return f"（{'，'.join(parts)}）" if parts else ""


# --- the write lock: one writing process at a time ------------------------------------------------
#
# The session lock above says "a program has this database open" and is held for a whole GUI
# session. The write lock says "someone is writing right now": every write transaction takes it
# at its outermost level (``storage.db.ClinicDatabase.atomic``), and a CLI command takes it for
# the whole command, before it even opens the database, so a restore can never swap the file
# under a process that has it open for writing. SQLite's own busy timeout cannot do this: a
# deferred transaction that read first fails at once with "database is locked", and a wait longer
# than the timeout fails too. Another process waits here instead, saying so in Chinese.

WAIT_NOTICE_AFTER = 0.5   # seconds before saying that we are waiting
WAIT_POLL = 0.05
TIMEOUT_ENV_VAR = "CLINIC_APP_WRITE_TIMEOUT"
DEFAULT_TIMEOUT = 120.0   # seconds; an import of a big register takes well under that


def _default_notice(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# Called once per wait with the Chinese notice; the GUI may put it in its status bar instead.
wait_notice = _default_notice


class WriteLockTimeout(ConflictError):
    """Waited too long for another process's write; ``message`` is Chinese."""

    def __init__(self, lock_path: Path, holder: dict | None, waited: float):
        self.lock_path = Path(lock_path)
        self.holder = holder or {}
        self.message = (f"数据库正被{_describe_writer(self.holder)}使用，已等待 {int(waited)} 秒仍未结束，"
                        f"本次操作没有写入任何内容。请等另一个程序完成后再试。")
        super().__init__(self.message)


def write_timeout() -> float:
    try:
        return float(os.environ.get(TIMEOUT_ENV_VAR, DEFAULT_TIMEOUT))
    except ValueError:
        return DEFAULT_TIMEOUT


class WriteLock:
    """``<database>.write.lock``, re-entrant within a process and shared by its threads.

    One object per database file per process (``WriteLock.of(path)``): POSIX ``flock`` locks
    belong to an open file, so a second object in the same process would wait for itself.
    Threads of one process take turns on an ``RLock``; the OS lock is taken on the first entry
    and given up on the last exit.
    """

    _instances: dict[str, "WriteLock"] = {}
    _instances_guard = threading.Lock()

    @classmethod
    def of(cls, db_path) -> "WriteLock":
        key = os.path.normcase(os.path.abspath(str(db_path)))
        with cls._instances_guard:
            lock = cls._instances.get(key)
            if lock is None:
                lock = cls._instances[key] = cls(Path(key))
            return lock

    def __init__(self, db_path: Path):
        self.db_path = Path(db_path)
        self.path = Path(f"{self.db_path}.write.lock")
        self._threads = threading.RLock()
        self._depth = 0
        self._file = None

    @property
    def held(self) -> bool:
        """Whether this process holds it (from any thread)."""
        return self._file is not None

    def acquire(self, timeout: float | None = None, purpose: str = "") -> None:
        timeout = write_timeout() if timeout is None else timeout
        start = time.monotonic()
        if not self._threads.acquire(timeout=max(timeout, 0.001)):
            raise WriteLockTimeout(self.path, {"pid": str(os.getpid()), "what": "本程序的另一项操作"},
                                   time.monotonic() - start)
        try:
            if self._depth == 0:
                self._file = self._take_file(start, timeout, purpose)
            self._depth += 1
        except BaseException:
            self._threads.release()
            raise

    def release(self) -> None:
        self._depth -= 1
        try:
            if self._depth == 0:
                file, self._file = self._file, None
                try:
                    file.seek(0)
                    file.truncate(0)
                    _unlock(file)
                except OSError:
                    pass  # closing releases the lock in any case
                finally:
                    file.close()
        finally:
            self._threads.release()

    @contextmanager
    def hold(self, timeout: float | None = None, purpose: str = ""):
        self.acquire(timeout, purpose)
        try:
            yield self
        finally:
            self.release()

    def _take_file(self, start: float, timeout: float, purpose: str):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        file = os.fdopen(fd, "r+b", buffering=0)
        told = False
        try:
            while True:
                try:
                    _lock(file)
                    break
                except OSError:
                    waited = time.monotonic() - start
                    if waited >= timeout:
                        raise WriteLockTimeout(self.path, _read_holder(file), waited) from None
                    if not told and waited >= WAIT_NOTICE_AFTER:
                        told = True
                        wait_notice(f"数据库正被{_describe_writer(_read_holder(file))}使用，等待中……")
                    time.sleep(WAIT_POLL)
        except BaseException:
            file.close()
            raise
        _write_holder(file, purpose)
        return file


def _describe_writer(holder: dict) -> str:
    what = holder.get("what")
    return f"另一个程序{_describe(holder)}" + (f"（{what}）" if what else "")
