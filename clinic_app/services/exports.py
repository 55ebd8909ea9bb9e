"""Exporting the quarter's ledger (五、(五): 定点医院每季度上报登记台账) as its report package.

The use case reads the ledger, has ``exchange.ledger_export`` write and read back the package
(the PDF in it drawn by ``documents.ledger``), and records the export — an event of the quarter
and its audit row, in one transaction (``storage.quarters.record_export``) — so a quarter can
later be closed only against the export it was checked with.

A window runs the slow writing on a pool thread: ``ledger_job`` and ``write_package`` there, then
``record_ledger_export`` back on the UI thread (files already written and verified are not lost
when the recording is refused; the window says so).
"""
from __future__ import annotations

import datetime as dt

from ..documents.ledger import pdf_bytes
from ..domain.money import yuan
from ..exchange import ledger_export
from ..exchange.ledger_export import ExportError, LedgerJob, Package, Progress
from ..storage import audit, integrity, quarters
from ..storage.ledger import ledger as read_ledger
from .use_case import use_case

RIGHT = "ledger.export"


def ledger_job(db, quarter, whole_id_numbers: bool | None = None) -> LedgerJob:
    """Read the ledger; a closed quarter's package is dated when it was closed (so exporting it
    again gives the same bytes)."""
    refused = integrity.refusal(db, quarter)  # a package of tampered rows would carry them on
    if refused:
        raise ExportError(refused)
    ledger = read_ledger(db, quarter, whole_id_numbers)
    if not ledger.clinic_code:
        raise ExportError("尚未设置本单位，请先在设置中选择本单位后再导出台账")
    moment = dt.datetime.fromisoformat(quarters.generated_at(db, ledger.quarter.code)).replace(microsecond=0)
    closed = ledger.quarter.code if ledger.closed else None
    return LedgerJob(ledger, moment, pdf_bytes, integrity.anchor_of(db, closed))


def _record(db, job: LedgerJob, package: Package, user: dict) -> dict:
    ledger = job.ledger
    detail = {"path": str(package.path), "manifest_sha256": package.manifest_sha256,
              "fingerprint": ledger.fingerprint(), "row_count": len(ledger.rows),
              "totals_fen": ledger.totals.as_dict(), "closed": ledger.closed,
              "whole_id_numbers": ledger.whole_id_numbers}
    ids = "（含完整身份证号）" if ledger.whole_id_numbers else ""
    summary = (f"导出{ledger.label}台账{ids}：{len(ledger.rows)} 行，领药总金额 {yuan(ledger.totals.total)} 元"
               f" → {package.path}")
    return quarters.record_export(db, ledger.quarter.code, detail, user, summary)


@use_case(RIGHT)
def record_ledger_export(db, actor, job: LedgerJob, package: Package) -> dict:
    """The 'export' event of the quarter and an EXPORT row in the audit trail, for a package
    written and verified by ``ledger_export.write_package``."""
    return _record(db, job, package, actor)


@use_case(RIGHT)
def export_ledger(db, actor, quarter, out_dir, progress: Progress | None = None, replace: bool = False):
    """Gather, write and record the package; returns its folder. Raises ``ExportError``."""
    if progress:
        progress("读取台账", 0.0)
    job = ledger_job(db, quarter)
    package = ledger_export.write_package(job, out_dir, progress, replace)
    _record(db, job, package, actor)
    return package.path


@use_case(RIGHT)
def print_ledger(db, actor, quarter, out) -> dict:
    """The quarter's ledger PDF — the one the package carries — to print, written to ``out``
    (a file or a file object); the print is recorded in the audit trail. Returns the row."""
    from ..documents.ledger import render_ledger_pdf

    job = ledger_job(db, quarter)
    ledger = job.ledger
    render_ledger_pdf(out, ledger, job.generated_at)
    ids = "（含完整身份证号）" if ledger.whole_id_numbers else ""
    return audit.record(db, audit.PRINT, "quarter", ledger.quarter.code,
                        f"打印{ledger.label}台账{ids}：{len(ledger.rows)} 行",
                        detail={"document": "ledger", "quarter": ledger.quarter.code,
                                "row_count": len(ledger.rows), "whole_id_numbers": ledger.whole_id_numbers},
                        user=actor)
