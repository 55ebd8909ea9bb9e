"""Printing through Qt's print system: the program's reportlab PDF rendered page by page with
PDFium (``pages``), painted at the printer's resolution onto a ``QPrinter`` of the PDF's paper
size, full page and unscaled (``paint``), shown first in a print preview with "另存为 PDF"
(``preview``), the whole way from a window's 打印 button (``flow``), the printer and paper
remembered per kind of document (``memory``), and without a dialog for ``clinic-app print
--printer`` (``direct``)."""
from .memory import KINDS, PrintMemory
from .paint import MAX_DPI, PrintError, page_layout, paint_pages, prepare, target_rect
from .pages import PageSize, PdfPages, page_sizes

__all__ = ["KINDS", "MAX_DPI", "PageSize", "PdfPages", "PrintError", "PrintMemory", "page_layout", "page_sizes",
           "paint_pages", "prepare", "target_rect"]
