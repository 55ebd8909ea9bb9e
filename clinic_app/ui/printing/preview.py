"""The print preview every 打印 button opens: Qt's ``QPrintPreviewDialog`` (in Chinese), showing
the program's PDF page by page at its true size on the paper the printer will use. Its 打印
button opens the system's print dialog to choose the printer; "另存为 PDF…" beside it writes the
very same PDF to a file instead.

The preview draws pictures rendered beforehand on a worker thread (``flow``); the print itself
renders each page again at the printer's resolution, with a progress dialog for long documents.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QPaintEngine
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QApplication, QProgressDialog, QToolBar

from .memory import KINDS, PrintMemory
from .paint import paint_pages, prepare

SAVE_TEXT = "另存为 PDF…"
PROGRESS_FROM_PAGES = 3


def install_qt_chinese() -> bool:
    """Qt's own dialogs (the print dialog, the preview's toolbar, 是/否) in Simplified Chinese:
    ``ui.chinese``, the one place the translation is loaded."""
    from ..chinese import install

    app = QApplication.instance()
    return install(app) if app is not None else False


def is_preview(printer: QPrinter) -> bool:
    """The preview records what is painted (a picture engine); a real print does not."""
    engine = printer.paintEngine()
    return engine is not None and engine.type() == QPaintEngine.Type.Picture


class PrintPreview(QPrintPreviewDialog):
    """``exec()`` answers ``Accepted`` once the pages went to a printer, ``SAVED`` after
    "另存为 PDF", ``Rejected`` when closed."""

    SAVED = 2

    def __init__(self, document, images: dict, memory: PrintMemory | None = None, parent=None, on_save=None):
        install_qt_chinese()
        self.document = document
        self.images = images
        self.memory = memory or PrintMemory()
        self.on_save = on_save
        self.printed = False
        self.pages_sent = 0
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(document.title)
        self.memory.apply(document.kind, printer)
        prepare(printer, document.pages.sizes[0], self.memory.paper(document.kind))
        self._printer = printer  # the dialog does not own it
        super().__init__(printer, parent)
        kind = KINDS[document.kind]
        if kind.startswith(document.title):      # 救助卡 → 救助卡（整本）
            shown = kind
        elif document.title.startswith(kind):    # 服务协议（待签字）
            shown = document.title
        else:                                    # 2026年第四季度台账（季度台账）
            shown = f"{document.title}（{kind}）"
        self.setWindowTitle(f"打印预览：{shown}")
        self.paintRequested.connect(self._paint)
        self.toolbar = self.findChild(QToolBar)
        self.save_action = QAction(SAVE_TEXT, self)
        self.save_action.setObjectName("save_pdf")
        self.save_action.setToolTip("不打印，把同一份 PDF 保存到文件")
        self.save_action.triggered.connect(self.save_pdf)
        if self.toolbar is not None:
            self.toolbar.addAction(self.save_action)  # right after Qt's 打印, the last action
            button = self.toolbar.widgetForAction(self.save_action)
            if button is not None:
                button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.resize(960, 780)

    @property
    def printer(self) -> QPrinter:
        return self._printer

    def _paint(self, printer: QPrinter) -> None:
        if is_preview(printer):
            paint_pages(printer, self.document.pages, images=self.images)
        else:
            self.print_to(printer, paper=printer.pageLayout().pageSize())

    def print_to(self, printer: QPrinter, paper=None) -> int:
        """Send every page to ``printer`` at its resolution and remember the printer and paper
        for this kind of document."""
        total = len(self.document.pages)
        progress = None
        if total >= PROGRESS_FROM_PAGES:
            progress = QProgressDialog(f"正在打印{self.document.title}…", "停止", 0, total, self)
            progress.setWindowTitle("正在打印")
            progress.setWindowModality(Qt.WindowModality.WindowModal)
            progress.setMinimumDuration(300)

        def step(done: int, of: int) -> bool:
            if progress is None:
                return True
            progress.setValue(done)
            progress.setLabelText(f"正在打印{self.document.title}：第 {done}/{of} 页")
            QApplication.processEvents()
            return not progress.wasCanceled()

        try:
            self.pages_sent = paint_pages(printer, self.document.pages, progress=step, paper=paper)
        finally:
            if progress is not None:
                progress.close()
                progress.deleteLater()
        self.printed = self.pages_sent > 0
        if self.printed:
            self.memory.remember(self.document.kind, printer)
        return self.pages_sent

    def save_pdf(self) -> bool:
        if self.on_save is not None and self.on_save(self.document):
            self.done(self.SAVED)
            return True
        return False
