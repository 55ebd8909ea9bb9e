"""Attachment 8, 《江津区免费服用第二代抗精神病药患者登记名单》, as a landscape A4 printout.

A clinic's register runs to hundreds of rows, so the table is a reportlab ``LongTable`` (it does
not re-measure every remaining row at each page break) and cells are plain strings unless their
text is too wide for the column: only those become wrapping paragraphs. The column header repeats
on every page; the footer says "第 n 页 共 m 页".
"""
from __future__ import annotations

import datetime as dt

from reportlab.lib.units import mm
from reportlab.platypus import LongTable, Spacer, Table

from ..domain import risk
from ..domain.register_columns import REGISTER_COLUMNS, REGISTER_TITLE
from . import layout as L

ROW_SIZE = 9.5
HEADER_SIZE = 10
CELL_PADDING = L.LIST_CELL_PADDING
BLANK_ROWS = 15  # an empty register prints as a form to fill in by hand
CONTINUED = "（续）"
HEADER_WORDS = ("监护人", "危险性", "患者", "身份证")


def risk_text(level) -> str:
    """"3级"; no assessment yet prints nothing (a blank to fill in, not a zero)."""
    if level is None or level == "":
        return ""
    return risk.label(int(level)) if risk.is_level(level) else L.text(level)


def cell_text(key: str, row: dict, index: int) -> str:
    if key == "seq":
        return L.text(row.get("seq") if row.get("seq") not in (None, "") else index)
    if key == "risk_level":
        return risk_text(row.get("risk_level"))
    return L.text(row.get(key))


def column_widths(total: float) -> list[float]:
    """The declared widths, scaled to the printable width."""
    declared = sum(c.width_mm for c in REGISTER_COLUMNS)
    return [c.width_mm * total / declared for c in REGISTER_COLUMNS]


def _cell(value: str, width: float, align: str):
    """A string when it fits on one line (cheap), a wrapping paragraph when it does not."""
    if L.text_width(value, ROW_SIZE) <= width - 2 * CELL_PADDING:
        return value
    return L.paragraph(value, ROW_SIZE, align)


def header_text(header: str, width: float) -> str:
    """A header too wide for its column breaks after its first word, as the printed form does
    ("危险性 / 评估", "监护人 / 姓名"), not wherever the column happens to end."""
    if L.text_width(header, HEADER_SIZE) <= width - 2 * CELL_PADDING:
        return header
    for word in HEADER_WORDS:
        if header.startswith(word) and header != word:
            return f"{word}\n{header[len(word):]}"
    return header


def _table(rows: list[dict], widths: list[float]) -> LongTable:
    header = [L.paragraph(header_text(c.header, w), HEADER_SIZE, "center")
              for c, w in zip(REGISTER_COLUMNS, widths)]
    if rows:
        aligns = ["left" if c.wraps else "center" for c in REGISTER_COLUMNS]
        body = [[_cell(cell_text(c.key, row, i), w, a) for c, w, a in zip(REGISTER_COLUMNS, widths, aligns)]
                for i, row in enumerate(rows, start=1)]
        heights = None
    else:
        body = [[""] * len(REGISTER_COLUMNS) for _ in range(BLANK_ROWS)]
        heights = [None] + [9 * mm] * BLANK_ROWS
    table = LongTable([header] + body, colWidths=widths, repeatRows=1, rowHeights=heights)
    centred = [i for i, c in enumerate(REGISTER_COLUMNS) if not c.wraps]
    commands = [
        *L.list_grid_commands(CELL_PADDING),
        ("TOPPADDING", (0, 0), (-1, 0), 4),
        ("BOTTOMPADDING", (0, 0), (-1, 0), 5),
    ]
    commands += [("ALIGN", (i, 1), (i, -1), "CENTER") for i in centred]
    table.setStyle(L.table_style(commands, ROW_SIZE))
    return table


def _heading_line(clinic_name: str, filled_by: str, filled_date: dt.date, width: float) -> Table:
    """"单位：…    填表人：…    填表时间：…", spread across the page as on the form."""
    parts = [f"单位：{L.text(clinic_name)}", f"填表人：{L.text(filled_by)}",
             f"填表时间：{L.chinese_date(filled_date)}"]
    table = Table([[L.paragraph(parts[0], L.BODY_SIZE), L.paragraph(parts[1], L.BODY_SIZE, "center"),
                    L.paragraph(parts[2], L.BODY_SIZE, "right")]],
                  colWidths=[width * 0.45, width * 0.25, width * 0.30])
    table.setStyle(L.table_style([("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    return table


def _later_page(clinic_name: str):
    """Continuation pages name the register and the clinic in small type above the table."""
    def draw(c, doc):
        width, height = L.LANDSCAPE
        L.draw_line_text(c, L.MARGIN, height - L.TOP_MARGIN + 3 * mm,
                         f"{REGISTER_TITLE}{CONTINUED}  单位：{L.text(clinic_name)}", L.SMALL_SIZE + 1)
    return draw


def render_register_pdf(out, rows: list[dict], clinic_name: str, filled_by: str,
                        filled_date: dt.date, *, printed_at: dt.datetime | None = None) -> None:
    """Write the register; ``rows`` carry the keys of ``REGISTER_COLUMNS`` (seq may be left out:
    rows are then numbered in order)."""
    width, _ = L.LANDSCAPE
    frame_width = width - 2 * L.MARGIN
    story = [
        L.paragraph(REGISTER_TITLE, L.TITLE_SIZE, "center"),
        Spacer(1, 5 * mm),
        _heading_line(clinic_name, filled_by, filled_date, frame_width),
        Spacer(1, 2 * mm),
        _table(list(rows), column_widths(frame_width)),
    ]
    doc = L.new_document(out, L.LANDSCAPE, f"{REGISTER_TITLE} - {L.text(clinic_name)}")
    doc.build(story, onLaterPages=_later_page(clinic_name),
              canvasmaker=L.numbered_canvas(printed_at, L.LANDSCAPE))
