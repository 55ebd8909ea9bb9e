"""The rescue card's record grid (第二至第十二页) and the text of its rows, and the canvas every
print of the card is drawn on.

The booklet draws the grid with its rows, a print onto an already printed card only the rows'
text, and the calibration page the grid thinly: all three place a row in the same cells, moved by
the printer calibration (millimetres; ``card_layout.shift``) when there is one.
"""
from __future__ import annotations

import datetime as dt

from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as pdf_canvas

from ..domain.money import yuan
from . import card_layout as CL
from . import layout as L
from .card_data import CardRow

GRID_LINE = 0.6
GRID_FRAME = 1.0
ONE_LINE_SHRINK = 0.8  # a name a little too wide for its cell gets smaller type, not a break


# --- the canvas ------------------------------------------------------------------------------

def card_canvas(out, g: CL.Geometry, title: str) -> pdf_canvas.Canvas:
    """A plain canvas: the card carries no footer or print time, it is the patient's booklet."""
    target = str(out) if hasattr(out, "__fspath__") else out
    c = pdf_canvas.Canvas(target, pagesize=g.page_size, initialFontName=L.font(),
                          pageCompression=1)
    c.setTitle(title)
    c.setAuthor("clinic_app")
    return c


def _box(t: tuple[float, float, float, float], dx: float = 0, dy: float = 0) -> L.Box:
    x, y, w, h = t
    x, y = CL.shift(x, y, dx, dy)
    return L.Box(x, y, w, h)


def draw_heading(c, g: CL.Geometry, page: int) -> None:
    L.draw_line_text(c, g.width / 2, g.heading_baseline, CL.page_label(page),
                     g.size_pt(CL.HEADING_SIZE), align="center")


# --- the record rows -----------------------------------------------------------------------------

def amounts(row: CardRow) -> dict[str, str]:
    """The four money cells in yuan; a void line shows its amounts negative."""
    sign = -1 if row.is_void else 1
    return {key: yuan(sign * abs(getattr(row, f"{key}_fen")))
            for key in ("total", "insurance", "disability", "programme")}


def drug_cell(row: CardRow) -> str:
    """What the 药品名称及规格、数量 cell says: the drugs, or which line a void cancels."""
    text = (row.voids_text or "作废") if row.is_void else row.drug_text
    if row.relief_fen:
        sign = -1 if row.is_void else 1
        text = f"{text}（含民政救助 {yuan(sign * abs(row.relief_fen))} 元）"
    return text


def date_cell(value) -> str:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.strftime("%Y-%m-%d")
    return L.text(value)[:10]


def cell_values(row: CardRow) -> dict[str, str]:
    values = {"date": date_cell(row.date), "drugs": drug_cell(row),
              "psychiatrist": row.psychiatrist, "dispenser": row.dispenser, "guardian": row.guardian}
    values.update(amounts(row))
    return values


def draw_row(c, g: CL.Geometry, row: CardRow, dx: float = 0, dy: float = 0) -> None:
    """One record line's text in its cells, moved by the calibration offsets (mm)."""
    values = cell_values(row)
    size = g.size_pt(CL.ROW_SIZE)
    pad = CL.CELL_PAD_MM * g.scale * mm
    for index, column in enumerate(CL.COLUMNS):
        value = values[column.key]
        if not value:
            continue
        box = _box(CL.cell_box(g.size, row.line, index), dx, dy)
        draw_cell_text(c, value, box, size, column.align, pad)


def draw_cell_text(c, value: str, box: L.Box, size: float, align: str = "center",
                   pad: float = CL.CELL_PAD_MM * mm) -> None:
    """One line of text when it fits (fast: no paragraph) or nearly fits (a little smaller),
    else the paragraph, one drug a line, shrunk until it fits the cell."""
    inner_w = box.w - 2 * pad
    width = L.text_width(value, size)
    if "\n" not in value and width <= inner_w / ONE_LINE_SHRINK:
        size = min(size, size * inner_w / width) if width else size
        baseline = box.y + box.h / 2 - size * 0.35
        x = {"left": box.x + pad, "right": box.right - pad}.get(align, box.x + box.w / 2)
        L.draw_line_text(c, x, baseline, value, size, align)
        return
    value = value.replace("；", "；\n").rstrip("\n")
    L.draw_text_in_box(c, value, box, size, align=align, padding=pad, vpadding=pad / 2)


def rows_by_page(rows: list[CardRow]) -> dict[int, list[CardRow]]:
    pages: dict[int, list[CardRow]] = {}
    for row in rows:
        if row.page not in CL.RECORD_PAGES:
            raise ValueError(f"第{row.page}页不是救助卡的记录页（第2至第12页）")
        CL.check_line(row.line)
        pages.setdefault(row.page, []).append(row)
    for page_rows in pages.values():
        lines = [r.line for r in page_rows]
        if len(lines) != len(set(lines)):
            raise ValueError("两条领药记录占用了救助卡的同一行")
    return dict(sorted(pages.items()))


# --- the grid ------------------------------------------------------------------------------------

def draw_grid(c, g: CL.Geometry, dx: float = 0, dy: float = 0, line_width: float = GRID_LINE,
              frame_width: float = GRID_FRAME, headers: bool = True) -> None:
    left, _ = CL.shift(g.xs[0], 0, dx, dy)
    right = left + g.grid_width
    _, top = CL.shift(0, g.grid_top, dx, dy)
    rows_top = top - g.header_h
    bottom = rows_top - CL.ROWS_PER_PAGE * g.row_h
    c.setLineWidth(line_width)
    for x in g.xs[1:-1]:
        x, _ = CL.shift(x, 0, dx, dy)
        c.line(x, top, x, bottom)
    for i in range(CL.ROWS_PER_PAGE + 1):
        y = rows_top - i * g.row_h
        c.line(left, y, right, y)
    c.setLineWidth(frame_width)
    c.rect(left, bottom, right - left, top - bottom, stroke=1, fill=0)
    if headers:
        size = g.size_pt(CL.HEADER_SIZE)
        for index, column in enumerate(CL.COLUMNS):
            L.draw_text_in_box(c, column.header, _box(CL.header_box(g.size, index), dx, dy), size,
                               align="center", padding=0.4 * mm * g.scale, vpadding=0.4 * mm * g.scale)


def draw_record_page(c, g: CL.Geometry, page: int, rows: list[CardRow]) -> None:
    draw_heading(c, g, page)
    draw_grid(c, g)
    for row in rows:
        draw_row(c, g, row)
