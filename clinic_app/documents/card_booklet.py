"""The whole rescue card as the district made it, 16 PDF pages: 封面, 封二 (救助卡使用范围:
救助对象, 救助标准, 救助药品 word for word), 第一页 (the holder, filled in), the record pages
第二至第十二页 with their nine columns and the rows recorded so far (``card_grid``), 第十三页
(blank but for its heading, as in the original) and 封三 (注意事项, the four notes word for word).
"""
from __future__ import annotations

from reportlab.lib.units import mm

from . import card_layout as CL
from . import layout as L
from .card_data import CardData, CardRow
from .card_grid import card_canvas, draw_heading, draw_record_page, rows_by_page
from .cjk_wrap import wrap_cjk

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


def _titled_page(c, g: CL.Geometry, title: str, inset_mm: float, title_mm: float,
                 gap_mm: float) -> tuple[float, float, float]:
    """A fixed text page's title, centred ``title_mm`` under the page top; returns the left edge,
    the width and the top of the text column under it (``gap_mm`` lower), inset ``inset_mm`` from
    the grid's edges on either side as on the printed card."""
    s = g.scale
    left = g.left + inset_mm * mm * s
    width = g.grid_width - 2 * inset_mm * mm * s
    y = _page_top(g) - title_mm * mm * s
    L.draw_line_text(c, g.width / 2, y, title, 15 * s, align="center")
    return left, width, y - gap_mm * mm * s


def _draw_inside_cover(c, g: CL.Geometry) -> None:
    """封二: 救助卡使用范围 — 救助对象, 救助标准, 救助药品 (the six groups)."""
    s = g.scale
    left, width, y = _titled_page(c, g, SCOPE_TITLE, 4, 8, 8)
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
    left, width, y = _titled_page(c, g, NOTES_TITLE, 6, 22, 10)
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


# --- the document --------------------------------------------------------------------------------------

def render_card_booklet(out, card: CardData, rows: list[CardRow], page_size: str = "A5") -> None:
    """The whole card: 封面, 封二, 第一页 … 第十三页, 封三 — 16 PDF pages, every row in its
    recorded place. ``out`` is a path or a binary file object."""
    g = CL.geometry(page_size)
    pages = rows_by_page(rows)
    c = card_canvas(out, g, f"{TITLE} - {L.text(card.name)}")
    _draw_cover(c, g)
    c.showPage()
    _draw_inside_cover(c, g)
    c.showPage()
    draw_heading(c, g, 1)
    _draw_identity_page(c, g, card)
    c.showPage()
    for page in CL.RECORD_PAGES:
        draw_record_page(c, g, page, pages.get(page, []))
        c.showPage()
    draw_heading(c, g, LAST_PAGE)  # blank but for its heading, as in the original
    c.showPage()
    _draw_notes_page(c, g)
    c.showPage()
    c.save()
