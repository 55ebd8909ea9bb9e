"""The dispensing slip (领药单): one A5 page handed over with the drugs of one collection.

It says who collected what (each drug with its specification, packs, tablets, daily dose, the
days it lasts and the last day with drug under ``domain.cover.LAST_DAY_LABEL``, as the dialog
says it — from the recomputed cover, so a reprint after a void of an earlier collection shows the
cover freed), who pays how much — 领药总金额, 医保特病资金,
民政救助资金, 残联免费服药资金, 免费服药项目资金 and 个人支付 0.00, in yuan — when to come back
(约定下次门诊免费取药时间, 五、(二)2) and who signed (psychiatrist, dispenser, guardian). The
patient's ID number is masked; the card number and the name are printed in full, so the slip can
be matched with the card it is attached to (五、(二)2: the prescription goes with the card).

A void entry prints as such: its amounts negative and "作废" across the page.
"""
from __future__ import annotations

import datetime as dt

from reportlab.lib.pagesizes import A5
from reportlab.lib.units import mm

from ..domain import cover
from ..domain.money import yuan
from . import layout as L
from .card import draw_cell_text
from .card_data import SlipData, SlipLine

TITLE = "免费服药领药单"
VOID_TITLE = "免费服药领药单（作废）"
LINE_HEADERS = ("药品名称及规格", "盒数", "片数", "每日用量", "可用天数", cover.LAST_DAY_LABEL)
LINE_COLUMNS_MM = (42, 11, 13, 17, 14, 21)  # 118 mm: the A5 page within the forms' margins
MONEY_HEADERS = ("领药总金额\n（元）", "医保特病\n资金（元）", "民政救助\n资金（元）",
                 "残联免费服药\n资金（元）", "免费服药项目\n资金（元）", "个人支付\n（元）")
APPOINTMENT_LABEL = "约定下次门诊免费取药时间："
SIGNERS = ("精神科医师签名：", "定点医院精防人员（发药人）签名：", "监护人签名：")
NOTE = "本单随处方附于《免费服药救助卡》。"
SIZE = 9.5
ROW_MM = 8.0


def last_day(cover_until) -> str:
    """``cover_until`` is the first day without drug; the slip says the last day with it."""
    return cover.last_day_text(str(cover_until)[:10] if cover_until else None)


def day_text(value) -> str:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.strftime("%Y-%m-%d")
    return L.text(value)[:10]


def dose_text(line: SlipLine) -> str:
    dose = L.text(line.daily_dose)
    return f"{dose}{line.unit}/日" if dose else ""


def money_values(slip: SlipData) -> list[str]:
    sign = -1 if slip.is_void else 1
    parts = (slip.total_fen, slip.insurance_fen, slip.relief_fen, slip.disability_fen, slip.programme_fen)
    return [yuan(sign * abs(p)) for p in parts] + [yuan(0)]


def render_slip(out, slip: SlipData, *, printed_at: dt.datetime | None = None) -> None:
    """Write the slip as a one-page A5 PDF (with the forms' footer and print time)."""
    width, height = A5
    title = VOID_TITLE if slip.is_void else TITLE
    c = L.new_canvas(out, A5, f"{title} - {L.text(slip.patient_name)}", printed_at)
    if slip.is_void:
        _watermark(c, width, height)
    top = height - L.TOP_MARGIN
    L.draw_title(c, title, top - 5 * mm, width, 16)
    if slip.clinic:
        L.draw_line_text(c, width / 2, top - 12 * mm, slip.clinic, SIZE + 0.5, align="center")
    left, inner = L.MARGIN, width - 2 * L.MARGIN
    y = top - 16 * mm

    # who and when
    info = L.Grid(left, y, [20 * mm, 39 * mm, 22 * mm, 37 * mm], [ROW_MM * mm] * 2)
    pairs = (("姓名", slip.patient_name, "救助卡编号", slip.card_number),
             ("身份证号", slip.id_number_masked, "领药日期", day_text(slip.date)))
    for row, (l1, v1, l2, v2) in enumerate(pairs):
        for col, (value, is_label) in enumerate(((l1, True), (v1, False), (l2, True), (v2, False))):
            box = info.cell(row, col)
            L.draw_cell(c, box)
            L.draw_text_in_box(c, value, box, SIZE, align="center" if is_label else "left")
    y = info.outline.y - 4 * mm

    # the drugs
    if slip.is_void and slip.void_note:
        L.draw_text_in_box(c, slip.void_note, L.Box(left, y - 9 * mm, inner, 9 * mm), SIZE,
                           align="left", valign="top", padding=0)
        y -= 10 * mm
    lines = slip.lines or []
    heights = [ROW_MM * mm] + [9 * mm] * max(len(lines), 1)
    grid = L.Grid(left, y, [w * mm for w in LINE_COLUMNS_MM], heights)
    for col, header in enumerate(LINE_HEADERS):
        _header(c, grid.cell(0, col), header)
    for row, line in enumerate(lines, start=1):
        values = (line.drug, f"{line.packs}{line.pack_unit}" if line.packs else "",
                  f"{line.units}{line.unit}" if line.units else "", dose_text(line),
                  f"{line.days} 天" if line.days else "", last_day(line.cover_until))
        for col, value in enumerate(values):
            box = grid.cell(row, col)
            L.draw_cell(c, box)
            draw_cell_text(c, value, box, SIZE - 0.5, "left" if col == 0 else "center", 1 * mm)
    if not lines:
        for col in range(len(LINE_HEADERS)):
            L.draw_cell(c, grid.cell(1, col))
    _frame(c, grid)
    y = grid.outline.y - 4 * mm

    # who pays
    money = L.Grid(left, y, [inner / len(MONEY_HEADERS)] * len(MONEY_HEADERS), [10 * mm, ROW_MM * mm])
    for col, (header, value) in enumerate(zip(MONEY_HEADERS, money_values(slip))):
        _header(c, money.cell(0, col), header)
        box = money.cell(1, col)
        L.draw_cell(c, box)
        L.draw_text_in_box(c, value, box, SIZE, align="center")
    _frame(c, money)
    y = money.outline.y - 8 * mm

    # when to come back, who signed
    # a void sets no appointment; a slip without one leaves the date to write in
    appointment = "" if slip.is_void else L.chinese_date(slip.next_appointment, "      ")
    x = left + L.draw_line_text(c, left, y, APPOINTMENT_LABEL, SIZE + 0.5)
    L.draw_filled_blank(c, x, y, appointment, inner - (x - left), SIZE + 0.5)
    y -= 9 * mm
    blank_x = left + max(L.text_width(label, SIZE) for label in SIGNERS) + 1 * mm
    for label, name in zip(SIGNERS, (slip.psychiatrist, slip.dispenser, slip.guardian)):
        L.draw_line_text(c, blank_x - 1 * mm, y, label, SIZE, align="right")
        L.draw_filled_blank(c, blank_x, y, L.text(name), 45 * mm, SIZE)
        y -= 8 * mm
    y -= 2 * mm
    note = NOTE + (f"本次领药记于救助卡{slip.card_position}。" if slip.card_position else "")
    c.saveState()
    c.setFillGray(0.3)
    L.draw_line_text(c, left, y, note, SIZE - 1.5)
    c.restoreState()
    c.showPage()
    c.save()


def _header(c, box: L.Box, value: str) -> None:
    c.saveState()
    c.setFillGray(0.92)
    c.rect(box.x, box.y, box.w, box.h, stroke=0, fill=1)
    c.restoreState()
    L.draw_cell(c, box)
    L.draw_text_in_box(c, value, box, SIZE - 1, align="center", padding=0.8 * mm)


def _frame(c, grid: L.Grid) -> None:
    c.setLineWidth(L.FRAME_WIDTH)
    box = grid.outline
    c.rect(box.x, box.y, box.w, box.h)


def _watermark(c, width: float, height: float) -> None:
    """"作废" across the page, pale enough to read the slip through it."""
    c.saveState()
    c.setFillGray(0.86)
    c.translate(width / 2, height / 2)
    c.rotate(35)
    L.draw_line_text(c, 0, -30, "作废", 120, align="center")
    c.restoreState()
