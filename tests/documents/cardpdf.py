"""Reading where the card's text landed: pypdf's text visitor gives each run of text with its
position, so a test can say "this row was drawn inside that cell"."""
from __future__ import annotations

import datetime as dt

from clinic_app.documents import card_layout as CL
from clinic_app.documents.card_data import CardData, CardRow
from tests.documents.pdftools import reader

COVER, INSIDE_COVER, FIRST_PAGE = 0, 1, 2


def pdf_index(card_page: int) -> int:
    """The booklet's PDF page index of a numbered card page (封面 and 封二 come first)."""
    return FIRST_PAGE + card_page - 1


def placed_text(pdf, index: int) -> list[tuple[str, float, float]]:
    """(text, x, baseline) of every run of text on one PDF page, in points."""
    found = []

    def visit(text, cm, tm, font_dict, font_size):
        if text.strip():
            # no rotation on these pages: the position is the text matrix moved by the CTM
            x = cm[0] * tm[4] + cm[2] * tm[5] + cm[4]
            y = cm[1] * tm[4] + cm[3] * tm[5] + cm[5]
            found.append((text.strip(), x, y))

    reader(pdf).pages[index].extract_text(visitor_text=visit)
    return found


def position_of(pdf, index: int, text: str) -> tuple[float, float]:
    hits = [(x, y) for t, x, y in placed_text(pdf, index) if t == text]
    assert hits, f"{text!r} not on page {index}: {[t for t, _, _ in placed_text(pdf, index)]}"
    return hits[0]


def inside(point: tuple[float, float], box: tuple[float, float, float, float], tolerance: float = 0.5) -> bool:
    x, y = point
    bx, by, bw, bh = box
    return bx - tolerance <= x <= bx + bw + tolerance and by - tolerance <= y <= by + bh + tolerance


def sample_card(**overrides) -> CardData:
    values = dict(number="0012", town="油溪镇", name="张三", sex="男", age=46,
                  disability_cert_no="50038119800101123X62", phone="13812345678", guardian_name="张大山",
                  guardian_phone="13987654321", address="油溪镇大坡村3组45号", insurance_card_no="YB500381001",
                  disease="精神分裂症", diagnosing_hospital="重庆市江津区精神卫生中心", drugs="利培酮片、奥氮平片",
                  clinic="油溪（中心）卫生院", issuing_unit="油溪（中心）卫生院", issuer="李精防",
                  issued_date="2026-11-19")
    values.update(overrides)
    return CardData(**values)


def sample_row(index: int, **overrides) -> CardRow:
    """The ``index``-th line of the card (0 = page 2 line 1), a collection a month apart."""
    page, line = CL.slot_at(index)
    day = dt.date(2026, 11, 20) + dt.timedelta(days=30 * index)
    values = dict(page=page, line=line, date=day, drug_text="利培酮片 1mg 3盒", total_fen=123456,
                  insurance_fen=23456, disability_fen=10000, programme_fen=90000, psychiatrist="王医生",
                  dispenser="李精防", guardian="张大山")
    values.update(overrides)
    return CardRow(**values)
