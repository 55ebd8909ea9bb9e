"""Quarters: the allocation, closing only after an export of the current ledger, a closed quarter
refusing entries dated in it (a late correction goes into the open quarter), reopening by an
administrator with a reason — each an event and an audit row."""
from __future__ import annotations

import pytest

from clinic_app.domain import roles
from clinic_app.services.exports import export_ledger
from clinic_app.storage import audit, quarters
from clinic_app.storage import dispensing as disp
from clinic_app.storage.errors import StorageError
from clinic_app.storage.ledger import ledger
from tests.dispensing_data import ADMIN, fast_passwords, fix_today, line, user
from tests.ledger_data import Q1, Q4, ledger_world, move_to_2027

CLOSED_ENTRY = "2026年第四季度已结账，不能再登记该季度的领药；如需补登，请以本季度日期登记或请管理员重新开账"


@pytest.fixture(autouse=True)
def _setup(monkeypatch):
    fast_passwords(monkeypatch)
    fix_today(monkeypatch)


@pytest.fixture
def setup(fresh_db):
    return ledger_world(fresh_db)


def exported_and_closed(world, tmp_path, monkeypatch):
    move_to_2027(monkeypatch)
    path = export_ledger(world.db, world.officer, Q4, tmp_path)
    quarters.close(world.db, Q4, world.officer)
    return path


def kinds(db, quarter) -> list[str]:
    return [e["kind"] for e in quarters.events(db, quarter)]


# --- reading and the allocation ------------------------------------------------------------------

def test_a_quarter_never_touched_reads_open_with_nothing_allocated(fresh_db):
    info = quarters.get(fresh_db, "2026q3")
    assert info == {"quarter": "2026Q3", "label": "2026年第三季度", "first_day": "2026-07-01",
                    "last_day": "2026-09-30", "allocated_fen": 0, "closed": False, "note": None,
                    "closed_at": None, "closed_by": None}
    assert not quarters.is_closed(fresh_db, "2026Q3") and not quarters.is_closed(fresh_db, "2026-08-01")
    assert quarters.closed_quarters(fresh_db) == [] and quarters.events(fresh_db, "2026Q3") == []


def test_setting_the_allocation_is_an_event_and_audited(setup):
    world, _ = setup
    quarters.set_allocation(world.db, Q4, 1_488_000, world.officer, note="区卫健委预拨")
    info = quarters.set_allocation(world.db, Q4, 1_500_000, world.admin)
    assert info["allocated_fen"] == 1_500_000 and info["note"] == "区卫健委预拨"
    assert kinds(world.db, Q4) == ["allocate", "allocate"]
    row = audit.recent(world.db, 1)[0]
    assert row["entity"] == "quarter" and row["entity_id"] == Q4 and row["username"] == "chen_gl"
    assert row["summary"] == "2026年第四季度预拨经费：14880.00 元 → 15000.00 元"


@pytest.mark.parametrize("amount", [-1, 1.5, "100", True])
def test_the_allocation_is_whole_fen_not_negative(setup, amount):
    world, _ = setup
    with pytest.raises(StorageError, match="预拨经费"):
        quarters.set_allocation(world.db, Q4, amount, world.admin)


def test_only_staff_who_keep_the_ledger_set_the_allocation(setup):
    world, _ = setup
    with pytest.raises(StorageError, match="只有"):
        quarters.set_allocation(world.db, Q4, 100, world.doctor)
    with pytest.raises(StorageError, match="请先登录"):
        quarters.set_allocation(world.db, Q4, 100, None)


# --- closing -------------------------------------------------------------------------------------

def test_closing_needs_an_export_first(setup, monkeypatch):
    world, _ = setup
    move_to_2027(monkeypatch)
    with pytest.raises(StorageError, match="请先导出2026年第四季度的台账"):
        quarters.close(world.db, Q4, world.officer)
    assert not quarters.is_closed(world.db, Q4)


def test_a_quarter_can_not_be_closed_before_it_ends(setup, tmp_path):
    world, _ = setup
    export_ledger(world.db, world.officer, Q4, tmp_path)
    with pytest.raises(StorageError, match="尚未结束"):
        quarters.close(world.db, Q4, world.officer)


def test_closing_after_an_export_is_an_event_and_audited(setup, tmp_path, monkeypatch):
    world, _ = setup
    package = exported_and_closed(world, tmp_path, monkeypatch)
    info = quarters.get(world.db, Q4)
    assert info["closed"] and info["closed_by"] == "李精防" and info["closed_at"].startswith("20")
    assert quarters.closed_quarters(world.db) == [Q4]
    assert quarters.is_closed(world.db, "2026-10-01") and quarters.is_closed(world.db, "2026-12-31")
    assert not quarters.is_closed(world.db, "2027-01-01") and not quarters.is_closed(world.db, Q1)
    events = quarters.events(world.db, Q4)
    assert [e["kind"] for e in events] == ["export", "close"]
    assert events[1]["detail"]["package"] == str(package) and events[1]["username"] == "li_jf"
    assert events[1]["detail"]["manifest_sha256"] == events[0]["detail"]["manifest_sha256"]
    row = audit.recent(world.db, 1)[0]
    assert (row["action"], row["entity"], row["summary"]) == (audit.UPDATE, "quarter", "2026年第四季度结账")
    with pytest.raises(StorageError, match="已经结账"):
        quarters.close(world.db, Q4, world.officer)


def test_a_change_after_the_export_asks_for_a_new_export(setup, tmp_path, monkeypatch):
    world, entries = setup
    export_ledger(world.db, world.officer, Q4, tmp_path)
    world.dispense("2026-12-30", [line(world.risperidone, 1, "1")], patient_id=entries["other_patient"])
    move_to_2027(monkeypatch)
    with pytest.raises(StorageError, match="导出之后2026年第四季度的台账又有变动"):
        quarters.close(world.db, Q4, world.officer)
    export_ledger(world.db, world.officer, Q4, tmp_path, replace=True)
    assert quarters.close(world.db, Q4, world.officer)["closed"]


def test_closing_can_check_the_package_folder(setup, tmp_path, monkeypatch):
    world, _ = setup
    move_to_2027(monkeypatch)
    package = export_ledger(world.db, world.officer, Q4, tmp_path)
    with pytest.raises(StorageError, match="找不到台账清单"):
        quarters.close(world.db, Q4, world.officer, package_dir=tmp_path)
    manifest = package / "manifest.json"
    original = manifest.read_bytes()
    manifest.write_bytes(original.replace(b'"row_count": 5', b'"row_count": 6'))
    with pytest.raises(StorageError, match="或已被改动"):
        quarters.close(world.db, Q4, world.officer, package_dir=package)
    manifest.write_bytes(original)
    assert quarters.close(world.db, Q4, world.officer, package_dir=package)["closed"]


def test_only_staff_who_keep_the_ledger_close(setup, tmp_path, monkeypatch):
    world, _ = setup
    move_to_2027(monkeypatch)
    export_ledger(world.db, world.officer, Q4, tmp_path)
    with pytest.raises(StorageError, match="只有管理员、精防人员"):
        quarters.close(world.db, Q4, world.doctor)


# --- a closed quarter refuses what is dated in it --------------------------------------------------

def test_a_closed_quarter_refuses_new_collections_dated_in_it(setup, tmp_path, monkeypatch):
    world, entries = setup
    exported_and_closed(world, tmp_path, monkeypatch)
    lines = [line(world.risperidone, 1, "1")]
    assert CLOSED_ENTRY in disp.quote(world.db, entries["other_patient"], "2026-12-30", lines).problems
    before = world.db["dispensings"].count
    with pytest.raises(StorageError, match=CLOSED_ENTRY):
        world.dispense("2026-12-30", lines, patient_id=entries["other_patient"])
    signed = disp.verify_signatures(world.db, entries["other_patient"], world.signatures())
    with pytest.raises(StorageError, match=CLOSED_ENTRY):
        disp.record(world.db, entries["other_patient"], "2026-12-30", lines, signed)
    assert world.db["dispensings"].count == before
    # dated today, in the open quarter, it is fine
    assert world.dispense("2027-01-15", lines, patient_id=entries["other_patient"])["date"] == "2027-01-15"


def test_a_closed_quarter_refuses_voids_dated_in_it(setup, tmp_path, monkeypatch):
    world, entries = setup
    exported_and_closed(world, tmp_path, monkeypatch)
    with pytest.raises(StorageError, match="2026年第四季度已结账，不能再登记该季度的作废"):
        world.void(entries["first"]["id"], "录错", date="2026-12-31")
    assert disp.get(world.db, entries["first"]["id"])["voided_by"] is None


def test_an_entry_of_a_closed_quarter_is_voided_in_the_open_quarter(setup, tmp_path, monkeypatch):
    world, entries = setup
    package = exported_and_closed(world, tmp_path, monkeypatch)
    closed_rows = ledger(world.db, Q4).rows
    void = world.void(entries["first"]["id"], "重复登记")  # today: 2027-01-15
    assert void["date"] == "2027-01-15"
    assert ledger(world.db, Q4).rows == closed_rows  # the closed quarter is as it was reported
    adjustment = ledger(world.db, Q1)
    assert adjustment.totals.total == -entries["first"]["total_fen"]
    assert package.exists()


# --- reopening -----------------------------------------------------------------------------------

def test_reopening_needs_an_administrator(setup, tmp_path, monkeypatch):
    world, _ = setup
    exported_and_closed(world, tmp_path, monkeypatch)
    for who in (world.officer, world.doctor):
        with pytest.raises(StorageError, match="只有管理员可以重新开账"):
            quarters.reopen(world.db, Q4, "补登漏登记录", who)
    with pytest.raises(StorageError, match="请先登录"):
        quarters.reopen(world.db, Q4, "补登漏登记录", None)
    assert quarters.is_closed(world.db, Q4)


def test_a_deactivated_or_demoted_administrator_can_not_reopen(setup, tmp_path, monkeypatch):
    from clinic_app.storage import accounts

    world, _ = setup
    exported_and_closed(world, tmp_path, monkeypatch)
    second = user(world.db, ("zhou_gl", "Guanli2027y", "周管理"), roles.ADMIN)
    stale = dict(second)
    accounts.update_user(world.db, second["id"], role=roles.OFFICER)
    with pytest.raises(StorageError, match="只有管理员"):
        quarters.reopen(world.db, Q4, "补登", stale)  # the role is read afresh, not from the session


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_reopening_needs_a_reason(setup, tmp_path, monkeypatch, reason):
    world, _ = setup
    exported_and_closed(world, tmp_path, monkeypatch)
    with pytest.raises(StorageError, match="请写明重新开账的原因"):
        quarters.reopen(world.db, Q4, reason, world.admin)


def test_reopening_is_an_event_and_audited_and_allows_entries_again(setup, tmp_path, monkeypatch):
    world, entries = setup
    exported_and_closed(world, tmp_path, monkeypatch)
    info = quarters.reopen(world.db, Q4, "  区项目办要求补登 12 月漏登的领药  ", world.admin)
    assert not info["closed"] and info["closed_at"] is None
    assert quarters.closed_quarters(world.db) == []
    event = quarters.events(world.db, Q4)[-1]
    assert (event["kind"], event["reason"], event["username"]) == ("reopen", "区项目办要求补登 12 月漏登的领药", ADMIN[0])
    row = audit.recent(world.db, 1)[0]
    assert row["summary"] == "2026年第四季度重新开账：区项目办要求补登 12 月漏登的领药"
    assert row["username"] == ADMIN[0] and row["action"] == audit.UPDATE
    assert world.dispense("2026-12-30", [line(world.risperidone, 1, "1")],
                          patient_id=entries["other_patient"])["date"] == "2026-12-30"
    assert audit.verify(world.db).ok


def test_after_reopening_closing_needs_a_new_export(setup, tmp_path, monkeypatch):
    world, _ = setup
    exported_and_closed(world, tmp_path, monkeypatch)
    quarters.reopen(world.db, Q4, "复核", world.admin)
    assert quarters.latest_export(world.db, Q4) is None
    with pytest.raises(StorageError, match="请先导出"):
        quarters.close(world.db, Q4, world.officer)
    export_ledger(world.db, world.officer, Q4, tmp_path, replace=True)
    quarters.close(world.db, Q4, world.admin)
    assert kinds(world.db, Q4) == ["export", "close", "reopen", "export", "close"]


def test_reopening_an_open_quarter_is_refused(setup):
    world, _ = setup
    with pytest.raises(StorageError, match="尚未结账"):
        quarters.reopen(world.db, Q4, "理由", world.admin)


def test_a_closed_quarter_keeps_its_allocation(setup, tmp_path, monkeypatch):
    world, _ = setup
    quarters.set_allocation(world.db, Q4, 50_000, world.admin)
    exported_and_closed(world, tmp_path, monkeypatch)
    with pytest.raises(StorageError, match="已结账，不能再修改预拨经费"):
        quarters.set_allocation(world.db, Q4, 60_000, world.admin)
    assert quarters.get(world.db, Q4)["allocated_fen"] == 50_000
