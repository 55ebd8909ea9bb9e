"""What checking and importing a patient register gives back: a result per row, the register as
read, the import's outcome — and the words for their states, which the report, the import dialog
and the command line all show."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..storage.errors import StorageError

OK, ERROR, DUPLICATE = "ok", "error", "duplicate"
STATUS_LABELS = {OK: "可导入", ERROR: "错误", DUPLICATE: "重复"}
IMPORTED_LABEL = "已导入"
REPORT_COLUMNS = ("原行号", "状态", "说明")  # what our report adds; dropped when it is imported again
HINT = "提示："

class RegisterFileError(Exception):
    """The file cannot be read as a register at all. ``message`` is Chinese, fit to show."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class ImportFailed(StorageError):
    """Writing failed midway; the transaction was rolled back, so nothing was written."""


@dataclass
class RowResult:
    row: int  # the spreadsheet row number, as Excel shows it
    status: str  # OK | ERROR | DUPLICATE
    messages: list[str]  # Chinese; hints (status stays OK) start with "提示："
    values: dict  # cleaned values (see ``register_rows._check_row``); ``patient_id`` once imported
    cells: list = field(default_factory=list, repr=False)  # the row as read, for the report

    @property
    def errors(self) -> list[str]:
        return [m for m in self.messages if not m.startswith(HINT)]

    def as_json(self) -> dict:
        return {"row": self.row, "status": self.status, "messages": list(self.messages)}


@dataclass
class ParsedRegister:
    rows: list[RowResult]
    unknown_columns: list[str]  # "联系电话（第K列）": ignored, reported once
    header_row: int  # first header row, 1-based
    headers: list[str] = field(default_factory=list)  # header texts as read (for the report)
    columns: dict[str, int] = field(default_factory=dict)  # key -> 0-based column index
    data_start_row: int = 0
    sheet: str = ""
    source: Path | None = None
    skipped_rows: list[int] = field(default_factory=list)  # rows holding nothing but a 序号
    report_columns: set[int] = field(default_factory=set)  # 原行号/状态/说明 of a re-imported report
    notes: list[str] = field(default_factory=list)  # file-level remarks, Chinese

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)

    @property
    def ok_count(self) -> int:
        return self.count(OK)

    @property
    def error_count(self) -> int:
        return self.count(ERROR)

    @property
    def duplicate_count(self) -> int:
        return self.count(DUPLICATE)

    def summary(self) -> str:
        return (f"可导入 {self.ok_count} 行，错误 {self.error_count} 行，"
                f"重复 {self.duplicate_count} 行")


@dataclass
class ImportResult:
    rows: list[RowResult]
    imported: int
    report_path: Path | None
    parsed: ParsedRegister | None = None
    dry_run: bool = False
    report_error: str = ""  # why the report could not be written, if it could not
