"""Attachment 7, 《免费服用第二代抗精神病药服务协议》, filled in for one patient.

Every clause is printed word for word as the district issued it (obvious slips included: this
is the text both parties sign). The agreement is made out "一式两份"; each copy is one page,
marked at the top right with who keeps it.
"""
from __future__ import annotations

import datetime as dt

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Spacer, Table

from ..domain import agreement_terms
from . import layout as L

TITLE = "免费服用第二代抗精神病药服务协议"
PARTY_A = "甲方（定点医院）："
PARTY_B = "乙方（患者及监护人）："
PATIENT_ID = "患者身份证号："
TERM = "协议有效期："
COPY_LABELS = ("（第一联 甲方留存）", "（第二联 乙方留存）")

PREAMBLE = (
    "为进一步加强严重精神障碍患者管理服务，减少严重精神障碍患者服药副反应，增加服药方便性，"
    "提高服药依从性，有效预防和减少严重精神障碍患者病情复发，根据《中华人民共和国民法通则》"
    "《中华人民共和国精神卫生法》等法律法规，经甲方、患者家属、患者监护人协商，在患者病情稳定情况下，"
    "征得患者同意后，现与患者及家属达成如下免费服药协议："
)

CLAUSES = (
    "1. 甲方为乙方提供免费第二代抗精神病药一年，提供的药品需满足国家相关技术标准。",
    "2. 乙方在就诊取药时应主动提供医保卡、特病卡、残联服药补助卡等资料。",
    "3. 甲方不得向无关人员泄露乙方患者的相关信息。",
    "4. 患者监护人负责被监护人日常生活的照料看管和按医嘱监督被监护人按时服药。对易失控的被监护人"
    "实行重点监护，随时检测病情变化，限制其活动范围，及时报告被监护人行动轨迹。如发生肇事肇祸行为"
    "或出现肇事肇祸倾向，监护人须立即向村（居）委会、所在辖区基层医疗单位和派出所报告，"
    "并立即送定点收治医院治疗。",
    "5. 监护人须加强对被监护人的常态监护，严防被监护人违反《中华人民共和国刑法》和"
    "《中华人民共和国治安管理处罚法》等法律法规，严防以下行为：（1）杀人、强奸、伤害等严重侵害"
    "他人人身权利；（2）防火、爆炸、投毒、破坏等严重危害公共安全；（3）抢夺、损毁公私财物;"
    "（4）严重扰乱国家机关企事业单位正常工作、生产秩序；（5）扰乱社会秩序，造成严重后果；"
    "（6）公安机关认定的其他肇事肇祸行为。",
    "6. 在甲方指导下，乙方应主动掌握药物性质和作用、可能发生的不良反应及对策。",
    "7. 本协议一式两份，甲乙双方各执一份。",
)

SEAL = "甲方（公章）"
A_SIGNATURE = "甲方负责人签名："
B_SIGNATURE = "乙方签字："

LARGEST_SIZE, SMALLEST_SIZE = 12.5, 9.5
LINE_SPACING = 1.65


def party_b(patient: dict) -> str:
    """"张三（监护人：李四）"; without a guardian on record the name is left to write in."""
    guardian = L.text(patient.get("guardian_name")) or " " * 12
    return f"{L.text(patient.get('name'))}（监护人：{guardian}）"


class CornerNote(Flowable):
    """Takes no room in the flow; puts its note at the top right of the page it lands on."""

    def __init__(self, note: str, page_size):
        super().__init__()
        self.note, self.page_size = note, page_size

    def wrap(self, available_width, available_height):
        return 0, 0

    def draw(self):
        x, y = self.canv.absolutePosition(0, 0)
        self.canv.saveState()
        self.canv.translate(-x, -y)
        L.draw_corner_note(self.canv, self.note, self.page_size)
        self.canv.restoreState()


def render_agreement(out, patient: dict, clinic_name: str, signed_date: dt.date | None,
                     copies: int = 2, *, printed_at: dt.datetime | None = None) -> None:
    """Write the agreement, one page per copy. ``signed_date`` fills the dates under the
    signatures and the term; None leaves them to be written by hand."""
    if not 1 <= copies <= len(COPY_LABELS):
        raise ValueError(f"协议为一式两份，copies 应为 1 或 2，而不是 {copies}")
    width, height = L.PORTRAIT
    frame_width = width - 2 * L.MARGIN
    frame_height = height - L.TOP_MARGIN - L.BOTTOM_MARGIN
    size = _fitting_size(patient, clinic_name, signed_date, frame_width, frame_height)
    story = []
    for number in range(copies):
        if number:
            story.append(PageBreak())
        story.append(CornerNote(COPY_LABELS[number], L.PORTRAIT))
        story.extend(_copy(patient, clinic_name, signed_date, size, frame_width))
    doc = L.new_document(out, L.PORTRAIT, f"{TITLE} - {L.text(patient.get('name'))}")
    doc.build(story, canvasmaker=L.numbered_canvas(printed_at, L.PORTRAIT))


def _fitting_size(patient, clinic_name, signed_date, width: float, height: float) -> float:
    """The largest body size at which one copy fits on one page (a long clinic or guardian name
    may push it down a little)."""
    size = LARGEST_SIZE
    while size > SMALLEST_SIZE:
        flowables = _copy(patient, clinic_name, signed_date, size, width)
        if _height(flowables, width, height) <= height - 2 * mm:
            break
        size -= 0.5
    return size


def _height(flowables, width: float, height: float) -> float:
    total = 0.0
    for f in flowables:
        total += f.wrap(width, height)[1] + f.getSpaceBefore() + f.getSpaceAfter()
    return total


def _copy(patient: dict, clinic_name: str, signed_date: dt.date | None, size: float,
          width: float) -> list:
    leading = size * LINE_SPACING
    story = [Spacer(1, 4 * mm), L.paragraph(TITLE, L.TITLE_SIZE, "center"), Spacer(1, 7 * mm),
             _parties(patient, clinic_name, signed_date, size, width), Spacer(1, 4 * mm)]
    indent = 2 * size  # two characters, as Chinese paragraphs begin
    story.append(L.paragraph(PREAMBLE, size, "justify", leading, indent))
    for clause in CLAUSES:
        story.append(Spacer(1, size * 0.25))
        story.append(L.paragraph(clause, size, "justify", leading, indent))
    story += [Spacer(1, 8 * mm), _signatures(signed_date, size, width)]
    return story


def _parties(patient: dict, clinic_name: str, signed_date, size: float, width: float) -> Table:
    """Label and filled-in value on an underline, one party per line."""
    rows = [(PARTY_A, clinic_name), (PARTY_B, party_b(patient)),
            (PATIENT_ID, L.text(patient.get("id_number")))]
    if signed_date:
        rows.append((TERM, agreement_terms.format_period(signed_date)))
    label_width = L.text_width(PARTY_B, size) + 1 * mm
    value_width = width - label_width
    data = [[L.paragraph(label, size), L.paragraph(value, size)] for label, value in rows]
    table = Table(data, colWidths=[label_width, value_width])
    table.setStyle(L.table_style([
        ("LINEBELOW", (1, 0), (1, -1), 0.5, "black"),
        ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (0, -1), 0),
        ("LEFTPADDING", (1, 0), (1, -1), 2 * mm),
        ("TOPPADDING", (0, 0), (-1, -1), size * 0.45),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]))
    return table


def _signatures(signed_date: dt.date | None, size: float, width: float) -> Table:
    """Seal and signatures as on the form: 甲方 on the left, 乙方 on the right, each dated."""
    date = L.chinese_date(signed_date, "      ")
    data = [
        [L.paragraph(SEAL, size), ""],
        [L.paragraph(A_SIGNATURE, size), L.paragraph(B_SIGNATURE, size)],
        [L.paragraph(date, size), L.paragraph(date, size)],
    ]
    table = Table(data, colWidths=[width / 2, width / 2], rowHeights=[size * 2.6, size * 3.2, size * 2.6])
    table.setStyle(L.table_style([
        ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
        ("LEFTPADDING", (0, 0), (-1, -1), 6 * mm),
    ]))
    return table
