"""Logging in at the command line: ``--user NAME``, the password from the terminal or one line
of standard input, the account checked against the permission table — and the write lock.

Every command that writes, prints patient data or exports runs inside ``logged_in``:

1. a missing ``--user`` or an empty password is refused before the database is even opened,
   so nothing at all is written;
2. the write lock (``storage.lock.WriteLock``) is taken *before* the database is opened and
   held until the command ends, so a restore never swaps the file under a command that has it
   open, and two commands queue instead of failing with "database is locked";
3. ``accounts.authenticate`` checks the password (a failure counts toward lockout and is
   audited, exactly as at the login screen), ``services.require`` checks the role (a refusal is
   audited) — the two rows a refusal leaves, so that the audit trail shows the attempt;
4. the command runs with the user, which its use case records in the audit trail.
"""
from __future__ import annotations

import argparse
import sys
from contextlib import contextmanager
from pathlib import Path

from .cli_errors import UsageError

# command label -> permission key, filled by ``needs_login``; the tests walk it.
LOGIN_COMMANDS: dict[str, str] = {}


def add_login(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--user", metavar="USERNAME",
                        help="用户名（必填：本命令需要登录；密码从终端询问，或从标准输入读取一行）")
    parser.add_argument("--password",
                        help="密码（不建议：会留在命令历史中；省略时从终端询问或从标准输入读取一行）")


def read_password(args) -> str:
    if getattr(args, "password", None) is not None:
        return args.password
    return read_secret("密码：")


def read_secret(prompt: str) -> str:
    """From the terminal without echo, or one line of standard input (a password, a recovery
    code: when both are piped, each takes its own line)."""
    if sys.stdin is not None and sys.stdin.isatty():
        import getpass

        return getpass.getpass(prompt)
    line = sys.stdin.readline() if sys.stdin is not None else ""
    return line.rstrip("\r\n")


def require_existing_db(db_path) -> Path:
    path = Path(db_path)
    if path.is_dir():
        raise UsageError(f"{path} 是文件夹，不是数据库文件")
    if not path.exists():
        raise UsageError(f"找不到数据库文件：{path}")
    return path


@contextmanager
def logged_in(args, action: str, purpose: str):
    """Yield ``(db, user)`` for ``args.user`` allowed to do ``action``, under the write lock."""
    from .domain.errors import PermissionDenied
    from .services import require
    from .storage import accounts
    from .storage.db import open_existing
    from .storage.lock import WriteLock

    path = require_existing_db(args.db)
    username = (getattr(args, "user", None) or "").strip()
    if not username:
        raise PermissionDenied("本命令需要登录：请用 --user 指定用户名（密码从终端输入，或从标准输入读取一行）")
    password = read_password(args)  # before the lock: nobody waits while a password is typed
    if not password:
        raise PermissionDenied("未输入密码，未做任何改动")
    with WriteLock.of(path).hold(purpose=f"clinic-app {purpose}（用户 {username}）"):
        db = open_existing(path)
        try:
            user = accounts.authenticate(db, username, password)
            user = require(db, user, action)
            yield db, user
        finally:
            db.conn.close()


def needs_login(action: str, label: str):
    """Decorate ``handler(args, db, user)`` into ``handler(args)`` that logs in first."""
    def wrap(handler):
        def run(args, **extra) -> int:
            with logged_in(args, action, label) as (db, user):
                return handler(args, db, user, **extra)
        run.__name__ = handler.__name__
        run.__doc__ = handler.__doc__
        run.action = action
        LOGIN_COMMANDS[label] = action
        return run
    return wrap


@contextmanager
def writing(db_path, purpose: str):
    """The write lock for a command that writes without a login (``demo`` into a new file)."""
    from .storage.lock import WriteLock

    with WriteLock.of(db_path).hold(purpose=f"clinic-app {purpose}"):
        yield
