"""The print path through Qt's print system: the program's PDF rendered by PDFium and painted
onto a QPrinter (here Qt's own PDF output) at the paper size of the document, full page, with no
scaling — measured on the printed pages, not taken on trust."""
from __future__ import annotations

import io

import pytest
from PySide6.QtGui import QPageSize

from clinic_app.documents import card_layout as CL
from clinic_app.documents.card import render_calibration_page
from clinic_app.documents.followup_pdf import render_list_pdf
from clinic_app.ui.printing import PdfPages, PrintMemory, paint_pages
from clinic_app.ui.printing.flow import PrintDocument, prepare_document
from clinic_app.ui.printing.preview import PrintPreview
from tests.print_measure import grid_lines_mm, page_sizes_mm, raster
from tests.ui.print_support import pdf_printer

TOLERANCE_MM = 0.5


def calibration(size: str = "A5", dx: float = 0.0, dy: float = 0.0) -> bytes:
    out = io.BytesIO()
    render_calibration_page(out, size, dx, dy)
    return out.getvalue()


def print_to_pdf(data: bytes, path, dpi: int = 300) -> int:
    with PdfPages(data) as pages:
        return paint_pages(pdf_printer(path, dpi=dpi), pages)


@pytest.mark.parametrize("size", ["A5", "A4", "B6"])
def test_a_printed_page_has_the_documents_paper_and_its_grid_where_the_calibration_puts_it(qapp, tmp_path,
                                                                                            size):
    dx, dy = 1.5, -2.0
    data = calibration(size, dx, dy)
    out = tmp_path / "printed.pdf"
    assert print_to_pdf(data, out) == 1
    (w, h), = page_sizes_mm(out)
    want_w, want_h = CL.PAGE_SIZES_MM[size]
    assert abs(w - want_w) < TOLERANCE_MM and abs(h - want_h) < TOLERANCE_MM, (w, h)
    xs, ys = grid_lines_mm(out)
    g = CL.geometry(size)
    left = g.xs[0] / CL.mm + dx                       # from the paper's left edge
    top = (g.height - g.grid_top) / CL.mm + dy        # from the paper's top edge, +y is down
    assert abs(xs[0] - left) < TOLERANCE_MM, (xs[0], left)
    assert abs(ys[0] - top) < TOLERANCE_MM, (ys[0], top)
    # every rule of the grid where the program drew it: nothing scaled, nothing shifted
    want_xs, want_ys = grid_lines_mm(data)
    assert len(xs) == len(want_xs) == len(CL.COLUMNS) + 1 and len(ys) >= CL.ROWS_PER_PAGE + 2
    assert max(abs(a - b) for a, b in zip(xs, want_xs)) < TOLERANCE_MM
    assert all(min(abs(y - want) for y in ys) < TOLERANCE_MM for want in want_ys)
    right = xs[-1] - xs[0]
    assert abs(right - g.grid_width / CL.mm) < TOLERANCE_MM  # 132 mm on A5: no shrink to fit


def test_without_the_calibration_the_grid_moves_back_by_the_offsets(qapp, tmp_path):
    plain, moved = tmp_path / "plain.pdf", tmp_path / "moved.pdf"
    print_to_pdf(calibration("A5"), plain)
    print_to_pdf(calibration("A5", 3.0, 2.5), moved)
    (x0, *_), (y0, *_) = grid_lines_mm(plain)
    (x1, *_), (y1, *_) = grid_lines_mm(moved)
    assert abs((x1 - x0) - 3.0) < TOLERANCE_MM and abs((y1 - y0) - 2.5) < TOLERANCE_MM


def test_a_landscape_list_prints_landscape_on_a4_at_its_size(qapp, tmp_path):
    out = io.BytesIO()
    render_list_pdf(out, "到期随访", "打印人：测试员", ["姓名", "电话"], [["张三", "13800000000"]] * 80)
    data = out.getvalue()
    printed = tmp_path / "list.pdf"
    assert print_to_pdf(data, printed, dpi=150) == len(page_sizes_mm(data)) >= 2
    for (w, h), (want_w, want_h) in zip(page_sizes_mm(printed), page_sizes_mm(data)):
        assert w > h and abs(w - want_w) < TOLERANCE_MM and abs(h - want_h) < TOLERANCE_MM
    a, b = raster(printed, 0, 150).ink_box_mm(), raster(data, 0, 150).ink_box_mm()
    assert max(abs(p - q) for p, q in zip(a, b)) < TOLERANCE_MM


def test_the_printer_and_paper_are_remembered_per_kind_of_document(qapp, tmp_path, print_settings):
    memory = PrintMemory()
    chosen = pdf_printer(tmp_path / "chosen.pdf")  # a printer to a file: its name is not remembered
    chosen.setPageSize(QPageSize(QPageSize.PageSizeId.B6))
    memory.remember("card", chosen)
    memory.settings.setValue("ledger/printer", "办公室激光打印机")
    again = PrintMemory()  # read back from the file, as at the next start
    assert again.paper("card").id() == QPageSize.PageSizeId.B6
    assert again.paper("card_rows") is None and again.paper("slip") is None
    assert again.printer_name("ledger") == "办公室激光打印机" and again.printer_name("card") == ""
    assert "[card]\npaper_mm=125.0x176.0" in print_settings.read_text(encoding="utf-8")
    # a preview of the card starts on the card's paper; one of the slip on the slip's own (A5)
    card = PrintDocument("card", "救助卡", "card.pdf", calibration("A5"))
    card.pages = PdfPages(card.data)
    slip = PrintDocument("slip", "领药单", "slip.pdf", card.data)
    slip.pages = PdfPages(slip.data)
    try:
        assert PrintPreview(card, {}, again).printer.pageLayout().pageSize().id() == QPageSize.PageSizeId.B6
        assert PrintPreview(slip, {}, again).printer.pageLayout().pageSize().id() == QPageSize.PageSizeId.A5
    finally:
        card.close()
        slip.close()
    with pytest.raises(KeyError):
        again.paper("not a kind")


def test_the_preview_pictures_stay_within_budget_for_a_long_document(qapp):
    out = io.BytesIO()
    render_list_pdf(out, "到期随访", "", ["姓名"], [["张三"]] * 40)
    document, images = prepare_document("lists", "清单", "x.pdf", out.getvalue())
    try:
        assert len(images) == len(document.pages)
        first = images[0]
        w, h = document.pages.sizes[0].pixels(150)
        assert abs(first.width() - w) <= 1 and abs(first.height() - h) <= 1  # a few pages: full resolution
        assert not first.isGrayscale()
    finally:
        document.close()
