"""Backing up and restoring the one database file."""
from __future__ import annotations

from pathlib import Path

from ..storage import audit, backup
from .use_case import use_case


@use_case("backup.create")
def back_up(db, actor, db_path: Path, folder: Path, keep: int | None = None, reason: str = "") -> Path:
    """A copy asked for by a person (the daily and exit backups are the program's own and need no
    right); with ``keep``, older copies in ``folder`` beyond that many are pruned afterwards."""
    made = backup.backup_and_rotate(db_path, folder, keep) if keep else backup.backup_to(db_path, folder)
    audit.record(db, audit.BACKUP, "database", None, f"{reason}备份到 {Path(made).name}", user=actor)
    return Path(made)
