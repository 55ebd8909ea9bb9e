"""Answering the print preview in tests: 打印 to a PDF file (Qt's own PDF output, as a printer
would be sent the pages), "另存为 PDF", or closing it."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QDialog

from clinic_app.ui.printing.flow import PrintFlow

PRINT_DPI = 300


def pdf_printer(path: Path, printer: QPrinter | None = None, dpi: int = PRINT_DPI) -> QPrinter:
    printer = printer or QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    printer.setResolution(dpi)
    return printer


class Previews:
    """Every preview opened, and the PDF each print went to."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.opened = []
        self.titles: list[str] = []   # the preview is gone once closed: what it showed stays here
        self.pages: list[int] = []
        self.printed: list[Path] = []
        self.answer = "print"

    def exec_preview(self, flow, preview) -> int:
        self.opened.append(preview)
        self.titles.append(preview.windowTitle())
        self.pages.append(len(preview.document.pages))
        if self.answer == "print":
            out = self.folder / f"printed_{len(self.printed) + 1}.pdf"
            printer = pdf_printer(out, preview.printer)
            preview.print_to(printer, paper=printer.pageLayout().pageSize())
            self.printed.append(out)
            return QDialog.DialogCode.Accepted
        if self.answer == "save":
            return preview.SAVED if preview.save_pdf() else QDialog.DialogCode.Rejected
        return QDialog.DialogCode.Rejected


def answer_previews(monkeypatch, folder: Path) -> Previews:
    previews = Previews(folder)
    monkeypatch.setattr(PrintFlow, "exec_preview", lambda flow, preview: previews.exec_preview(flow, preview))
    return previews


def save_previews_to(monkeypatch, out: Path) -> Previews:
    """Every preview answered with "另存为 PDF" to ``out``; 现在打开吗？ answered no."""
    previews = answer_previews(monkeypatch, out.parent)
    previews.answer = "save"
    monkeypatch.setattr(PrintFlow, "choose_save_path", lambda flow, document: str(out))
    monkeypatch.setattr(PrintFlow, "confirm", lambda flow, title, text: False)
    return previews
