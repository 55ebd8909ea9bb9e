"""What the printed forms share: A4 pages, margins, type sizes, bordered cells with wrapped
Chinese text, tick boxes, titles and the footer ("第 n 页 共 m 页", 打印时间).

The three documents (审批表, 服务协议, 登记名单) are drawn with these helpers so that they look like
one set of forms, and a change of margin or font is made once.

Every string is drawn in the embedded CJK font (``fonts.register()``): a PDF that leans on a font
of the viewer prints boxes on a clinic PC without Chinese fonts.

Tick boxes are drawn as lines, not as characters: the shipped font has "□" but no "☑". So that
the text layer (copy and paste, search, tests) still says which box is ticked, each box carries an
invisible mark: ``CHECKED_MARK`` or ``UNCHECKED_MARK``.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas as pdf_canvas
from reportlab.platypus import Paragraph

from .fonts import register

PORTRAIT = A4
LANDSCAPE = landscape(A4)
MARGIN = 15 * mm
TOP_MARGIN = 14 * mm
BOTTOM_MARGIN = 16 * mm  # the footer sits in here

TITLE_SIZE = 18
BODY_SIZE = 12
CELL_SIZE = 10.5
SMALL_SIZE = 8
MIN_CELL_SIZE = 6.5  # text that would need less is cut rather than made unreadable
LINE_WIDTH = 0.7
FRAME_WIDTH = 1.2

CHECKED_MARK = "✔"  # invisible, over a ticked box
UNCHECKED_MARK = "□"  # invisible, over an empty box
BOX_SIZE = 3.0 * mm

ALIGNMENTS = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT, "justify": TA_JUSTIFY}


def font() -> str:
    """The embedded CJK font, registered on first use."""
    return register()


def text(value) -> str:
    """What a field prints as: None prints nothing, everything else as it reads."""
    if value is None:
        return ""
    return str(value).strip()


def chinese_date(day: dt.date | str | None, blank: str = "    ") -> str:
    """``2024 年 05 月 10 日``, or the empty ``    年    月    日`` to fill in by hand."""
    if isinstance(day, str) and day:
        day = dt.date.fromisoformat(day[:10])
    if not day:
        return f"{blank}年{blank}月{blank}日"
    return f"{day.year} 年 {day.month:02d} 月 {day.day:02d} 日"


# --- text ------------------------------------------------------------------------------------

@lru_cache(maxsize=256)
def style(size: float = BODY_SIZE, align: str = "left", leading: float | None = None,
          first_indent: float = 0) -> ParagraphStyle:
    """A paragraph style in our font that breaks lines between any two Chinese characters."""
    return ParagraphStyle(
        f"s{size}-{align}-{leading}-{first_indent}", fontName=font(), fontSize=size,
        leading=leading or size * 1.2, alignment=ALIGNMENTS[align], wordWrap="CJK",
        firstLineIndent=first_indent,
    )


def paragraph(value, size: float = BODY_SIZE, align: str = "left", leading: float | None = None,
              first_indent: float = 0) -> Paragraph:
    """Plain text (never markup: a patient's address may hold "<" or "&") as a paragraph.

    Runs of spaces are kept (they are room to write in, as in "    年    月    日")."""
    raw = "" if value is None else str(value)
    markup = re.sub(r" {2,}", lambda m: "\u00a0" * len(m.group()), escape(raw))
    return Paragraph(markup.replace("\n", "<br/>"),
                     style(size, align, leading, first_indent))


def text_width(value: str, size: float) -> float:
    return stringWidth(value, font(), size)


def fit_paragraph(value, width: float, height: float, size: float = CELL_SIZE,
                  align: str = "left", min_size: float = MIN_CELL_SIZE) -> tuple[Paragraph, float]:
    """The paragraph at the largest size, from ``size`` down, whose wrapped lines fit the box,
    with its height. A long address gets a smaller type instead of running out of its cell."""
    current = size
    while True:
        para = paragraph(value, current, align)
        _, used = para.wrap(width, height)
        if used <= height or current <= min_size:
            return para, used
        current = max(min_size, current - 0.5)


@dataclass(frozen=True)
class Box:
    """A rectangle in points, from its lower-left corner (reportlab's coordinates)."""
    x: float
    y: float
    w: float
    h: float

    @property
    def top(self) -> float:
        return self.y + self.h

    @property
    def right(self) -> float:
        return self.x + self.w

    def inset(self, dx: float, dy: float | None = None) -> "Box":
        dy = dx if dy is None else dy
        return Box(self.x + dx, self.y + dy, self.w - 2 * dx, self.h - 2 * dy)


def draw_text_in_box(c: pdf_canvas.Canvas, value, box: Box, size: float = CELL_SIZE,
                     align: str = "center", valign: str = "middle", padding: float = 1.5 * mm,
                     vpadding: float = 0.5 * mm) -> None:
    """Wrapped text inside a cell, shrunk until it fits, never drawn over the cell's lines."""
    if not text(value):
        return
    inner = box.inset(padding, vpadding)
    para, used = fit_paragraph(value, inner.w, inner.h, size, align)
    if valign == "top":
        y = inner.top - used
    elif valign == "bottom":
        y = inner.y
    else:
        y = inner.y + (inner.h - used) / 2
    c.saveState()
    path = c.beginPath()
    path.rect(box.x, box.y, box.w, box.h)
    c.clipPath(path, stroke=0, fill=0)  # an over-long value is cut at the cell, never overprinted
    para.drawOn(c, inner.x, y)
    c.restoreState()


def draw_line_text(c: pdf_canvas.Canvas, x: float, y: float, value: str, size: float = BODY_SIZE,
                   align: str = "left") -> float:
    """One line of text at a baseline; returns its width."""
    c.setFont(font(), size)
    width = text_width(value, size)
    if align == "center":
        x -= width / 2
    elif align == "right":
        x -= width
    c.drawString(x, y, value)
    return width


def draw_filled_blank(c: pdf_canvas.Canvas, x: float, y: float, value: str, width: float,
                      size: float = BODY_SIZE) -> float:
    """A value written on an underline ("镇（街）____"); an empty one leaves the line to fill in."""
    c.setLineWidth(0.5)
    c.line(x, y - 1.5, x + width, y - 1.5)
    if value:
        while text_width(value, size) > width and size > MIN_CELL_SIZE:
            size -= 0.5  # a long town name gets smaller type, not a longer line
        c.setFont(font(), size)
        c.drawCentredString(x + width / 2, y, value)
    return width


LIST_CELL_PADDING = 1.2 * mm


def list_grid_commands(padding: float = LIST_CELL_PADDING) -> list:
    """Ruled cells, a heavier frame and tight padding: the grid of every printed list (register,
    follow-up lists)."""
    return [
        ("GRID", (0, 0), (-1, -1), LINE_WIDTH, "black"),
        ("BOX", (0, 0), (-1, -1), FRAME_WIDTH, "black"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), padding),
        ("RIGHTPADDING", (0, 0), (-1, -1), padding),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]


def table_style(commands: list, size: float = CELL_SIZE):
    """A platypus table style whose every cell is in our font (reportlab's default for table
    cells is Helvetica, which has no Chinese)."""
    from reportlab.platypus import TableStyle

    return TableStyle([("FONT", (0, 0), (-1, -1), font(), size)] + list(commands))


# --- boxes and ticks ----------------------------------------------------------------------------

def draw_cell(c: pdf_canvas.Canvas, box: Box, width: float = LINE_WIDTH) -> None:
    c.setLineWidth(width)
    c.rect(box.x, box.y, box.w, box.h, stroke=1, fill=0)


def draw_checkbox(c: pdf_canvas.Canvas, x: float, baseline: float, checked: bool,
                  size: float = BOX_SIZE) -> float:
    """A square sitting on the text baseline, with a tick when ``checked``; returns its width.

    The invisible mark lets a reader of the text layer tell ticked from empty."""
    c.saveState()
    c.setLineWidth(0.6)
    y = baseline - size * 0.12
    c.rect(x, y, size, size, stroke=1, fill=0)
    if checked:
        c.setLineWidth(1.1)
        tick = c.beginPath()
        tick.moveTo(x + size * 0.15, y + size * 0.55)
        tick.lineTo(x + size * 0.42, y + size * 0.2)
        tick.lineTo(x + size * 0.95, y + size * 1.05)
        c.drawPath(tick, stroke=1, fill=0)
    marker = c.beginText(x, baseline)
    marker.setFont(font(), size)
    marker.setTextRenderMode(3)  # invisible
    marker.textOut(CHECKED_MARK if checked else UNCHECKED_MARK)
    c.drawText(marker)
    c.restoreState()
    return size


def draw_choice(c: pdf_canvas.Canvas, x: float, baseline: float, label: str, checked: bool,
                size: float = CELL_SIZE, gap: float = 1.2 * mm) -> float:
    """"农业户口 □" — the label, then its box, as on the printed forms; returns the total width."""
    width = draw_line_text(c, x, baseline, label, size)
    box_size = min(BOX_SIZE, size * 0.9)
    draw_checkbox(c, x + width + gap, baseline, checked, box_size)
    return width + gap + box_size


def choice_width(label: str, size: float = CELL_SIZE, gap: float = 1.2 * mm) -> float:
    return text_width(label, size) + gap + min(BOX_SIZE, size * 0.9)


# --- a grid of cells ------------------------------------------------------------------------------

class Grid:
    """Columns and rows of a form, top-down, so cells are named by (row, column) with spans.

    Widths are given in points and rows by height; the grid hangs from ``top``."""

    def __init__(self, left: float, top: float, widths: list[float], heights: list[float]):
        self.xs = [left]
        for w in widths:
            self.xs.append(self.xs[-1] + w)
        self.ys = [top]
        for h in heights:
            self.ys.append(self.ys[-1] - h)

    @property
    def outline(self) -> Box:
        return Box(self.xs[0], self.ys[-1], self.xs[-1] - self.xs[0], self.ys[0] - self.ys[-1])

    def cell(self, row: int, col: int, rowspan: int = 1, colspan: int = 1) -> Box:
        x0, x1 = self.xs[col], self.xs[col + colspan]
        y_top, y_bottom = self.ys[row], self.ys[row + rowspan]
        return Box(x0, y_bottom, x1 - x0, y_top - y_bottom)


# --- titles and footers -----------------------------------------------------------------------------

def draw_title(c: pdf_canvas.Canvas, value: str, baseline: float, page_width: float,
               size: float = TITLE_SIZE) -> None:
    """The form's name centred across the page, a little spaced like the printed original."""
    c.setFont(font(), size)
    c.drawCentredString(page_width / 2, baseline, value)


def draw_corner_note(c: pdf_canvas.Canvas, value: str, page_size, size: float = SMALL_SIZE + 1) -> None:
    """A small note at the top right (e.g. "（第一联 甲方留存）")."""
    width, height = page_size
    draw_line_text(c, width - MARGIN, height - TOP_MARGIN + 3 * mm, value, size, align="right")


def printed_at_text(printed_at: dt.datetime | None) -> str:
    moment = printed_at or dt.datetime.now()
    return f"打印时间：{moment:%Y-%m-%d %H:%M}"


def draw_footer(c: pdf_canvas.Canvas, page: int, pages: int, printed_at: dt.datetime | None,
                page_size) -> None:
    """"第 n 页 共 m 页" in the middle, the print time at the right, in small grey type."""
    width, _ = page_size
    y = BOTTOM_MARGIN / 2
    c.saveState()
    c.setFillGray(0.35)
    draw_line_text(c, width / 2, y, f"第 {page} 页 共 {pages} 页", SMALL_SIZE, align="center")
    draw_line_text(c, width - MARGIN, y, printed_at_text(printed_at), SMALL_SIZE, align="right")
    c.restoreState()


def numbered_canvas(printed_at: dt.datetime | None = None, page_size=PORTRAIT):
    """A canvas class that holds its pages back until the end, so each footer can say how many
    pages there are in all. Pass it as ``canvasmaker`` or construct it directly."""
    moment = printed_at or dt.datetime.now()

    class NumberedCanvas(pdf_canvas.Canvas):
        def __init__(self, *args, **kwargs):
            kwargs.setdefault("pagesize", page_size)
            kwargs.setdefault("initialFontName", font())  # no stray Helvetica in the PDF
            super().__init__(*args, **kwargs)
            self._held_pages: list[dict] = []

        def showPage(self):
            self._held_pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._held_pages)
            for number, state in enumerate(self._held_pages, start=1):
                self.__dict__.update(state)
                draw_footer(self, number, total, moment, self._pagesize)
                super().showPage()
            super().save()

    return NumberedCanvas


def new_document(out, page_size=PORTRAIT, title: str = ""):
    """A platypus document on a path or a binary file object, with the forms' margins and our
    font as the canvas's initial font (else an unused Helvetica is declared on every page).
    Build it with ``canvasmaker=numbered_canvas(...)`` for the footer."""
    from reportlab.platypus import SimpleDocTemplate

    target = str(out) if hasattr(out, "__fspath__") else out
    return SimpleDocTemplate(target, pagesize=page_size, leftMargin=MARGIN, rightMargin=MARGIN,
                             topMargin=TOP_MARGIN, bottomMargin=BOTTOM_MARGIN, title=title,
                             author="clinic_app", initialFontName=font())


def new_canvas(out, page_size=PORTRAIT, title: str = "", printed_at: dt.datetime | None = None):
    """A numbered canvas on a path or a binary file object, titled for the PDF viewer."""
    target = str(out) if hasattr(out, "__fspath__") else out
    c = numbered_canvas(printed_at, page_size)(target, pagesize=page_size)
    c.setTitle(title)
    c.setAuthor("clinic_app")
    return c
