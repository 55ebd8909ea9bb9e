"""The import report left next to the register file after every check or import: the register as
read, one row per checked row, plus 原行号, 状态 and 说明 — so staff can fix the rows in error
right in the report and import it again (its own three columns are then left out)."""
from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from .. import paths
from ..domain.register_columns import BY_KEY
from .register_reading import column_letter, is_blank
from .register_results import (DUPLICATE, ERROR, IMPORTED_LABEL, OK, REPORT_COLUMNS, STATUS_LABELS, ParsedRegister,
                               RowResult)

REPORT_SUFFIX = "导入报告"


def report_status(result: RowResult, imported: bool) -> str:
    if result.status == OK and imported:
        return IMPORTED_LABEL if "patient_id" in result.values else STATUS_LABELS[OK]
    return STATUS_LABELS[result.status]


def report_path_for(source: Path, out_dir: Path, suffix: str = ".xlsx",
                    now: dt.datetime | None = None) -> Path:
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    return paths.unused_path(out_dir, f"{source.stem}-{REPORT_SUFFIX}-{stamp}", suffix)


def _report_columns(parsed: ParsedRegister) -> list[int]:
    """Every column that has a header or any data, except those of an earlier report."""
    width = max([len(parsed.headers)] + [len(r.cells) for r in parsed.rows])

    def used(i):
        return ((i < len(parsed.headers) and parsed.headers[i])
                or any(i < len(r.cells) and not is_blank(r.cells[i]) for r in parsed.rows))
    return [i for i in range(width) if i not in parsed.report_columns and used(i)]


def _report_table(parsed: ParsedRegister, imported: bool) -> tuple[list[str], list[list], set[int]]:
    keep = _report_columns(parsed)
    headers = [(parsed.headers[i] if i < len(parsed.headers) else "") or f"第{column_letter(i)}列"
               for i in keep] + list(REPORT_COLUMNS)
    body = []
    for result in parsed.rows:
        cells = [result.cells[i] if i < len(result.cells) else None for i in keep]
        body.append(cells + [result.row, report_status(result, imported), "；".join(result.messages)])
    id_positions = {keep.index(parsed.columns[c.key]) for c in BY_KEY.values()
                    if c.is_id_number and parsed.columns.get(c.key) in keep}
    return headers, body, id_positions


class StagedReport:
    """A report written under a hidden temporary name while the import's transaction is still
    open: ``publish`` renames it into place after the commit, ``discard`` removes it when the
    import fails. A report therefore never says 已导入 of rows that are not in the database, and
    nothing about the report can fail once the rows are in. Until then the temporary file is
    remembered (``temp_files``), so a program killed in between leaves no debris."""

    def __init__(self, parsed: ParsedRegister, out_dir: Path, imported: bool):
        from contextlib import ExitStack

        from .. import temp_files

        final = report_path(parsed, out_dir)
        self.final = final
        self.tmp = final.with_name(f".{final.name}.tmp")
        self._stack = ExitStack()
        self._stack.enter_context(temp_files.tracked(self.tmp))
        try:
            write_report(parsed, out_dir, imported, into=self.tmp)
        except BaseException:
            self.discard()
            raise

    def publish(self) -> Path:
        import os

        try:
            target = paths.unused_path(self.final.parent, self.final.stem, self.final.suffix)
            os.replace(self.tmp, target)
        finally:
            self._stack.close()
        return target

    def discard(self) -> None:
        try:
            self.tmp.unlink(missing_ok=True)
        finally:
            self._stack.close()


def _xlsx_available() -> bool:
    try:
        import openpyxl  # noqa: F401
    except ImportError:  # pragma: no cover - openpyxl ships with the program
        return False
    return True


def report_path(parsed: ParsedRegister, out_dir: Path) -> Path:
    """Where the report of ``parsed`` goes: beside the source, dated, never over another file."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    source = parsed.source or Path("登记名单")
    return report_path_for(source, out_dir, ".xlsx" if _xlsx_available() else ".csv")


def write_report(parsed: ParsedRegister, out_dir: Path, imported: bool, *, into: Path | None = None) -> Path:
    """The register as read, one row per checked row, plus 原行号, 状态 and 说明 — so staff can fix
    the rows in error right in the report and import it again. xlsx; CSV if xlsx cannot be made.

    ``into`` writes it under that (temporary) name instead of ``report_path``'s."""
    path = into or report_path(parsed, out_dir)
    headers, body, id_positions = _report_table(parsed, imported)
    source = parsed.source or Path("登记名单")
    title = (f"{source.name} 导入报告（{dt.datetime.now():%Y-%m-%d %H:%M}，"
             f"{'已导入' if imported else '仅检查，未导入'}）：{parsed.summary()}")
    if not _xlsx_available():  # pragma: no cover - openpyxl ships with the program
        return _write_csv_report(path, title, headers, body)
    return _write_xlsx_report(path, title, headers, body, id_positions)


_FILLS = {STATUS_LABELS[OK]: "E3F4E6", IMPORTED_LABEL: "C8EBCD", STATUS_LABELS[ERROR]: "FBE0E0",
          STATUS_LABELS[DUPLICATE]: "FFF0CC"}


def _storable(value):
    """A source cell as the report can hold it: control characters (which the xlsx format cannot
    store, and which made the report fail after the rows were imported) are dropped."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def _write_xlsx_report(path: Path, title: str, headers: list[str], body: list[list],
                       id_positions: set[int]) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    wb = Workbook()
    ws = wb.active
    ws.title = REPORT_SUFFIX
    ws.append([_storable(title)])
    ws.append([_storable(h) for h in headers])
    for cells in body:
        ws.append([_storable(c) for c in cells])
    ws["A1"].font = Font(bold=True, size=12)
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E9EFF6")
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    status_index, note_index = len(headers) - 2, len(headers) - 1
    for row in ws.iter_rows(min_row=3):
        for index, cell in enumerate(row):
            if isinstance(cell.value, str) and cell.data_type == "f":
                cell.data_type = "s"  # a cell of the source file never becomes a formula here
            if index in id_positions and isinstance(cell.value, str):
                cell.number_format = "@"  # stays text when the fixed report is imported again
        fill = _FILLS.get(row[status_index].value)
        if fill:
            row[status_index].fill = PatternFill("solid", fgColor=fill)
        row[note_index].alignment = Alignment(wrap_text=True, vertical="top")
    for index, header in enumerate(headers):
        if index == note_index:
            width = 70
        elif index in id_positions:
            width = 22
        else:
            width = max(8, min(30, len(header) * 2 + 4))
        ws.column_dimensions[column_letter(index)].width = width
    ws.freeze_panes = "A3"
    wb.save(path)
    return path


def _write_csv_report(path: Path, title: str, headers: list[str], body: list[list]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow([title])
        writer.writerow(headers)
        for cells in body:
            writer.writerow(["" if v is None else v for v in cells])
    return path
