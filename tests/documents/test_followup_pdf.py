"""A follow-up list as a landscape printout: text, repeated header, page numbers, notice."""
import datetime as dt
import io

import pytest

from clinic_app.documents.followup_pdf import (EMPTY_TEXT, EXCHANGE_NOTICE, column_widths,
                                               render_list_pdf)

from .pdftools import flat, font_names, pages_text, reader

HEADERS = ("姓名", "身份证号", "镇（街）", "救助卡编号", "应取药日期", "逾期（天）", "监护人", "监护人联系方式",
           "家庭住址")
PRINTED = dt.datetime(2026, 12, 10, 9, 30)


def make_rows(count: int) -> list[list]:
    return [[f"张{'国华建明'[i % 4]}{i}", f"500381********{i:04d}", "油溪镇", f"油溪镇 {i:04d}", "2026-12-01",
             i, f"李{i}", f"139{i:08d}",
             f"重庆市江津区油溪镇大坡村{i % 9 + 1}组{i}号" + ("附1号（租住亲戚家，原住址已拆迁）" if i % 5 == 0 else "")]
            for i in range(1, count + 1)]


def render(rows, **kwargs) -> bytes:
    out = io.BytesIO()
    render_list_pdf(out, "逾期未领药名单", "油溪镇卫生院  截至 2026-12-10", HEADERS, rows,
                    printed_at=PRINTED, **kwargs)
    return out.getvalue()


@pytest.fixture(scope="module")
def long_list():
    rows = make_rows(120)
    return rows, render(rows)


def test_a4_landscape_in_the_embedded_font(long_list):
    pdf = long_list[1]
    box = reader(pdf).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)
    assert all("WenQuanYi" in name for name in font_names(pdf))


def test_title_and_subtitle_on_page_one(long_list):
    first = flat(pages_text(long_list[1])[0])
    assert first.startswith("逾期未领药名单")
    assert "油溪镇卫生院截至2026-12-10" in first


def test_header_repeats_on_every_page_and_later_pages_name_the_list(long_list):
    pages = pages_text(long_list[1])
    assert len(pages) >= 3
    for number, text in enumerate(pages, start=1):
        found = flat(text)
        positions = [found.index(flat(h)) for h in HEADERS]
        assert positions == sorted(positions)
        if number > 1:
            assert "逾期未领药名单（续）" in found


def test_pages_numbered_with_print_time(long_list):
    pages = pages_text(long_list[1])
    for number, text in enumerate(pages, start=1):
        found = flat(text)
        assert f"第{number}页共{len(pages)}页" in found
        assert "打印时间：2026-12-1009:30" in found


def test_every_row_once_in_order_and_long_cells_whole(long_list):
    rows, pdf = long_list
    text = flat("".join(pages_text(pdf)))
    positions = []
    for row in rows:
        assert text.count(flat(row[7])) == 1  # the phone number
        positions.append(text.index(flat(row[7])))
        assert flat(row[8]) in text  # long addresses wrap but are whole
    assert positions == sorted(positions)


def test_notice_for_the_information_exchange_on_every_page():
    pdf = render(make_rows(80), notice=EXCHANGE_NOTICE)
    pages = pages_text(pdf)
    assert len(pages) >= 2
    assert EXCHANGE_NOTICE == "仅供综治办、派出所信息交换使用，注意保密"
    for text in pages:
        assert flat(EXCHANGE_NOTICE) in flat(text)
    assert flat(EXCHANGE_NOTICE) not in flat("".join(pages_text(render(make_rows(3)))))


def test_an_empty_list_prints_its_header_and_says_so():
    pages = pages_text(render([]))
    assert len(pages) == 1
    found = flat(pages[0])
    assert "姓名" in found and EMPTY_TEXT in found and "第1页共1页" in found


def test_values_print_as_text_and_none_as_blank():
    found = flat(pages_text(render([["王五", None, "<油溪&镇>", "", "2026-12-01", 0, None, "", ""]]))[0])
    assert "王五" in found and "<油溪&镇>" in found and "None" not in found


def test_column_widths_fill_the_page_and_follow_the_text():
    widths = column_widths(HEADERS, make_rows(20), 700)
    assert sum(widths) == pytest.approx(700)
    assert widths[HEADERS.index("家庭住址")] > widths[HEADERS.index("镇（街）")]


def test_writes_to_a_path(tmp_path):
    path = tmp_path / "lists" / "due.pdf"
    path.parent.mkdir()
    render_list_pdf(path, "本月应取药名单", "", HEADERS, make_rows(2), printed_at=PRINTED)
    assert path.read_bytes().startswith(b"%PDF")
