"""The patient register (Attachment 8) as a landscape printout, header repeated on every page."""
import datetime as dt
import io
import re
import time

import pytest

from clinic_app.documents.register import column_widths, header_text, render_register_pdf, risk_text
from clinic_app.domain import idnumber
from clinic_app.domain.register_columns import HEADERS, REGISTER_COLUMNS, REGISTER_TITLE

from .pdftools import dark_share, flat, font_names, pages_text, reader, render_png

CLINIC = "油溪（中心）卫生院"
FILLED = dt.date(2024, 5, 10)


def id_number(n: int, birth_year: int = 1970) -> str:
    first17 = f"500381{birth_year}0101{n % 1000:03d}"
    return first17 + idnumber.check_char(first17)


def make_rows(count: int) -> list[dict]:
    return [{"seq": i, "name": f"张{'国华建明'[i % 4]}{i}", "sex": "男" if i % 2 else "女",
             "id_number": id_number(i), "risk_level": (i % 7) if i % 7 < 6 else None,
             "guardian_name": f"李{i}", "guardian_phone": f"139{i:08d}",
             "guardian_id_number": id_number(i + 500, 1950),
             "address": f"重庆市江津区油溪镇大坡村{i % 9 + 1}组{i}号" + ("附1号（租住亲戚家，原住址已拆迁）" if i % 5 == 0 else ""),
             "note": "住院中，暂停领药" if i % 11 == 0 else ""}
            for i in range(1, count + 1)]


def render(rows, **kwargs) -> bytes:
    out = io.BytesIO()
    render_register_pdf(out, rows, CLINIC, "刘医生", FILLED,
                        printed_at=dt.datetime(2024, 5, 10, 9, 30), **kwargs)
    return out.getvalue()


@pytest.fixture(scope="module")
def two_hundred():
    rows = make_rows(200)
    return rows, render(rows)


def test_the_page_is_a4_landscape(two_hundred):
    box = reader(two_hundred[1]).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)


def test_title_and_heading_line_on_page_one(two_hundred):
    first = flat(pages_text(two_hundred[1])[0])
    assert first.startswith(REGISTER_TITLE)
    assert f"单位：{CLINIC}" in first and "填表人：刘医生" in first and "填表时间：2024年05月10日" in first


def test_the_header_row_repeats_on_every_page(two_hundred):
    pages = pages_text(two_hundred[1])
    assert len(pages) > 5
    for text in pages:
        headers = flat(text)
        positions = [headers.index(h) for h in HEADERS]
        assert positions == sorted(positions)


def test_pages_are_numbered_n_of_m(two_hundred):
    pages = pages_text(two_hundred[1])
    for number, text in enumerate(pages, start=1):
        assert f"第{number}页共{len(pages)}页" in flat(text)


def test_every_row_is_printed_once_in_order(two_hundred):
    rows, pdf = two_hundred
    text = flat("".join(pages_text(pdf)))
    positions = []
    for row in rows:
        assert text.count(row["id_number"]) == 1
        positions.append(text.index(row["id_number"]))
        assert flat(row["address"]) in text  # long ones wrap but are whole
    assert positions == sorted(positions)


def test_risk_levels_print_as_levels_and_none_as_blank():
    assert risk_text(3) == "3级" and risk_text(0) == "0级" and risk_text(None) == ""
    text = flat(pages_text(render([{"seq": 1, "name": "王芳", "id_number": id_number(1), "risk_level": None},
                                   {"seq": 2, "name": "王强", "id_number": id_number(2), "risk_level": 4}]))[0])
    assert "级" not in text.split("王芳")[1].split("王强")[0] and "4级" in text


def test_rows_without_seq_are_numbered_in_order():
    rows = [{"name": "王芳", "id_number": id_number(1)}, {"name": "王强", "id_number": id_number(2)}]
    text = flat(pages_text(render(rows))[0])
    assert "1王芳" in text and "2王强" in text


def test_an_empty_register_prints_a_form_to_fill_in():
    pages = pages_text(render([]))
    assert len(pages) == 1 and all(h in flat(pages[0]) for h in HEADERS)


def test_markup_like_text_is_printed_as_typed():
    rows = [{"seq": 1, "name": "王芳", "id_number": id_number(1),
             "address": "油溪镇<大坡村> & 石桥村3组15号附2号（老村委会旁边的巷子里往前走一百米左转）"}]
    assert "油溪镇<大坡村>&石桥村" in flat(pages_text(render(rows))[0])


def test_only_the_embedded_chinese_font_is_used(two_hundred):
    names = font_names(two_hundred[1])
    assert names and all("WenQuanYiMicroHei" in n for n in names)


def test_columns_fill_the_printable_width():
    widths = column_widths(700)
    assert len(widths) == len(REGISTER_COLUMNS) and sum(widths) == pytest.approx(700)


def test_long_headers_break_after_their_first_word():
    assert header_text("危险性评估", 20) == "危险性\n评估"
    assert header_text("危险性评估", 200) == "危险性评估"


def test_two_thousand_rows_render_in_reasonable_time():
    rows = make_rows(2000)
    started = time.perf_counter()
    pdf = render(rows)
    assert time.perf_counter() - started < 20
    last = flat(pages_text(pdf)[-1])
    assert rows[-1]["id_number"] in last
    assert re.search(r"第(\d+)页共\1页", last)


def test_writes_to_a_path_and_page_one_has_ink(tmp_path, two_hundred):
    pdf = tmp_path / "register.pdf"
    render_register_pdf(pdf, two_hundred[0][:30], CLINIC, "刘医生", FILLED)
    png = render_png(pdf, tmp_path)
    assert png.stat().st_size > 10_000
    assert 0.01 < dark_share(pdf, tmp_path) < 0.5
