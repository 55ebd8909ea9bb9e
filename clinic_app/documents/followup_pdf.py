"""A follow-up work list (本月应取药, 逾期未领药, 病情加重 …) as a printable landscape A4 table.

Whatever columns the list has: the caller passes the headers and the rows of display values (the
same ones the screen and the Excel export show, ID numbers already masked). Column widths follow
the text, a cell too long for its column wraps, and the header row repeats on every page; every
page has the list's name at the top, "第 n 页 共 m 页" and the print time at the bottom.

A list handed over to 综治办 and 派出所 (六) carries ``EXCHANGE_NOTICE`` under its title and at the
top of every page: ``render_list_pdf(..., notice=EXCHANGE_NOTICE)``.
"""
from __future__ import annotations

import datetime as dt

from reportlab.lib.units import mm
from reportlab.platypus import LongTable, Spacer

from . import layout as L

EXCHANGE_NOTICE = "仅供综治办、派出所信息交换使用，注意保密"
ROW_SIZE = 9
HEADER_SIZE = 9.5
CELL_PADDING = L.LIST_CELL_PADDING
MAX_NATURAL_WIDTH = 70 * mm  # a long address is wrapped rather than given half the page
EMPTY_TEXT = "（无）"
CONTINUED = "（续）"


def _cell_text(value) -> str:
    return L.text(value)


def column_widths(headers, rows, total: float) -> list[float]:
    """Widths in points that fill ``total``: each column as wide as its widest text (capped at
    ``MAX_NATURAL_WIDTH``), headers counted by their longest line, then scaled to fit."""
    natural = []
    for i, header in enumerate(headers):
        header_width = max(L.text_width(part, HEADER_SIZE) for part in str(header).split("\n") or [""])
        widest = max([L.text_width(_cell_text(row[i]) if i < len(row) else "", ROW_SIZE) for row in rows] or [0])
        natural.append(min(max(header_width, widest, 6 * mm) + 2 * CELL_PADDING, MAX_NATURAL_WIDTH))
    scale = total / sum(natural) if natural else 1
    return [w * scale for w in natural]


def _cell(value: str, width: float):
    """A plain string when it fits on one line (cheap), a wrapping paragraph when it does not."""
    if L.text_width(value, ROW_SIZE) <= width - 2 * CELL_PADDING:
        return value
    return L.paragraph(value, ROW_SIZE)


def _table(headers, rows, widths) -> LongTable:
    header = [L.paragraph(str(h), HEADER_SIZE, "center") for h in headers]
    if rows:
        body = [[_cell(_cell_text(row[i]) if i < len(row) else "", w) for i, w in enumerate(widths)]
                for row in rows]
    else:
        body = [[EMPTY_TEXT] + [""] * (len(headers) - 1)]
    table = LongTable([header] + body, colWidths=widths, repeatRows=1)
    commands = [
        *L.list_grid_commands(CELL_PADDING),
        ("BACKGROUND", (0, 0), (-1, 0), "#E9EFF6"),
    ]
    for i in range(len(widths)):
        values = [row[i] for row in rows if i < len(row) and row[i] not in (None, "")]
        if values and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
            commands.append(("ALIGN", (i, 1), (i, -1), "CENTER"))  # a count of days
    if not rows:
        commands.append(("SPAN", (0, 1), (-1, 1)))
        commands.append(("ALIGN", (0, 1), (-1, 1), "CENTER"))
    table.setStyle(L.table_style(commands, ROW_SIZE))
    return table


def _page_top(title: str, notice: str | None):
    """Every page but the first names the list; every page carries the notice."""
    def draw(c, doc):
        width, height = L.LANDSCAPE
        y = height - L.TOP_MARGIN + 3 * mm
        if doc.page > 1:
            L.draw_line_text(c, L.MARGIN, y, f"{title}{CONTINUED}", L.SMALL_SIZE + 1)
        if notice:
            L.draw_line_text(c, width - L.MARGIN, y, notice, L.SMALL_SIZE + 1, align="right")
    return draw


def render_list_pdf(out, title: str, subtitle: str, headers, rows, *, notice: str | None = None,
                    printed_at: dt.datetime | None = None) -> None:
    """Write the list to ``out`` (a path or a binary file object).

    ``subtitle`` goes under the title (e.g. "油溪镇卫生院  截至 2026-12-10  共 12 名"); ``rows``
    are sequences of display values in the order of ``headers`` (``None`` prints blank)."""
    headers = [str(h) for h in headers]
    rows = [list(r) for r in rows]
    width, _ = L.LANDSCAPE
    frame_width = width - 2 * L.MARGIN
    story = [L.paragraph(title, L.TITLE_SIZE, "center")]
    if subtitle:
        story += [Spacer(1, 2 * mm), L.paragraph(subtitle, L.BODY_SIZE - 1, "center")]
    if notice:
        story += [Spacer(1, 1.5 * mm), L.paragraph(notice, L.BODY_SIZE, "center")]
    story += [Spacer(1, 4 * mm), _table(headers, rows, column_widths(headers, rows, frame_width))]
    doc = L.new_document(out, L.LANDSCAPE, title)
    top = _page_top(title, notice)
    doc.build(story, onFirstPage=top, onLaterPages=top,
              canvasmaker=L.numbered_canvas(printed_at, L.LANDSCAPE))
