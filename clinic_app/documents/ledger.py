"""The quarterly ledger (台账) as a landscape A4 PDF for the programme office: every row, the column
header on every page, a 合计 row, the totals per fund, per specification, the patients served,
the pre-allocated fund against what the programme fund paid, and lines to sign
(负责人签字 / 填报人 / 日期).

A busy quarter runs to tens of thousands of rows, hundreds of pages, so the table is not a
platypus ``Table`` (which measures every cell) nor drawn through reportlab's text objects (which
format every position in Python): rows have one fixed height, and each cell is written as raw PDF
text operators (``canvas.addLiteral``), cached per distinct value and encoded by the embedded
font's own subsetting. Rows are written row by row, so copying or extracting the text gives one
line per row. A cell that does not fit gets smaller type (down to ``MIN_SIZE``), then two lines
(a void's note with its reason), then is cut with "…" — the Excel and CSV files carry the full text.

Rendering is deterministic: the same ledger and ``generated_at`` give the same bytes (reportlab's
invariant mode, and the PDF's dates set to ``generated_at``).
"""
from __future__ import annotations

import datetime as dt

from reportlab import rl_config
from reportlab.lib.rl_accel import escapePDF
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth

from ..domain.ledger import COLUMNS, FUND_LABELS, FUNDS, TITLE, TOTAL_LABEL, Ledger
from ..domain.money import yuan
from . import layout as L

SIZE = 7.0
MIN_SIZE = 6.0
TWO_LINE_SIZE = 5.5
TWO_LINE_SHIFT = (3.4, -2.6)  # points above and below the one-line baseline
HEADER_SIZE = 7.0
ROW_H = 4.6 * mm
HEADER_LINE_H = 3.0 * mm
PAD = 1.0 * mm
CONTINUED = "（续）"
HEADER_BREAKS = {"领药总金额（元）": "领药总金额\n（元）", "医保特病资金（元）": "医保特病\n资金（元）",
                 "民政救助资金（元）": "民政救助\n资金（元）", "残联免费服药资金（元）": "残联免费服药\n资金（元）",
                 "免费服药项目资金（元）": "免费服药项目\n资金（元）"}
MERGED = next(i for i, col in enumerate(COLUMNS) if col.kind == "money")  # 合计 spans the columns before
SIGNATURES = ("负责人签字：", "填报人：", "日期：")
SUMMARY_ROW_H = 6.0 * mm
SUMMARY_SIZE = 9.0
SIGNATURE_H = 20 * mm
DRUG_HEADER_H = 9 * mm


class _Widths:
    """Text widths from cached per-character advances: stringWidth on every cell of a big ledger
    would cost more than the drawing."""

    def __init__(self, font: str):
        self.font = font
        self.unit: dict[str, float] = {}

    def __call__(self, text: str, size: float) -> float:
        unit = self.unit
        total = 0.0
        for ch in text:
            w = unit.get(ch)
            if w is None:
                w = unit[ch] = stringWidth(ch, self.font, 1000) / 1000
            total += w
        return total * size


def wrap(text: str, width: float, size: float, measure) -> list[str]:
    """Greedy line breaking between any two characters (Chinese has no spaces to break at)."""
    lines, current = [], ""
    for ch in text:
        if current and measure(current + ch, size) > width:
            lines.append(current)
            current = ch
        else:
            current += ch
    return lines + [current] if current else lines


def header_lines(header: str, width: float, measure) -> list[str]:
    """A column header broken as on the rescue card's record pages ("医保特病 / 资金（元）"), else
    to its width."""
    header = HEADER_BREAKS.get(header, header)
    if "\n" in header:
        return header.split("\n")
    return wrap(header, width, HEADER_SIZE, measure)


def fit(text: str, width: float, measure) -> tuple[tuple[str, ...], float]:
    """The lines of a cell and their size: one line at ``SIZE``, or smaller down to ``MIN_SIZE``;
    else two lines at ``TWO_LINE_SIZE`` (a void's note with its reason), the second cut with "…"."""
    full = measure(text, 1.0)
    if full * SIZE <= width:
        return (text,), SIZE
    if full * MIN_SIZE <= width:
        return (text,), max(MIN_SIZE, int(width / full * 2) / 2)
    lines = wrap(text, width, TWO_LINE_SIZE, measure)
    if len(lines) <= 2:
        return tuple(lines), TWO_LINE_SIZE
    second = "".join(lines[1:])
    while second and measure(second + "…", TWO_LINE_SIZE) > width:
        second = second[:-1]
    return (lines[0], second + "…"), TWO_LINE_SIZE


class _Page:
    """Where the pen is on the current page; starts new pages with their heading."""

    def __init__(self, c, ledger: Ledger):
        self.c = c
        self.ledger = ledger
        self.width, self.height = L.LANDSCAPE
        self.left = L.MARGIN
        self.right = self.width - L.MARGIN
        self.bottom = L.BOTTOM_MARGIN
        self.y = self.height - L.TOP_MARGIN
        self.first = True

    def heading(self) -> str:
        return f"单位：{self.ledger.clinic_name or self.ledger.clinic_code}    季度：{self.ledger.label}" \
               f"（{self.ledger.quarter.first_day.isoformat()} 至 {self.ledger.quarter.last_day.isoformat()}）"

    def draw_title(self) -> None:
        c = self.c
        L.draw_title(c, f"{TITLE}（{self.ledger.label}）", self.y - 16, self.width, 16)
        state = "已结账" if self.ledger.closed else "未结账"
        L.draw_line_text(c, self.left, self.y - 30, self.heading(), 9.5)
        L.draw_line_text(c, self.right, self.y - 30, state, 9.5, align="right")
        self.y -= 36

    def new_page(self) -> None:
        self.c.showPage()
        self.y = self.height - L.TOP_MARGIN
        L.draw_line_text(self.c, self.left, self.y - 8, f"{TITLE}{CONTINUED}  {self.heading()}", L.SMALL_SIZE)
        self.y -= 13

    def room(self, needed: float) -> bool:
        return self.y - needed >= self.bottom

    def need(self, needed: float) -> None:
        if not self.room(needed):
            self.new_page()


class _Cells:
    """Text as raw PDF operators, cached per string: a big ledger has half a million cells, and
    reportlab's text objects (which measure and position every string through Python-level
    number formatting) would take seconds. Strings are still encoded through the font's own
    subsetting (``splitString``), so the font is embedded exactly as for any other text."""

    def __init__(self, c, measure):
        self.font = pdfmetrics.getFont(L.font())
        self.doc = c._doc
        self.measure = measure
        self.shown: dict[tuple[str, float], tuple[str, float]] = {}

    def show(self, text: str, size: float) -> tuple[str, float]:
        """(operators that draw ``text`` at the current text matrix, its width)."""
        key = (text, size)
        found = self.shown.get(key)
        if found is None:
            parts = [f"{self.font.getSubsetInternalName(subset, self.doc)} {size:g} Tf ({escapePDF(chunk)}) Tj"
                     for subset, chunk in self.font.splitString(text, self.doc)]
            found = self.shown[key] = (" ".join(parts), self.measure(text, size))
        return found


class _Table:
    """The ledger's columns on the page: positions, wrapped headers, fitted cells."""

    def __init__(self, page: _Page, measure):
        self.page = page
        self.measure = measure
        self.cells = _Cells(page.c, measure)
        total = page.right - page.left
        declared = sum(col.width_mm for col in COLUMNS)
        self.widths = [col.width_mm * total / declared for col in COLUMNS]
        self.xs = [page.left]
        for w in self.widths:
            self.xs.append(self.xs[-1] + w)
        self.headers = [header_lines(col.header, w - 2 * PAD, measure) for col, w in zip(COLUMNS, self.widths)]
        self.header_h = max(len(h) for h in self.headers) * HEADER_LINE_H + 2 * PAD
        self.drawn: list[dict[str, list]] = [{} for _ in COLUMNS]  # value: what ``placed`` says
        self.right_aligned = [col.kind in ("money", "int") for col in COLUMNS]
        self._header_ops: dict[float, str] = {}

    def placed(self, index: int, value: str) -> list[tuple[str, float, str]]:
        """How a value sits in its column: (x as PDF text, baseline shift, operators) per line."""
        found = self.drawn[index].get(value)
        if found is None:
            x, w = self.xs[index], self.widths[index]
            lines, size = fit(value, w - 2 * PAD, self.measure)
            shifts = TWO_LINE_SHIFT if len(lines) == 2 else (0.0,)
            found = []
            for line, shift in zip(lines, shifts):
                code, width = self.cells.show(line, size)
                left = x + w - PAD - width if self.right_aligned[index] else x + PAD
                found.append((f"{left:.2f}", shift, code))
            self.drawn[index][value] = found
        return found

    def _header_literal(self, bottom: float) -> str:
        page = self.page
        ops = [f"q 0.93 g {page.left:.2f} {bottom:.2f} {page.right - page.left:.2f} {self.header_h:.2f} re f Q",
               "q 0 g BT"]
        for x, w, lines in zip(self.xs, self.widths, self.headers):
            block = len(lines) * HEADER_LINE_H
            y = bottom + (self.header_h - block) / 2 + block - HEADER_LINE_H + 0.8 * mm
            for line in lines:
                shown, width = self.cells.show(line, HEADER_SIZE)
                ops.append(f"1 0 0 1 {x + (w - width) / 2:.2f} {y:.2f} Tm {shown}")
                y -= HEADER_LINE_H
        ops.append("ET Q")
        return "\n".join(ops)

    def draw_header(self) -> float:
        """The column header at the pen (the same operators on every page); returns its lower edge."""
        page = self.page
        bottom = page.y - self.header_h
        literal = self._header_ops.get(bottom)
        if literal is None:
            literal = self._header_ops[bottom] = self._header_literal(bottom)
        page.c.addLiteral(literal)
        page.y = bottom
        return bottom

    def draw_rows(self, rows: list[list[str]]) -> None:
        """Rows of cell texts below the pen, row by row (so a text extractor reads them in order)."""
        page = self.page
        top = page.y
        ops = ["q 0 g BT"]
        add = ops.append
        placed = self.placed
        drawn = self.drawn
        columns = range(len(COLUMNS))
        for n, cells in enumerate(rows):
            base = top - (n + 1) * ROW_H + 1.4 * mm
            baseline = f"{base:.2f}"
            for index, value in zip(columns, cells):
                if not value:
                    continue
                parts = drawn[index].get(value) or placed(index, value)
                for x, shift, code in parts:
                    add(f"1 0 0 1 {x} {f'{base + shift:.2f}' if shift else baseline} Tm {code}")
        add("ET Q")
        page.c.addLiteral("\n".join(ops))
        page.y = top - len(rows) * ROW_H

    def draw_totals(self, ledger: Ledger) -> None:
        """The 合计 row below the pen: the label across the columns before the money, the sums."""
        page, c = self.page, self.page.c
        top = page.y
        baseline = top - ROW_H + 1.4 * mm
        L.draw_line_text(c, (self.xs[0] + self.xs[MERGED]) / 2, baseline,
                         f"{TOTAL_LABEL}（共 {len(ledger.rows)} 行）", SIZE + 0.5, align="center")
        ops = ["q 0 g BT"]
        for index, col in enumerate(COLUMNS):
            if col.kind == "money":
                value = yuan(getattr(ledger.totals, col.key.removesuffix("_fen")))
                for x, shift, code in self.placed(index, value):
                    ops.append(f"1 0 0 1 {x} {baseline + shift:.2f} Tm {code}")
        ops.append("ET Q")
        c.addLiteral("\n".join(ops))
        c.setLineWidth(0.9)
        c.line(page.left, top, page.right, top)
        page.y = top - ROW_H

    def draw_grid(self, top: float, header_bottom: float, bottom: float, with_totals: bool) -> None:
        """Column and row lines of one page's table (the 合计 row's label cell is merged)."""
        page = self.page
        ops = ["q 0 G 0.4 w"]
        for n, x in enumerate(self.xs):
            merged = with_totals and 0 < n < MERGED
            ops.append(f"{x:.2f} {top:.2f} m {x:.2f} {bottom + ROW_H if merged else bottom:.2f} l")
        for n in range(round((header_bottom - bottom) / ROW_H) + 1):
            y = header_bottom - n * ROW_H
            ops.append(f"{page.left:.2f} {y:.2f} m {page.right:.2f} {y:.2f} l")
        ops.append(f"S 0.9 w {page.left:.2f} {bottom:.2f} {page.right - page.left:.2f} {top - bottom:.2f} re S Q")
        page.c.addLiteral("\n".join(ops))


def _draw_table(page: _Page, table: _Table, ledger: Ledger) -> None:
    """The rows page by page, each page under the column header, then the 合计 row."""
    rows: list = ledger.text_rows + [None]  # None: where the 合计 row goes
    start = 0
    while start < len(rows):
        page.need(table.header_h + ROW_H)
        top = page.y
        header_bottom = table.draw_header()
        fits = max(1, int((page.y - page.bottom) / ROW_H))
        chunk = rows[start:start + fits]
        with_totals = chunk[-1] is None
        table.draw_rows(chunk[:-1] if with_totals else chunk)
        if with_totals:
            table.draw_totals(ledger)
        table.draw_grid(top, header_bottom, page.y, with_totals)
        start += len(chunk)


def _summary_rows(ledger: Ledger) -> list[tuple[str, str]]:
    rows = [(f"{FUND_LABELS[k]}（元）", yuan(getattr(ledger.totals, k))) for k in FUNDS]
    rows += [("服药患者人数（人）", str(ledger.patients_served)),
             ("台账行数", str(len(ledger.rows))),
             ("领药（次）", str(ledger.dispense_count)),
             ("作废（次）", str(ledger.void_count))]
    return rows


def _fund_rows(ledger: Ledger) -> list[tuple[str, str]]:
    return [("本季度预拨经费（元）", yuan(ledger.allocated_fen)),
            ("免费服药项目资金支出（元）", yuan(ledger.programme_spent_fen)),
            ("结余（元）", yuan(ledger.balance_fen))]


def _draw_pairs(page: _Page, x: float, top: float, widths: tuple[float, float], title: str,
                rows: list[tuple[str, str]]) -> float:
    """A small two-column table with a caption above; returns its lower edge."""
    c = page.c
    L.draw_line_text(c, x, top - 11, title, 10)
    y = top - 15
    grid = L.Grid(x, y, list(widths), [SUMMARY_ROW_H] * len(rows))
    for n, (label, value) in enumerate(rows):
        L.draw_cell(c, grid.cell(n, 0), 0.5)
        L.draw_cell(c, grid.cell(n, 1), 0.5)
        L.draw_text_in_box(c, label, grid.cell(n, 0), SUMMARY_SIZE, align="left")
        L.draw_text_in_box(c, value, grid.cell(n, 1), SUMMARY_SIZE, align="right")
    return grid.outline.y


DRUG_HEADERS = ("药品名称", "规格", "数量", "领药总金额（元）", "医保特病资金（元）", "民政救助资金（元）",
                "残联免费服药资金（元）", "免费服药项目资金（元）")
DRUG_WIDTHS_MM = (34, 30, 16, 26, 26, 26, 28, 28)


def _drug_cells(ledger: Ledger) -> list[list[str]]:
    rows = [[d.drug, d.specification, f"{d.packs}{d.pack_unit}"]
            + [yuan(getattr(d.funds, k)) for k in FUNDS] for d in ledger.by_drug]
    rows.append([TOTAL_LABEL, "", ""] + [yuan(getattr(ledger.totals, k)) for k in FUNDS])
    return rows


def _draw_drugs(page: _Page) -> None:
    """按药品汇总, page-broken like the main table (there are rarely more than a few dozen)."""
    c = page.c
    rows = _drug_cells(page.ledger)
    widths = [w * mm for w in DRUG_WIDTHS_MM]
    start = 0
    title = "按药品规格汇总"
    moved = False
    while start < len(rows):
        page.need(15 + DRUG_HEADER_H + SUMMARY_ROW_H)
        fits = max(1, int((page.y - 15 - DRUG_HEADER_H - page.bottom) / SUMMARY_ROW_H))
        remaining = len(rows) - start
        if remaining <= fits and not page.room(15 + DRUG_HEADER_H + remaining * SUMMARY_ROW_H + SIGNATURE_H):
            if remaining <= 2 and not moved:  # the last rows go over with the signatures
                page.new_page()
                moved = True
                continue
            fits = max(1, remaining - 2)
        L.draw_line_text(c, page.left, page.y - 11, title, 10)
        title = "按药品规格汇总（续）"
        page.y -= 15
        chunk = rows[start:start + fits]
        grid = L.Grid(page.left, page.y, widths, [DRUG_HEADER_H] + [SUMMARY_ROW_H] * len(chunk))
        for col, header in enumerate(DRUG_HEADERS):
            L.draw_cell(c, grid.cell(0, col), 0.5)
            L.draw_text_in_box(c, HEADER_BREAKS.get(header, header), grid.cell(0, col), 8)
        for n, cells in enumerate(chunk, start=1):
            for col, value in enumerate(cells):
                L.draw_cell(c, grid.cell(n, col), 0.5)
                L.draw_text_in_box(c, value, grid.cell(n, col), 8.5, align="left" if col < 2 else "right")
        page.y = grid.outline.y
        start += len(chunk)


def _draw_summary(page: _Page) -> None:
    ledger = page.ledger
    summary, funds = _summary_rows(ledger), _fund_rows(ledger)
    height = 15 + max(len(summary), len(funds)) * SUMMARY_ROW_H + 4 * mm
    page.need(height)
    top = page.y - 3 * mm
    bottom_left = _draw_pairs(page, page.left, top, (52 * mm, 36 * mm), "分资金合计", summary)
    bottom_right = _draw_pairs(page, page.left + 110 * mm, top, (56 * mm, 36 * mm), "项目资金预拨与支出", funds)
    page.y = min(bottom_left, bottom_right) - 2 * mm
    _draw_drugs(page)
    _draw_signatures(page)


def _draw_signatures(page: _Page) -> None:
    c = page.c
    page.need(SIGNATURE_H)
    y = page.y - 14 * mm
    x = page.left + 10 * mm
    width = (page.right - page.left - 20 * mm) / 3
    for label in SIGNATURES:
        used = L.draw_line_text(c, x, y, label, 11)
        if label == "日期：":
            L.draw_line_text(c, x + used, y, "        年      月      日", 11)
        else:
            c.setLineWidth(0.5)
            c.line(x + used + 1 * mm, y - 2, x + width - 8 * mm, y - 2)
        x += width
    page.y = y - 4 * mm


def pdf_date(moment: dt.datetime) -> str:
    return moment.strftime("D:%Y%m%d%H%M%S")


def render_ledger_pdf(out, ledger: Ledger, generated_at: dt.datetime) -> None:
    """Write the ledger to ``out`` (a path or a binary file object)."""
    target = str(out) if hasattr(out, "__fspath__") else out
    canvas_class = L.numbered_canvas(generated_at, L.LANDSCAPE)
    c = canvas_class(target, pagesize=L.LANDSCAPE, invariant=1)
    stamp = pdf_date(generated_at)
    c.setDateFormatter(lambda *_: stamp)
    c.setTitle(f"{TITLE} {ledger.label} - {ledger.clinic_name or ledger.clinic_code}")
    c.setAuthor("clinic_app")
    c.setSubject(f"{ledger.quarter.code} {ledger.clinic_code}")
    page = _Page(c, ledger)
    measure = _Widths(L.font())
    page.draw_title()
    _draw_table(page, _Table(page, measure), ledger)
    _draw_summary(page)
    c.showPage()
    a85, rl_config.useA85 = rl_config.useA85, 0  # ASCII85 only makes the streams a quarter larger
    try:
        c.save()
    finally:
        rl_config.useA85 = a85


def pdf_bytes(ledger: Ledger, generated_at: dt.datetime) -> bytes:
    """The PDF as bytes, for the report package (``exchange.ledger_export`` writes it with the rest)."""
    import io

    buffer = io.BytesIO()
    render_ledger_pdf(buffer, ledger, generated_at)
    return buffer.getvalue()
