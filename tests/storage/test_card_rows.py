"""Which collection sits on which card line: filled in date order, never moved, never past
page 12."""
import pytest

from clinic_app.documents import card_layout as CL
from clinic_app.storage import card_rows, cards
from clinic_app.storage.card_rows import CardFullError
from clinic_app.storage.errors import StorageError
from tests.card_fixtures import add_spec, dispense, enrolled_patient, monthly, staff


@pytest.fixture
def setup(fresh_db):
    patient_id, card = enrolled_patient(fresh_db, name="张三")
    who = staff(fresh_db)
    spec = add_spec(fresh_db)
    return fresh_db, patient_id, card, who, spec


def _positions(db, card_id):
    return [(r["dispensing_id"], r["page"], r["line"])
            for r in db.query("SELECT * FROM card_rows WHERE card_id = ? ORDER BY page, line", [card_id])]


def test_rows_start_on_page_2_line_1_in_date_order(setup):
    db, pid, card, who, spec = setup
    late = dispense(db, pid, "2027-01-20", [(spec, 3)], card_id=card["id"], who=who)
    early = dispense(db, pid, "2026-11-20", [(spec, 3)], card_id=card["id"], who=who)
    placed = card_rows.place_new_rows(db, card["id"], [late, early])
    assert [(r["dispensing_id"], r["page"], r["line"]) for r in placed] == [(early, 2, 1), (late, 2, 2)]
    assert card_rows.pages_used(db, card["id"]) == [2]


def test_the_thirteenth_row_goes_to_page_3(setup):
    db, pid, card, who, spec = setup
    ids = monthly(db, pid, card["id"], spec, CL.ROWS_PER_PAGE + 1, who)
    card_rows.place_new_rows(db, card["id"], ids)
    assert _positions(db, card["id"])[-1] == (ids[-1], 3, 1)
    assert card_rows.pages_used(db, card["id"]) == [2, 3]


def test_placing_again_keeps_every_line(setup):
    db, pid, card, who, spec = setup
    first = monthly(db, pid, card["id"], spec, 3, who)
    card_rows.place_new_rows(db, card["id"], first)
    before = _positions(db, card["id"])
    assert card_rows.place_new_rows(db, card["id"], first) == []
    assert _positions(db, card["id"]) == before


def test_printed_rows_never_move_even_for_an_earlier_dated_entry(setup):
    db, pid, card, who, spec = setup
    ids = monthly(db, pid, card["id"], spec, 2, who, start="2026-12-01")
    placed = card_rows.place_new_rows(db, card["id"], ids)
    card_rows.mark_printed(db, [r["id"] for r in placed], "2026-12-31T10:00:00")
    backdated = dispense(db, pid, "2026-11-25", [(spec, 1)], card_id=card["id"], who=who)
    card_rows.place_new_rows(db, card["id"], [backdated])
    assert _positions(db, card["id"]) == [(ids[0], 2, 1), (ids[1], 2, 2), (backdated, 2, 3)]


def test_mark_printed_keeps_the_first_print_time(setup):
    db, pid, card, who, spec = setup
    placed = card_rows.place_new_rows(db, card["id"], monthly(db, pid, card["id"], spec, 2, who))
    ids = [r["id"] for r in placed]
    assert card_rows.mark_printed(db, ids[:1], "2026-12-01T09:00:00") == 1
    assert card_rows.mark_printed(db, ids, "2026-12-02T09:00:00") == 1
    times = [r[0] for r in db.execute("SELECT printed_at FROM card_rows ORDER BY id")]
    assert times == ["2026-12-01T09:00:00", "2026-12-02T09:00:00"]


def test_unprinted_lists_placed_then_unplaced_entries(setup):
    db, pid, card, who, spec = setup
    ids = monthly(db, pid, card["id"], spec, 3, who)
    placed = card_rows.place_new_rows(db, card["id"], ids[:2])
    card_rows.mark_printed(db, [placed[0]["id"]])
    pending = card_rows.unprinted(db, card["id"])
    assert [(p["dispensing_id"], p["page"], p["line"]) for p in pending] == [(ids[1], 2, 2), (ids[2], None, None)]


def test_a_full_card_refuses_and_places_nothing(setup):
    db, pid, card, who, spec = setup
    ids = monthly(db, pid, card["id"], spec, CL.CAPACITY + 1, who)
    card_rows.place_new_rows(db, card["id"], ids[:CL.CAPACITY])
    assert _positions(db, card["id"])[-1] == (ids[CL.CAPACITY - 1], 12, CL.ROWS_PER_PAGE)
    with pytest.raises(CardFullError, match="救助卡第12页已写满，请补发新卡"):
        card_rows.place_new_rows(db, card["id"], ids[CL.CAPACITY:])
    assert len(_positions(db, card["id"])) == CL.CAPACITY


def test_a_batch_too_big_for_the_last_lines_places_none_of_it(setup):
    db, pid, card, who, spec = setup
    ids = monthly(db, pid, card["id"], spec, CL.CAPACITY + 2, who)
    card_rows.place_new_rows(db, card["id"], ids[:CL.CAPACITY - 1])
    with pytest.raises(CardFullError) as caught:
        card_rows.place_new_rows(db, card["id"], ids[CL.CAPACITY - 1:])
    assert (caught.value.free, caught.value.needed) == (1, 3)
    assert "请补发新卡" in caught.value.message
    assert len(_positions(db, card["id"])) == CL.CAPACITY - 1
    assert isinstance(caught.value, StorageError)


def test_entries_of_another_patient_or_card_are_refused(setup):
    db, pid, card, who, spec = setup
    other_pid, other_card = enrolled_patient(db, name="李四")
    theirs = dispense(db, other_pid, "2026-11-21", [(spec, 1)], card_id=other_card["id"], who=who)
    with pytest.raises(StorageError, match="不属于这张救助卡"):
        card_rows.place_new_rows(db, card["id"], [theirs])
    assert _positions(db, card["id"]) == []


def test_entries_belong_to_the_card_they_were_recorded_on(setup):
    db, pid, card, who, spec = setup
    on_old = dispense(db, pid, "2026-11-20", [(spec, 1)], card_id=card["id"], who=who)
    cards.report_lost(db, pid, "2026-12-01")
    new_card = cards.reissue(db, pid, "2026-12-05")
    on_new = dispense(db, pid, "2026-12-20", [(spec, 1)], card_id=new_card["id"], who=who)
    assert [d["id"] for d in card_rows.entries(db, card["id"])] == [on_old]
    assert [d["id"] for d in card_rows.entries(db, new_card["id"])] == [on_new]


def test_entries_without_a_card_go_by_the_dates_the_card_was_in_use(setup):
    db, pid, card, who, spec = setup
    before_issue = dispense(db, pid, "2026-11-01", [(spec, 1)], who=who)
    while_active = dispense(db, pid, "2026-11-25", [(spec, 1)], who=who)
    cards.report_lost(db, pid, "2026-12-01")
    while_lost = dispense(db, pid, "2026-12-02", [(spec, 1)], who=who)
    ids = [d["id"] for d in card_rows.entries(db, card["id"])]
    assert ids == [while_active]
    assert before_issue not in ids and while_lost not in ids


def test_rows_for_card_show_what_the_card_prints(setup):
    db, pid, card, who, spec = setup
    olanzapine = add_spec(db, "奥氮平", "奥氮平片", "5mg", 14)
    first = dispense(db, pid, "2026-11-20", [(spec, 3), (olanzapine, 2)], card_id=card["id"], who=who,
                     insurance=2000, disability=500, price=1234)
    second = dispense(db, pid, "2026-12-20", [(spec, 3)], card_id=card["id"], who=who,
                      guardian_signer="self", guardian_name="", self_sign_reason="监护人外出务工")
    void = dispense(db, pid, "2026-12-21", [(spec, 3)], card_id=card["id"], who=who, kind="void",
                    voids_id=second)
    card_rows.place_new_rows(db, card["id"], [first, second, void])
    rows = card_rows.rows_for_card(db, card["id"])
    assert [(r.page, r.line) for r in rows] == [(2, 1), (2, 2), (2, 3)]
    one = rows[0]
    assert one.drug_text == "利培酮片 1mg 3盒；奥氮平片 5mg 2盒"
    assert (one.total_fen, one.insurance_fen, one.disability_fen, one.programme_fen) == (6170, 2000, 500, 3670)
    assert (one.psychiatrist, one.dispenser, one.guardian) == ("王医生", "李精防", "张大山")
    assert rows[1].guardian == "本人（监护人外出务工）"
    assert rows[2].is_void and rows[2].voids_text == "作废第2页第2行"
    assert card_rows.drugs_on_card(db, card["id"]) == ["利培酮片", "奥氮平片"]


@pytest.mark.parametrize("line, expected", [
    ({"spec_name": "利培酮片", "drug_name": "利培酮", "strength": "1mg", "packs": 3, "pack_unit": "盒"},
     "利培酮片 1mg 3盒"),
    ({"spec_name": "", "drug_name": "奥氮平", "dosage_form": "片", "strength": "5mg", "packs": 2,
      "pack_unit": "盒", "unit": "片"}, "奥氮平片 5mg 2盒"),
    ({"spec_name": "文拉法辛缓释片", "drug_name": "文拉法辛缓释片", "strength": "75mg", "packs": 1,
      "pack_unit": "盒"}, "文拉法辛缓释片 75mg 1盒"),
    ({"spec_name": "氟哌啶醇注射液", "drug_name": "氟哌啶醇", "strength": "5mg", "packs": 0, "units": 4,
      "unit": "支", "pack_unit": "盒"}, "氟哌啶醇注射液 5mg 4支"),
    ({"spec_name": "劳拉西泮片", "drug_name": "苯二氮卓类", "strength": "0.5mg", "packs": 2, "pack_unit": "盒"},
     "劳拉西泮片 0.5mg 2盒"),
])
def test_card_line_text(line, expected):
    assert card_rows.card_line_text(line) == expected


def test_spec_label_for_the_slip():
    line = {"spec_name": "利培酮片", "drug_name": "利培酮", "strength": "1mg", "units_per_pack": 20,
            "unit": "片", "pack_unit": "盒"}
    assert card_rows.spec_label(line) == "利培酮片 1mg×20片/盒"
