"""Attachment 4, 《江津区严重精神障碍患者免费服药审批表》, prefilled from the patient's record.

Drawn cell by cell on one A4 page, in the order and wording of the printed form, so the sheet the
clinic sends to the programme office looks like the one the office expects. The three opinion
boxes stay blank for hand-written opinions and stamps (the village committee's opinion is printed
when the clinic has recorded it). One row is added: 身份证号, which the printed form lacks but
every later step of the programme keys on.

When the application carries its checklist of the six documents (五、(一)3 ①–⑥), a second page
lists them with 原件已核 / 复印件已收 / 备注, for the patient's file (once anything on it was
ticked or noted).
"""
from __future__ import annotations

import datetime as dt
import io
import json

from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader

from ..domain import choices
from ..domain.applications import DOCUMENTS, NOT_APPLICABLE, REQUIREMENT_LABELS
from ..domain.patient_fields import BY_KEY
from . import layout as L

TITLE = "江津区严重精神障碍患者免费服药审批表"
CHECKLIST_TITLE = "申请材料清单"

# The printed form's own words, where they are not a field label.
APPLY_LABEL = "申请人或监护人申请"
VILLAGE_LABEL = "村（社区）委员会审核意见"
CLINIC_LABEL = "基层医疗卫生单位审核意见"
OFFICE_LABEL = "免费服药办公室审批意见"
TOWN_SUFFIX = "镇（街）"
NOTES = (
    "注：1.本表由申请者本人或监护人填写。",
    "2.申请时需携带申请人残疾证及复印件、监护人身份证及复印件，医保卡复印件、精神专科医院或综合医院"
    "精神科诊疗信息复印件、患者1寸正面照2张。",
    "3.村（社区）主要核实该申请人是否为低保户、特困户、建档立卡贫困户等民政救助对象和辖区常住居民，"
    "并如实填写，加盖公章。",
)

# Where the printed form breaks its long labels, so that a label reads as words, not as
# characters spilling onto the next line wherever the cell happens to end.
LABEL_LINES = {
    "诊断机构名称": "诊断机构\n名称",
    "与患者关系": "与患者\n关系",
    "监护人家庭地址": "监护人\n家庭地址",
    "享受何种政府补贴": "享受何种\n政府补贴",
    "享受医疗保险情况": "享受医疗\n保险情况",
    APPLY_LABEL: "申请人或\n监护人\n申请",
    VILLAGE_LABEL: "村（社区）\n委员会\n审核意见",
    CLINIC_LABEL: "基层医疗\n卫生单位\n审核意见",
    OFFICE_LABEL: "免费服药\n办公室\n审批意见",
}

# Column widths (mm): label, value, label, value, label, value, photo — 180 mm in all.
COLUMNS_MM = (24, 30, 17, 30, 17, 32, 30)
FIELD_ROW_MM = 9.5
SUBSIDY_LINE_MM = 5.0
INSURANCE_LINE_MM = 6.0
APPLY_ROW_MM = 17
OPINION_ROW_MM = 22
LABEL_SIZE = 10


def label(key: str) -> str:
    return BY_KEY[key].label


def insurance_box_label(choice: str) -> str:
    """The form says "享受城镇职工基本医疗保险" but "无医疗保险"."""
    return choice if choice.startswith("无") else f"享受{choice}"


def town_stem(town: str | None) -> str:
    """"油溪镇" / "几江街道" → "油溪" / "几江": the form prints "____镇（街）" itself."""
    name = L.text(town)
    for suffix in ("街道办事处", "街道", "镇", "街"):
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def as_list(value) -> list[str]:
    """A multi-choice field as a list, whether it came decoded or as the stored JSON text."""
    if not value:
        return []
    if isinstance(value, str):
        try:
            decoded = json.loads(value)
        except ValueError:
            return [value]
        return list(decoded) if isinstance(decoded, list) else [str(decoded)]
    return list(value)


def birth_month(value) -> str:
    """出生年月: "1980年01月"."""
    if not value:
        return ""
    day = dt.date.fromisoformat(str(value)[:10])
    return f"{day.year}年{day.month:02d}月"


# --- the form ---------------------------------------------------------------------------------------

def render_application_form(out, patient: dict, application: dict | None, town: str,
                            photo: bytes | None = None, *, printed_at: dt.datetime | None = None) -> None:
    """Write the approval form (and the document checklist when there is one) as a PDF.

    ``out`` is a path or a binary file object. ``application`` may be None for a blank
    application; its ``received_date`` dates the form, its ``subsidies`` (the boxes ticked when
    the application was taken) win over the patient's current ones; its ``documents`` checklist,
    once anything on it is ticked or noted, adds the checklist page, where a document its
    ``requirements`` (``domain.applications.document_requirements``) mark 不适用 says so and is
    never ticked."""
    application = application or {}
    c = L.new_canvas(out, L.PORTRAIT, f"{TITLE} - {L.text(patient.get('name'))}", printed_at)
    _draw_form(c, patient, application, town, photo)
    c.showPage()
    if any_document_checked(application.get("documents")):
        _draw_checklist(c, patient, application)
        c.showPage()
    c.save()


def _draw_form(c, patient: dict, application: dict, town: str, photo: bytes | None) -> None:
    width, height = L.PORTRAIT
    top = height - L.TOP_MARGIN
    L.draw_title(c, TITLE, top - 7 * mm, width)
    _draw_heading_line(c, top - 16 * mm, town, application.get("received_date"))
    grid = L.Grid(L.MARGIN, top - 19 * mm, [w * mm for w in COLUMNS_MM], _row_heights())
    subsidies = application["subsidies"] if application.get("subsidies") is not None \
        else patient.get("subsidies")
    _draw_identity_rows(c, grid, patient, photo)
    _draw_guardian_rows(c, grid, patient)
    _draw_choice_rows(c, grid, patient, as_list(subsidies))
    _draw_opinion_rows(c, grid, application)
    c.setLineWidth(L.FRAME_WIDTH)
    box = grid.outline
    c.rect(box.x, box.y, box.w, box.h)
    _draw_notes(c, box.y - 5 * mm, box.w)


def _row_heights() -> list[float]:
    rows = [FIELD_ROW_MM] * 8
    rows += [len(choices.SUBSIDIES) * SUBSIDY_LINE_MM + 3, FIELD_ROW_MM,
             3 * INSURANCE_LINE_MM + 3, APPLY_ROW_MM] + [OPINION_ROW_MM] * 3
    return [h * mm for h in rows]


def _draw_heading_line(c, baseline: float, town: str, received) -> None:
    """"____镇（街）            2024 年 05 月 10 日"."""
    width, _ = L.PORTRAIT
    x = L.MARGIN + 2 * mm
    x += L.draw_filled_blank(c, x, baseline, town_stem(town), 30 * mm)
    L.draw_line_text(c, x + 1, baseline, TOWN_SUFFIX)
    L.draw_line_text(c, width - L.MARGIN - 2 * mm, baseline, L.chinese_date(received, "      "),
                     align="right")


def _label(c, box: L.Box, value: str) -> None:
    L.draw_cell(c, box)
    L.draw_text_in_box(c, LABEL_LINES.get(value, value), box, LABEL_SIZE, align="center",
                       padding=1 * mm)


def _value(c, box: L.Box, value, align: str = "left") -> None:
    L.draw_cell(c, box)
    L.draw_text_in_box(c, value, box, L.CELL_SIZE, align=align)


def _pair(c, grid: L.Grid, row: int, col: int, key_label: str, value, span: int = 1) -> None:
    """A label cell and the value cell (spanning ``span`` columns) to its right."""
    _label(c, grid.cell(row, col), key_label)
    _value(c, grid.cell(row, col + 1, colspan=span), value)


def _draw_identity_rows(c, grid: L.Grid, p: dict, photo: bytes | None) -> None:
    _pair(c, grid, 0, 0, label("name"), p.get("name"))
    _label(c, grid.cell(0, 2), label("sex"))
    _draw_sex_boxes(c, grid.cell(0, 3), p.get("sex"))
    _pair(c, grid, 0, 4, label("ethnicity"), p.get("ethnicity"))
    _pair(c, grid, 1, 0, label("id_number"), p.get("id_number"), span=5)
    _pair(c, grid, 2, 0, label("birth_date"), birth_month(p.get("birth_date")))
    _pair(c, grid, 2, 2, label("disability_cert_no"), p.get("disability_cert_no"), span=3)
    _pair(c, grid, 3, 0, label("postcode"), p.get("postcode"))
    _pair(c, grid, 3, 2, label("address"), p.get("address"), span=3)
    _draw_photo(c, grid.cell(0, 6, rowspan=4), photo)
    _pair(c, grid, 4, 0, label("phone"), p.get("phone"))
    _pair(c, grid, 4, 2, label("diagnosis"), p.get("diagnosis"), span=4)
    _pair(c, grid, 5, 0, label("diagnosing_institution"), p.get("diagnosing_institution"), span=3)
    _pair(c, grid, 5, 4, label("insurance_card_no"), p.get("insurance_card_no"), span=2)


def _draw_guardian_rows(c, grid: L.Grid, p: dict) -> None:
    _pair(c, grid, 6, 0, label("guardian_name"), p.get("guardian_name"))
    _pair(c, grid, 6, 2, label("guardian_relationship"), p.get("guardian_relationship"))
    _pair(c, grid, 6, 4, label("phone"), p.get("guardian_phone"), span=2)
    _pair(c, grid, 7, 0, label("guardian_address"), p.get("guardian_address"), span=3)
    _pair(c, grid, 7, 4, label("postcode"), p.get("guardian_postcode"), span=2)


def _draw_sex_boxes(c, box: L.Box, sex) -> None:
    """"男 □    女 □", the patient's one ticked."""
    L.draw_cell(c, box)
    gap = 5 * mm
    total = sum(L.choice_width(s) for s in choices.SEXES) + gap
    x = box.x + (box.w - total) / 2
    baseline = box.y + box.h / 2 - L.CELL_SIZE * 0.35
    for s in choices.SEXES:
        x += L.draw_choice(c, x, baseline, s, s == sex) + gap


def _draw_photo(c, box: L.Box, photo: bytes | None) -> None:
    """The patient's photo scaled into the box, or the word 照片 where one is to be glued."""
    L.draw_cell(c, box)
    if photo:
        try:
            image = ImageReader(io.BytesIO(photo))
            iw, ih = image.getSize()
        except Exception:  # a damaged photo must not stop the form from printing
            image = None
        if image is not None and iw and ih:
            inner = box.inset(2 * mm)
            scale = min(inner.w / iw, inner.h / ih)
            w, h = iw * scale, ih * scale
            c.drawImage(image, inner.x + (inner.w - w) / 2, inner.y + (inner.h - h) / 2, w, h,
                        preserveAspectRatio=True, mask="auto")
            return
    L.draw_text_in_box(c, label("photo"), box, L.BODY_SIZE)


def _draw_choice_lines(c, box: L.Box, lines: list[list[tuple[str, bool]]], line_height: float,
                       column_x: tuple[float, ...] = (0,)) -> None:
    """Rows of "label □" choices; each row's items start at the given offsets from the left."""
    L.draw_cell(c, box)
    top = box.top - 1.5 * mm
    for i, items in enumerate(lines):
        baseline = top - (i + 1) * line_height + line_height * 0.3
        for (text, ticked), offset in zip(items, column_x):
            L.draw_choice(c, box.x + 3 * mm + offset, baseline, text, ticked)


def _draw_choice_rows(c, grid: L.Grid, p: dict, subsidies: list[str]) -> None:
    _label(c, grid.cell(8, 0), label("subsidies"))
    lines = [[(f"{i}. {s}", s in subsidies)] for i, s in enumerate(choices.SUBSIDIES, start=1)]
    _draw_choice_lines(c, grid.cell(8, 1, colspan=6), lines, SUBSIDY_LINE_MM * mm)

    _label(c, grid.cell(9, 0), label("hukou_type"))
    for kind, col in zip(choices.HUKOU_TYPES, (1, 4)):
        box = grid.cell(9, col, colspan=3)
        L.draw_cell(c, box)
        width = L.choice_width(kind)
        L.draw_choice(c, box.x + (box.w - width) / 2, box.y + box.h / 2 - L.CELL_SIZE * 0.35,
                      kind, p.get("hukou_type") == kind)

    _label(c, grid.cell(10, 0), label("insurance_types"))
    held = as_list(p.get("insurance_types"))
    items = [(f"{i}.{insurance_box_label(t)}", t in held)
             for i, t in enumerate(choices.INSURANCE_TYPES, start=1)]
    lines = [items[i:i + 2] for i in range(0, len(items), 2)]
    _draw_choice_lines(c, grid.cell(10, 1, colspan=6), lines, INSURANCE_LINE_MM * mm, (0, 78 * mm))


def _draw_opinion_rows(c, grid: L.Grid, application: dict) -> None:
    _label(c, grid.cell(11, 0), APPLY_LABEL)
    box = grid.cell(11, 1, colspan=6)
    L.draw_cell(c, box)
    baseline = box.y + 4 * mm
    L.draw_line_text(c, box.right - 3 * mm, baseline, L.chinese_date(None, "      "), L.CELL_SIZE,
                     align="right")
    L.draw_line_text(c, box.x + box.w * 0.38, baseline, "签字：", L.CELL_SIZE)
    for row, title in ((12, VILLAGE_LABEL), (13, CLINIC_LABEL), (14, OFFICE_LABEL)):
        _label(c, grid.cell(row, 0), title)
        L.draw_cell(c, grid.cell(row, 1, colspan=6))
    _draw_village_opinion(c, grid.cell(12, 1, colspan=6), application)


def _draw_village_opinion(c, box: L.Box, application: dict) -> None:
    """The committee's opinion as the clinic recorded it; the stamp still goes on by hand."""
    opinion = L.text(application.get("village_opinion"))
    if opinion:
        L.draw_text_in_box(c, opinion, L.Box(box.x, box.y + 7 * mm, box.w, box.h - 7 * mm),
                           L.CELL_SIZE, align="left", valign="top")
    if application.get("village_opinion_date"):
        L.draw_line_text(c, box.right - 3 * mm, box.y + 3 * mm,
                         L.chinese_date(application["village_opinion_date"]), L.CELL_SIZE, align="right")


def _draw_notes(c, top: float, width: float) -> None:
    """The three notes under the form, word for word; later lines hang under "1."."""
    y = top
    indent = L.text_width("注：", L.CELL_SIZE - 1)
    for i, note in enumerate(NOTES):
        x = L.MARGIN if i == 0 else L.MARGIN + indent
        para = L.paragraph(note, L.CELL_SIZE - 1, "justify")
        _, used = para.wrap(width - (x - L.MARGIN), 100 * mm)
        para.drawOn(c, x, y - used)
        y -= used + 0.5 * mm


# --- the checklist page ---------------------------------------------------------------------------------

CHECKLIST_HEADERS = ("序号", "申请材料", "原件已核", "复印件已收", "备注")
CHECKLIST_COLUMNS_MM = (14, 88, 20, 22, 36)


def document_checks(documents) -> list[tuple[str, dict]]:
    """(document name, its check) for the six documents, from the stored checklist (a dict by
    document key, or its JSON text); documents missing from it count as not checked."""
    if isinstance(documents, str):
        documents = json.loads(documents) if documents.strip() else {}
    documents = documents or {}
    return [(name, documents.get(key) or {}) for key, name in DOCUMENTS]


def any_document_checked(documents) -> bool:
    """A checklist with nothing ticked or noted says nothing: no page is printed for it."""
    if not documents:
        return False
    return any(check.get("original_seen") or check.get("copy_received") or L.text(check.get("note"))
               for _, check in document_checks(documents))


def _draw_checklist(c, patient: dict, application: dict) -> None:
    width, height = L.PORTRAIT
    top = height - L.TOP_MARGIN
    L.draw_title(c, CHECKLIST_TITLE, top - 7 * mm, width)
    baseline = top - 17 * mm
    L.draw_line_text(c, L.MARGIN, baseline,
                     f"{label('name')}：{L.text(patient.get('name'))}    "
                     f"{label('id_number')}：{L.text(patient.get('id_number'))}", L.CELL_SIZE)
    L.draw_line_text(c, width - L.MARGIN, baseline,
                     f"收件日期：{L.chinese_date(application.get('received_date'))}", L.CELL_SIZE,
                     align="right")
    checks = document_checks(application.get("documents"))
    requirements = application.get("requirements") or {}
    keys = [key for key, _ in DOCUMENTS]
    heights = [9 * mm] + [14 * mm] * len(checks)
    grid = L.Grid(L.MARGIN, baseline - 4 * mm, [w * mm for w in CHECKLIST_COLUMNS_MM], heights)
    for col, header in enumerate(CHECKLIST_HEADERS):
        _label(c, grid.cell(0, col), header)
    for row, (name, check) in enumerate(checks, start=1):
        _label(c, grid.cell(row, 0), str(row))
        _value(c, grid.cell(row, 1), name)
        if requirements.get(keys[row - 1]) == NOT_APPLICABLE:  # not asked of him: never a tick
            for col in (2, 3):
                _value(c, grid.cell(row, col), REQUIREMENT_LABELS[NOT_APPLICABLE], align="center")
            _value(c, grid.cell(row, 4), check.get("note"))
            continue
        for col, key in ((2, "original_seen"), (3, "copy_received")):
            box = grid.cell(row, col)
            L.draw_cell(c, box)
            L.draw_checkbox(c, box.x + (box.w - L.BOX_SIZE) / 2, box.y + box.h / 2 - L.BOX_SIZE * 0.4,
                            bool(check.get(key)))
        _value(c, grid.cell(row, 4), check.get("note"))
    c.setLineWidth(L.FRAME_WIDTH)
    box = grid.outline
    c.rect(box.x, box.y, box.w, box.h)
    L.draw_line_text(c, L.MARGIN, box.y - 7 * mm, "申请材料均一式两份。", L.CELL_SIZE - 1)
    if application.get("application_day_note"):   # received off the month's application day
        L.draw_line_text(c, L.MARGIN, box.y - 13 * mm, application["application_day_note"] + "。",
                         L.CELL_SIZE - 1)
