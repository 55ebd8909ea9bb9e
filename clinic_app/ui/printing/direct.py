"""``clinic-app print … --printer NAME``: the same pages, the same painting, straight to a named
printer with no dialog. A ``QGuiApplication`` is enough (offscreen when there is no display)."""
from __future__ import annotations

import os
import sys

from .paint import PrintError


def ensure_gui_application():
    """The running Qt application, or a new ``QGuiApplication`` (offscreen on a Linux machine
    without a display, as on a server printing from a script)."""
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance()
    if app is not None:
        return app
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    return QGuiApplication(sys.argv[:1] or ["clinic-app"])


def available_printers() -> list[str]:
    from PySide6.QtPrintSupport import QPrinterInfo

    ensure_gui_application()
    return list(QPrinterInfo.availablePrinterNames())


def check_printer(name: str) -> None:
    """Refuse, in Chinese, a printer this computer does not have."""
    from PySide6.QtPrintSupport import QPrinterInfo

    ensure_gui_application()
    if not name or QPrinterInfo.printerInfo(name).isNull():
        names = available_printers()
        listed = "、".join(names) if names else "（本机没有安装打印机）"
        raise PrintError(f"找不到打印机“{name}”。本机的打印机：{listed}")


def print_pdf(name: str, data: bytes, title: str = "clinic-app", copies: int = 1) -> int:
    """Every page of ``data`` to printer ``name`` at its resolution, full page, unscaled, on
    paper of the PDF's own size. Returns the pages sent."""
    from PySide6.QtPrintSupport import QPrinter

    from .pages import PdfPages
    from .paint import paint_pages

    check_printer(name)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPrinterName(name)
    printer.setDocName(title)
    printer.setCopyCount(copies)
    with PdfPages(data) as pages:
        return paint_pages(printer, pages)
