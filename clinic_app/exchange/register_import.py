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
* writes all good rows in one transaction, or none (``services.register.import_register``, the
  use case, which also asks the database which patients are registered already);
* always leaves a report next to the file: the original columns plus 状态 and 说明
  (``register_report``).

The register's 备注 has no place in the patient record: when the row has a risk assessment it is
kept as that assessment's note, otherwise the report says it was not imported.

The public names of those modules are gathered here, so callers need only this one.
"""
from __future__ import annotations

from .register_id_damage import DAMAGED_ID, EXCEL_SIGNIFICANT_DIGITS, display_text
from .register_reading import CSV_SUFFIXES, HEADER_SCAN_ROWS, OLD_FORMATS, XLSX_SUFFIXES, column_letter
from .register_report import REPORT_SUFFIX, StagedReport, report_path_for, report_status, write_report
from .register_results import (DUPLICATE, ERROR, HINT, IMPORTED_LABEL, OK, REPORT_COLUMNS, STATUS_LABELS,
                               ImportFailed, ImportResult, ParsedRegister, RegisterFileError, RowResult)
from .register_rows import derive_town, mark_registered, read_register

__all__ = ["CSV_SUFFIXES", "DAMAGED_ID", "DUPLICATE", "ERROR", "EXCEL_SIGNIFICANT_DIGITS", "HEADER_SCAN_ROWS", "HINT",
           "IMPORTED_LABEL", "IMPORT_ASSESSOR", "OK", "OLD_FORMATS", "PATIENT_KEYS", "REPORT_COLUMNS",
           "REPORT_SUFFIX", "STATUS_LABELS", "XLSX_SUFFIXES", "ImportFailed", "ImportResult", "ParsedRegister",
           "RegisterFileError", "RowResult", "column_letter", "derive_town", "display_text",
           "mark_registered", "patient_values", "read_register", "report_path_for", "report_status",
           "write_report", "StagedReport"]

IMPORT_ASSESSOR = "导入"


# --- what an imported row becomes ----------------------------------------------------------

PATIENT_KEYS = ("name", "sex", "birth_date", "id_number", "address", "town", "guardian_name",
                "guardian_phone", "guardian_id_number")


def patient_values(result: RowResult) -> dict:
    return {k: result.values.get(k) for k in PATIENT_KEYS}
