"""Backups of the one database file, and restoring from them.

Copies go through SQLite's online backup API, so a backup taken while the program is writing is
still a consistent database, and the WAL's recent changes are included. Backups are encrypted
with the installation's key like the database (``cipher_key``); a plain backup of an earlier
version can still be restored, and comes back encrypted. Every file is first
written under a temporary name in its final folder and renamed only once it has passed
``PRAGMA integrity_check``: a full disk or a pulled USB stick leaves no half-written backup, and
a bad backup file never replaces a good database.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from contextlib import closing, contextmanager
from pathlib import Path

from .. import paths
from ..domain.errors import ClinicError
from . import driver, encryption
from .db import file_database, open_file, scratch_database
from .db_files import TEMP_PREFIX, TEMP_SUFFIX, remove_side_files, remove_with_side_files, temp_file
from .lock import WriteLock

PREFIX = "clinic-"
SUFFIX = ".db"
REPLACED_TAG = "-恢复前"  # clinic-20261203-142000-恢复前.db: kept until someone deletes it
DEFAULT_KEEP = 10
SQLITE_MAGIC = b"SQLite format 3\x00"
REQUIRED_TABLES = ("_sqlite_migrations", "patients")
MIGRATION_SET = "clinic_app"
# clinic-20240131-083000.db, or clinic-20240131-083000-2.db when two fall in the same second.
_NAME = re.compile(r"^clinic-(\d{8})-(\d{6})(?:-(\d+))?\.db$")


class BackupError(ClinicError):
    """A backup or restore that did not happen; ``message`` is Chinese, fit to show to staff."""


# --- taking backups ---------------------------------------------------------------------------

def backup_to(db_path: Path, out_dir: Path, *, now: dt.datetime | None = None, tag: str = "") -> Path:
    """Copy the database into ``out_dir`` under a dated name; return the checked copy. A ``tag``
    ("-恢复前") puts it outside the names rotation prunes."""
    db_path, out_dir = Path(db_path), Path(out_dir)
    if not db_path.is_file():
        raise BackupError(f"找不到要备份的数据库文件：{db_path}")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BackupError(f"无法创建备份文件夹 {out_dir}：{_os_reason(exc)}") from exc
    target = _free_name(out_dir, now or dt.datetime.now(), tag)
    tmp = temp_file(out_dir)
    with _removed_on_failure(tmp):
        try:
            _copy_database(db_path, tmp)
            problem = _integrity_problem(tmp)
            if problem:
                raise BackupError(f"备份未通过完整性检查，原数据库可能已损坏：{problem}")
            _fsync(tmp)
            os.replace(tmp, target)
        except driver.DatabaseError as exc:
            raise BackupError(f"备份失败：{_sqlite_reason(exc)}") from exc
        except encryption.NotOurDatabase as exc:
            raise BackupError(f"备份失败：{exc.message}") from exc
        except OSError as exc:
            raise BackupError(f"备份失败，无法写入 {out_dir}：{_os_reason(exc)}") from exc
    return target


def rotate(out_dir: Path, keep: int = DEFAULT_KEEP) -> list[Path]:
    """Delete all but the newest ``keep`` of our backups; other files in the folder are left be.

    Age comes from the name, not the modification time, which copying between computers and
    USB sticks does not preserve.
    """
    if keep < 1:
        raise ValueError("keep must be at least 1: rotation never deletes the last backup")
    backups = sorted(list_backups(out_dir), key=_age_key)
    deleted = []
    for path in backups[:-keep]:
        try:
            path.unlink()
        except FileNotFoundError:
            continue
        except OSError:
            continue  # e.g. opened by someone on Windows; the next rotation tries again
        deleted.append(path)
    return deleted


def backup_and_rotate(db_path: Path, out_dir: Path, keep: int = DEFAULT_KEEP) -> Path:
    """The daily backup: a new copy first, then pruning, so a failed copy deletes nothing."""
    path = backup_to(db_path, out_dir)
    rotate(out_dir, keep)
    return path


def needs_daily_backup(last_backup_date: str, today: dt.date) -> bool:
    """True unless a backup was already taken today.

    Any other stored date counts as "not today", including a future one: a clock that was once
    set wrong must not suppress backups until that future day arrives.
    """
    try:
        last = dt.date.fromisoformat((last_backup_date or "").strip())
    except ValueError:
        return True
    return last != today


def list_backups(out_dir: Path) -> list[Path]:
    """Our backups in ``out_dir``, oldest first; files named otherwise are not ours to touch."""
    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        return []
    found = [p for p in out_dir.iterdir() if _NAME.match(p.name) and p.is_file()]
    return sorted(found, key=_age_key)


def _age_key(path: Path) -> tuple[str, str, int]:
    day, time, n = _NAME.match(path.name).groups()
    return day, time, int(n or 1)


def _free_name(out_dir: Path, when: dt.datetime, tag: str = "") -> Path:
    """clinic-20240131-083000<tag>.db, numbered when that name is taken."""
    return paths.unused_path(out_dir, f"{PREFIX}{when:%Y%m%d-%H%M%S}{tag}", SUFFIX)


# --- restoring --------------------------------------------------------------------------------

def restore(db_path: Path, backup_file: Path, accept_broken_chain: bool = False,
            key: bytes | None = None) -> Path | None:
    """Replace the database with a checked backup; return where the previous database was kept.

    The program must have closed the database first. Nothing is changed unless the backup passes
    every check, and the previous database is always kept (``None`` only when there was none).
    A backup from an older version is accepted: ``open_database`` migrates it on next start.
    ``key`` opens a backup encrypted on another PC (from its recovery code); what is installed is
    encrypted with this PC's key.
    """
    db_path, backup_file = Path(db_path), Path(backup_file)
    _refuse_unusable_source(db_path, backup_file, key)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    # Held across the safety copy and the swap: a write by another process lands either before
    # (and is in the safety copy) or after (in the restored file), never in between.
    with WriteLock.of(db_path).hold(purpose="clinic-app restore"):
        tmp = temp_file(db_path.parent)
        with _removed_on_failure(tmp):
            try:
                _copy_checked_backup(backup_file, tmp, accept_broken_chain, key)
                kept = _keep_current(db_path) if db_path.exists() else None
                if db_path.exists() and _copied_in_place(tmp, db_path):
                    remove_with_side_files(tmp)
                else:
                    remove_side_files(db_path)
                    os.replace(tmp, db_path)
            except OSError as exc:
                raise BackupError(f"恢复失败：{_os_reason(exc)}") from exc
    return kept


def _copied_in_place(checked: Path, db_path: Path) -> bool:
    """Copy the checked backup *into* the current database file with SQLite's backup API.

    Another process may have the database open (a command waiting for the write lock, a reader):
    written in place, the restored content is what its next transaction sees, where a file
    swapped underneath would leave it reading — or writing — a deleted file. False when the
    current file cannot take it (it is damaged beyond opening): then the file is swapped.
    """
    try:
        with closing(open_file(checked, read_only=True)) as src, closing(open_file(db_path)) as dst:
            src.backup(dst)
    except (driver.DatabaseError, encryption.NotOurDatabase, MemoryError):
        # SQLCipher reports a page that fails its check while being overwritten as out of memory
        return False
    return True


def check_restorable(db_path: Path, backup_file: Path, accept_broken_chain: bool = False,
                     key: bytes | None = None) -> None:
    """Every check ``restore`` makes, without touching the database: a copy of the backup is
    made beside it, checked and removed. Raises ``BackupError`` with the reason."""
    db_path, backup_file = Path(db_path), Path(backup_file)
    _refuse_unusable_source(db_path, backup_file, key)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_file(db_path.parent)
    try:
        _copy_checked_backup(backup_file, tmp, accept_broken_chain, key)
    except OSError as exc:
        raise BackupError(f"无法检查备份文件：{_os_reason(exc)}") from exc
    finally:
        remove_with_side_files(tmp)


class ForeignKeyBackup(BackupError):
    """A backup that this PC's key does not open: another PC's (restore it with that PC's
    recovery code), or not a backup at all."""


def _refuse_unusable_source(db_path: Path, backup_file: Path, key: bytes | None = None) -> None:
    if not backup_file.is_file():
        raise BackupError(f"找不到备份文件：{backup_file}")
    if db_path.exists() and backup_file.resolve() == db_path.resolve():
        raise BackupError("所选文件就是当前正在使用的数据库，不能用它自身来恢复")
    try:
        with open(backup_file, "rb") as f:
            head = f.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise BackupError(f"无法读取备份文件 {backup_file}：{_os_reason(exc)}") from exc
    if head == SQLITE_MAGIC:
        return  # a plain backup of an earlier version
    try:
        with closing(open_file(backup_file, read_only=True, key=key)):
            pass
    except encryption.NotOurDatabase:
        if key is not None:
            raise ForeignKeyBackup(f"恢复密钥与所选备份不符，无法打开：{backup_file.name}") from None
        raise ForeignKeyBackup(
            f"所选文件不是本机可以打开的数据库备份，不能用来恢复：{backup_file.name}。"
            f"如果它是另一台电脑上的备份，须输入那台电脑的恢复密钥"
            f"（命令行 clinic-app restore --recovery-key）") from None
    except driver.DatabaseError as exc:
        raise BackupError(f"备份文件已损坏，不能用来恢复（{backup_file.name}）：{_sqlite_reason(exc)}") from exc


def _copy_checked_backup(backup_file: Path, tmp: Path, accept_broken_chain: bool = False,
                         key: bytes | None = None) -> None:
    """Copy first, then check the copy: what is checked is exactly what gets installed."""
    name = backup_file.name
    try:
        _copy_database(backup_file, tmp, read_only=True, key=key)
    except driver.DatabaseError as exc:
        if _is_damage(exc):
            raise BackupError(f"备份文件已损坏，不能用来恢复（{name}）：{_sqlite_reason(exc)}") from exc
        raise BackupError(f"恢复失败：{_sqlite_reason(exc)}") from exc
    problem = _integrity_problem(tmp)
    if problem:
        raise BackupError(f"备份文件已损坏，未通过完整性检查（{name}）：{problem}")
    try:
        problem = _schema_problem(tmp)
    except driver.DatabaseError as exc:
        problem = _sqlite_reason(exc)
    if problem:
        raise BackupError(f"所选文件不是本程序的备份（{name}）：{problem}")
    if not accept_broken_chain:
        problem = chain_problem(tmp)
        if problem:
            raise BackupError(f"备份文件的审计记录未通过校验（{name}）：{problem}。该备份可能被改动过；"
                              "如确需使用，须由管理员确认（命令行 restore --accept-broken-chain），此操作将记入审计")


def chain_problem(path: Path, key: bytes | None = None) -> str | None:
    """Why the audit chain of the database file at ``path`` does not verify, or ``None``."""
    from . import audit

    db = file_database(path, read_only=True, key=key)
    try:
        if not db["audit_log"].exists():
            return None  # from a version before the audit trail: nothing to verify yet
        result = audit.verify(db)
    finally:
        db.conn.close()
    return None if result.ok else result.reason


def _schema_problem(path: Path) -> str | None:
    from .schema import MIGRATIONS

    with closing(open_file(path)) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        missing = [t for t in REQUIRED_TABLES if t not in tables]
        if missing:
            return f"缺少数据表 {'、'.join(missing)}"
        applied = {r[0] for r in conn.execute(
            "SELECT name FROM _sqlite_migrations WHERE migration_set = ?", [MIGRATION_SET])}
    known = {m.name for m in MIGRATIONS.pending(scratch_database())}
    unknown = applied - known
    if unknown:
        return "该备份来自更新版本的程序，请先升级本程序"
    return None


def _keep_current(db_path: Path) -> Path:
    """Save the database about to be replaced, even when it is the damaged one being replaced."""
    out_dir = paths.backups_dir(db_path)
    try:   # tagged: the database a restore replaced is never pruned by the daily rotation
        return backup_to(db_path, out_dir, tag=REPLACED_TAG)
    except BackupError:
        return _raw_copy(db_path, out_dir)


def _raw_copy(db_path: Path, out_dir: Path) -> Path:
    """A byte copy (with its WAL or journal) of a database the backup API could not read cleanly.

    Named outside the backup pattern, so rotation never deletes it.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    target = _free_name(out_dir, dt.datetime.now(), "-damaged")
    shutil.copy2(db_path, target)
    for suffix in ("-wal", "-journal"):  # recent changes may live only there
        side = Path(f"{db_path}{suffix}")
        if side.exists():
            shutil.copy2(side, Path(f"{target}{suffix}"))
    return target


# --- shared helpers ---------------------------------------------------------------------------

def _copy_database(source: Path, dest: Path, read_only: bool = False,
                   key: bytes | None = None) -> None:
    """Online-backup ``source`` into ``dest`` (an empty file: encrypted with this PC's key) and
    make ``dest`` a single self-contained file.

    ``read_only`` is for files the user picked: they may sit on a write-protected stick, and
    must not be changed by being restored from. SQLite's backup API cannot copy a plain file
    into an encrypted one, so a plain backup of an earlier version is exported instead.
    """
    if driver.is_plain(source) and not encryption.plain_mode():
        encryption.export_plain(source, dest, read_only=read_only)
        return
    if not read_only and key is None and not encryption.plain_mode():
        _copy_encrypted_pages(source, dest)
        return
    with closing(open_file(source, read_only=read_only, key=key)) as src, \
            closing(open_file(dest)) as dst:
        src.backup(dst)
        # The copy inherits WAL mode from the header; a backup must not need a -wal beside it.
        dst.execute("PRAGMA journal_mode = DELETE")


def _copy_encrypted_pages(source: Path, dest: Path) -> None:
    """Our own database, encrypted with this PC's key: its pages are copied as they are, under
    the write lock (no transaction can be half-way through them), WAL included, and the copy
    replays its WAL into itself. The backup API would decrypt and encrypt every page again —
    twice the work for the same bytes (benchmarks/encryption_bench.py)."""
    with WriteLock.of(source).hold(purpose="备份数据库"):
        shutil.copyfile(source, dest)
        wal = Path(f"{source}-wal")
        if wal.exists() and wal.stat().st_size:
            shutil.copyfile(wal, Path(f"{dest}-wal"))
    with closing(open_file(dest)) as dst:
        # The copy must not need a -wal beside it: this checkpoints the copied WAL into it.
        dst.execute("PRAGMA journal_mode = DELETE")


def _integrity_problem(path: Path) -> str | None:
    """None when ``PRAGMA integrity_check`` says ok, else its first complaints."""
    try:
        with closing(open_file(path)) as conn:
            rows = [r[0] for r in conn.execute("PRAGMA integrity_check(5)")]
    except driver.DatabaseError as exc:
        return _sqlite_reason(exc)
    if rows == ["ok"]:
        return None
    report = "；".join(" ".join(r.split()) for r in rows)
    return report if len(report) <= 200 else report[:200] + "……"




def remove_debris(db_path: Path) -> list[Path]:
    """Temporary copies a killed backup, restore or check left beside the database or among its
    backups (each is a whole copy of the patients' data under a hidden name), and the temporary
    files a killed export or import left elsewhere (``temp_files``). Call it holding the
    write lock, so no copy still being written is taken for debris."""
    from .. import temp_files

    removed = temp_files.remove_leftovers()  # a package on a stick, a report beside its register
    for folder in (Path(db_path).resolve().parent, paths.backups_dir(db_path)):
        if not folder.is_dir():
            continue
        for leftover in folder.glob(f"{TEMP_PREFIX}*{TEMP_SUFFIX}"):
            remove_with_side_files(leftover)
            if not leftover.exists():
                removed.append(leftover)
    return removed


def _fsync(path: Path) -> None:
    with open(path, "rb+") as f:
        os.fsync(f.fileno())


@contextmanager
def _removed_on_failure(tmp: Path):
    """Whatever goes wrong — a refusal, a full disk, Ctrl+C — the temporary file (and any side
    file SQLite made beside it) does not stay behind; the error goes on as it was."""
    try:
        yield
    except BaseException:
        remove_with_side_files(tmp)
        raise


def _is_damage(exc: driver.Error) -> bool:
    text = str(exc).lower()
    return any(word in text for word in ("not a database", "malformed", "corrupt"))


def _sqlite_reason(exc: driver.Error) -> str:
    text = str(exc).lower()
    if "not a database" in text:
        return "文件不是数据库"
    if "malformed" in text or "corrupt" in text:
        return "数据库文件已损坏"
    if "disk is full" in text or "disk full" in text:
        return "磁盘空间不足"
    if "locked" in text or "busy" in text:
        return "数据库正被占用，请稍后再试"
    return str(exc)


def _os_reason(exc: OSError) -> str:
    import errno

    if exc.errno == errno.ENOSPC:
        return "磁盘空间不足"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "没有写入权限"
    return exc.strerror or str(exc)


def remove_database(db_path: Path) -> None:
    """Delete a database file and its side files: only for one this very command just created."""
    remove_with_side_files(Path(db_path))
