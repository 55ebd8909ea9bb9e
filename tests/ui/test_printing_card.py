"""New rows onto the rescue card through the print preview: printed, then confirmed. Only 是
marks them printed; 否 prints exactly those rows again, at the same places on the paper; nothing
new is said before anything is asked. Positions are measured on the printed pages."""
from __future__ import annotations

import io

from clinic_app.documents.card import render_card_rows
from clinic_app.services.printing import CardRowsPrint
from clinic_app.storage import audit, card_rows, cards, settings
from clinic_app.ui.dispensing import DispensingPanel
from clinic_app.ui.dispensing.printing import CardPrinter
from tests.dispensing_data import three_months
from tests.print_measure import page_sizes_mm, raster
from tests.ui.print_support import answer_previews

from .dispensing_support import _dispensing_setup, officer_session, world  # noqa: F401

TOLERANCE_MM = 0.5


def make_panel(qtbot, session, patient_id) -> DispensingPanel:
    panel = DispensingPanel(session, patient_id)
    qtbot.addWidget(panel)
    panel.show()
    return panel


def answers(monkeypatch, printed: list[bool], reprint: list):
    """Answer "新记录是否已正确打印在救助卡上？" and the reprint choice from these lists, in turn."""
    asked = []

    def ask(self, question, result):
        asked.append((question, list(result.row_ids)))
        return printed.pop(0)

    monkeypatch.setattr(CardPrinter, "ask_printed", ask)
    monkeypatch.setattr(CardPrinter, "choose_reprint",
                        lambda self, kind, result: (lambda pick: pick(result) if callable(pick) else pick)(reprint.pop(0)))
    return asked


def unprinted_count(db) -> int:
    return db.execute("SELECT count(*) FROM card_rows WHERE printed_at IS NULL").fetchone()[0]


def test_no_leaves_the_rows_unprinted_and_prints_the_same_rows_at_the_same_places(qtbot, world, officer_session,
                                                                                  tmp_path, monkeypatch):
    db = world.db
    settings.put(db, "card_offset_x_tenth_mm", 20)    # this printer prints 2 mm too far left …
    settings.put(db, "card_offset_y_tenth_mm", 10)    # … and 1 mm too high: the rows move right and down
    entry = world.dispense("2026-11-20", three_months(world))
    world.void(entry["id"])  # the void takes the next line: two rows to print
    previews = answer_previews(monkeypatch, tmp_path)
    asked = answers(monkeypatch, printed=[False, False], reprint=[lambda r: list(r.row_ids), None])
    panel = make_panel(qtbot, officer_session, world.patient_id)
    assert panel.print_new_rows()
    qtbot.waitUntil(lambda: len(previews.printed) == 2 and not panel.printer.busy, timeout=30_000)
    first, again = previews.printed
    assert asked[0][1] == asked[1][1] and len(asked[0][1]) == 2  # the same two rows, asked twice
    assert unprinted_count(db) == 2                              # 否: nothing marked
    assert "未登记为已打印" in panel.print_state.text()
    summaries = [r["summary"] for r in audit.recent(db, 10)]
    assert any(s.startswith("重新套打救助卡领药记录") for s in summaries)
    assert not any("确认救助卡领药记录已正确打印" in s for s in summaries)
    # the paper is the card's, and the reprint put its ink exactly where the first print did
    assert all(abs(w - 148) < TOLERANCE_MM and abs(h - 210) < TOLERANCE_MM for w, h in page_sizes_mm(first))
    box_first, box_again = raster(first).ink_box_mm(), raster(again).ink_box_mm()
    assert max(abs(a - b) for a, b in zip(box_first, box_again)) < 0.1
    # … and where the calibration says: the same rows drawn without offsets sit 2 mm left, 1 mm up
    card = cards.current(db, world.patient_id)
    rows = card_rows.rows_for_card(db, card["id"])
    plain = io.BytesIO()
    render_card_rows(plain, rows, "A5", 0, 0)
    left, top, _r, _b = raster(plain.getvalue()).ink_box_mm()
    assert abs(box_first[0] - left - 2.0) < TOLERANCE_MM and abs(box_first[1] - top - 1.0) < TOLERANCE_MM
    assert [(r.page, r.line) for r in rows] == [(2, 1), (2, 2)]  # rows never move


def test_yes_marks_the_rows_printed_and_then_there_is_nothing_new(qtbot, world, officer_session, tmp_path,
                                                                   monkeypatch):
    db = world.db
    world.dispense("2026-11-20", three_months(world))
    previews = answer_previews(monkeypatch, tmp_path)
    asked = answers(monkeypatch, printed=[True], reprint=[])
    panel = make_panel(qtbot, officer_session, world.patient_id)
    assert panel.print_new_rows()
    qtbot.waitUntil(lambda: "已登记" in panel.print_state.text(), timeout=30_000)
    assert len(asked) == 1 and asked[0][0] == "新记录是否已正确打印在救助卡上？"
    assert unprinted_count(db) == 0
    confirmed = audit.recent(db, 1)[0]
    assert confirmed["action"] == audit.PRINT and "确认救助卡领药记录已正确打印" in confirmed["summary"]
    assert confirmed["user_id"] == world.officer["id"]
    qtbot.waitUntil(lambda: "已打印：第二页 1 行" in panel.card_state.text(), timeout=10_000)
    opened = len(previews.opened)
    assert not panel.print_new_rows()
    assert panel.print_state.text() == "救助卡上没有待打印的新记录" and len(previews.opened) == opened


def test_a_preview_closed_without_printing_asks_nothing(qtbot, world, officer_session, tmp_path, monkeypatch):
    world.dispense("2026-11-20", three_months(world))
    previews = answer_previews(monkeypatch, tmp_path)
    previews.answer = "close"
    asked = answers(monkeypatch, printed=[], reprint=[])
    panel = make_panel(qtbot, officer_session, world.patient_id)
    assert panel.print_new_rows()
    qtbot.waitUntil(lambda: not panel.printer.busy and len(previews.opened) > 0, timeout=30_000)
    assert asked == [] and unprinted_count(world.db) == 1


def test_saving_the_pdf_instead_offers_to_open_it_and_marks_nothing(qtbot, world, officer_session, tmp_path,
                                                                    monkeypatch):
    from clinic_app.ui.printing.flow import PrintFlow

    world.dispense("2026-11-20", three_months(world))
    previews = answer_previews(monkeypatch, tmp_path)
    previews.answer = "save"
    target = tmp_path / "saved" / "救助卡新记录.pdf"
    target.parent.mkdir()
    opened = []
    monkeypatch.setattr(PrintFlow, "choose_save_path", lambda self, document: str(target))
    monkeypatch.setattr(PrintFlow, "confirm", lambda self, title, text: "现在打开吗？" in text)
    monkeypatch.setattr(PrintFlow, "open_file", lambda self, path: opened.append(path) or True)
    panel = make_panel(qtbot, officer_session, world.patient_id)
    assert panel.print_new_rows()
    qtbot.waitUntil(lambda: not panel.printer.busy and len(previews.opened) > 0, timeout=30_000)
    assert opened == [target] and target.read_bytes().startswith(b"%PDF")
    assert "已另存为 PDF" in panel.print_state.text() and unprinted_count(world.db) == 1
    assert panel.printer.flow.memory.save_folder() == target.parent  # the next save starts there


def test_the_rows_of_one_page_are_offered_for_a_reprint_of_that_page():
    result = CardRowsPrint(path=None, pages=[2, 3], rows=3, row_ids=[7, 8, 9],
                           positions={7: (2, 12), 8: (3, 2), 9: (3, 1)})
    assert result.rows_on_page(3) == [9, 8] and result.rows_on_page(2) == [7] and result.rows_on_page(4) == []
