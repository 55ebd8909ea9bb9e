"""The quarterly report package (五、(五): 定点医院每季度上报登记台账) written to a folder, usually on a
USB stick: ``<clinic_code>_<quarter>/`` holding

- ``台账_<quarter>.xlsx`` — the rows with Chinese headers and a 合计 row, and a 汇总 sheet (per fund,
  per specification, patients served, pre-allocated fund against spending); A4 landscape, header
  repeated, one page wide; ID numbers as text;
- ``台账_<quarter>.csv`` — the same columns and a 合计 line, UTF-8 with BOM (Excel opens it right);
- ``台账_<quarter>.pdf`` — the printed ledger with lines to sign (drawn by ``documents.ledger``,
  whose renderer the job carries: this module makes files from data and reads no database);
- ``manifest.json`` — clinic, quarter, row count, totals per fund in fen, patients served, program
  version, when it was generated, and the SHA-256 and size of every other file.

Writing is all or nothing. Everything goes into a temporary folder inside the destination (same
disk), is fsynced, and the folder is renamed into place; then every file is read back and checked
against the manifest. A full stick, a pulled stick or a read-only one raises ``ExportError`` with
a Chinese message and leaves neither the temporary folder nor a half-written package behind.

The same closed quarter exported twice gives the same bytes: the package's time is the moment the
quarter was closed, and the Excel file's zip entries and properties and the PDF's dates carry
that time. An open quarter's package says ``"closed": false`` and carries the time of export.

Reading the ledger and recording the export are ``services.exports`` (the use case
``export_ledger``, with the right ``ledger.export``); here is only ``write_package``, files only,
which a window runs off the UI thread.

The Excel file is made by ``ledger_xlsx`` and the CSV file by ``ledger_csv``; their public names
are gathered here, so callers need only this module.
"""
from __future__ import annotations

import datetime as dt
import errno
import hashlib
import io
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .. import __version__, temp_files
from ..domain.ledger import Ledger
from ..storage.errors import StorageError
from .ledger_csv import CSV_RISKY, csv_bytes, csv_rows, totals_cells
from .ledger_xlsx import (EXCEL_WIDTH_PER_MM, FIRST_DATA_ROW, FONT_NAME, HEADER_ROW, HEADING_ROW, MONEY_FORMAT,
                          SHEET_TITLE, SUMMARY_DRUG_HEADERS, SUMMARY_TITLE, TEXT_FORMAT, TITLE_ROW, xlsx_bytes)

__all__ = ["CSV_RISKY", "EXCEL_WIDTH_PER_MM", "FIRST_DATA_ROW", "FONT_NAME", "HEADER_ROW", "HEADING_ROW", "MANIFEST",
           "MONEY_FORMAT", "SHEET_TITLE", "SUMMARY_DRUG_HEADERS", "SUMMARY_TITLE", "TEXT_FORMAT", "TITLE_ROW",
           "ExportError", "LedgerJob", "Package", "PdfRenderer", "Progress", "csv_bytes", "csv_rows",
           "manifest_bytes", "manifest_dict", "totals_cells", "verify_package", "write_package", "xlsx_bytes"]

MANIFEST = "manifest.json"

Progress = Callable[[str, float], None]
PdfRenderer = Callable[[Ledger, dt.datetime], bytes]


class ExportError(StorageError):
    """The package was not written (nothing half-written was left); ``message`` is Chinese."""


@dataclass(frozen=True)
class LedgerJob:
    """What writing a package needs, read from the database, and the PDF's renderer (handed down
    by the caller, so that files and PDF stay two layers that need not import each other)."""
    ledger: Ledger
    generated_at: dt.datetime
    render_pdf: PdfRenderer
    chain_head: dict | None = None  # the anchor the programme office keeps (storage.integrity)

    @property
    def package_name(self) -> str:
        return f"{self.ledger.clinic_code}_{self.ledger.quarter.code}"

    def file_name(self, suffix: str) -> str:
        return f"台账_{self.ledger.quarter.code}{suffix}"


@dataclass(frozen=True)
class Package:
    path: Path
    manifest: dict
    manifest_sha256: str


# --- writing the package ------------------------------------------------------------------------

def write_package(job: LedgerJob, out_dir, progress: Progress | None = None, replace: bool = False) -> Package:
    """Write, rename into place and read back the package (no database: safe off the UI thread)."""
    step = progress or (lambda _step, _fraction: None)
    out_dir = Path(out_dir)
    target = out_dir / job.package_name
    step("生成 Excel 文件", 0.05)
    files = {job.file_name(".xlsx"): xlsx_bytes(job.ledger, job.generated_at)}
    step("生成 CSV 文件", 0.35)
    files[job.file_name(".csv")] = csv_bytes(job.ledger)
    step("生成 PDF 文件", 0.4)
    files[job.file_name(".pdf")] = job.render_pdf(job.ledger, job.generated_at)
    manifest = manifest_dict(job, files)
    manifest_data = manifest_bytes(manifest)
    step("写入文件", 0.75)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _export_error(exc, out_dir) from exc
    if target.exists() and not replace:
        raise ExportError(f"{target} 已存在。如要用这次导出的台账替换它，请选择“替换”（命令行加 --replace）")
    _write_atomically(out_dir, target, {**files, MANIFEST: manifest_data}, step)
    step("完成", 1.0)
    return Package(target, manifest, hashlib.sha256(manifest_data).hexdigest())


# --- writing safely ---------------------------------------------------------------------------------

def _write_file(path: Path, data: bytes) -> None:
    with open(path, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


def _read_file(path: Path) -> bytes:
    with open(path, "rb") as f:
        if hasattr(os, "posix_fadvise"):  # read from the stick, not from what the cache kept
            try:
                os.posix_fadvise(f.fileno(), 0, 0, os.POSIX_FADV_DONTNEED)
            except OSError:
                pass
        return f.read()


def _fsync_dir(path: Path) -> None:
    if os.name != "posix":
        return  # Windows can't open a folder to fsync it; the files themselves were synced
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove_quietly(path: Path | None) -> None:
    if path is not None:
        shutil.rmtree(path, ignore_errors=True)


def _write_atomically(out_dir: Path, target: Path, files: dict[str, bytes], step: Progress) -> None:
    """The temporary folder is remembered (``temp_files``) while it exists: killed half-way, the
    program removes it at its next start."""
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=out_dir))
    except OSError as exc:
        raise _export_error(exc, out_dir) from exc
    with temp_files.tracked(tmp):
        _write_and_place(out_dir, target, files, step, tmp)


def _write_and_place(out_dir: Path, target: Path, files: dict[str, bytes], step: Progress,
                     tmp: Path | None) -> None:
    old = None
    placed = False
    try:
        for name, data in files.items():
            _write_file(tmp / name, data)
        _fsync_dir(tmp)
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=out_dir))
            os.rename(target, old / target.name)
        os.rename(tmp, target)
        tmp, placed = None, True
        _fsync_dir(out_dir)
        step("读回校验", 0.9)
        verify_package(target, files[MANIFEST])
    except (OSError, ExportError) as exc:
        _remove_quietly(tmp)
        if placed:
            _remove_quietly(target)
        if old is not None:
            try:
                if (old / target.name).exists():
                    os.rename(old / target.name, target)  # the package that was there before comes back
                _remove_quietly(old)
            except OSError:
                pass  # then it stays, whole, in the hidden folder: never deleted without its replacement
        if isinstance(exc, ExportError):
            raise
        raise _export_error(exc, out_dir) from exc
    _remove_quietly(old)


def _export_error(exc: OSError, out_dir: Path) -> ExportError:
    tail = "台账未能导出，也未留下不完整的文件。"
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return ExportError(f"U盘空间不足，{tail}请清理U盘或换一个空间足够的U盘后重试。")
    if exc.errno in (errno.EIO, errno.ENOENT, errno.ENODEV, errno.ENXIO, getattr(errno, "ESTALE", errno.EIO)):
        return ExportError(f"U盘已拔出或无法写入，{tail}请重新插好U盘后重试。")
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return ExportError(f"U盘为只读或没有写入权限（请检查U盘的写保护开关），{tail}")
    return ExportError(f"无法写入 {out_dir}：{exc.strerror or exc}。{tail}")


def verify_package(folder, expected_manifest: bytes | None = None) -> dict:
    """Read the package back and check every file against its manifest; returns the manifest."""
    folder = Path(folder)
    data = _read_file(folder / MANIFEST)
    if expected_manifest is not None and data != expected_manifest:
        raise ExportError("读回的台账清单与写入的不一致（U盘可能已损坏），台账未能导出。请换一个U盘重试。")
    try:
        manifest = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise ExportError(f"{folder / MANIFEST} 已损坏，无法读取") from None
    for name, expected in sorted(manifest.get("files", {}).items()):
        content = _read_file(folder / name)
        if len(content) != expected["size"] or hashlib.sha256(content).hexdigest() != expected["sha256"]:
            raise ExportError(f"读回校验不符：{name} 与写入的不一致（U盘可能已损坏）。请换一个U盘重试。")
    return manifest


# --- the manifest -----------------------------------------------------------------------------------

def manifest_dict(job: LedgerJob, files: dict[str, bytes]) -> dict:
    ledger = job.ledger
    return {
        "clinic_code": ledger.clinic_code,
        "clinic_name": ledger.clinic_name,
        "quarter": ledger.quarter.code,
        "quarter_label": ledger.label,
        "first_day": ledger.quarter.first_day.isoformat(),
        "last_day": ledger.quarter.last_day.isoformat(),
        "closed": ledger.closed,
        "row_count": len(ledger.rows),
        "dispensings": ledger.dispense_count,
        "voids": ledger.void_count,
        "totals_fen": ledger.totals.as_dict(),
        "patients_served": ledger.patients_served,
        "allocated_fen": ledger.allocated_fen,
        "programme_spent_fen": ledger.programme_spent_fen,
        "balance_fen": ledger.balance_fen,
        "whole_id_numbers": ledger.whole_id_numbers,
        "program_version": __version__,
        "generated_at": job.generated_at.isoformat(timespec="seconds"),
        "chain_head": job.chain_head,
        "files": {name: {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
                  for name, data in sorted(files.items())},
    }


def manifest_bytes(manifest: dict) -> bytes:
    return (json.dumps(manifest, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode("utf-8")
