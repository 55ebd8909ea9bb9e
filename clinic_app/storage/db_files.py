"""A database file's companions: the side files SQLite keeps beside it, and the temporary copies
the program writes before renaming them into place, under hidden names the next start
recognises as debris (``backup.remove_debris``)."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

SIDE_FILES = ("-wal", "-shm", "-journal")
TEMP_PREFIX, TEMP_SUFFIX = ".clinic-", ".tmp"


def temp_file(folder: Path) -> Path:
    """An empty file in the destination folder, so the final rename never crosses disks."""
    fd, name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX, dir=folder)
    os.close(fd)
    return Path(name)


def remove_side_files(path: Path) -> None:
    """A WAL left by an old database would be replayed into the one put in its place."""
    for suffix in SIDE_FILES:
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def remove_with_side_files(path: Path) -> None:
    """The file and whatever SQLite made beside it, quietly (cleaning up must not fail)."""
    for suffix in ("",) + SIDE_FILES:
        try:
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        except OSError:
            pass
