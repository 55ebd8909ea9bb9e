"""Printing onto a rescue card that was printed before.

- ``render_card_rows``: only the text of new rows; one PDF page per card page that receives rows,
  nothing else on it (no lines, no titles), each row in the cell ``card_layout`` gives it, moved
  by the printer calibration.
- ``render_calibration_page``: the record grid drawn thinly with crosshairs and millimetre
  rulers, to lay on a real card and read how far the printer is off.
"""
from __future__ import annotations

from reportlab.lib.units import mm

from . import card_layout as CL
from . import layout as L
from .card_data import CardRow
from .card_grid import card_canvas, draw_grid, draw_row, rows_by_page
from .cjk_wrap import wrap_cjk

CALIBRATION_TITLE = "救助卡套打校准页"
SAMPLE_ROW = CardRow(page=CL.FIRST_RECORD_PAGE, line=1, date="2026-01-01", drug_text="利培酮片 1mg 3盒",
                     total_fen=12345, insurance_fen=2345, disability_fen=0, programme_fen=10000,
                     psychiatrist="医师", dispenser="精防", guardian="监护人")


def render_card_rows(out, rows: list[CardRow], page_size: str = "A5", offset_x_mm: float = 0,
                     offset_y_mm: float = 0) -> list[int]:
    """Only the given rows, for an already printed card: one PDF page per card page that
    receives rows, with nothing on it but the rows' text in their cells, moved by the printer
    calibration. The PDF's bookmarks name the card page each sheet is for. Returns those card
    pages, in order."""
    if not rows:
        raise ValueError("no rows to print")
    g = CL.geometry(page_size)
    pages = rows_by_page(rows)
    c = card_canvas(out, g, f"救助卡套打：{'、'.join(CL.page_label(p) for p in pages)}")
    for page, page_rows in pages.items():
        key = f"card-page-{page}"
        c.bookmarkPage(key)
        c.addOutlineEntry(f"请放入救助卡{CL.page_label(page)}", key, level=0)
        for row in page_rows:
            draw_row(c, g, row, offset_x_mm, offset_y_mm)
        c.showPage()
    c.save()
    return list(pages)


# --- the calibration page ------------------------------------------------------------------------------

def offset_text(offset_x_mm: float, offset_y_mm: float) -> str:
    return f"当前偏移：水平 {offset_x_mm:+.1f} 毫米，垂直 {offset_y_mm:+.1f} 毫米"


def _ruler(c, x0: float, y0: float, length_mm: int, size: float, tick: float = 1.2 * mm) -> None:
    """A horizontal millimetre ruler from (x0, y0): ticks every mm, longer every 5, numbered
    every 10."""
    c.setLineWidth(0.3)
    for i in range(length_mm + 1):
        t = tick * (2 if i % 10 == 0 else 1.5 if i % 5 == 0 else 1)
        x = x0 + i * mm
        c.line(x, y0, x, y0 - t)
        if i % 10 == 0:
            L.draw_line_text(c, x, y0 - t - size, str(i), size, align="center")
    c.line(x0, y0, x0 + length_mm * mm, y0)


def _crosshair(c, x: float, y: float, arm: float = 4 * mm) -> None:
    c.setLineWidth(0.3)
    c.line(x - arm, y, x + arm, y)
    c.line(x, y - arm, x, y + arm)
    c.circle(x, y, arm * 0.45, stroke=1, fill=0)


def _offset_ruler(c, x: float, y: float, horizontal: bool, size: float) -> None:
    """A ruler from −10 to +10 mm centred on a printed grid line: where the card's own line falls
    on it is how many millimetres to add to the offset (right and down are +)."""
    c.setLineWidth(0.35)
    for i in range(-10, 11):
        t = (2.4 if i == 0 else 1.8 if i % 5 == 0 else 1.0) * mm
        if horizontal:
            c.line(x + i * mm, y - t / 2, x + i * mm, y + t / 2)
        else:
            c.line(x - t / 2, y - i * mm, x + t / 2, y - i * mm)
        if i % 5 == 0 and i:
            label = f"{i:+d}"
            if horizontal:
                L.draw_line_text(c, x + i * mm, y + 1.6 * mm, label, size, align="center")
            else:
                L.draw_line_text(c, x + 1.6 * mm, y - i * mm - size * 0.35, label, size)
    if horizontal:
        c.line(x - 10 * mm, y, x + 10 * mm, y)
    else:
        c.line(x, y + 10 * mm, x, y - 10 * mm)


def render_calibration_page(out, page_size: str = "A5", offset_x_mm: float = 0,
                            offset_y_mm: float = 0) -> None:
    """A test page on plain paper: the record grid drawn thinly where the rows will print (with
    the current offsets), crosshairs on its corners, rulers to read the error, the offsets."""
    g = CL.geometry(page_size)
    s = g.scale
    c = card_canvas(out, g, f"{CALIBRATION_TITLE}（{g.size}）")
    small = 5.5 * s
    # where the rows will land: the grid and a sample line, moved by the current offsets
    c.saveState()
    c.setStrokeGray(0.35)
    draw_grid(c, g, offset_x_mm, offset_y_mm, line_width=0.25, frame_width=0.4)
    c.setFillGray(0.45)
    draw_row(c, g, SAMPLE_ROW, offset_x_mm, offset_y_mm)
    c.restoreState()
    left, top = CL.shift(g.xs[0], g.grid_top, offset_x_mm, offset_y_mm)
    right, bottom = left + g.grid_width, top - g.header_h - CL.ROWS_PER_PAGE * g.row_h
    for x, y in ((left, top), (right, top), (left, bottom), (right, bottom)):
        _crosshair(c, x, y)
    # rulers across an inner column line and an inner row line, zero on the printed line
    col_x, _ = CL.shift(g.xs[1], 0, offset_x_mm, offset_y_mm)
    row_y = top - g.header_h - 6 * g.row_h
    _offset_ruler(c, col_x, top - g.header_h - 5.5 * g.row_h, True, small)
    _offset_ruler(c, (g.xs[1] + g.xs[2]) / 2 + offset_x_mm * mm, row_y, False, small)
    # a 100 mm ruler, in the middle of a row: if it is not 100 mm long, the printer is scaling
    ruler_len = min(100, int(g.grid_width / mm) - 10)
    ruler_y = top - g.header_h - 8.35 * g.row_h
    _ruler(c, left + 5 * mm * s, ruler_y, ruler_len, small)
    # the words: the title above the grid, how to read it under it
    L.draw_line_text(c, g.width / 2, g.heading_baseline, f"{CALIBRATION_TITLE}（{g.size}）",
                     g.size_pt(CL.HEADING_SIZE) - 1, align="center")
    size = 6.5 * s
    lines = (offset_text(offset_x_mm, offset_y_mm),
             "用普通纸打印本页，叠在救助卡记录页上对光查看：卡上表格线落在刻度 n 处，就在该方向的偏移上加 n 毫米"
             "（向右、向下为正）。",
             f"表格中的刻度尺应正好 {ruler_len} 毫米长；不符时请在打印对话框中选“实际大小”，不要选“适合页面”。")
    parts = [part for line in lines for part in wrap_cjk(line, size, g.grid_width)]
    leading = size * 1.45
    # under the grid, clear of its crosshairs, but never off the paper
    y = max(min(bottom, g.grid_bottom) - 5 * mm * s, 4 * mm + len(parts) * leading)
    for part in parts:
        L.draw_line_text(c, g.xs[0], y, part, size)
        y -= leading
    c.showPage()
    c.save()
