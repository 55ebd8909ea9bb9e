"""Printing new rows onto a card printed before: only the rows' text, each at its recorded line,
moved by the printer calibration; and the calibration page itself."""
import io
import re

import pytest
from reportlab.lib.units import mm

from clinic_app.documents import card
from clinic_app.services import printing
from clinic_app.documents import card_layout as CL
from clinic_app.storage import audit, card_rows, settings
from clinic_app.storage.errors import StorageError
from tests.card_fixtures import add_spec, enrolled_patient, monthly, printer, staff
from tests.documents.cardpdf import inside, pdf_index, placed_text, position_of, sample_card, sample_row
from tests.documents.pdftools import flat, pages_text, reader

PAINT_OPERATORS = {"S", "s", "B", "B*", "b", "b*", "f", "F", "f*", "l", "c", "v", "y", "Do", "sh"}


def _rows_pdf(rows, size="A5", dx=0.0, dy=0.0) -> tuple[bytes, list[int]]:
    out = io.BytesIO()
    pages = card.render_card_rows(out, rows, size, dx, dy)
    return out.getvalue(), pages


def _operators(pdf: bytes, index: int) -> set[str]:
    """The content stream's operators, with the text strings taken out."""
    data = reader(pdf).pages[index].get_contents().get_data().decode("latin-1")
    data = re.sub(r"\((?:\\.|[^\\)])*\)", " ", data)
    return {t for t in data.split() if re.fullmatch(r"[A-Za-z*']+", t)}


def test_one_pdf_page_per_card_page_that_receives_rows():
    rows = [sample_row(11), sample_row(12), sample_row(13), sample_row(40)]  # p2 l12, p3 l1-2, p5 l5
    pdf, pages = _rows_pdf(rows)
    assert pages == [2, 3, 5]
    assert len(reader(pdf).pages) == 3
    texts = [flat(t) for t in pages_text(pdf)]
    assert [t.count("利培酮片1mg3盒") for t in texts] == [1, 2, 1]


def test_only_the_row_text_is_printed_no_lines_no_titles():
    pdf, _ = _rows_pdf([sample_row(3)])
    text = flat(pages_text(pdf)[0])
    assert text == "2026-11-20利培酮片1mg3盒1234.56234.56100.00900.00王医生李精防张大山".replace(
        "2026-11-20", sample_row(3).date.isoformat())
    assert "日期" not in text and "第二页" not in text
    assert not _operators(pdf, 0) & PAINT_OPERATORS


def test_bookmarks_name_the_card_page_to_feed():
    pdf, _ = _rows_pdf([sample_row(0), sample_row(CL.ROWS_PER_PAGE)])
    assert [entry["/Title"] for entry in reader(pdf).outline] == ["请放入救助卡第二页", "请放入救助卡第三页"]


def test_a_row_lands_exactly_where_the_booklet_drew_it():
    row = sample_row(0, page=3, line=5, date="2027-03-05")
    rows_pdf, _ = _rows_pdf([row])
    booklet = io.BytesIO()
    card.render_card_booklet(booklet, sample_card(), [row])
    in_rows = position_of(rows_pdf, 0, "2027-03-05")
    in_booklet = position_of(booklet.getvalue(), pdf_index(3), "2027-03-05")
    assert in_rows == pytest.approx(in_booklet)
    assert inside(in_rows, CL.cell_box("A5", 5, "date"))


@pytest.mark.parametrize("dx, dy", [(1.5, 0), (0, 2.0), (-3.2, -1.1)])
def test_calibration_offsets_shift_the_text_right_and_down(dx, dy):
    row = sample_row(0, page=3, line=5, date="2027-03-05")
    plain, _ = _rows_pdf([row])
    shifted, _ = _rows_pdf([row], dx=dx, dy=dy)
    x0, y0 = position_of(plain, 0, "2027-03-05")
    x1, y1 = position_of(shifted, 0, "2027-03-05")
    assert x1 - x0 == pytest.approx(dx * mm, abs=0.01)
    assert y0 - y1 == pytest.approx(dy * mm, abs=0.01)  # + is down the page


@pytest.mark.parametrize("size", ["A4", "B6"])
def test_other_paper_sizes_use_their_own_grid(size):
    pdf, _ = _rows_pdf([sample_row(0, page=7, line=9, date="2030-01-01")], size=size)
    assert inside(position_of(pdf, 0, "2030-01-01"), CL.cell_box(size, 9, "date"))


def test_nothing_to_print_is_refused():
    with pytest.raises(ValueError):
        _rows_pdf([])


# --- the geometry ------------------------------------------------------------------------------------

def test_rows_are_stacked_under_the_header_without_gaps():
    g = CL.geometry("A5")
    for line in range(1, CL.ROWS_PER_PAGE + 1):
        x, y, w, h = CL.row_box("A5", line)
        assert y + h == pytest.approx(g.rows_top - (line - 1) * g.row_h)
        assert (x, w) == (g.left, pytest.approx(g.grid_width))
    assert CL.row_box("A5", CL.ROWS_PER_PAGE)[1] == pytest.approx(g.grid_bottom)
    assert g.grid_bottom > 10 * mm and g.grid_top < g.height - 10 * mm


def test_the_grid_fits_every_paper_size():
    for size in CL.PAGE_SIZES_MM:
        g = CL.geometry(size)
        assert g.xs[0] > 5 * mm and g.xs[-1] < g.width - 5 * mm
        assert g.grid_bottom > 5 * mm


def test_slots_run_from_page_2_line_1_to_page_12_last_line():
    assert CL.slot_at(0) == (2, 1)
    assert CL.slot_at(CL.ROWS_PER_PAGE) == (3, 1)
    assert CL.slot_at(CL.CAPACITY - 1) == (12, CL.ROWS_PER_PAGE)
    assert all(CL.slot_at(CL.slot_index(p, l)) == (p, l) for p, l in CL.slots())
    with pytest.raises(ValueError):
        CL.row_box("A5", CL.ROWS_PER_PAGE + 1)


def test_chinese_page_labels():
    assert [CL.page_label(n) for n in (1, 2, 10, 12, 13)] == ["第一页", "第二页", "第十页", "第十二页", "第十三页"]


# --- the calibration page -------------------------------------------------------------------------------

def _calibration(dx=0.0, dy=0.0, size="A5") -> bytes:
    out = io.BytesIO()
    card.render_calibration_page(out, size, dx, dy)
    return out.getvalue()


def test_calibration_page_shows_the_grid_and_the_current_offsets():
    pdf = _calibration(1.5, -2.0)
    text = flat(pages_text(pdf)[0])
    assert "救助卡套打校准页（A5）" in text
    assert "当前偏移：水平+1.5毫米，垂直-2.0毫米" in text
    for column in CL.COLUMNS:
        assert column.title in text
    assert _operators(pdf, 0) & {"S", "l"}  # lines are drawn here


def test_calibration_grid_moves_with_the_offsets():
    plain, shifted = _calibration(), _calibration(2.0, 3.0)
    x0, y0 = position_of(plain, 0, "2026-01-01")  # the sample line
    x1, y1 = position_of(shifted, 0, "2026-01-01")
    assert (x1 - x0, y0 - y1) == (pytest.approx(2.0 * mm, abs=0.01), pytest.approx(3.0 * mm, abs=0.01))
    assert inside((x0, y0), CL.cell_box("A5", 1, "date"))


def test_calibration_has_a_millimetre_ruler():
    labels = {t for t, _, _ in placed_text(_calibration(), 0)}
    assert {"0", "10", "50", "100", "+5", "-10"} <= labels


# --- the print job ---------------------------------------------------------------------------------------

@pytest.fixture
def enrolled(fresh_db):
    settings.put(fresh_db, "clinic_code", "youxi")
    pid, rescue_card = enrolled_patient(fresh_db, name="周小梅", sex="女")
    return fresh_db, pid, rescue_card, staff(fresh_db), add_spec(fresh_db)


def test_new_rows_print_at_their_lines_with_the_calibration_and_only_once(enrolled, tmp_path):
    db, pid, rescue_card, who, spec = enrolled
    monthly(db, pid, rescue_card["id"], spec, 11, who)
    booklet = printing.print_card(db, printer(db), pid, tmp_path / "card.pdf")
    assert len(booklet.row_ids) == 11 and not any(r.printed_at for r in card_rows.rows_for_card(db, rescue_card["id"]))
    assert printing.confirm_card_rows_printed(db, printer(db), pid, booklet.row_ids) == 11
    new = monthly(db, pid, rescue_card["id"], spec, 3, who, start="2027-11-01")
    settings.put(db, "card_offset_x_tenth_mm", 15)
    settings.put(db, "card_offset_y_tenth_mm", -20)
    result = printing.print_new_card_rows(db, printer(db), pid, tmp_path / "rows.pdf")
    assert (result.pages, result.rows) == ([2, 3], 3)
    assert result.instruction() == "请依次将救助卡翻到第二页、第三页放入打印机"
    pdf = result.path.read_bytes()
    x, y = position_of(pdf, 0, "2027-11-01")
    bx, by, bw, bh = CL.cell_box("A5", 12, "date")
    assert inside((x - 1.5 * mm, y - 2.0 * mm), (bx, by, bw, bh))
    assert flat(pages_text(pdf)[1]).count("利培酮片1mg3盒") == 2
    rows = card_rows.rows_for_card(db, rescue_card["id"])
    assert [r.dispensing_id for r in rows[-3:]] == new and not any(r.printed_at for r in rows[-3:])
    entry = audit.recent(db, 1)[0]
    assert entry["action"] == audit.PRINT and "第2页第12行起 3 条" in entry["summary"]
    # printing is not confirming: the same rows come out again, at the same lines, until confirmed
    again = printing.print_new_card_rows(db, printer(db), pid, tmp_path / "same.pdf")
    assert again.row_ids == result.row_ids and position_of(again.path.read_bytes(), 0, "2027-11-01") == (x, y)
    assert printing.confirm_card_rows_printed(db, printer(db), pid, result.row_ids) == 3
    rows = card_rows.rows_for_card(db, rescue_card["id"])
    assert all(r.printed_at for r in rows)
    confirmed = audit.recent(db, 1)[0]
    assert "确认救助卡领药记录已正确打印" in confirmed["summary"] and "第2页第12行起 3 条" in confirmed["summary"]
    # a reprint of exactly those rows (staff said 否) keeps their lines
    redo = printing.print_new_card_rows(db, printer(db), pid, tmp_path / "redo.pdf", row_ids=result.row_ids[1:])
    assert redo.pages == [3] and redo.rows == 2 and "重新套打" in audit.recent(db, 1)[0]["summary"]
    with pytest.raises(StorageError, match="不在"):
        printing.print_new_card_rows(db, printer(db), pid, tmp_path / "bad.pdf", row_ids=[9999])
    with pytest.raises(StorageError, match="没有待打印的领药记录"):
        printing.print_new_card_rows(db, printer(db), pid, tmp_path / "again.pdf")


def test_a_full_card_refuses_new_rows(enrolled, tmp_path):
    db, pid, rescue_card, who, spec = enrolled
    ids = monthly(db, pid, rescue_card["id"], spec, CL.CAPACITY + 1, who)
    card_rows.place_new_rows(db, rescue_card["id"], ids[:-1])
    with pytest.raises(card_rows.CardFullError, match="救助卡第12页已写满，请补发新卡"):
        printing.print_new_card_rows(db, printer(db), pid, tmp_path / "rows.pdf")


def test_print_calibration_uses_the_settings(enrolled, tmp_path):
    db, *_ = enrolled
    settings.put(db, "card_offset_x_tenth_mm", -7)
    settings.put(db, "card_page_size", "A4")
    out = printing.print_calibration(db, tmp_path / "cal.pdf")
    text = flat(pages_text(out)[0])
    assert "（A4）" in text and "水平-0.7毫米，垂直+0.0毫米" in text
