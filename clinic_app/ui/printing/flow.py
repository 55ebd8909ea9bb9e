"""One print from a window, the same way for every document: draw the PDF (a use case of
``services.printing`` on a worker thread with its own connection, audited there), render the
preview's pictures there too, open the preview, and after it either the pages went to the
printer (``on_printed``), or "另存为 PDF" wrote the file (and offered to open it), or nothing.

The dialogs are methods (``exec_preview``, ``choose_save_path``, ``confirm``, ``open_file``,
``show_error``) so tests can answer them without a modal loop.
"""
from __future__ import annotations

import io
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QObject, QUrl, Qt, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QDialog, QProgressDialog

from .. import messages
from ..worker import run_in_background, write_op
from .memory import PrintMemory
from .pages import PdfPages
from .preview import PrintPreview, install_qt_chinese

PRINTED, SAVED, CANCELLED, FAILED = "printed", "saved", "cancelled", "failed"
PREVIEW_DPI = 150
PREVIEW_MIN_DPI = 40
PREVIEW_BUDGET_BYTES = 400 * 1024 * 1024  # every preview page is kept while the dialog is open
PREVIEW_COLOUR_PAGES = 30


@dataclass
class PrintDocument:
    """A drawn PDF on its way to paper: what kind (for the remembered printer), its title and
    file name, the bytes, and what the use case answered (a ``CardRowsPrint``, a path…)."""
    kind: str
    title: str
    default_name: str
    data: bytes
    result: object = None
    pages: PdfPages | None = None
    extra: dict = field(default_factory=dict)

    def close(self) -> None:
        if self.pages is not None:
            self.pages.close()


def preview_dpi(pages: PdfPages) -> tuple[float, bool]:
    """(resolution, grayscale) for the preview: sharp for a few pages, coarser and grey for a
    register of hundreds, so the pictures the preview keeps stay within the budget."""
    grey = len(pages) > PREVIEW_COLOUR_PAGES
    square_inches = sum(s.width_pt * s.height_pt for s in pages.sizes) / 72 ** 2
    fits = math.sqrt(PREVIEW_BUDGET_BYTES / ((1 if grey else 3) * square_inches))
    return max(PREVIEW_MIN_DPI, min(PREVIEW_DPI, fits)), grey


def prepare_document(kind: str, title: str, default_name: str, data: bytes, result=None):
    """The worker's part after the PDF exists: open it and render the preview's pictures."""
    document = PrintDocument(kind, title, default_name, bytes(data), result)
    document.pages = PdfPages(document.data)
    dpi, grey = preview_dpi(document.pages)
    images = {i: document.pages.render(i, dpi, grayscale=grey) for i in range(len(document.pages))}
    return document, images


class PrintFlow(QObject):
    """Prints for one window, one at a time. ``finished(outcome, document)`` after each."""

    finished = Signal(str, object)

    def __init__(self, parent_widget, session=None, memory: PrintMemory | None = None):
        super().__init__(parent_widget)
        self.parent_widget = parent_widget
        self.session = session
        self.memory = memory or PrintMemory()
        self.busy = False
        self.progress: QProgressDialog | None = None
        self.last_preview: PrintPreview | None = None
        self.last_saved: Path | None = None
        self.last_printer: str = ""
        self._signals = None

    # --- starting ---------------------------------------------------------------------------
    def start(self, kind: str, title: str, default_name: str, *, op: Callable | None = None,
              fn: Callable | None = None, what: str = "audit", on_printed: Callable | None = None,
              on_failed: Callable | None = None, on_ready: Callable | None = None) -> bool:
        """Draw the document and preview it. ``op(db, out)`` is a use case writing into the
        file object ``out`` on a worker connection (``write_op``, so windows hear of it);
        ``fn(out)`` draws without the database. Either returns what the caller wants back
        (``document.result``). ``on_ready(document)`` runs on the UI thread once the PDF
        exists, before the preview (to record a print drawn without the database). False when a
        print is already under way."""
        if self.busy:
            return False
        if (op is None) == (fn is None):
            raise ValueError("give op or fn")
        install_qt_chinese()
        self.busy = True
        self._show_progress(f"正在生成{title}…")

        def produce(run):
            out = io.BytesIO()
            result = run(out)
            return prepare_document(kind, title, default_name, out.getvalue(), result)

        done = lambda answer: self._ready(answer, on_printed, on_ready)  # noqa: E731
        failed = lambda exc: self._failed(title, exc, on_failed)  # noqa: E731
        if op is not None:
            self._signals = write_op(self.session.db_path, lambda db: produce(lambda out: op(db, out)),
                                     done, failed, what=what)
        else:
            self._signals = run_in_background(lambda: produce(fn), done, failed)
        return True

    def _show_progress(self, text: str) -> None:
        progress = QProgressDialog(text, "", 0, 0, self.parent_widget)
        progress.setWindowTitle("打印")
        progress.setCancelButton(None)
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(400)
        self.progress = progress

    def _stop_progress(self) -> None:
        if self.progress is not None:
            self.progress.close()
            self.progress.deleteLater()
            self.progress = None

    def _failed(self, title: str, exc: Exception, on_failed) -> None:
        self._stop_progress()
        self.busy = False
        message = getattr(exc, "message", None) or getattr(exc, "strerror", None) or str(exc)
        if on_failed is not None:
            on_failed(message)
        else:
            self.show_error(f"无法打印{title}", message)
        self.finished.emit(FAILED, None)

    def _ready(self, answer, on_printed, on_ready=None) -> None:
        self._stop_progress()
        document, images = answer
        try:
            if on_ready is not None:
                on_ready(document)
            outcome = self.preview(document, images)
        finally:
            self.busy = False
            document.close()
        if outcome == PRINTED and on_printed is not None:
            on_printed(document)
        self.finished.emit(outcome, document)

    # --- the preview -------------------------------------------------------------------------
    def preview(self, document: PrintDocument, images: dict) -> str:
        preview = PrintPreview(document, images, self.memory, self.parent_widget, on_save=self.save_pdf)
        self.last_preview = preview
        try:
            result = self.exec_preview(preview)
        except Exception as exc:  # a printer that failed mid-job
            self.show_error("打印失败", getattr(exc, "message", None) or str(exc))
            return FAILED
        finally:
            preview.deleteLater()
        if result == PrintPreview.SAVED:
            return SAVED
        if result == QDialog.DialogCode.Accepted and preview.printed:
            self.last_printer = preview.printer.printerName() or Path(preview.printer.outputFileName()).name
            return PRINTED
        return CANCELLED

    def save_pdf(self, document: PrintDocument) -> bool:
        """"另存为 PDF": the same bytes to a file the user names (starting in the folder saved
        into last, or 文档), then 现在打开吗？ — yes opens it in the system's PDF viewer."""
        path = self.choose_save_path(document)
        if not path:
            return False
        path = Path(path)
        if path.suffix.lower() != ".pdf":
            path = path.with_name(path.name + ".pdf")
        try:
            path.write_bytes(document.data)
        except OSError as exc:
            self.show_error("无法保存", f"文件没有保存：{exc.strerror or exc}")
            return False
        self.memory.remember_folder(path.parent)
        self.last_saved = path
        if self.confirm("已保存", f"{document.title}已保存到：\n{path}\n\n现在打开吗？"):
            self.open_file(path)
        return True

    # --- dialogs (tests replace these) ---------------------------------------------------------
    def exec_preview(self, preview: PrintPreview) -> int:
        return preview.exec()

    def choose_save_path(self, document: PrintDocument) -> str:
        from .. import file_dialogs  # Qt's own dialog in Chinese, opening where PDFs went last

        path, _ = file_dialogs.save_file(self.parent_widget, file_dialogs.PDF, f"另存为 PDF：{document.title}",
                                         document.default_name, "PDF 文件 (*.pdf)")
        return path

    def confirm(self, title: str, text: str) -> bool:
        return messages.confirm(self.parent_widget, title, text)

    def open_file(self, path: Path) -> bool:
        return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def show_error(self, title: str, text: str) -> None:
        messages.error(self.parent_widget, title, text)
