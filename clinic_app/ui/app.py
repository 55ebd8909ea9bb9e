"""Start-up, as a checklist: log to a file, show errors instead of vanishing, one program per
database, open and migrate the database, first-start wizard or log in, main window, backups."""
from __future__ import annotations

import datetime as dt
import logging
import sys
import tempfile
import traceback
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog

from .. import paths
from ..storage import audit, backup, reference, settings
from ..storage.db import open_database
from ..storage.lock import AlreadyRunning, InstanceLock
from . import messages, style
from .session import Session

log = logging.getLogger("clinic_app")
BACKUP_CHECK_MS = 60 * 60 * 1000


def setup_logging(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    log_file = folder / "clinic_app.log"
    logging.basicConfig(filename=str(log_file), level=logging.INFO, encoding="utf-8",
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    return log_file


def install_exception_hook() -> None:
    """An unexpected error is logged and shown in Chinese; the program keeps running."""
    def hook(exc_type, exc, tb):
        log.error("Unhandled error:\n%s", "".join(traceback.format_exception(exc_type, exc, tb)))
        if QApplication.instance():
            messages.error(None, "程序出错", f"发生了意外错误，已记录到日志。\n\n{exc_type.__name__}: {exc}")
    sys.excepthook = hook


def _demo_database() -> tuple[Path, dict]:
    from ..storage import demo

    folder = Path(tempfile.mkdtemp(prefix="clinic_app_demo_"))
    db_path = folder / paths.DB_FILENAME
    db = open_database(db_path)
    demo.write_demo(db, patients=200)
    user = next(u for u in _users(db) if u["username"] == "demo")
    db.conn.close()
    return db_path, user


def _users(db) -> list[dict]:
    from ..storage import accounts

    return accounts.list_users(db)


def sign_in(db, clinic_name: str, probe: bool) -> dict | None:
    """The wizard on first start, the login dialog after that. ``None`` means the user quit."""
    from ..storage import accounts

    if accounts.count(db) == 0:
        from .wizard import FirstStartWizard

        dialog = FirstStartWizard(db)
    else:
        from .login import LoginDialog

        dialog = LoginDialog(db, clinic_name)
    if probe:
        _exit_when_shown(dialog)
    if dialog.exec() != QDialog.Accepted:
        return None
    return dialog.user


def _exit_when_shown(dialog) -> None:
    """For ``benchmarks/run.py``: report the moment the first window is on screen, then quit."""
    def report():
        print("startup_probe_shown", flush=True)
        dialog.reject()
    QTimer.singleShot(0, report)


class BackupScheduler:
    """A backup on exit and one a day while running, keeping the newest ones only."""

    def __init__(self, session: Session):
        self.session = session
        self.timer = QTimer()
        self.timer.timeout.connect(self.daily_if_due)
        self.timer.start(BACKUP_CHECK_MS)

    def _copy(self, keep: int) -> Path:
        """The file copy only: safe on a worker thread (it opens its own connections)."""
        path = self.session.db_path
        return backup.backup_and_rotate(path, paths.backups_dir(path), keep)

    def _record(self, made: Path, reason: str) -> None:
        """Bookkeeping on the UI thread, which owns the database connection."""
        db = self.session.db
        settings.put(db, "last_backup_date", dt.date.today().isoformat())
        audit.record(db, audit.BACKUP, "database", None, f"{reason}备份到 {made.name}",
                     user=self.session.user)
        log.info("Backup (%s) written to %s", reason, made)

    @property
    def keep(self) -> int:
        return settings.get(self.session.db, "backup_keep")

    def daily_if_due(self) -> None:
        from .worker import run_in_background

        if backup.needs_daily_backup(settings.get(self.session.db, "last_backup_date"), dt.date.today()):
            keep = self.keep  # read on the UI thread, which owns the connection
            run_in_background(lambda: self._copy(keep), on_done=lambda made: self._record(made, "每日自动"),
                              on_error=lambda exc: log.error("Daily backup failed: %s", exc))

    def on_exit(self) -> None:
        from .worker import call_and_wait

        self.timer.stop()
        keep = self.keep
        try:
            self._record(call_and_wait(lambda: self._copy(keep)), "退出时")
        except backup.BackupError as exc:
            log.error("Backup on exit failed: %s", exc.message)


def run(db_path: Path | None, demo: bool = False, startup_probe: bool = False) -> int:
    demo_user = None
    if demo:
        db_path, demo_user = _demo_database()
    setup_logging(db_path.parent if demo else paths.user_data_dir())
    install_exception_hook()
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("免费服药项目管理")
    style.apply(app)
    from .printing.preview import install_qt_chinese

    install_qt_chinese()  # Qt's own dialogs (print, preview, 是/否) in Chinese

    lock = InstanceLock(db_path)
    try:
        lock.acquire()
    except AlreadyRunning as exc:
        messages.error(None, "程序已在运行", exc.message)
        return 1
    try:
        return _run_locked(app, db_path, demo, demo_user, startup_probe)
    finally:
        lock.release()


def _remove_debris(db_path: Path) -> None:
    """What a killed backup or restore left behind: removed first, under the write lock."""
    from ..storage import backup
    from ..storage.lock import WriteLock

    try:
        with WriteLock.of(db_path).hold(purpose="程序启动：清理未完成的备份"):
            for leftover in backup.remove_debris(db_path):
                log.info("Removed leftover temporary copy %s", leftover)
    except Exception:  # never keeps the program from starting
        log.exception("Could not clean up leftover temporary files beside %s", db_path)


def _run_locked(app, db_path: Path, demo: bool, demo_user: dict | None, probe: bool) -> int:
    _remove_debris(db_path)
    try:
        db = open_database(db_path)
    except Exception as exc:  # a damaged or unreadable file must not end in a traceback
        log.exception("Cannot open database %s", db_path)
        messages.error(None, "无法打开数据库", f"无法打开数据库文件：\n{db_path}\n\n{exc}\n\n"
                       "可用“clinic-app restore”从备份恢复。")
        return 1
    clinic = reference.clinic(db, settings.get(db, "clinic_code")) or {}
    user = demo_user or sign_in(db, clinic.get("name", ""), probe)
    if user is None:
        return 0
    if demo_user:
        audit.record(db, audit.LOGIN, "user", user["id"], "演示模式自动登录", user=user)
    clinic = reference.clinic(db, settings.get(db, "clinic_code")) or {}
    session = Session(db=db, db_path=db_path, user=user, clinic=clinic, demo=demo)

    from .main_window import MainWindow

    window = MainWindow(session)
    window.show()
    window.start_integrity_check()
    backups = BackupScheduler(session)
    QTimer.singleShot(3000, backups.daily_if_due)
    code = app.exec()
    audit.record(db, audit.LOGOUT, "user", user["id"], f"{user['username']} 退出", user=user)
    backups.on_exit()
    db.conn.close()
    return code
