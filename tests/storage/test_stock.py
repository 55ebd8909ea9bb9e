"""The programme stock: batches in, first-to-expire out, voids back where they came from."""
import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from clinic_app.storage import audit, catalogue, clock, stock
from clinic_app.storage.errors import NotFoundError, StorageError

from .older_version import undo_migration
from .test_catalogue import dispensed_line

USER = {"id": None, "username": "officer"}
RISPERIDONE, OLANZAPINE = 7, 8


@pytest.fixture
def spec(fresh_db):
    return catalogue.add_spec(fresh_db, RISPERIDONE, "利培酮片", "1mg", "片", 20)


@pytest.fixture
def three_batches(fresh_db, spec):
    """Received in an order different from their expiry order, so FEFO has work to do."""
    late = stock.receive(fresh_db, spec["id"], "L-2028", "2028-06-30", 10, "2026-10-01", user=USER)
    early = stock.receive(fresh_db, spec["id"], "E-2027", "2027-01-31", 3, "2026-10-01", user=USER)
    middle = stock.receive(fresh_db, spec["id"], "M-2027", "2027-06-30", 5, "2026-10-01", user=USER)
    return early, middle, late


def packs_by_batch(db, spec_id) -> dict:
    return {b["batch_no"]: b["packs"] for entry in stock.on_hand(db, spec_id) for b in entry["batches"]}


def total(db, spec_id) -> int:
    return sum(m["packs"] for m in stock.moves(db, spec_id))


# --- receiving ---------------------------------------------------------------------------------

def test_a_received_batch_is_on_hand(fresh_db, spec):
    batch = stock.receive(fresh_db, spec["id"], " 20260901 ", "2028-08-31", 50, dt.date(2026, 10, 1), user=USER)
    assert (batch["batch_no"], batch["expiry_date"], batch["received_date"]) == ("20260901", "2028-08-31", "2026-10-01")
    assert (batch["packs_received"], batch["packs"], batch["supplier"]) == (50, 50, "区精神卫生中心")
    [entry] = stock.on_hand(fresh_db, spec["id"])
    assert (entry["label"], entry["packs"], entry["usable_packs"]) == ("利培酮片 1mg×20片/盒", 50, 50)
    assert [m["kind"] for m in stock.moves(fresh_db, spec["id"])] == ["receive"]


@pytest.mark.parametrize("kwargs, words", [
    (dict(expiry_date="2026-09-30"), "已于 2026-09-30 过期，不能入库"),
    (dict(packs=0), "大于0的整数"),
    (dict(packs=-3), "大于0的整数"),
    (dict(packs=2.0), "大于0的整数"),
    (dict(batch_no=" "), "请填写批号"),
    (dict(expiry_date="2028-02-30"), "有效期至"),
    (dict(received_date="昨天"), "入库日期"),
])
def test_bad_receipts_are_refused(fresh_db, spec, kwargs, words):
    values = dict(batch_no="B1", expiry_date="2028-01-31", packs=10, received_date="2026-10-01")
    values.update(kwargs)
    with pytest.raises(StorageError) as info:
        stock.receive(fresh_db, spec["id"], **values)
    assert words in info.value.message
    assert fresh_db["stock_batches"].count == 0 and fresh_db["stock_moves"].count == 0


def test_a_batch_expiring_on_the_day_it_arrives_may_still_be_received(fresh_db, spec):
    stock.receive(fresh_db, spec["id"], "B1", "2026-10-01", 1, "2026-10-01")


def test_a_batch_number_booked_with_another_expiry_is_refused(fresh_db, spec):
    stock.receive(fresh_db, spec["id"], "B1", "2028-01-31", 10, "2026-10-01")
    with pytest.raises(StorageError) as info:
        stock.receive(fresh_db, spec["id"], "B1", "2028-02-29", 10, "2026-11-01")
    assert "有效期至 2028-01-31" in info.value.message
    stock.receive(fresh_db, spec["id"], "B1", "2028-01-31", 5, "2026-11-01")   # a second delivery of it
    assert stock.on_hand(fresh_db, spec["id"])[0]["packs"] == 15


def test_a_retired_spec_takes_no_deliveries(fresh_db, spec):
    catalogue.retire_spec(fresh_db, spec["id"], "2026-09-01")
    with pytest.raises(StorageError) as info:
        stock.receive(fresh_db, spec["id"], "B1", "2028-01-31", 10, "2026-10-01")
    assert "已停用" in info.value.message


def test_an_unknown_spec_is_not_found(fresh_db):
    with pytest.raises(NotFoundError):
        stock.receive(fresh_db, 42, "B1", "2028-01-31", 10, "2026-10-01")


# --- issuing -----------------------------------------------------------------------------------

def test_issues_take_the_earliest_expiry_first_across_three_batches(fresh_db, spec, three_batches):
    moves = stock.issue(fresh_db, spec["id"], 10, "2026-11-01", None, user=USER)
    assert [(m["batch_no"], m["packs"], m["kind"]) for m in moves] == [
        ("E-2027", -3, "issue"), ("M-2027", -5, "issue"), ("L-2028", -2, "issue")]
    assert packs_by_batch(fresh_db, spec["id"]) == {"L-2028": 8}


def test_an_issue_within_one_batch_takes_only_that_batch(fresh_db, spec, three_batches):
    moves = stock.issue(fresh_db, spec["id"], 2, "2026-11-01", None)
    assert [(m["batch_no"], m["packs"]) for m in moves] == [("E-2027", -2)]
    assert packs_by_batch(fresh_db, spec["id"]) == {"E-2027": 1, "M-2027": 5, "L-2028": 10}


def test_expired_batches_are_never_issued(fresh_db, spec, three_batches):
    # E-2027 expired on 2027-01-31; on 2027-02-01 it is skipped.
    moves = stock.issue(fresh_db, spec["id"], 6, "2027-02-01", None)
    assert [(m["batch_no"], m["packs"]) for m in moves] == [("M-2027", -5), ("L-2028", -1)]


def test_a_batch_is_usable_on_its_expiry_date(fresh_db, spec, three_batches):
    moves = stock.issue(fresh_db, spec["id"], 1, "2027-01-31", None)
    assert moves[0]["batch_no"] == "E-2027"


def test_a_batch_not_yet_received_on_the_issue_date_is_not_used(fresh_db, spec):
    stock.receive(fresh_db, spec["id"], "A", "2028-01-31", 2, "2026-10-01")
    stock.receive(fresh_db, spec["id"], "B", "2027-03-31", 5, "2026-12-01")
    moves = stock.issue(fresh_db, spec["id"], 2, "2026-11-15", None)
    assert [m["batch_no"] for m in moves] == ["A"]


def test_not_enough_stock_issues_nothing(fresh_db, spec, three_batches):
    before = fresh_db["stock_moves"].count
    with pytest.raises(StorageError) as info:
        stock.issue(fresh_db, spec["id"], 19, "2026-11-01", None)
    assert info.value.message == "库存不足：利培酮片 1mg×20片/盒 需要 19 盒，现有未过期 18 盒"
    assert fresh_db["stock_moves"].count == before


def test_the_shortage_counts_only_unexpired_stock(fresh_db, spec, three_batches):
    with pytest.raises(StorageError) as info:
        stock.issue(fresh_db, spec["id"], 16, "2027-02-01", None)
    assert "现有未过期 15 盒" in info.value.message


def test_a_spec_with_no_stock_at_all_is_short(fresh_db, spec):
    with pytest.raises(StorageError) as info:
        stock.issue(fresh_db, spec["id"], 1, "2026-11-01", None)
    assert "现有未过期 0 盒" in info.value.message


@pytest.mark.parametrize("packs", [0, -1, 1.5])
def test_an_issue_of_no_packs_is_refused(fresh_db, spec, three_batches, packs):
    with pytest.raises(StorageError):
        stock.issue(fresh_db, spec["id"], packs, "2026-11-01", None)


def test_a_failed_issue_inside_a_dispensing_leaves_earlier_issues_undone(fresh_db, spec, three_batches):
    other = catalogue.add_spec(fresh_db, OLANZAPINE, "奥氮平片", "5mg", "片", 14)
    before = fresh_db["stock_moves"].count
    with pytest.raises(StorageError):
        with fresh_db.atomic():
            stock.issue(fresh_db, spec["id"], 4, "2026-11-01", None)
            stock.issue(fresh_db, other["id"], 1, "2026-11-01", None)
    assert fresh_db["stock_moves"].count == before


# --- voids -------------------------------------------------------------------------------------

def test_a_void_puts_the_packs_back_into_the_batches_they_came_from(fresh_db, spec, three_batches):
    line = dispensed_line(fresh_db, spec["id"], "2026-11-01")
    stock.issue(fresh_db, spec["id"], 10, "2026-11-01", line, user=USER)
    stock.issue(fresh_db, spec["id"], 1, "2026-11-02", None)          # another patient's line
    returned = stock.return_for_void(fresh_db, line, "2026-11-05", user=USER)
    assert sorted((m["batch_id"], m["packs"], m["kind"]) for m in returned) == sorted(
        [(three_batches[0]["id"], 3, "void_return"), (three_batches[1]["id"], 5, "void_return"),
         (three_batches[2]["id"], 2, "void_return")])
    assert all(m["dispensing_line_id"] == line and m["date"] == "2026-11-05" for m in returned)
    assert packs_by_batch(fresh_db, spec["id"]) == {"E-2027": 3, "M-2027": 5, "L-2028": 9}


def test_a_line_is_returned_only_once(fresh_db, spec, three_batches):
    line = dispensed_line(fresh_db, spec["id"], "2026-11-01")
    stock.issue(fresh_db, spec["id"], 2, "2026-11-01", line)
    stock.return_for_void(fresh_db, line, "2026-11-05")
    with pytest.raises(StorageError) as info:
        stock.return_for_void(fresh_db, line, "2026-11-06")
    assert "已退回库存" in info.value.message
    assert total(fresh_db, spec["id"]) == 18


def test_a_line_that_took_no_stock_returns_nothing(fresh_db, spec):
    line = dispensed_line(fresh_db, spec["id"], "2026-11-01")
    assert stock.return_for_void(fresh_db, line, "2026-11-05") == []


# --- counting ----------------------------------------------------------------------------------

def test_a_stock_count_records_the_difference(fresh_db, spec, three_batches):
    early = three_batches[0]
    move = stock.adjust(fresh_db, early["id"], 1, "2026-11-30", "破损2盒", user=USER)
    assert (move["kind"], move["packs"], move["reason"]) == ("adjust", -2, "破损2盒")
    assert packs_by_batch(fresh_db, spec["id"])["E-2027"] == 1
    move = stock.adjust(fresh_db, early["id"], 4, "2026-12-01", "找到3盒")
    assert move["packs"] == 3 and packs_by_batch(fresh_db, spec["id"])["E-2027"] == 4


def test_a_count_that_agrees_is_kept_as_a_zero_move(fresh_db, spec, three_batches):
    move = stock.adjust(fresh_db, three_batches[0]["id"], 3, "2026-11-30", "月末盘点")
    assert move["packs"] == 0


def test_a_count_to_zero_empties_the_batch(fresh_db, spec, three_batches):
    stock.adjust(fresh_db, three_batches[0]["id"], 0, "2026-11-30", "过期销毁")
    assert "E-2027" not in packs_by_batch(fresh_db, spec["id"])


@pytest.mark.parametrize("counted, reason, words", [
    (1, "", "请写明调整原因"), (1, "  ", "请写明调整原因"), (-1, "盘点", "0或正整数"), (1.0, "盘点", "0或正整数"),
])
def test_bad_counts_are_refused(fresh_db, spec, three_batches, counted, reason, words):
    before = fresh_db["stock_moves"].count
    with pytest.raises(StorageError) as info:
        stock.adjust(fresh_db, three_batches[0]["id"], counted, "2026-11-30", reason)
    assert words in info.value.message
    assert fresh_db["stock_moves"].count == before


def test_an_unknown_batch_cannot_be_counted(fresh_db):
    with pytest.raises(NotFoundError):
        stock.adjust(fresh_db, 42, 1, "2026-11-30", "盘点")


# --- reading -----------------------------------------------------------------------------------

def test_on_hand_lists_every_active_spec_and_flags_expired_batches(fresh_db, spec, three_batches):
    empty = catalogue.add_spec(fresh_db, OLANZAPINE, "奥氮平片", "5mg", "片", 14)
    entries = stock.on_hand(fresh_db, on="2027-02-01")
    assert [e["spec_id"] for e in entries] == [spec["id"], empty["id"]]
    first, second = entries
    assert [(b["batch_no"], b["packs"], b["expired"]) for b in first["batches"]] == [
        ("E-2027", 3, True), ("M-2027", 5, False), ("L-2028", 10, False)]
    assert (first["packs"], first["usable_packs"]) == (18, 15)
    assert (second["packs"], second["batches"]) == (0, [])


def test_on_hand_on_a_past_day_counts_moves_up_to_it(fresh_db, spec, three_batches):
    stock.issue(fresh_db, spec["id"], 4, "2026-11-10", None)
    assert stock.on_hand(fresh_db, spec["id"], on="2026-11-09")[0]["packs"] == 18
    assert stock.on_hand(fresh_db, spec["id"], on="2026-11-10")[0]["packs"] == 14
    assert stock.on_hand(fresh_db, spec["id"], on="2026-09-30")[0]["packs"] == 0


def test_on_hand_judges_expiry_today_by_default(fresh_db, spec, three_batches, monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: dt.date(2027, 7, 1))
    [entry] = stock.on_hand(fresh_db, spec["id"])
    assert entry["usable_packs"] == 10


def test_a_retired_spec_is_listed_only_while_it_holds_stock(fresh_db, spec, three_batches):
    other = catalogue.add_spec(fresh_db, OLANZAPINE, "奥氮平片", "5mg", "片", 14)
    catalogue.retire_spec(fresh_db, spec["id"], "2026-11-01")
    catalogue.retire_spec(fresh_db, other["id"], "2026-11-01")
    assert [e["spec_id"] for e in stock.on_hand(fresh_db)] == [spec["id"]]


def test_moves_carry_a_running_balance(fresh_db, spec, three_batches):
    stock.issue(fresh_db, spec["id"], 4, "2026-11-10", None)
    stock.adjust(fresh_db, three_batches[2]["id"], 9, "2026-11-30", "破损")
    rows = stock.moves(fresh_db, spec["id"])
    assert [(r["kind_label"], r["packs"], r["balance"]) for r in rows] == [
        ("入库", 10, 10), ("入库", 3, 13), ("入库", 5, 18), ("发药出库", -3, 15), ("发药出库", -1, 14),
        ("盘点调整", -1, 13)]


def test_expiring_lists_batches_within_the_warning_window(fresh_db, spec, three_batches):
    rows = stock.expiring(fresh_db, "2026-12-15")
    assert [(r["batch_no"], r["days_left"], r["expired"]) for r in rows] == [("E-2027", 47, False)]
    rows = stock.expiring(fresh_db, "2027-05-15", days=60)
    assert [(r["batch_no"], r["expired"]) for r in rows] == [("E-2027", True), ("M-2027", False)]
    assert rows[0]["label"] == "利培酮片 1mg×20片/盒"


def test_expiring_leaves_out_empty_batches(fresh_db, spec, three_batches):
    stock.issue(fresh_db, spec["id"], 3, "2026-11-01", None)
    assert stock.expiring(fresh_db, "2026-12-15") == []


def test_every_write_is_audited(fresh_db, spec, three_batches):
    line = dispensed_line(fresh_db, spec["id"], "2026-11-01")
    stock.issue(fresh_db, spec["id"], 4, "2026-11-01", line, user=USER)
    stock.return_for_void(fresh_db, line, "2026-11-02", user=USER)
    stock.adjust(fresh_db, three_batches[0]["id"], 2, "2026-11-30", "破损", user=USER)
    summaries = [r["summary"] for r in reversed(audit.recent(fresh_db, entity="stock_batch"))]
    assert [s.split("：")[0] for s in summaries] == ["药品入库"] * 3 + ["发药出库", "作废退回库存", "库存盘点"]
    assert "批号 E-2027 3、M-2027 1" in summaries[3]
    assert "账面 3 盒，实盘 2 盒（-1），原因：破损" in summaries[5]
    assert audit.verify(fresh_db).ok


# --- the books always balance ------------------------------------------------------------------

operations = st.lists(st.tuples(st.sampled_from(["issue", "adjust", "void", "receive"]), st.integers(0, 2),
                                st.integers(0, 12)), max_size=12)


def balances_match_moves(db) -> bool:
    """The running balance (stock_balances) of every batch is the sum of its moves."""
    kept = dict(db.execute("SELECT batch_id, packs FROM stock_balances").fetchall())
    summed = dict(db.execute("SELECT batch_id, SUM(packs) FROM stock_moves GROUP BY batch_id").fetchall())
    return kept == summed


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations)
def test_stock_never_goes_negative_and_matches_its_moves(fresh_db, ops):
    spec = catalogue.add_spec(fresh_db, RISPERIDONE, "利培酮片", f"{fresh_db['drug_specs'].count + 1}mg", "片", 20)
    batches = [stock.receive(fresh_db, spec["id"], f"B{i}", f"2028-0{i + 1}-01", 5, "2026-10-01") for i in range(3)]
    lines = []
    for kind, which, count in ops:
        try:
            if kind == "issue":
                lines.append(dispensed_line(fresh_db, spec["id"], "2026-11-01"))
                stock.issue(fresh_db, spec["id"], count, "2026-11-01", lines[-1])
            elif kind == "void":
                if lines:
                    stock.return_for_void(fresh_db, lines[which % len(lines)], "2026-11-02")
            elif kind == "receive":
                batches.append(stock.receive(fresh_db, spec["id"], f"R{len(batches)}", "2028-09-01",
                                             count + 1, "2026-10-15"))
            else:
                stock.adjust(fresh_db, batches[which]["id"], count, "2026-11-01", "盘点")
        except StorageError:
            pass
        entry = stock.on_hand(fresh_db, spec["id"])[0]
        assert all(b["packs"] > 0 for b in entry["batches"])
        assert entry["packs"] == total(fresh_db, spec["id"])
        assert balances_match_moves(fresh_db)
        assert stock.on_hand(fresh_db, spec["id"], on="2030-01-01")[0]["packs"] == entry["packs"]


def test_the_migration_fills_the_running_balance_of_an_older_file(db_path):
    from clinic_app.storage.db import open_database

    db = open_database(db_path)
    spec = catalogue.add_spec(db, RISPERIDONE, "利培酮片", "1mg", "片", 20)
    first = stock.receive(db, spec["id"], "A1", "2028-01-01", 7, "2026-10-01")
    stock.receive(db, spec["id"], "A2", "2028-06-01", 4, "2026-10-01")
    stock.issue(db, spec["id"], 9, "2026-11-01", None)
    stock.adjust(db, first["id"], 0, "2026-11-02", "盘点")
    undo_migration(db, "m012_stock_balances", "stock_balances", stock.BALANCE_TRIGGERS)
    db = open_database(db_path)
    try:
        assert balances_match_moves(db)
        assert stock.on_hand(db, spec["id"])[0]["packs"] == 2
    finally:
        db.conn.close()
