"""What the program remembers about printing, per kind of document, in ``QSettings``: the
printer last used for it and the paper chosen for it (the card on its own printer with A5, the
ledger on the office laser with A4, …), and the folder "另存为 PDF" last saved into.

The file is the user's own settings (on Windows the registry, elsewhere an ini file);
``CLINIC_APP_PRINT_SETTINGS`` names another ini file (the tests use one of their own).
"""
from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QSettings, QSizeF, QStandardPaths
from PySide6.QtGui import QPageSize
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

SETTINGS_ENV = "CLINIC_APP_PRINT_SETTINGS"

# kind → what the print dialog calls it
KINDS = {
    "card": "救助卡（整本）",
    "card_rows": "救助卡新记录（套打）",
    "agreement": "服务协议",
    "application": "服药审批表",
    "slip": "领药单",
    "register": "患者登记名单",
    "ledger": "季度台账",
    "lists": "工作清单",
    "calibration": "救助卡套打校准页",
}


def _settings() -> QSettings:
    path = os.environ.get(SETTINGS_ENV)
    if path:
        return QSettings(path, QSettings.Format.IniFormat)
    return QSettings(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, "clinic_app", "printing")


def _check(kind: str) -> str:
    if kind not in KINDS:
        raise KeyError(f"not a kind of printout: {kind}")
    return kind


class PrintMemory:
    def __init__(self, settings: QSettings | None = None):
        self.settings = settings or _settings()

    # --- per kind ---------------------------------------------------------------------------
    def printer_name(self, kind: str) -> str:
        return str(self.settings.value(f"{_check(kind)}/printer", "") or "")

    def paper(self, kind: str) -> QPageSize | None:
        """The paper chosen for this kind, or None (then the document's own page size is used)."""
        value = self.settings.value(f"{_check(kind)}/paper_mm", "")
        try:
            w, h = (float(part) for part in str(value).split("x"))
        except ValueError:
            return None
        name = str(self.settings.value(f"{kind}/paper_name", "") or "")
        size = QPageSize(QSizeF(w, h), QPageSize.Unit.Millimeter, name, QPageSize.SizeMatchPolicy.FuzzyMatch)
        return size if size.isValid() else None

    def remember(self, kind: str, printer: QPrinter) -> None:
        """After a print went out: this kind goes to this printer, on this paper, next time."""
        _check(kind)
        if printer.outputFormat() == QPrinter.OutputFormat.NativeFormat and printer.printerName():
            self.settings.setValue(f"{kind}/printer", printer.printerName())
        size = printer.pageLayout().pageSize()
        if size.isValid():
            mm = size.size(QPageSize.Unit.Millimeter)
            self.settings.setValue(f"{kind}/paper_mm", f"{mm.width():.1f}x{mm.height():.1f}")
            self.settings.setValue(f"{kind}/paper_name", size.name())
        self.settings.sync()

    def apply(self, kind: str, printer: QPrinter) -> bool:
        """Point ``printer`` at the printer remembered for this kind when it is still installed;
        False when there is none (the system's default printer stays)."""
        name = self.printer_name(kind)
        if name and not QPrinterInfo.printerInfo(name).isNull():
            printer.setPrinterName(name)
            return True
        return False

    # --- 另存为 PDF ------------------------------------------------------------------------------
    def save_folder(self) -> Path:
        """Where "另存为 PDF" starts: the folder saved into last, else the user's documents
        folder — never the program's working folder."""
        folder = str(self.settings.value("save/folder", "") or "")
        if folder and Path(folder).is_dir():
            return Path(folder)
        documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        return Path(documents) if documents and Path(documents).is_dir() else Path.home()

    def remember_folder(self, folder: Path) -> None:
        self.settings.setValue("save/folder", str(folder))
        self.settings.sync()
