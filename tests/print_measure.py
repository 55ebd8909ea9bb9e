"""Measuring printed pages: a PDF page rendered in grey by PDFium, and where its ink is — the
lines of a grid (rows or columns that are dark across most of the page) and the box around all
ink — in millimetres from the page's top-left corner, as a ruler on the paper would read."""
from __future__ import annotations

from dataclasses import dataclass

import pypdfium2 as pdfium

MM_PER_INCH = 25.4
DARK = 230  # a grey level below this is ink (thin grey rules come out light once rasterised)


@dataclass
class Raster:
    data: bytes
    width: int
    height: int
    stride: int
    dpi: float
    width_mm: float
    height_mm: float

    def px_to_mm(self, px: float) -> float:
        return px * MM_PER_INCH / self.dpi

    def _dark_table(self) -> bytes:
        return bytes(1 if v < DARK else 0 for v in range(256))

    def column_counts(self) -> list[int]:
        """How many dark pixels each column holds."""
        dark = self.data.translate(self._dark_table())
        rows = [dark[y * self.stride:y * self.stride + self.width] for y in range(self.height)]
        joined = b"".join(rows)
        return [joined[x::self.width].count(1) for x in range(self.width)]

    def row_counts(self) -> list[int]:
        dark = self.data.translate(self._dark_table())
        return [dark[y * self.stride:y * self.stride + self.width].count(1) for y in range(self.height)]

    def ink_box_mm(self) -> tuple[float, float, float, float]:
        """(left, top, right, bottom) of all ink, in mm from the top-left corner."""
        cols, rows = self.column_counts(), self.row_counts()
        xs = [x for x, n in enumerate(cols) if n]
        ys = [y for y, n in enumerate(rows) if n]
        if not xs:
            raise AssertionError("the page is blank")
        return (self.px_to_mm(xs[0]), self.px_to_mm(ys[0]), self.px_to_mm(xs[-1] + 1), self.px_to_mm(ys[-1] + 1))


def raster(pdf, page: int = 0, dpi: float = 300) -> Raster:
    """Page ``page`` of a PDF (bytes or a path) in grey at ``dpi``."""
    source = pdf if isinstance(pdf, (bytes, bytearray)) else str(pdf)
    doc = pdfium.PdfDocument(bytes(source) if isinstance(source, bytearray) else source)
    try:
        p = doc[page]
        w_pt, h_pt = p.get_size()
        bitmap = p.render(scale=dpi / 72, grayscale=True, fill_color=(255, 255, 255, 255))
        data = bytes(bitmap.buffer)
        out = Raster(data, bitmap.width, bitmap.height, bitmap.stride, dpi,
                     w_pt * MM_PER_INCH / 72, h_pt * MM_PER_INCH / 72)
        bitmap.close()
        p.close()
        return out
    finally:
        doc.close()


def page_sizes_mm(pdf) -> list[tuple[float, float]]:
    doc = pdfium.PdfDocument(str(pdf) if not isinstance(pdf, (bytes, bytearray)) else bytes(pdf))
    try:
        return [tuple(v * MM_PER_INCH / 72 for v in doc[i].get_size()) for i in range(len(doc))]
    finally:
        doc.close()


def lines_mm(counts: list[int], at_least: int, r: Raster) -> list[float]:
    """Centres (mm) of the runs of rows/columns whose dark count reaches ``at_least``."""
    out, run = [], []
    for i, n in enumerate(counts + [0]):
        if n >= at_least:
            run.append(i)
        elif run:
            out.append(r.px_to_mm((run[0] + run[-1] + 1) / 2))
            run = []
    return out


def grid_lines_mm(pdf, page: int = 0, dpi: float = 300, share: float = 0.5) -> tuple[list[float], list[float]]:
    """(vertical lines' x, horizontal lines' y) in mm from the top-left: the columns and rows
    dark over more than ``share`` of the page's height / width — a table's rules."""
    r = raster(pdf, page, dpi)
    return (lines_mm(r.column_counts(), int(r.height * share), r),
            lines_mm(r.row_counts(), int(r.width * share), r))
