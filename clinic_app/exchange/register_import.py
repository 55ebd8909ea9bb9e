"""Importing an existing patient register (Attachment 8) kept in Excel (.xlsx) or saved as CSV.

Clinics already keep the register by hand, so the file is whatever they made of the template:
title rows above the header, headers spelt several ways, extra columns, blank rows, numbers typed
as text and text turned into numbers. The importer

* finds the header row among the first rows and maps the columns by header, not by position
  (``register_reading``);
* checks every non-blank row and says, in Chinese, what is wrong with it — nothing is dropped
  without a message, and nothing is "repaired" by guessing (an ID number Excel stored as a number
  has lost its last digits for good, ``register_id_damage``; a 15-digit ID number is only
  *suggested* as 18 digits) (``register_rows``);
* writes all good rows in one transaction, or none (here);
* always leaves a report next to the file: the original columns plus 状态 and 说明
  (``register_report``).

The register's 备注 has no place in the patient record: when the row has a risk assessment it is
kept as that assessment's note, otherwise the report says it was not imported.

The public names of those modules are gathered here, so callers need only this one.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..storage import audit, patients
from ..storage import risk as risk_store
from .register_id_damage import DAMAGED_ID, EXCEL_SIGNIFICANT_DIGITS, display_text
from .register_reading import CSV_SUFFIXES, HEADER_SCAN_ROWS, OLD_FORMATS, XLSX_SUFFIXES, column_letter
from .register_report import REPORT_SUFFIX, report_path_for, report_status, write_report
from .register_results import (DUPLICATE, ERROR, HINT, IMPORTED_LABEL, OK, REPORT_COLUMNS, STATUS_LABELS,
                               ImportFailed, ImportResult, ParsedRegister, RegisterFileError, RowResult)
from .register_rows import check_register, derive_town, read_register

__all__ = ["CSV_SUFFIXES", "DAMAGED_ID", "DUPLICATE", "ERROR", "EXCEL_SIGNIFICANT_DIGITS", "HEADER_SCAN_ROWS", "HINT",
           "IMPORTED_LABEL", "IMPORT_ASSESSOR", "OK", "OLD_FORMATS", "PATIENT_KEYS", "REPORT_COLUMNS",
           "REPORT_SUFFIX", "STATUS_LABELS", "XLSX_SUFFIXES", "ImportFailed", "ImportResult", "ParsedRegister",
           "RegisterFileError", "RowResult", "check_register", "column_letter", "derive_town", "display_text",
           "import_register", "patient_values", "read_register", "report_path_for", "report_status",
           "write_report"]

IMPORT_ASSESSOR = "导入"


# --- importing ---------------------------------------------------------------------------------

PATIENT_KEYS = ("name", "sex", "birth_date", "id_number", "address", "town", "guardian_name",
                "guardian_phone", "guardian_id_number")


def patient_values(result: RowResult) -> dict:
    return {k: result.values.get(k) for k in PATIENT_KEYS}


def _write_rows(db, rows: list[RowResult], user, today: dt.date, source: Path) -> None:
    for result in rows:
        patient_id = patients.create(db, patient_values(result), user=user)
        level = result.values.get("risk_level")
        if level is not None:
            note = result.values.get("note")
            risk_store.record_assessment(db, patient_id, level, today, IMPORT_ASSESSOR,
                                         note=f"登记名单备注：{note}" if note else "", user=user)
        result.values["patient_id"] = patient_id
    audit.record(db, audit.CREATE, "import", None, f"导入登记名单 {len(rows)} 行",
                 detail={"file": source.name, "rows": [r.row for r in rows],
                         "patient_ids": [r.values["patient_id"] for r in rows]}, user=user)


def import_register(db, path, user: dict | None = None, dry_run: bool = False,
                    report_dir=None, today: dt.date | None = None) -> ImportResult:
    """Check the file, write every good row in ONE transaction (or none), and leave a report.

    Raises ``RegisterFileError`` for an unreadable file, ``ImportFailed`` when writing failed
    (then nothing was written and no report is made)."""
    path = Path(path)
    today = today or dt.date.today()
    parsed = check_register(db, path, today=today)
    good = [r for r in parsed.rows if r.status == OK]
    imported = 0
    if not dry_run and good:
        try:
            with db.atomic():
                _write_rows(db, good, user, today, path)
        except Exception as exc:
            failed_row = _failed_row(good)
            for result in good:
                result.values.pop("patient_id", None)
            reason = getattr(exc, "message", None) or str(exc) or type(exc).__name__
            raise ImportFailed(f"导入失败，没有写入任何患者（第 {failed_row} 行出错）：{reason}") from exc
        imported = len(good)
    result = ImportResult(rows=parsed.rows, imported=imported, report_path=None, parsed=parsed,
                          dry_run=dry_run)
    try:
        result.report_path = write_report(parsed, Path(report_dir) if report_dir else path.parent,
                                          imported=not dry_run)
    except OSError as exc:
        result.report_error = f"导入报告无法保存到 {report_dir or path.parent}：{exc.strerror or exc}"
    return result


def _failed_row(good: list[RowResult]) -> int:
    for result in good:
        if "patient_id" not in result.values:
            return result.row
    return good[-1].row

