"""The program's own PDFs as pictures: each page rendered by PDFium (``pypdfium2``) into a
``QImage`` at a given resolution, and the page sizes read from the PDF itself.

The PDF is the one reportlab drew (the same bytes "另存为 PDF" writes), so what is printed is what
is saved: nothing is laid out twice. PDFium is not safe to call from two threads at once, so every
call into it holds one lock; a page may be rendered on a worker thread while the UI thread waits.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass

import pypdfium2 as pdfium
from PySide6.QtGui import QImage

MM_PER_PT = 25.4 / 72
_PDFIUM = threading.Lock()


@dataclass(frozen=True)
class PageSize:
    """One page's size in PDF points (1/72 inch), as drawn."""
    width_pt: float
    height_pt: float

    @property
    def width_mm(self) -> float:
        return self.width_pt * MM_PER_PT

    @property
    def height_mm(self) -> float:
        return self.height_pt * MM_PER_PT

    @property
    def landscape(self) -> bool:
        return self.width_pt > self.height_pt

    def pixels(self, dpi: float) -> tuple[int, int]:
        """The page's size in device pixels at ``dpi``, unscaled."""
        return round(self.width_pt * dpi / 72), round(self.height_pt * dpi / 72)

    def label(self) -> str:
        return f"{self.width_mm:.0f}×{self.height_mm:.0f} 毫米"


class PdfPages:
    """A PDF held in memory, page by page. ``close`` when done (or use it as a context manager)."""

    def __init__(self, data: bytes):
        self.data = bytes(data)
        with _PDFIUM:
            self._doc = pdfium.PdfDocument(self.data)
            self.sizes = [PageSize(*self._doc[i].get_size()) for i in range(len(self._doc))]
        if not self.sizes:
            raise ValueError("the PDF has no pages")

    def __len__(self) -> int:
        return len(self.sizes)

    def __enter__(self) -> "PdfPages":
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    def close(self) -> None:
        with _PDFIUM:
            if self._doc is not None:
                self._doc.close()
                self._doc = None

    def render(self, index: int, dpi: float, grayscale: bool = False) -> QImage:
        """Page ``index`` (0-based) as an opaque image of exactly ``PageSize.pixels(dpi)``,
        white where nothing is drawn, with the resolution recorded in the image."""
        with _PDFIUM:
            page = self._doc[index]
            try:
                bitmap = page.render(scale=dpi / 72, grayscale=grayscale, fill_color=(255, 255, 255, 255),
                                     rev_byteorder=True, draw_annots=True, optimize_mode="print")
                fmt = {1: QImage.Format.Format_Grayscale8, 3: QImage.Format.Format_RGB888,
                       4: QImage.Format.Format_RGBX8888}[bitmap.n_channels]
                image = QImage(bitmap.buffer, bitmap.width, bitmap.height, bitmap.stride, fmt).copy()
                bitmap.close()
            finally:
                page.close()
        per_metre = round(dpi / 0.0254)
        image.setDotsPerMeterX(per_metre)
        image.setDotsPerMeterY(per_metre)
        return image


def page_sizes(data: bytes) -> list[PageSize]:
    with PdfPages(data) as pages:
        return list(pages.sizes)
