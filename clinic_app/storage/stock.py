"""The programme stock (五、(三)1: 完善药品出入库登记), counted in packs per batch.

A batch's stock is the sum of its moves — 'receive' (+), 'issue' (−), 'void_return' (+) and
'adjust' (±) — so every pack is traceable from delivery to patient. Issues take the batch that
expires first (FEFO), never an expired one, and never a batch received after the issue date.
A batch is usable up to and including its expiry date. Moves are never edited: a mistake is put
right by a void return or a stock-count adjustment, each audited.
"""
from __future__ import annotations

import datetime as dt

from ..domain.packs import pack_unit
from . import audit, catalogue, clock
from .errors import NotFoundError, StorageError

ENTITY = "stock_batch"
RECEIVE, ISSUE, VOID_RETURN, ADJUST = "receive", "issue", "void_return", "adjust"
KIND_LABELS = {RECEIVE: "入库", ISSUE: "发药出库", VOID_RETURN: "作废退回", ADJUST: "盘点调整"}
DEFAULT_SUPPLIER = "区精神卫生中心"
EXPIRY_WARNING_DAYS = 60

# Up to a day: the sum of the batch's moves until then.
_BALANCE_UNTIL_SQL = """
SELECT b.*, COALESCE((SELECT SUM(m.packs) FROM stock_moves m WHERE m.batch_id = b.id AND m.date <= ?), 0) AS packs
FROM stock_batches b
"""
# Now: the running balance ``stock_balances`` keeps (derived from the moves, not sealed).
_BALANCE_SQL = """
SELECT b.*, COALESCE(sb.packs, 0) AS packs
FROM stock_batches b LEFT JOIN stock_balances sb ON sb.batch_id = b.id
"""
BALANCE_TRIGGERS = ("stock_balances_insert", "stock_balances_update", "stock_balances_delete")


def create_balances(db) -> None:
    """The running balance per batch and the triggers on ``stock_moves`` that keep it (m012)."""
    db.execute("CREATE TABLE IF NOT EXISTS stock_balances (batch_id INTEGER PRIMARY KEY, "
               "packs INTEGER NOT NULL)")
    add = ("INSERT INTO stock_balances (batch_id, packs) VALUES (NEW.batch_id, NEW.packs) "
           "ON CONFLICT (batch_id) DO UPDATE SET packs = packs + excluded.packs;")
    take = "UPDATE stock_balances SET packs = packs - OLD.packs WHERE batch_id = OLD.batch_id;"
    for name in BALANCE_TRIGGERS:
        db.execute(f"DROP TRIGGER IF EXISTS {name}")
    db.execute(f"CREATE TRIGGER stock_balances_insert AFTER INSERT ON stock_moves BEGIN {add} END")
    db.execute(f"CREATE TRIGGER stock_balances_update AFTER UPDATE OF batch_id, packs ON stock_moves "
               f"BEGIN {take} {add} END")
    db.execute(f"CREATE TRIGGER stock_balances_delete AFTER DELETE ON stock_moves BEGIN {take} END")


def rebuild_balances(db) -> None:
    db.execute("DELETE FROM stock_balances")
    db.execute("INSERT INTO stock_balances (batch_id, packs) "
               "SELECT batch_id, SUM(packs) FROM stock_moves GROUP BY batch_id")


def _move(db, batch_id: int, date: str, packs: int, kind: str, user, line_id: int | None = None,
          reason: str = "") -> dict:
    row = {"batch_id": batch_id, "date": date, "packs": packs, "kind": kind, "dispensing_line_id": line_id,
           "reason": reason or None, "created_at": clock.now(), "created_by": user["id"] if user else None}
    row["id"] = db["stock_moves"].insert(row).last_pk
    return row


def _batches(db, where: str, args: list, until: str | None = None) -> list[dict]:
    """Batches with their packs in stock (counting only moves up to ``until`` when given)."""
    sql = _BALANCE_UNTIL_SQL if until else _BALANCE_SQL
    params = ([until] if until else []) + list(args)
    return list(db.query(sql + " WHERE " + where + " ORDER BY b.expiry_date, b.received_date, b.id", params))


def batch(db, batch_id: int) -> dict:
    rows = _batches(db, "b.id = ?", [batch_id])
    if not rows:
        raise NotFoundError("找不到该批次")
    return rows[0]


# --- receiving -------------------------------------------------------------------------------

def receive(db, spec_id: int, batch_no: str, expiry_date, packs: int, received_date,
            supplier: str = DEFAULT_SUPPLIER, note: str = "", user: dict | None = None) -> dict:
    """Book a delivery in. Refuses an already expired batch and a batch number already booked
    with another expiry date (one of the two must be a typing mistake)."""
    spec = catalogue.spec(db, spec_id)
    batch_no = (batch_no or "").strip()
    if not batch_no:
        raise StorageError("请填写批号", field="batch_no")
    expiry = catalogue.iso_date(expiry_date, "有效期至", field="expiry_date")
    received = catalogue.iso_date(received_date, "入库日期", field="received_date")
    if isinstance(packs, bool) or not isinstance(packs, int) or packs <= 0:
        raise StorageError("入库数量应为大于0的整数", field="packs")
    if not spec["active"]:
        raise StorageError(f"“{spec['label']}”已停用，不能入库", field="spec_id")
    if expiry < received:
        raise StorageError(f"批号 {batch_no} 已于 {expiry} 过期，不能入库", field="expiry_date")
    for other in _batches(db, "b.spec_id = ? AND b.batch_no = ?", [spec_id, batch_no]):
        if other["expiry_date"] != expiry:
            raise StorageError(f"批号 {batch_no} 已登记过，有效期至 {other['expiry_date']}，与本次填写的 {expiry} 不符",
                               field="batch_no")
    with db.atomic():
        batch_id = db["stock_batches"].insert({
            "spec_id": spec_id, "batch_no": batch_no, "expiry_date": expiry, "received_date": received,
            "packs_received": packs, "supplier": (supplier or "").strip() or DEFAULT_SUPPLIER,
            "note": (note or "").strip(), "created_at": clock.now(), "created_by": user["id"] if user else None,
        }).last_pk
        _move(db, batch_id, received, packs, RECEIVE, user)
        audit.record(db, audit.CREATE, ENTITY, batch_id,
                     f"药品入库：{spec['label']} 批号 {batch_no}，{packs} {pack_unit(spec)}，有效期至 {expiry}",
                     detail={"spec_id": spec_id, "packs": packs, "received_date": received}, user=user)
    return batch(db, batch_id)


# --- issuing and returning -------------------------------------------------------------------

def usable_batches(db, spec_id: int, date) -> list[dict]:
    """Batches an issue on ``date`` may take from, first to expire first."""
    day = catalogue.iso_date(date)
    rows = _batches(db, "b.spec_id = ? AND b.expiry_date >= ? AND b.received_date <= ?", [spec_id, day, day])
    return [r for r in rows if r["packs"] > 0]


def issue(db, spec_id: int, packs: int, date, dispensing_line_id: int | None,
          user: dict | None = None) -> list[dict]:
    """Take ``packs`` for one dispensing line, earliest expiry first; all of it or nothing."""
    spec = catalogue.spec(db, spec_id)
    day = catalogue.iso_date(date, "出库日期")
    if isinstance(packs, bool) or not isinstance(packs, int) or packs <= 0:
        raise StorageError("出库数量应为大于0的整数")
    batches = usable_batches(db, spec_id, day)
    available = sum(b["packs"] for b in batches)
    if available < packs:
        unit = pack_unit(spec)
        raise StorageError(f"库存不足：{spec['label']} 需要 {packs} {unit}，现有未过期 {available} {unit}")
    moves, wanted = [], packs
    with db.atomic():
        for b in batches:
            taken = min(wanted, b["packs"])
            moves.append({**_move(db, b["id"], day, -taken, ISSUE, user, dispensing_line_id), "batch_no": b["batch_no"]})
            wanted -= taken
            if not wanted:
                break
        taken_from = "、".join(f"{m['batch_no']} {-m['packs']}" for m in moves)
        audit.record(db, audit.UPDATE, ENTITY, moves[0]["batch_id"],
                     f"发药出库：{spec['label']} {packs} {pack_unit(spec)}（批号 {taken_from}）",
                     detail={"spec_id": spec_id, "dispensing_line_id": dispensing_line_id,
                             "moves": [m["id"] for m in moves]}, user=user)
    return moves


def return_for_void(db, dispensing_line_id: int, date, user: dict | None = None) -> list[dict]:
    """Put the packs of a voided dispensing line back into the batches they came from."""
    day = catalogue.iso_date(date, "作废日期")
    issued = list(db.query("SELECT * FROM stock_moves WHERE dispensing_line_id = ? AND kind = ? ORDER BY id",
                           [dispensing_line_id, ISSUE]))
    if not issued:
        return []
    if db.execute("SELECT 1 FROM stock_moves WHERE dispensing_line_id = ? AND kind = ?",
                  [dispensing_line_id, VOID_RETURN]).fetchone():
        raise StorageError("该发药记录的药品已退回库存")
    with db.atomic():
        moves = [_move(db, m["batch_id"], day, -m["packs"], VOID_RETURN, user, dispensing_line_id)
                 for m in issued]
        spec = catalogue.spec(db, batch(db, issued[0]["batch_id"])["spec_id"])
        audit.record(db, audit.UPDATE, ENTITY, issued[0]["batch_id"],
                     f"作废退回库存：{spec['label']} {sum(m['packs'] for m in moves)} {pack_unit(spec)}",
                     detail={"dispensing_line_id": dispensing_line_id, "moves": [m["id"] for m in moves]},
                     user=user)
    return moves


# --- counting --------------------------------------------------------------------------------

def adjust(db, batch_id: int, counted_packs: int, date, reason: str, user: dict | None = None) -> dict:
    """A stock count: the difference between the count and the books becomes an 'adjust' move
    (zero when they agree — the count itself is worth keeping)."""
    day = catalogue.iso_date(date, "盘点日期", field="date")
    reason = (reason or "").strip()
    if not reason:
        raise StorageError("请写明调整原因", field="reason")
    if isinstance(counted_packs, bool) or not isinstance(counted_packs, int) or counted_packs < 0:
        raise StorageError("实盘数量应为0或正整数", field="counted_packs")
    before = batch(db, batch_id)
    spec = catalogue.spec(db, before["spec_id"])
    difference = counted_packs - before["packs"]
    with db.atomic():
        move = _move(db, batch_id, day, difference, ADJUST, user, reason=reason)
        unit = pack_unit(spec)
        audit.record(db, audit.UPDATE, ENTITY, batch_id,
                     f"库存盘点：{spec['label']} 批号 {before['batch_no']} 账面 {before['packs']} {unit}，"
                     f"实盘 {counted_packs} {unit}（{difference:+d}），原因：{reason}",
                     detail={"before": before["packs"], "counted": counted_packs, "date": day}, user=user)
    return move


# --- reading ---------------------------------------------------------------------------------

def _expired(expiry: str, day: str) -> bool:
    return expiry < day


def on_hand(db, spec_id: int | None = None, on=None) -> list[dict]:
    """Stock per specification and per batch, in catalogue order.

    Lists every active specification (with 0 when there is none) and every retired one still
    holding stock. ``on`` counts moves up to that day and judges expiry on it (default: all moves,
    judged today). ``packs`` is every pack on the shelf, ``usable_packs`` those not expired."""
    day = catalogue.iso_date(on) if on is not None else clock.today().isoformat()
    until = day if on is not None else None
    where, args = ("b.spec_id = ?", [spec_id]) if spec_id is not None else ("1 = 1", [])
    by_spec: dict[int, list[dict]] = {}
    for row in _batches(db, where, args, until):
        if row["packs"]:
            row["expired"] = _expired(row["expiry_date"], day)
            by_spec.setdefault(row["spec_id"], []).append(row)
    out = []
    for spec in catalogue.specs(db, active_only=False):
        if (spec_id is not None and spec["id"] != spec_id) or (not spec["active"] and spec["id"] not in by_spec):
            continue
        batches = by_spec.get(spec["id"], [])
        out.append({"spec_id": spec["id"], "label": spec["label"], "drug_name": spec["drug_name"],
                    "pack_unit": pack_unit(spec), "active": spec["active"], "batches": batches,
                    "packs": sum(b["packs"] for b in batches),
                    "usable_packs": sum(b["packs"] for b in batches if not b["expired"])})
    return out


def moves(db, spec_id: int) -> list[dict]:
    """Every move of a specification in date order, with its batch and the running balance."""
    rows = list(db.query(
        "SELECT m.*, b.batch_no, b.expiry_date, u.display_name AS created_by_name FROM stock_moves m "
        "JOIN stock_batches b ON b.id = m.batch_id LEFT JOIN users u ON u.id = m.created_by "
        "WHERE b.spec_id = ? ORDER BY m.date, m.id", [spec_id]))
    balance = 0
    for row in rows:
        balance += row["packs"]
        row["balance"] = balance
        row["kind_label"] = KIND_LABELS.get(row["kind"], row["kind"])
    return rows


def expiring(db, on, days: int = EXPIRY_WARNING_DAYS) -> list[dict]:
    """Batches still in stock that expire within ``days`` of ``on`` or already have, soonest first."""
    day = dt.date.fromisoformat(catalogue.iso_date(on))
    horizon = (day + dt.timedelta(days=days)).isoformat()
    out = []
    for row in _batches(db, "b.expiry_date <= ?", [horizon]):
        if row["packs"] <= 0:
            continue
        row["expired"] = _expired(row["expiry_date"], day.isoformat())
        row["days_left"] = (dt.date.fromisoformat(row["expiry_date"]) - day).days
        row["label"] = catalogue.spec(db, row["spec_id"])["label"]
        out.append(row)
    return out
