"""The ``clinic-app`` command: start the program, or run one of its maintenance sub-commands.

Heavy modules are imported inside each command, so ``clinic-app`` starts fast.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import __version__, paths


def _add_db(parser: argparse.ArgumentParser, required: bool = False) -> None:
    parser.add_argument("--db", metavar="PATH", required=required,
                        help=f"数据库文件（默认：用户数据目录下的 {paths.DB_FILENAME}，"
                             f"或环境变量 {paths.DB_ENV_VAR}）")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="clinic-app", description="严重精神障碍患者免费服药项目管理")
    parser.add_argument("--version", action="version", version=__version__)
    _add_db(parser)
    parser.add_argument("--demo", action="store_true", help="在临时文件夹中用演示数据启动，并以演示用户登录")
    parser.add_argument("--startup-probe", action="store_true", help=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command")

    demo = sub.add_parser("demo", help="写入合成的演示数据")
    _add_db(demo, required=True)
    demo.add_argument("--patients", type=int, default=200)
    demo.add_argument("--seed", type=int, default=20190318)

    audit = sub.add_parser("audit", help="审计记录")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True)
    verify = audit_sub.add_parser("verify", help="校验审计链是否完整")
    _add_db(verify, required=True)

    backup = sub.add_parser("backup", help="备份数据库")
    _add_db(backup, required=True)
    backup.add_argument("--out", metavar="DIR", required=True)

    restore = sub.add_parser("restore", help="从备份恢复数据库")
    _add_db(restore, required=True)
    restore.add_argument("file", metavar="FILE")

    shots = sub.add_parser("screenshots", help="保存主要界面的截图（PNG）")
    shots.add_argument("--out", metavar="DIR", default="screenshots")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler = COMMANDS.get(args.command or "gui")
    return handler(args) or 0


def _gui(args) -> int:
    from .ui.app import run

    return run(db_path=None if args.demo else paths.resolve_db_path(args.db), demo=args.demo,
               startup_probe=args.startup_probe)


def _demo(args) -> int:
    from .storage import demo
    from .storage.db import open_database

    db = open_database(args.db)
    result = demo.write_demo(db, patients=args.patients, seed=args.seed)
    print(f"已写入演示数据：{result['patients']} 名患者，{result['households']} 户，"
          f"{result['users']} 个用户 → {args.db}")
    return 0


def _audit(args) -> int:
    from .storage import audit
    from .storage.db import connect

    if not Path(args.db).exists():
        print(f"找不到数据库文件：{args.db}", file=sys.stderr)
        return 2
    result = audit.verify(connect(args.db))
    if result.ok:
        print(f"审计链完整：共 {result.checked} 行")
        return 0
    print(f"审计链已被破坏：{result.reason}（first bad row: {result.bad_row}）", file=sys.stderr)
    return 1


def _backup(args) -> int:
    from .storage import backup

    try:
        path = backup.backup_to(Path(args.db), Path(args.out))
    except backup.BackupError as exc:
        print(exc.message, file=sys.stderr)
        return 1
    print(f"已备份到 {path}")
    return 0


def _restore(args) -> int:
    """Refused while the program has the database open: it would be replaced under its feet."""
    from .storage import backup
    from .storage.lock import AlreadyRunning, InstanceLock

    try:
        with InstanceLock(Path(args.db)):
            kept = backup.restore(Path(args.db), Path(args.file))
    except (backup.BackupError, AlreadyRunning) as exc:
        print(exc.message, file=sys.stderr)
        return 1
    if kept:
        print(f"已恢复。原数据库已保存为 {kept}")
    else:
        print("已恢复。")
    return 0


def _screenshots(args) -> int:
    from .ui.screenshots import save_all

    for path in save_all(Path(args.out)):
        print(path)
    return 0


COMMANDS = {"gui": _gui, "demo": _demo, "audit": _audit, "backup": _backup, "restore": _restore,
            "screenshots": _screenshots}

if __name__ == "__main__":
    sys.exit(main())
