"""The quarterly ledger read from the final entries: every line a row, voids negative in the
quarter of the void's own date, totals to the fen, the programme fund against its allocation."""
from __future__ import annotations

import pytest

from clinic_app.domain import idnumber
from clinic_app.domain.ledger import COLUMNS, FUNDS, Funds
from clinic_app.storage import quarters, settings
from clinic_app.storage.ledger import ledger
from tests.dispensing_data import (OLANZAPINE_FEN, RISPERIDONE_FEN, fast_passwords, fix_today, line,
                                   three_months)
from tests.ledger_data import Q1, Q4, ledger_world, move_to_2027


@pytest.fixture(autouse=True)
def _setup(monkeypatch):
    fast_passwords(monkeypatch)
    fix_today(monkeypatch)


@pytest.fixture
def setup(fresh_db):
    return ledger_world(fresh_db)


def sums(rows) -> Funds:
    return Funds(*(sum(getattr(r, f"{k}_fen") for r in rows) for k in FUNDS))


def test_every_line_of_every_entry_in_the_quarter_is_a_row_in_order(setup):
    world, entries = setup
    result = ledger(world.db, Q4)
    assert [(r.date, r.entry_id, r.line_id) for r in result.rows] == sorted(
        (r.date, r.entry_id, r.line_id) for r in result.rows)
    assert [r.entry_id for r in result.rows] == [entries["first"]["id"]] * 2 + [
        entries["second"]["id"], entries["third"]["id"], entries["void"]["id"]]
    first = result.rows[0]
    patient = world.db["patients"].get(world.patient_id)
    assert first.date == "2026-11-20" and first.kind == "dispense"
    assert first.patient_name == "张三" and first.card_number == "油溪镇 0001"
    assert first.id_number == idnumber.mask(patient["id_number"]) and "*" in first.id_number
    assert (first.drug, first.specification, first.packs) == ("利培酮片", "1mg×20片/盒", 9)
    assert first.total_fen == 9 * RISPERIDONE_FEN
    assert (first.psychiatrist, first.dispenser, first.note) == ("王医生", "李精防", "")


def test_a_void_is_negative_rows_in_the_quarter_of_its_own_date_with_a_note(setup):
    world, entries = setup
    rows = ledger(world.db, Q4).rows
    void, voided = rows[-1], rows[-2]
    assert void.kind == "void" and void.date == "2026-12-10"
    assert void.packs == -1 and void.total_fen == -OLANZAPINE_FEN == -voided.total_fen
    assert all(getattr(void, f"{k}_fen") == -getattr(voided, f"{k}_fen") for k in FUNDS)
    assert void.note == "作废 2026-12-02 的领药（数量录错）"
    assert void.dispenser == "陈管理" and void.psychiatrist == ""


def test_a_late_void_of_an_earlier_quarter_lands_in_the_quarter_it_was_made(setup, monkeypatch):
    world, entries = setup
    before = ledger(world.db, Q4)
    move_to_2027(monkeypatch)
    world.void(entries["first"]["id"], "重复登记")  # dated today: 2027-01-15
    after = ledger(world.db, Q4)
    assert after.rows == before.rows and after.totals == before.totals  # the earlier quarter stays as it was
    adjustment = ledger(world.db, Q1)
    assert [(r.date, r.kind, r.packs) for r in adjustment.rows] == [
        ("2027-01-15", "void", -9), ("2027-01-15", "void", -6)]
    assert adjustment.totals.total == -entries["first"]["total_fen"]
    assert adjustment.patients_served == 0  # no one collected anything in it
    assert adjustment.rows[0].note == "作废 2026-11-20 的领药（重复登记）"


def test_totals_per_fund_and_per_drug_add_up_to_the_rows(setup):
    world, _ = setup
    result = ledger(world.db, Q4)
    assert result.totals == sums(result.rows)
    assert result.totals.total == 9 * RISPERIDONE_FEN + 6 * OLANZAPINE_FEN + 2 * RISPERIDONE_FEN
    by_drug = {(d.drug, d.specification): d for d in result.by_drug}
    assert by_drug[("利培酮片", "1mg×20片/盒")].packs == 11
    assert by_drug[("奥氮平片", "5mg×14片/盒")].packs == 6  # 6 + 1 − 1
    total = Funds()
    for d in result.by_drug:
        total = total + d.funds
    assert total == result.totals


def test_patients_served_counts_patients_with_a_collection_in_the_quarter(setup):
    world, _ = setup
    result = ledger(world.db, Q4)
    assert result.patients_served == 2
    assert result.dispense_count == 3 and result.void_count == 1


def test_split_amounts_follow_the_entries(fresh_db, monkeypatch):
    world, _ = ledger_world(fresh_db)
    pid = world.patient_id
    world.void(world.db.execute("SELECT id FROM dispensings WHERE patient_id = ? AND kind = 'dispense'",
                                [pid]).fetchone()[0], "重开", date="2026-12-20")
    entry = world.dispense("2026-12-20", three_months(world), insurance_fen=20000, relief_fen=5000)
    rows = [r for r in ledger(fresh_db, Q4).rows if r.entry_id == entry["id"]]
    assert sum(r.insurance_fen for r in rows) == 20000 and sum(r.relief_fen for r in rows) == 5000
    assert sum(r.programme_fen for r in rows) == entry["programme_fen"]
    assert all(r.total_fen == r.insurance_fen + r.relief_fen + r.disability_fen + r.programme_fen for r in rows)


def test_whole_id_numbers_only_when_the_setting_says_so(setup):
    world, _ = setup
    whole = world.db["patients"].get(world.patient_id)["id_number"]
    assert ledger(world.db, Q4).rows[0].id_number != whole
    settings.put(world.db, "ledger_whole_id_numbers", 1)
    result = ledger(world.db, Q4)
    assert result.rows[0].id_number == whole and result.whole_id_numbers
    assert ledger(world.db, Q4, whole_id_numbers=False).rows[0].id_number != whole


def test_allocation_against_programme_spending(setup):
    world, _ = setup
    quarters.set_allocation(world.db, Q4, 100_000, world.admin)
    result = ledger(world.db, Q4)
    assert result.allocated_fen == 100_000
    assert result.programme_spent_fen == result.totals.programme
    assert result.balance_fen == 100_000 - result.totals.programme
    assert result.clinic_code == "youxi" and result.clinic_name == "油溪（中心）卫生院"


def test_an_empty_quarter(setup):
    world, _ = setup
    result = ledger(world.db, "2026Q2")
    assert result.rows == [] and result.totals == Funds() and result.patients_served == 0
    assert result.by_drug == [] and result.balance_fen == 0


def test_the_rows_come_from_one_query(setup):
    world, _ = setup
    statements = []
    world.db.conn.set_trace_callback(statements.append)
    try:
        ledger(world.db, Q4)
    finally:
        world.db.conn.set_trace_callback(None)
    assert len([s for s in statements if "dispensing_lines" in s]) == 1


def test_a_bad_quarter_is_refused_in_chinese(setup):
    world, _ = setup
    from clinic_app.storage.errors import StorageError

    with pytest.raises(StorageError, match="无法识别"):
        ledger(world.db, "第三季度")


def test_text_rows_match_the_columns(setup):
    world, _ = setup
    result = ledger(world.db, Q4)
    assert len(result.text_rows) == len(result.rows)
    void_cells = result.text_rows[-1]
    by_key = dict(zip((c.key for c in COLUMNS), void_cells))
    assert by_key["total_fen"] == "-46.20" and by_key["packs"] == "-1"
    assert by_key["date"] == "2026-12-10"


def test_fingerprint_changes_with_the_rows(setup):
    world, entries = setup
    before = ledger(world.db, Q4).fingerprint()
    assert ledger(world.db, Q4).fingerprint() == before
    world.dispense("2026-12-21", [line(world.risperidone, 1, "1")], patient_id=entries["other_patient"])
    assert ledger(world.db, Q4).fingerprint() != before
