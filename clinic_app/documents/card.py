"""Attachment 5, 《江津区严重精神障碍患者免费服用第二代药物救助卡》: the patient's booklet.

Three things are printed from it:

- ``render_card_booklet``: the whole card as the district made it — 封面, 封二 (救助卡使用范围:
  救助对象, 救助标准, 救助药品 word for word), 第一页 (the holder, filled in), the record pages
  第二至第十二页 with their nine columns and the rows recorded so far, 第十三页 (blank but for its
  heading, as in the original) and 封三 (注意事项, the four notes word for word).
- ``render_card_rows``: only the text of new rows, for printing onto a card that was printed
  before; one PDF page per card page that receives rows, nothing else on it (no lines, no
  titles), each row in the cell ``card_layout`` gives it, moved by the printer calibration.
- ``render_calibration_page``: the record grid drawn thinly with crosshairs and millimetre
  rulers, to lay on a real card and read how far the printer is off.

Everything is drawn straight on a reportlab canvas (no platypus story): the booklet of 16 pages
with a full card of rows is written in well under the 300 ms the program allows itself.

The card has no column for 民政救助 (civil-affairs relief): when a collection had some, the drug
cell says so ("含民政救助 12.00 元"), so the amounts on the line still add up to the total.
"""
from __future__ import annotations

import datetime as dt

from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as pdf_canvas

from ..domain.money import yuan
from . import card_layout as CL
from . import layout as L
from .card_data import CardData, CardRow

TITLE = "江津区严重精神障碍患者免费服用第二代药物救助卡"

COVER_LINES = ("江津区严重精神障碍患者", "免费服用第二代抗精神病药物")
COVER_NAME = "救助卡"
COVER_MAKER = "江津区免费服药项目办公室制"

SCOPE_TITLE = "救助卡使用范围"
SCOPE = (
    ("救助对象：",
     ("辖区居住3个月以上公安机关列管的居家严重精神障碍患者和其他贫困（建档贫困户、低保户、特困人员）、"
      "无监护或弱监护（1户有2名及以上严重精神障碍患者或监护人年龄大于65岁）的居家严重精神障碍患者。",)),
    ("救助标准：",
     ("综合基本医保报销、特病报销、残联补助等经费，为精神残疾人提供免费基本药物救助。",)),
    ("救助药品：",
     ("（一）传统抗精神病药物：氯丙嗪（片/针）、奋乃静片、氟哌啶醇（片/针）、舒必利片、哈力多针；",
      "（二）非典型抗精神病药物：氯氮平片、利培酮片、奥氮平片、喹硫平片、齐拉西酮片（针剂自费）、"
      "阿立哌唑片、氨磺必利片、善思达针（自费）；",
      "（三）抗抑郁药：文拉法辛缓释片、帕罗西汀片、氟西汀片、舍曲林片；",
      "（四）心境稳定剂：碳酸锂片、碳酸锂缓释片；",
      "（五）心境稳定剂：丙戊酸钠片、丙戊酸钠缓释片、丙戊酸镁缓释片、拉莫三嗪片；",
      "（六）抗焦虑药：丁螺环酮片、苯二氮卓类（片）、坦度螺酮片；")),
)
DRUG_GROUPS = SCOPE[2][1]

NOTES_TITLE = "注意事项"
NOTES = (
    "1．本卡仅限本人使用，不得转借；",
    "2．本卡仅限指定医院使用，不得跨医疗机构使用；",
    "3．救助资格每年审核1次，如持卡人不再属于救助对象，则取消其受助资格，不再享受本办法规定的救助；",
    "4．本卡请妥善保管，一旦遗失请及时向免费服药项目办公室挂失，凡原卡遗失期间发生的医疗费用，均由本人自负。",
)

LAST_PAGE = 13
GRID_LINE = 0.6
GRID_FRAME = 1.0


# --- the canvas ------------------------------------------------------------------------------

def _canvas(out, g: CL.Geometry, title: str) -> pdf_canvas.Canvas:
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


def _heading(c, g: CL.Geometry, page: int) -> None:
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


def _draw_row(c, g: CL.Geometry, row: CardRow, dx: float = 0, dy: float = 0) -> None:
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


ONE_LINE_SHRINK = 0.8  # a name a little too wide for its cell gets smaller type, not a break


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


def _draw_grid(c, g: CL.Geometry, dx: float = 0, dy: float = 0, line_width: float = GRID_LINE,
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


def _draw_record_page(c, g: CL.Geometry, page: int, rows: list[CardRow]) -> None:
    _heading(c, g, page)
    _draw_grid(c, g)
    for row in rows:
        _draw_row(c, g, row)


# --- the covers and the fixed pages ---------------------------------------------------------------

def _draw_cover(c, g: CL.Geometry) -> None:
    s = g.scale
    w, h = g.page_size
    inset = 9 * mm * s
    c.setLineWidth(2.2 * s)
    c.rect(inset, inset, w - 2 * inset, h - 2 * inset)
    c.setLineWidth(0.7 * s)
    c.rect(inset + 2 * mm * s, inset + 2 * mm * s, w - 2 * inset - 4 * mm * s, h - 2 * inset - 4 * mm * s)
    top = h - (h - CL.PAGE_SIZES_MM[CL.BASE_SIZE][1] * mm * s) / 2
    for i, value in enumerate(COVER_LINES):
        L.draw_line_text(c, w / 2, top - (42 + 12 * i) * mm * s, value, 16 * s, align="center")
    for i, char in enumerate(COVER_NAME):  # 救 / 助 / 卡, one under the other as printed
        L.draw_line_text(c, w / 2, top - (95 + 24 * i) * mm * s, char, 46 * s, align="center")
    L.draw_line_text(c, w / 2, top - 182 * mm * s, COVER_MAKER, 12 * s, align="center")


def _page_top(g: CL.Geometry) -> float:
    return g.heading_baseline + CL.HEADING_SIZE * g.scale


# Chinese line breaking: these never start a line (they hang in the margin instead), these never
# end one (they move down with the next character).
CANNOT_START = "，。、；：？！）》」』】〕…％,.;:?!)]%"
CANNOT_END = "（《「『【〔(["


def wrap_cjk(value: str, size: float, width: float, indent: float = 0) -> list[str]:
    """Lines of Chinese text no wider than ``width`` (the first ``indent`` narrower), broken
    between any two characters but never before a closing mark or after an opening one, and
    never inside a run of Latin letters and digits ("0.5g", "65")."""
    lines: list[str] = []
    line, used, limit = "", 0.0, width - indent
    tokens = _tokens(value)
    for token in tokens:
        w = L.text_width(token, size)
        if line and used + w > limit + 0.01 and token not in CANNOT_START:
            carry = ""
            while line and line[-1] in CANNOT_END:
                carry, line = line[-1] + carry, line[:-1]
            lines.append(line)
            line, used, limit = carry, L.text_width(carry, size), width
        line += token
        used += w
    if line:
        lines.append(line)
    return lines


def _tokens(value: str) -> list[str]:
    """Characters, with runs of ASCII letters, digits and ./-% kept together."""
    tokens: list[str] = []
    for ch in value:
        if ch.isascii() and (ch.isalnum() or ch in "./%-") and tokens and tokens[-1][-1:].isascii() \
                and (tokens[-1][-1].isalnum() or tokens[-1][-1] in "./%-"):
            tokens[-1] += ch
        else:
            tokens.append(ch)
    merged: list[str] = []  # "片/针" is one piece: never broken at its slash
    for token in tokens:
        if merged and (token == "/" or merged[-1].endswith("/")):
            merged[-1] += token
        else:
            merged.append(token)
    return merged


def _flow(c, g: CL.Geometry, x: float, y: float, width: float, value: str, size: float,
          leading: float, indent: float = 0) -> float:
    """A paragraph hanging from ``y``, its full lines spread to both margins as the printed
    card's are; returns the y under its last line."""
    lines = wrap_cjk(value, size, width, indent)
    for i, line in enumerate(lines):
        y -= leading
        start = x + (indent if i == 0 else 0)
        text = c.beginText(start, y + (leading - size) * 0.5)
        text.setFont(L.font(), size)
        room = width - (indent if i == 0 else 0) - L.text_width(line, size)
        if i < len(lines) - 1 and len(line) > 1 and room > 0:
            text.setCharSpace(room / (len(line) - 1))
        text.textOut(line)
        c.drawText(text)
    return y


def _draw_inside_cover(c, g: CL.Geometry) -> None:
    """封二: 救助卡使用范围 — 救助对象, 救助标准, 救助药品 (the six groups)."""
    s = g.scale
    left = g.left + 4 * mm * s
    width = g.grid_width - 8 * mm * s
    y = _page_top(g) - 8 * mm * s
    L.draw_line_text(c, g.width / 2, y, SCOPE_TITLE, 15 * s, align="center")
    y -= 8 * mm * s
    size, leading = 11 * s, 11 * s * 1.6
    for label, paragraphs in SCOPE:
        y -= 3 * mm * s
        L.draw_line_text(c, left, y - size, label, size)
        y -= leading
        for value in paragraphs:
            y = _flow(c, g, left, y, width, value, size, leading, indent=2 * size) - 0.6 * mm * s


def _draw_notes_page(c, g: CL.Geometry) -> None:
    """封三: 注意事项, the four notes word for word."""
    s = g.scale
    left = g.left + 6 * mm * s
    width = g.grid_width - 12 * mm * s
    y = _page_top(g) - 22 * mm * s
    L.draw_line_text(c, g.width / 2, y, NOTES_TITLE, 15 * s, align="center")
    y -= 10 * mm * s
    size = 11 * s
    for note in NOTES:
        y = _flow(c, g, left, y, width, note, size, size * 1.9) - 2.5 * mm * s


# --- 第一页: the holder ------------------------------------------------------------------------------

def town_parts(town: str) -> tuple[str, str]:
    """(what goes on the blank, what is printed after it): "油溪镇" → ("油溪", "镇"); a 街道
    keeps its full name and the card's "镇" is left out ("几江街道", "")."""
    name = L.text(town)
    if not name:
        return "", "镇"
    if name.endswith("镇") and len(name) > 1:
        return name[:-1], "镇"
    return name, ""


def _field(c, x: float, baseline: float, label: str, value, width: float, size: float,
           gap: float) -> float:
    """"姓名 ______" — the label, then the value on its underline; returns the x after it."""
    x += L.draw_line_text(c, x, baseline, label, size) + gap
    L.draw_filled_blank(c, x, baseline, L.text(value), width, size)
    return x + width


def _draw_identity_page(c, g: CL.Geometry, card: CardData) -> None:
    s = g.scale
    size = 10.5 * s
    gap = 1.5 * mm * s
    left = g.left + 3 * mm * s
    right = g.xs[-1] - 3 * mm * s
    step = 12.2 * mm * s
    y = _page_top(g) - 13 * mm * s

    def rest(x: float) -> float:
        return right - x

    # 江津区 ____镇            编号：______
    x = left + L.draw_line_text(c, left, y, "江津区", size) + gap
    stem, suffix = town_parts(card.town)
    L.draw_filled_blank(c, x, y, stem, 30 * mm * s, size)
    x += 30 * mm * s + 1
    L.draw_line_text(c, x, y, suffix, size)
    number_w = 28 * mm * s
    label_w = L.text_width("编号：", size)
    _field(c, right - number_w - label_w - gap, y, "编号：", card.number, number_w, size, gap)

    y -= step
    x = _field(c, left, y, "姓    名", card.name, 34 * mm * s, size, gap) + 4 * mm * s
    x = _field(c, x, y, "性别", card.sex, 12 * mm * s, size, gap) + 4 * mm * s
    age = "" if card.age is None else str(card.age)
    width = rest(x) - L.text_width("年龄", size) - gap
    _field(c, x, y, "年龄", age, width, size, gap)

    pairs = (("残疾证号", card.disability_cert_no, "电话", card.phone),
             ("监护人姓名", card.guardian_name, "电话", card.guardian_phone))
    for label, value, label2, value2 in pairs:
        y -= step
        phone_w = 30 * mm * s
        second = right - phone_w - L.text_width(label2, size) - gap
        first_w = second - 4 * mm * s - left - L.text_width(label, size) - gap
        _field(c, left, y, label, value, first_w, size, gap)
        _field(c, second, y, label2, value2, phone_w, size, gap)

    singles = (("家庭地址", card.address), ("医保卡号", card.insurance_card_no),
               ("疾病名称", card.disease), ("诊断医院", card.diagnosing_hospital),
               ("药品名称", card.drugs), ("就诊医院", card.clinic),
               ("核发单位：", card.issuing_unit), ("核发人（单位盖章）：", card.issuer))
    for label, value in singles:
        y -= step
        width = right - left - L.text_width(label, size) - gap
        _field(c, left, y, label, value, width, size, gap)

    y -= step * 1.2
    L.draw_line_text(c, right, y, L.chinese_date(card.issued_date, "      "), size, align="right")


# --- the documents -------------------------------------------------------------------------------------

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


def render_card_booklet(out, card: CardData, rows: list[CardRow], page_size: str = "A5") -> None:
    """The whole card: 封面, 封二, 第一页 … 第十三页, 封三 — 16 PDF pages, every row in its
    recorded place. ``out`` is a path or a binary file object."""
    g = CL.geometry(page_size)
    pages = rows_by_page(rows)
    c = _canvas(out, g, f"{TITLE} - {L.text(card.name)}")
    _draw_cover(c, g)
    c.showPage()
    _draw_inside_cover(c, g)
    c.showPage()
    _heading(c, g, 1)
    _draw_identity_page(c, g, card)
    c.showPage()
    for page in CL.RECORD_PAGES:
        _draw_record_page(c, g, page, pages.get(page, []))
        c.showPage()
    _heading(c, g, LAST_PAGE)  # blank but for its heading, as in the original
    c.showPage()
    _draw_notes_page(c, g)
    c.showPage()
    c.save()


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
    c = _canvas(out, g, f"救助卡套打：{'、'.join(CL.page_label(p) for p in pages)}")
    for page, page_rows in pages.items():
        key = f"card-page-{page}"
        c.bookmarkPage(key)
        c.addOutlineEntry(f"请放入救助卡{CL.page_label(page)}", key, level=0)
        for row in page_rows:
            _draw_row(c, g, row, offset_x_mm, offset_y_mm)
        c.showPage()
    c.save()
    return list(pages)


# --- the calibration page ------------------------------------------------------------------------------

CALIBRATION_TITLE = "救助卡套打校准页"
SAMPLE_ROW = CardRow(page=CL.FIRST_RECORD_PAGE, line=1, date="2026-01-01", drug_text="利培酮片 1mg 3盒",
                     total_fen=12345, insurance_fen=2345, disability_fen=0, programme_fen=10000,
                     psychiatrist="医师", dispenser="精防", guardian="监护人")


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
    c = _canvas(out, g, f"{CALIBRATION_TITLE}（{g.size}）")
    small = 5.5 * s
    # where the rows will land: the grid and a sample line, moved by the current offsets
    c.saveState()
    c.setStrokeGray(0.35)
    _draw_grid(c, g, offset_x_mm, offset_y_mm, line_width=0.25, frame_width=0.4)
    c.setFillGray(0.45)
    _draw_row(c, g, SAMPLE_ROW, offset_x_mm, offset_y_mm)
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
