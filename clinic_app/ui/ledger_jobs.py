"""What the ledger window runs on a pool thread, each on a connection of its own: reading a
quarter as the window shows it, and writing its report package (files only; the export is
recorded afterwards on the UI thread)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..domain import quarters as dq
from ..domain.ledger import Ledger
from ..exchange import ledger_export
from ..services import exports
from ..storage import ledger as ledger_storage
from ..storage import quarters
from ..storage.db import connect


@dataclass
class QuarterData:
    """One quarter as the window shows it, read in one go."""
    ledger: Ledger
    info: dict            # storage.quarters.get
    events: list[dict]    # storage.quarters.events, oldest first
    latest_export: dict | None
    fingerprint: str      # of the ledger as shown: an export with another one is out of date

    @property
    def quarter(self) -> dq.Quarter:
        return self.ledger.quarter


def load_quarter(db_path, code: str) -> QuarterData:
    """Everything the window shows of a quarter, on a connection of its own (runs on a pool thread)."""
    db = connect(db_path)
    try:
        result = ledger_storage.ledger(db, code)
        result.text_rows  # the cells as text, worked out here rather than on the UI thread
        return QuarterData(result, quarters.get(db, code), quarters.events(db, code),
                           quarters.latest_export(db, code), result.fingerprint())
    finally:
        db.conn.close()


def write_export(db_path, code: str, out_dir: Path, replace: bool, progress) -> tuple:
    """Read the quarter's ledger (a connection of its own, closed at once) and write its package
    (files only). Runs on a pool thread; the export is recorded afterwards on the UI thread."""
    progress("读取台账", 0.0)
    db = connect(db_path)
    try:
        job = exports.ledger_job(db, code)
    finally:
        db.conn.close()
    package = ledger_export.write_package(job, out_dir, progress, replace)
    return job, package
