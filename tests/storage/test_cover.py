"""Cover on a real file (storage.cover, line_cover): a void frees the cover it caused for the
limit, "最多可领", the patient page, the follow-up lists, adherence and the slip; a back-dated
collection counts only what was in hand on its date and may not push a later one past its limit;
the default next appointment counts what was left; the migration backfills old files."""
from __future__ import annotations

import datetime as dt

import pytest

from clinic_app.services import printing
from clinic_app.domain import cover as rules
from clinic_app.storage import cover, followup, holidays
from clinic_app.storage import dispensing as disp
from clinic_app.storage.db import open_database
from clinic_app.storage.errors import StorageError
from tests.dispensing_data import RISPERIDONE, build, fast_passwords, fix_today, line

D = dt.date.fromisoformat


@pytest.fixture(autouse=True)
def _setup(monkeypatch):
    fast_passwords(monkeypatch)
    fix_today(monkeypatch)  # 2026-12-31


@pytest.fixture
def world(fresh_db):
    return build(fresh_db)


def risperidone(world, packs: int) -> list[dict]:
    return [line(world.risperidone, packs, "2")]  # 利培酮 2 片/日: 10 days a box


def recomputed(db, patient_id) -> list[tuple]:
    return [(c.line_id, c.start, c.until) for c in
            rules.compute(cover.collected(db, patient_id))]


def stored(db, patient_id) -> list[tuple]:
    return [(c.line_id, c.start, c.until) for c in cover.covers(db, patient_id)]


@pytest.fixture
def pushed(world):
    """60 days on 11-20, then 30 days on 12-01 pushed behind them (from 2027-01-19)."""
    first = world.dispense("2026-11-20", risperidone(world, 6))
    second = world.dispense("2026-12-01", risperidone(world, 3))
    return first, second


# --- a void frees the cover it caused ------------------------------------------------------------

def test_voiding_an_earlier_collection_frees_the_cover_of_the_later_one(world, pushed):
    first, second = pushed
    line_id = second["lines"][0]["id"]
    assert cover.for_lines(world.db, [line_id]) == {line_id: ("2027-01-19", "2027-02-18")}
    world.void(first["id"])
    assert cover.for_lines(world.db, [line_id]) == {line_id: ("2026-12-01", "2026-12-31")}
    # what was said at signing stays on the final entry, its hash intact
    assert disp.get(world.db, second["id"])["lines"][0]["cover_until"] == "2027-02-18"
    assert disp.verify(world.db, second["id"])


def test_after_a_void_the_limit_and_most_that_may_be_collected_count_what_is_really_in_hand(world, pushed):
    first, _ = pushed
    before = disp.plan_line(world.db, world.patient_id, "2026-12-20", world.risperidone["id"], 7, "2")
    assert before.check.start == D("2027-02-18") and before.check.max_packs == 3 and not before.check.ok
    world.void(first["id"])
    after = disp.plan_line(world.db, world.patient_id, "2026-12-20", world.risperidone["id"], 7, "2")
    assert after.check.start == D("2026-12-31") and after.check.max_packs == 7 and after.check.ok
    assert world.dispense("2026-12-20", risperidone(world, 7))["lines"][0]["cover_until"] == "2027-03-11"


def test_after_a_void_the_patient_page_cover_is_the_recomputed_one(world, pushed):
    first, _ = pushed
    world.void(first["id"])
    assert disp.cover_by_drug(world.db, world.patient_id, D("2026-12-20")) == [
        {"drug_id": RISPERIDONE, "drug_name": "利培酮", "cover_until": "2026-12-31", "days_left": 11}]


def test_after_a_void_the_follow_up_lists_see_the_patient_due_when_his_drug_really_runs_out(world, pushed):
    first, _ = pushed
    world.void(first["id"])
    rows = followup.due_this_month(world.db, D("2026-12-20"))
    assert [(r["patient_id"], r["due_date"], r["cover_until"], r["cover_last_day"], r["drugs"]) for r in rows] == [
        (world.patient_id, "2026-12-31", "2026-12-31", "2026-12-30", "利培酮 至 2026-12-30")]
    assert followup.covers(world.db, ids=[world.patient_id])[world.patient_id]["cover_until"] == D("2026-12-31")


def test_after_a_void_adherence_counts_the_later_collections_days_where_they_really_fall(world, pushed):
    first, _ = pushed
    world.void(first["id"])
    result = followup.adherence_for(world.db, world.patient_id, D("2026-12-31"))
    assert result.covered_days == 30  # 12-01 … 12-30, not pushed into next year


def test_after_a_void_the_slip_of_the_later_collection_shows_the_freed_cover(world, pushed):
    first, second = pushed
    assert printing.slip_data(world.db, second["id"]).lines[0].cover_until == "2027-02-18"
    world.void(first["id"])
    assert printing.slip_data(world.db, second["id"]).lines[0].cover_until == "2026-12-31"
    # the voided entry's own slip keeps what was said at signing: it has no live cover
    assert printing.slip_data(world.db, first["id"]).lines[0].cover_until == "2027-01-19"


def test_line_cover_always_equals_a_from_scratch_recompute(world, pushed):
    first, second = pushed
    third = world.dispense("2026-12-05", risperidone(world, 1) + [line(world.olanzapine, 2, "1")])
    assert stored(world.db, world.patient_id) == recomputed(world.db, world.patient_id)
    world.void(second["id"])
    assert stored(world.db, world.patient_id) == recomputed(world.db, world.patient_id)
    world.void(first["id"])
    world.void(third["id"])
    assert stored(world.db, world.patient_id) == [] == recomputed(world.db, world.patient_id)


def test_live_lines_give_each_live_collections_lines_with_recomputed_cover_and_programme_fen(world, pushed):
    first, second = pushed
    world.void(first["id"])
    rows = cover.live_lines(world.db, world.patient_id)
    assert [(r["dispensing_id"], r["date"], r["drug_id"], r["cover_start"], r["cover_until"], r["last_day"],
             r["programme_fen"]) for r in rows] == [
        (second["id"], "2026-12-01", RISPERIDONE, "2026-12-01", "2026-12-31", "2026-12-30",
         second["lines"][0]["programme_fen"])]
    assert rows[0]["programme_fen"] == 3 * 1850


# --- a back-dated collection (补录) ------------------------------------------------------------

@pytest.fixture
def later(world):
    """80 days on 12-10: until 2027-02-28, ten days short of its limit (2027-03-10)."""
    return world.dispense("2026-12-10", risperidone(world, 8))


def test_a_back_dated_collection_counts_only_what_was_in_hand_on_its_date(world, later):
    planned = disp.plan_line(world.db, world.patient_id, "2026-11-25", world.risperidone["id"], 2, "2")
    assert planned.check.start == D("2026-11-25") and planned.check.left_over_days == 0


def test_a_back_dated_collection_pushing_a_later_one_past_its_limit_is_refused_naming_its_date(world, later):
    with pytest.raises(StorageError) as info:
        world.dispense("2026-11-25", risperidone(world, 3))
    assert ("补录后，2026-12-10 的领药将超过三个月用量（可用至（含当日）2027-03-14，不得超过 2027-03-09）"
            "：本次最多可领 2 盒（50 片）") in info.value.message
    assert world.db["dispensings"].count == 1
    planned = disp.plan_line(world.db, world.patient_id, "2026-11-25", world.risperidone["id"], 3, "2")
    assert planned.check.max_packs == 2


def test_a_back_dated_collection_within_the_slack_is_written_and_the_later_one_moves_back(world, later):
    entry = world.dispense("2026-11-25", risperidone(world, 2))
    assert entry["lines"][0]["cover_start"] == "2026-11-25" and entry["lines"][0]["cover_until"] == "2026-12-15"
    line_id = later["lines"][0]["id"]
    assert cover.for_lines(world.db, [line_id]) == {line_id: ("2026-12-15", "2027-03-05")}
    assert stored(world.db, world.patient_id) == recomputed(world.db, world.patient_id)


def test_on_the_same_day_what_was_entered_before_is_in_hand(world):
    world.dispense("2026-12-01", risperidone(world, 3))
    planned = disp.plan_line(world.db, world.patient_id, "2026-12-01", world.risperidone["id"], 1, "2")
    assert planned.check.start == D("2026-12-31")


# --- the default next appointment ----------------------------------------------------------------

def test_the_default_appointment_counts_what_is_left_of_earlier_collections(world):
    world.dispense("2026-11-20", risperidone(world, 6))  # until 2027-01-19
    lines = [disp.plan_line(world.db, world.patient_id, "2026-12-20", world.risperidone["id"], 1, "2"),
             disp.plan_line(world.db, world.patient_id, "2026-12-20", world.olanzapine["id"], 2, "1")]
    # risperidone lasts to 01-28 (after the 30 days left), olanzapine to 01-16, a Saturday
    assert disp.default_appointment(world.db, "2026-12-20", lines) == "2027-01-15"
    holidays.set_day(world.db, "2027-01-15", "holiday", "测试")
    assert disp.default_appointment(world.db, "2026-12-20", lines) == "2027-01-14"
    assert disp.default_appointment(world.db, "2026-12-20", []) is None


# --- older files ---------------------------------------------------------------------------------------

def test_the_migration_backfills_the_recomputed_cover_of_an_older_file(db_path, monkeypatch):
    db = open_database(db_path)
    world = build(db)
    first = world.dispense("2026-11-20", risperidone(world, 6))
    second = world.dispense("2026-12-01", risperidone(world, 3))
    world.void(first["id"])
    # as a file of the previous version left it: no line_cover
    db.execute("DROP TABLE line_cover")
    db.execute("DELETE FROM _sqlite_migrations WHERE name = 'm009_line_cover'")
    db.conn.commit()
    db.conn.close()
    db = open_database(db_path)
    line_id = second["lines"][0]["id"]
    assert cover.for_lines(db, [line_id]) == {line_id: ("2026-12-01", "2026-12-31")}
    assert cover.for_lines(db, [first["lines"][0]["id"]]) == {}
    db.conn.close()
