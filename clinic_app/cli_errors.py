"""One error root at the command line: whatever goes wrong, the user reads one Chinese line.

``guarded`` runs a command. A ``ClinicError`` (every refusal the program makes) prints its
message; a database error (``storage.driver.Error``) or ``OSError`` (a full disk, a locked or damaged file, a file that
is not a database, a missing file, a folder without write permission) is translated here; any
other exception is a bug, so the user reads "程序内部错误" and the traceback goes to the log only.
No traceback ever reaches the terminal: staff cannot act on one, and it may show patient data.
"""
from __future__ import annotations

import errno
import logging
from .storage import driver
import sys
import traceback
from pathlib import Path

log = logging.getLogger("clinic_app.cli")

USAGE = 2  # exit code for "the command was given something that is not there"


class UsageError(Exception):
    """A Chinese refusal that exits 2 (a file named on the command line is not there)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def guarded(handler, args) -> int:
    from .domain.errors import ClinicError

    try:
        return handler(args) or 0
    except UsageError as exc:
        _say(exc.message)
        return USAGE
    except ClinicError as exc:
        _say(exc.message)
        return getattr(exc, "exit_code", 1)
    except driver.Error as exc:
        _say(sqlite_message(exc, getattr(args, "db", None)))
        _log_quietly("SQLite error in %s", args, exc)
        return 1
    except OSError as exc:
        _say(os_message(exc))
        _log_quietly("OS error in %s", args, exc)
        return 1
    except KeyboardInterrupt:
        _say("已取消")
        return 130
    except MemoryError as exc:
        _say("内存不足，无法完成（文件可能过大或已损坏）")
        _log_quietly("Out of memory in %s", args, exc)
        return 1
    except Exception as exc:  # a bug: the user gets one line, the log gets the traceback
        where = _log_quietly("Unexpected error in %s", args, exc)
        _say(f"程序内部错误：{type(exc).__name__}（详情已写入日志{f' {where}' if where else ''}）")
        return 1


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def sqlite_message(exc: driver.Error, db_path=None) -> str:
    text = str(exc).lower()
    name = f"：{db_path}" if db_path else ""
    if "not a database" in text or "file is encrypted" in text:
        return f"该文件不是本程序的数据库（不是 SQLite 数据库，或已损坏）{name}"
    if "malformed" in text or "corrupt" in text:
        return f"数据库文件已损坏{name}。可用“clinic-app restore”从备份恢复"
    if "disk is full" in text or "disk full" in text:
        return "磁盘空间不足，未能写入数据库，请清理磁盘后再试"
    if "readonly" in text or "read-only" in text:
        return f"数据库文件只读，没有写入权限{name}"
    if "locked" in text or "busy" in text:
        return "数据库正被另一个程序占用，请稍后再试"
    if "unable to open" in text:
        return f"无法打开数据库文件（文件夹不存在或没有权限）{name}"
    if "no such table" in text or "no such column" in text:
        return f"该数据库不是本程序的数据库，或来自不兼容的版本{name}"
    return f"数据库出错：{exc}"


def os_message(exc: OSError) -> str:
    where = f"：{exc.filename}" if getattr(exc, "filename", None) else ""
    if exc.errno == errno.ENOENT:
        return f"找不到文件或文件夹{where}"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return f"没有权限访问{where}"
    if exc.errno == errno.EROFS:
        return f"磁盘只读，无法写入{where}"
    if exc.errno == errno.ENOSPC:
        return f"磁盘空间不足，无法写入{where}"
    if exc.errno == errno.EISDIR:
        return f"这是一个文件夹，不是文件{where}"
    if exc.errno == errno.ENOTDIR:
        return f"路径中有一部分不是文件夹{where}"
    return f"文件操作失败{where}（{exc.strerror or exc}）"


def _log_quietly(what: str, args, exc: BaseException) -> str:
    """Write the traceback to the log file; return its path, or '' when even that failed."""
    try:
        path = _log_file()
        handler = logging.FileHandler(path, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        log.addHandler(handler)
        try:
            log.error(what + "\n%s", getattr(args, "command", None) or "gui",
                      "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)))
        finally:
            log.removeHandler(handler)
            handler.close()
        return str(path)
    except Exception:
        return ""


def _log_file() -> Path:
    from . import paths

    folder = paths.user_data_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return folder / "clinic_app.log"
