"""Where things sit on the rescue card's record pages (第二至第十二页), declared once.

The booklet (``card.render_card_booklet``), the rows-only print onto an already printed card
(``card.render_card_rows``) and the printer calibration page all read this module, so a row
printed later lands in the cell the booklet drew for it.

The geometry is drawn up in millimetres for an A5 page (the default ``card_page_size``). A4 and
B6 cards are the same page scaled to fit and centred: every card size holds the same
``ROWS_PER_PAGE`` rows, so a row's (page, line) never depends on the paper it was printed on.

Coordinates returned here are reportlab points from the page's lower-left corner. The printer
calibration (``card_offset_x_tenth_mm`` / ``card_offset_y_tenth_mm``) is applied by
``shift``: a positive x moves the print to the right, a positive y moves it *down* the page, as
staff measure it with a ruler on the card.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from reportlab.lib.units import mm

# The lines themselves (which page, which line, their names) are counted in the domain, where
# storage counts them too; they are named here as well for the renderers.
from ..domain.card_slots import (CAPACITY, CHINESE_DIGITS, FIRST_RECORD_PAGE, LAST_RECORD_PAGE,  # noqa: F401
                                 RECORD_PAGES, ROWS_PER_PAGE, check_line, chinese_number, page_label,
                                 position_label, slot_at, slot_index, slots)

PAGE_SIZES_MM = {"A5": (148.0, 210.0), "A4": (210.0, 297.0), "B6": (125.0, 176.0)}
BASE_SIZE = "A5"
DEFAULT_SIZE = "A5"

# On the A5 page, in mm.
LEFT_MM = 8.0          # the grid's left edge
GRID_TOP_MM = 15.0     # from the top edge of the page to the grid's top line
HEADING_MM = 9.5       # from the top edge to the baseline of "第二页"
HEADER_MM = 15.0       # the column headings' row
ROW_MM = 13.5          # one record row
HEADER_SIZE = 7.0      # type sizes (points) on A5
ROW_SIZE = 7.0
ROW_MIN_SIZE = 5.0
HEADING_SIZE = 10.0
CELL_PAD_MM = 0.5


@dataclass(frozen=True)
class Column:
    key: str
    header: str        # with the printed card's line breaks
    width_mm: float
    align: str = "center"

    @property
    def title(self) -> str:
        """The heading on one line, as the plan names the column."""
        return self.header.replace("\n", "")


# The nine columns, in the order and words of Attachment 5 — 132 mm on A5.
COLUMNS = (
    Column("date", "日期", 15.0),
    Column("drugs", "药品名称及规格、数量", 33.0, "left"),
    Column("total", "领药总\n金额\n（元）", 13.0, "right"),
    Column("insurance", "医保特\n病资金\n（元）", 13.0, "right"),
    Column("disability", "残联免费\n服药资金\n（元）", 13.0, "right"),
    Column("programme", "免费服药\n项目资金\n（元）", 13.0, "right"),
    Column("psychiatrist", "精神科\n医师\n签名", 10.6),
    Column("dispenser", "定点医院\n精防人员\n签名", 11.2),
    Column("guardian", "监护人\n签名", 10.2),
)
COLUMN_KEYS = tuple(c.key for c in COLUMNS)
GRID_WIDTH_MM = sum(c.width_mm for c in COLUMNS)

def normalize_size(name: str | None) -> str:
    """"a5" / " A5 " → "A5"; an unknown paper size is refused in Chinese."""
    key = (name or DEFAULT_SIZE).strip().upper()
    if key not in PAGE_SIZES_MM:
        raise ValueError(f"救助卡纸张只能是 {'、'.join(PAGE_SIZES_MM)}，而不是“{name}”")
    return key


@dataclass(frozen=True)
class Geometry:
    """One paper size's record page, in points."""
    size: str
    width: float
    height: float
    scale: float          # of the A5 design
    left: float           # grid's left edge
    grid_top: float       # grid's top line
    header_h: float
    row_h: float
    xs: tuple[float, ...]  # column boundaries, len(COLUMNS) + 1
    heading_baseline: float

    @property
    def page_size(self) -> tuple[float, float]:
        return (self.width, self.height)

    @property
    def grid_width(self) -> float:
        return self.xs[-1] - self.xs[0]

    @property
    def rows_top(self) -> float:
        return self.grid_top - self.header_h

    @property
    def grid_bottom(self) -> float:
        return self.rows_top - ROWS_PER_PAGE * self.row_h

    def size_pt(self, points: float) -> float:
        """A type size of the A5 design on this paper."""
        return points * self.scale


@lru_cache(maxsize=None)
def geometry(size: str | None = DEFAULT_SIZE) -> Geometry:
    key = normalize_size(size)
    base_w, base_h = PAGE_SIZES_MM[BASE_SIZE]
    w_mm, h_mm = PAGE_SIZES_MM[key]
    s = min(w_mm / base_w, h_mm / base_h)
    # the A5 design scaled by s, centred on the page
    dx = (w_mm - base_w * s) / 2
    dy = (h_mm - base_h * s) / 2
    width, height = w_mm * mm, h_mm * mm
    left = (dx + LEFT_MM * s) * mm
    xs = [left]
    for column in COLUMNS:
        xs.append(xs[-1] + column.width_mm * s * mm)
    return Geometry(
        size=key, width=width, height=height, scale=s, left=left,
        grid_top=height - (dy + GRID_TOP_MM * s) * mm,
        header_h=HEADER_MM * s * mm, row_h=ROW_MM * s * mm, xs=tuple(xs),
        heading_baseline=height - (dy + HEADING_MM * s) * mm,
    )


def page_size(size: str | None = DEFAULT_SIZE) -> tuple[float, float]:
    return geometry(size).page_size


def row_box(size: str | None, line: int) -> tuple[float, float, float, float]:
    """(x, y, w, h) of record line ``line`` (1 = the first under the headings), lower-left
    origin, in points, before any calibration offset."""
    check_line(line)
    g = geometry(size)
    top = g.rows_top - (line - 1) * g.row_h
    return (g.left, top - g.row_h, g.grid_width, g.row_h)


def cell_box(size: str | None, line: int, column: int | str) -> tuple[float, float, float, float]:
    """(x, y, w, h) of one cell of a record line; ``column`` by index or key."""
    index = COLUMN_KEYS.index(column) if isinstance(column, str) else column
    g = geometry(size)
    x, y, _, h = row_box(size, line)
    return (g.xs[index], y, g.xs[index + 1] - g.xs[index], h)


def header_box(size: str | None, column: int) -> tuple[float, float, float, float]:
    g = geometry(size)
    return (g.xs[column], g.rows_top, g.xs[column + 1] - g.xs[column], g.header_h)


def row_baseline(size: str | None, line: int, type_size: float | None = None) -> float:
    """The baseline of a single line of text centred in the row."""
    g = geometry(size)
    x, y, w, h = row_box(size, line)
    type_size = type_size or g.size_pt(ROW_SIZE)
    return y + h / 2 - type_size * 0.35


def shift(x: float, y: float, offset_x_mm: float = 0, offset_y_mm: float = 0) -> tuple[float, float]:
    """A point moved by the printer calibration: +x to the right, +y down the page."""
    return (x + offset_x_mm * mm, y - offset_y_mm * mm)
