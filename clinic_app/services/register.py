"""Importing an existing patient register (Attachment 8): the right ``register.import``, the file
checked row by row (``exchange.register_import``, which reads files and knows no database), the
rows checked against the patients already registered, every good row written in ONE transaction
— each patient, the risk assessment the row carries, and the audit row of the import — or none,
and the report left next to the file."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..exchange import register_import as ri
from ..storage import audit, patients, reference
from ..storage import risk as risk_store
from .use_case import use_case


def check_register(db, path, today: dt.date | None = None) -> ri.ParsedRegister:
    """``read_register`` plus what only the database knows: patients already registered, and the
    towns of this installation. A read: shown before anything is imported."""
    parsed = ri.read_register(path, towns=reference.towns(db), today=today)
    return ri.mark_registered(parsed, lambda number: patients.find_by_id_number(db, number))


def _write_rows(db, rows: list[ri.RowResult], user, today: dt.date, source: Path) -> None:
    for result in rows:
        patient_id = patients.create(db, ri.patient_values(result), user=user)
        level = result.values.get("risk_level")
        if level is not None:
            note = result.values.get("note")
            risk_store.record_assessment(db, patient_id, level, today, ri.IMPORT_ASSESSOR,
                                         note=f"登记名单备注：{note}" if note else "", user=user)
        result.values["patient_id"] = patient_id
    audit.record(db, audit.CREATE, "import", None, f"导入登记名单 {len(rows)} 行",
                 detail={"file": source.name, "rows": [r.row for r in rows],
                         "patient_ids": [r.values["patient_id"] for r in rows]}, user=user)


@use_case("register.import")
def import_register(db, actor, path, dry_run: bool = False, report_dir=None,
                    today: dt.date | None = None) -> ri.ImportResult:
    """Check the file, write every good row in ONE transaction (or none), and leave a report.

    Raises ``RegisterFileError`` for an unreadable file, ``ImportFailed`` when writing failed
    (then nothing was written and no report is made)."""
    path = Path(path)
    today = today or dt.date.today()
    parsed = check_register(db, path, today=today)
    good = [r for r in parsed.rows if r.status == ri.OK]
    out_dir = Path(report_dir) if report_dir else path.parent
    result = ri.ImportResult(rows=parsed.rows, imported=0, report_path=None, parsed=parsed,
                             dry_run=dry_run)
    if dry_run or not good:
        try:
            result.report_path = ri.write_report(parsed, out_dir, imported=not dry_run)
        except OSError as exc:
            result.report_error = _report_error(out_dir, exc)
        return result
    staged = None
    try:
        with db.atomic():
            _write_rows(db, good, actor, today, path)
            # The report is written before the commit, or not at all (report_error says why):
            # once the rows are in, nothing about the report can fail any more.
            try:
                staged = ri.StagedReport(parsed, out_dir, imported=True)
            except OSError as exc:
                result.report_error = _report_error(out_dir, exc)
    except Exception as exc:
        if staged is not None:
            staged.discard()
        failed_row = _failed_row(good)
        for row in good:
            row.values.pop("patient_id", None)
        reason = getattr(exc, "message", None) or str(exc) or type(exc).__name__
        raise ri.ImportFailed(f"导入失败，没有写入任何患者（第 {failed_row} 行出错）：{reason}") from exc
    result.imported = len(good)
    if staged is not None:
        try:
            result.report_path = staged.publish()
        except OSError as exc:
            result.report_error = _report_error(out_dir, exc)
    return result


def _report_error(out_dir: Path, exc: OSError) -> str:
    return f"导入报告无法保存到 {out_dir}：{exc.strerror or exc}"


def _failed_row(good: list[ri.RowResult]) -> int:
    for result in good:
        if "patient_id" not in result.values:
            return result.row
    return good[-1].row
