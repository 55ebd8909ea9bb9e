"""Putting rendered pages onto a ``QPrinter``: the paper set from the PDF's own page size, the
full sheet addressable (``setFullPage``), no margins, and every page drawn at its true size — a
point 40 mm from the PDF's left edge lands 40 mm from the paper's left edge. Nothing is fitted,
shrunk or centred, so the rescue card's rows fall where the calibration moved them.

Pages are rendered at the printer's resolution (at most ``MAX_DPI``: above that the picture only
grows, the paper does not get sharper) and drawn into a rectangle of the page's size in device
pixels, so even a capped render keeps the geometry exact.
"""
from __future__ import annotations

from typing import Callable, Iterable

from PySide6.QtCore import QMarginsF, QRectF, QSizeF
from PySide6.QtGui import QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrinter

from .pages import PageSize, PdfPages

MAX_DPI = 600


class PrintError(Exception):
    """The printer refused to start or went away; ``message`` is Chinese for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def page_size_of(size: PageSize) -> QPageSize:
    """The paper for a page: a standard size (A4, A5, B6…) when the PDF's page is one, so the
    driver knows it by name, else a custom size in millimetres; always given upright."""
    short, long_ = sorted((size.width_mm, size.height_mm))
    return QPageSize(QSizeF(short, long_), QPageSize.Unit.Millimeter, "", QPageSize.SizeMatchPolicy.FuzzyMatch)


def page_layout(size: PageSize, paper: QPageSize | None = None) -> QPageLayout:
    orientation = QPageLayout.Orientation.Landscape if size.landscape else QPageLayout.Orientation.Portrait
    layout = QPageLayout(paper if paper is not None and paper.isValid() else page_size_of(size), orientation,
                         QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Millimeter)
    layout.setMode(QPageLayout.Mode.FullPageMode)
    return layout


def prepare(printer: QPrinter, size: PageSize, paper: QPageSize | None = None) -> None:
    """Full page, zero margins, the page's paper (or ``paper``, the one remembered for this kind
    of document) in the page's orientation."""
    printer.setFullPage(True)
    printer.setPageLayout(page_layout(size, paper))
    printer.setFullPage(True)
    printer.setPageMargins(QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Millimeter)


def target_rect(size: PageSize, dpi: float) -> QRectF:
    """Where a page goes on the device: from the paper's top-left corner, its own size, unscaled."""
    return QRectF(0, 0, size.width_pt * dpi / 72, size.height_pt * dpi / 72)


def render_dpi(printer: QPrinter) -> int:
    return max(72, min(int(printer.resolution()), MAX_DPI))


def paint_pages(printer: QPrinter, pages: PdfPages, indices: Iterable[int] | None = None, images=None,
                progress: Callable[[int, int], bool] | None = None, paper: QPageSize | None = None) -> int:
    """Draw the pages (all, or ``indices``) onto ``printer`` and return how many were drawn.

    ``images`` (index → QImage) are the preview's, drawn onto the preview's printer as it was
    prepared; otherwise the printer is prepared here — the first page's size, or ``paper`` when
    the user chose one — and each page is rendered at the printer's resolution.
    ``progress(done, total)`` after each page; a False answer stops the job (what was sent
    stays sent)."""
    wanted = list(range(len(pages)) if indices is None else indices)
    if not wanted:
        return 0
    current = pages.sizes[wanted[0]]
    if images is None:
        prepare(printer, current, paper)
    painter = QPainter()
    if not painter.begin(printer):
        raise PrintError(f"打印机“{printer.printerName() or printer.outputFileName()}”无法开始打印")
    done = 0
    try:
        dpi = printer.resolution()
        for n, index in enumerate(wanted):
            size = pages.sizes[index]
            if n:
                if paper is None and (size.landscape, page_size_of(size).id()) != \
                        (current.landscape, page_size_of(current).id()):
                    printer.setPageLayout(page_layout(size))
                    current = size
                if not printer.newPage():
                    raise PrintError("打印机无法换页，打印已中止")
            image = images[index] if images is not None else pages.render(index, render_dpi(printer))
            painter.drawImage(target_rect(size, dpi), image)
            done += 1
            if progress is not None and progress(done, len(wanted)) is False:
                break
    finally:
        painter.end()
    return done

