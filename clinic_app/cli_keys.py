"""The database key at the command line: the recovery code shown once, and ``recover-key``.

A command that creates the installation's key (the first database on a PC, made by
``clinic-app demo`` or a restore on a new PC) ends by printing the recovery code once, on
standard error, for the administrator to copy onto paper; the GUI shows it in a dialog instead.
"""
from __future__ import annotations

import sys
from pathlib import Path

from .cli_auth import read_secret
from .cli_errors import UsageError

CODE_NOTICE = """\
================ 数据库恢复密钥（只显示这一次） ================
  {code}
本机的数据库及其全部备份都用这个密钥加密。请把它抄在纸上，交管理员妥善保管
（不要存在这台电脑上）。电脑重装或更换后，须用它才能打开原来的数据库和备份：
  clinic-app restore --recovery-key …   或   clinic-app recover-key --db …
==============================================================="""


def announce_new_code(stream=None) -> None:
    """Print the recovery code if it was made during this command and never shown."""
    from .storage import cipher_key

    code = cipher_key.take_unshown_code()
    if code:
        print(CODE_NOTICE.format(code=code), file=stream or sys.stderr, flush=True)


def read_code(prompt: str = "恢复密钥：") -> str:
    """Asked before a password, when both are needed: the first line when piped."""
    return read_secret(prompt)


def recovered_key(args) -> bytes | None:
    """The key a ``--recovery-key`` flag stands for (asked for now), or ``None`` without one."""
    from .storage import cipher_key

    if not getattr(args, "recovery_key", False):
        return None
    return cipher_key.raw_key(cipher_key.parse_code(read_code()))


def add_parsers(sub, add_db) -> None:
    recover = sub.add_parser(
        "recover-key", help="用纸上的恢复密钥恢复本机的数据库密钥（电脑重装后、数据库文件仍在时）")
    add_db(recover, required=True)


def recover_key(args) -> int:
    """The key store was lost (a reinstalled system, a reset user profile) but the database is
    still there: the code typed is checked against the database before it becomes this PC's
    key, so a mistyped code changes nothing. A PC that already has another key keeps it (other
    databases and backups need it); a backup from another PC is restored instead."""
    from .storage import audit, cipher_key, encryption
    from .storage.db import check_existing, open_existing

    path = check_existing(Path(args.db))
    secret = cipher_key.parse_code(read_code())
    key = cipher_key.raw_key(secret)
    if not encryption.opens_with(path, key):
        raise UsageError(f"该恢复密钥打不开 {path}，未做任何改动。请对照纸上的恢复密钥重新输入")
    current = cipher_key.installation_key(create=False)
    if current == key:
        print("本机的数据库密钥与该恢复密钥一致，无需恢复")
        return 0
    if current is not None:
        raise UsageError("本机已有另一个数据库密钥（其他数据库和备份要用它），未做任何改动。"
                         "要把另一台电脑的数据库用到本机，请用 clinic-app restore --recovery-key "
                         "从它恢复（恢复后改用本机密钥加密）")
    where = cipher_key.adopt_secret(secret)
    db = open_existing(path)
    try:
        audit.record(db, audit.KEY_RECOVERED, "database", None,
                     f"用恢复密钥恢复了本机的数据库密钥（保存在{where}）", user=None)
    finally:
        db.conn.close()
    print(f"已恢复本机的数据库密钥（保存在{where}），数据库可以正常打开了")
    return 0
