"""The whole check: audit chain, every sealed record, the seal head — and the anchor.

``verify`` reads only (no login, no key created) and names the first bad record in Chinese;
``refusal(db)`` is the one call the ledger export and closing a quarter make before they go on.
"""
from __future__ import annotations

import datetime as dt
import json
from . import driver
from dataclasses import dataclass, field
from pathlib import Path

from ..domain import seal_crypto
from . import audit, integrity_key, seals
from .errors import StorageError

COLUMN_LABELS = {
    "id_number": "身份证号", "role": "角色", "price_fen": "价格", "total_fen": "领药总金额",
    "programme_fen": "免费服药项目资金", "insurance_fen": "医保特病资金", "relief_fen": "民政救助资金",
    "disability_fen": "残联免费服药资金", "packs": "数量", "units": "数量", "name": "名称",
    "value": "值", "date": "日期", "kind": "类型", "password_hash": "密码", "active": "启用状态",
    "username": "用户名", "display_name": "姓名", "summary": "摘要", "spec_id": "规格",
    "batch_id": "批次", "patient_id": "患者", "effective_date": "生效日期", "status": "状态",
    "level": "级别", "allocated_fen": "预拨金额", "closed": "结账状态", "hash": "哈希",
    "prev_hash": "上一行哈希", "guardian_id": "监护人", "phone": "电话", "address": "地址",
    "diagnosis": "诊断", "programme_status": "项目状态", "packs_received": "入库数量",
    "expiry_date": "有效期", "batch_no": "批号", "guardian_signature": "监护人签名",
    "dispensing_id": "领药记录", "last_hash": "链头哈希", "last_id": "链头行号", "count": "行数",
}
NAMED_BY_COLUMN = {"users", "patients", "guardians", "settings"}


@dataclass
class Problem:
    table: str
    row_id: str | None
    message: str


@dataclass
class Result:
    ok: bool
    problems: list[Problem] = field(default_factory=list)
    audit_checked: int = 0
    rows_checked: int = 0
    head: dict | None = None  # {"counter", "audit_id", "audit_hash", "mac"}: what an anchor keeps

    @property
    def reason(self) -> str:
        return self.problems[0].message if self.problems else ""

    @property
    def bad_row(self):
        return self.problems[0].row_id if self.problems else None


def _subject(table: str, row_id, row: dict | None) -> str:
    label = seals.SEALED[table]
    if table == "dispensings":
        return f"第 {row_id} 条领药记录"
    if table == "dispensing_lines":
        return f"第 {row_id} 条领药明细"
    if table == "patients":
        return f"第 {row_id} 位患者"
    if table == "users":
        return f"用户 {row['username']} " if row and row.get("username") else f"第 {row_id} 个用户"
    if table == "settings":
        return f"设置“{row_id}”"
    if table == "audit_log":
        return f"审计记录第 {row_id} 行"
    return f"{label}已被改动：第 {row_id} 行"


def _changed(table, row_id, row, columns: list[str]) -> str:
    subject = _subject(table, row_id, row)
    labels = list(dict.fromkeys(COLUMN_LABELS.get(c, "其他内容") for c in columns))
    if table in NAMED_BY_COLUMN and labels:
        return f"{subject}的{'、'.join(labels)}已被改动"
    if table in ("dispensings", "dispensing_lines", "audit_log") or not subject.endswith("行"):
        return f"{subject}内容已被改动" + (f"（{'、'.join(labels)}）" if labels else "")
    return f"{subject}内容被改动" + (f"（{'、'.join(labels)}）" if labels else "")


def _deleted(table, row_id) -> str:
    return f"{_subject(table, row_id, None)}已被删除"


def _forged(table, row_id, row) -> str:
    return f"{_subject(table, row_id, row)}不是本程序写入的（没有有效的校验记录，可能是绕过程序添加或调换的）"


def _check_row(key: bytes, table: str, row_id, values, columns, seal: str | None,
               problems: list[Problem]) -> None:
    rid = str(row_id)
    fresh = seal_crypto.row_seal(key, table, row_id, columns, values, tags=False)
    if seal is not None and seal_crypto.same(seal[:seal_crypto.MAC_HEX], fresh):
        return
    fresh = seal_crypto.row_seal(key, table, row_id, columns, values)
    row = dict(zip(columns, values))
    if seal is None or len(seal) == seal_crypto.MAC_HEX:  # no seal, or a tombstone
        problems.append(Problem(table, rid, _forged(table, rid, row)))
        return
    cols = seal_crypto.changed_columns(seal, fresh, columns)
    if not cols or len(cols) == len(columns):
        problems.append(Problem(table, rid, _forged(table, rid, row)))
    else:
        problems.append(Problem(table, rid, _changed(table, rid, row, cols)))


def _check_table(db, key: bytes, table: str, problems: list[Problem]) -> int:
    stored = {r[0]: r[1] for r in db.conn.execute(
        "SELECT row_id, mac FROM row_seals WHERE tbl = ?", [table])}
    where, args = "", ()
    if table == "settings":
        where = f"WHERE key NOT IN ({', '.join('?' * len(seals.UNSEALED_SETTINGS))})"
        args = seals.UNSEALED_SETTINGS
    seen = set()
    checked = 0
    for row_id, values, columns in seals.rows_of(db, table, where, args):
        checked += 1
        rid = str(row_id)
        seen.add(rid)
        _check_row(key, table, row_id, values, columns, stored.get(rid), problems)
    for rid, seal in stored.items():
        if rid in seen:
            continue
        if len(seal) == seal_crypto.MAC_HEX:
            if not seal_crypto.same(seal, seal_crypto.tombstone(key, table, rid)):
                problems.append(Problem(table, rid, f"{_subject(table, rid, None)}的删除记录已被伪造"))
            continue
        problems.append(Problem(table, rid, _deleted(table, rid)))
    # The roll-up: a row deleted together with its seal still changes count, digest and top.
    summary = db.execute("SELECT count, digest, top FROM seal_tables WHERE tbl = ?", [table]).fetchone()
    if summary is None:
        problems.append(Problem(table, None, f"{seals.SEALED[table]}的校验汇总已被删除"))
        return checked
    count, digest, top = summary
    if count != len(stored) or digest != seal_crypto.xor(*stored.values()):
        gone = [n for n in range(1, (top or 0) + 1) if str(n) not in stored]
        if gone:
            problems.append(Problem(table, str(gone[0]), _deleted(table, gone[0])
                                    + (f"（共 {len(gone)} 行）" if len(gone) > 1 else "")))
        else:
            missing = count - len(stored)
            what = f"有 {missing} 行连同其校验记录被删除" if missing > 0 else "校验记录与汇总不符"
            problems.append(Problem(table, None, f"{seals.SEALED[table]}已被改动：{what}"))
    return checked


def head_of(db) -> dict | None:
    """The chain head an anchor keeps: the audit chain's last row and the seal head."""
    try:
        seal = db.execute("SELECT counter, mac FROM seal_head WHERE id = 1").fetchone()
    except driver.OperationalError:
        return None
    chain = db.execute("SELECT last_id, last_hash FROM audit_head WHERE id = 1").fetchone()
    return {"audit_id": chain[0] if chain else 0, "audit_hash": chain[1] if chain else audit.GENESIS,
            "seal_counter": seal[0] if seal else None, "seal_mac": seal[1] if seal else None}


def verify(db, *, full: bool = True, audit_after: tuple[int, str] | None = None) -> Result:
    """Everything. ``full=False`` is the fast start-up check: key, seal head, roll-ups, triggers
    and the audit chain — every row's own seal is left to the daily full check — and, given
    ``audit_after`` (the last row an earlier check verified, with its hash), only the audit rows
    written since."""
    problems: list[Problem] = []
    result = Result(False, problems)
    try:
        key = integrity_key.of(db, create=False)
    except StorageError as exc:
        problems.append(Problem("", None, f"{exc}，无法校验（钥匙丢失或被移走时，所有记录都无法证明未被改动）"))
        return result
    try:
        head = db.execute("SELECT counter, audit_cutover, key_check, mac FROM seal_head WHERE id = 1").fetchone()
    except driver.OperationalError:
        head = None
    if head is None:
        problems.append(Problem("", None, "记录校验表已被删除"))
        return result
    counter, cutover, check, mac = head
    if not seal_crypto.same(check, seal_crypto.key_check(key)):
        problems.append(Problem("", None, "校验钥匙与数据库不符（钥匙文件被更换，或数据库来自另一台电脑）"))
        return result
    chain = audit.verify(db, after=None if full else audit_after)
    result.audit_checked = chain.checked
    if not chain.ok:
        problems.append(Problem("audit_log", str(chain.bad_row), f"审计链已被破坏：{chain.reason}"))
    for table in seals.SEALED:
        if full:
            result.rows_checked += _check_table(db, key, table, problems)
        else:
            _quick_table(db, table, problems)
    tables = db.execute(f"SELECT {seals.HEAD_TABLES_SQL}").fetchone()[0]
    if not seal_crypto.same(mac, seal_crypto.head_mac(key, counter, cutover, check, tables)):
        problems.append(Problem("", None, "记录校验汇总已被改动（有记录连同其校验记录被删除或添加）"))
    present = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    for table in seals.SEALED:
        if not all(name in present for name in seals.trigger_names(table)):
            problems.append(Problem(table, None, f"{seals.SEALED[table]}的校验触发器已被删除（有人绕过程序改动过数据库）"))
            break
    result.ok = not problems
    result.head = head_of(db)
    return result


def _quick_table(db, table: str, problems: list[Problem]) -> None:
    summary = db.execute("SELECT count FROM seal_tables WHERE tbl = ?", [table]).fetchone()
    seals_now = db.execute("SELECT COUNT(*) FROM row_seals WHERE tbl = ?", [table]).fetchone()[0]
    if summary is None or summary[0] != seals_now:
        problems.append(Problem(table, None, f"{seals.SEALED[table]}已被改动：有记录连同其校验记录被删除"))


# --- the anchor: the head a quarterly package carried out of the PC --------------------------

def anchor_of(db, closed_quarter: str | None = None) -> dict:
    """What a manifest carries: counter + keyed hash of the audit chain head, and the seal head.

    ``closed_quarter``: the head as it was when that quarter was last closed (its audit row):
    a closed quarter's package must come out byte for byte the same every time."""
    if closed_quarter is not None:
        row = db.execute("SELECT id, hash FROM audit_log WHERE entity = 'quarter' AND entity_id = ? "
                         "AND action = 'update' AND summary LIKE '%结账' ORDER BY id DESC LIMIT 1",
                         [closed_quarter]).fetchone()
        return {"audit_count": row[0] if row else 0, "audit_hash": row[1] if row else audit.GENESIS,
                "seal_counter": None}
    head = head_of(db) or {}
    return {"audit_count": head.get("audit_id", 0), "audit_hash": head.get("audit_hash"),
            "seal_counter": head.get("seal_counter")}


def check_anchor(db, anchor: dict) -> str | None:
    """Why the history up to the anchored head is no longer the same, or ``None``.

    The anchored audit row must still be there with the same keyed hash (the chain being intact
    then proves every row before it unchanged), and the seal counter can only have grown."""
    try:
        count = int(anchor["audit_count"])
        expected = str(anchor["audit_hash"])
    except (KeyError, TypeError, ValueError):
        return "清单中没有审计链头记录（不是本程序导出的清单，或已被改动）"
    if count == 0:
        return None
    row = db.execute("SELECT hash FROM audit_log WHERE id = ?", [count]).fetchone()
    if row is None:
        return f"清单记录的审计链第 {count} 行已不存在：此前的历史已被删改"
    if not seal_crypto.same(row[0], expected):
        return f"审计链第 {count} 行与清单记录的不符：此前的历史已被改写"
    seal_counter = anchor.get("seal_counter")
    head = head_of(db) or {}
    if seal_counter is not None and head.get("seal_counter") is not None and head["seal_counter"] < int(seal_counter):
        return "记录校验计数小于清单记录的值：数据库被换成了更早的副本或被改写"
    return None


def read_anchor(path: str | Path) -> dict:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise StorageError(f"无法读取清单 {path}：{exc}") from None
    if not isinstance(data, dict):
        raise StorageError(f"清单 {path} 格式不对")
    return data.get("chain_head", data) if isinstance(data.get("chain_head", data), dict) else {}


# --- the hook before exporting a ledger or closing a quarter ----------------------------------

def refusal(db, quarter=None, today: dt.date | None = None) -> str | None:
    """A Chinese reason to refuse exporting or closing when the records fail the check, else None.

    Without ``quarter``: the full check. With it (exporting or closing that quarter): the full
    check when none has passed today (so a failed start-up check, or a day without one, is never
    skipped), otherwise ``verify_package`` — the quick check plus the full seal check of every
    row the quarter's package carries, so the cost follows the package, not the whole history."""
    today = today or dt.date.today()
    if quarter is None or not _full_check_passed_on(db, today):
        result = verify(db)
        if result.ok and quarter is not None:
            _remember_full_check(db, result, today)
    else:
        result = verify_package(db, quarter)
    if result.ok:
        return None
    return f"记录校验未通过，不能继续：{result.reason}。请联系管理员。"


def _full_check_passed_on(db, day: dt.date) -> bool:
    row = db.execute("SELECT value FROM settings WHERE key = ?", [CHECKED_AT]).fetchone()
    return bool(row) and row[0] == day.isoformat()


# Small tables a package draws on (the clinic, its settings, users who signed, the catalogue,
# the quarter's allocation and events): checked whole, they cost next to nothing.
PACKAGE_TABLES = ("clinics", "towns", "settings", "users", "drugs", "drug_specs", "drug_prices",
                  "quarters", "quarter_events")
_PACKAGE_SQL = """
SELECT d.id, d.voids_id, d.patient_id, d.card_id, l.id
FROM dispensings d JOIN dispensing_lines l ON l.dispensing_id = d.id
WHERE d.date BETWEEN ? AND ?
"""


def package_rows(db, quarter) -> dict[str, set[int]]:
    """The rows of the large tables a quarter's package carries: its entries (and the entries
    they void), their lines, the patients and the rescue cards they name."""
    from ..domain import quarters as dq

    q = quarter if isinstance(quarter, dq.Quarter) else dq.parse(str(quarter))
    rows: dict[str, set[int]] = {"dispensings": set(), "dispensing_lines": set(), "patients": set(),
                                 "rescue_cards": set()}
    for entry, voided, patient, card, line in db.conn.execute(
            _PACKAGE_SQL, [q.first_day.isoformat(), q.last_day.isoformat()]):
        rows["dispensings"].add(entry)
        rows["dispensing_lines"].add(line)
        rows["patients"].add(patient)
        if voided is not None:
            rows["dispensings"].add(voided)
        if card is not None:
            rows["rescue_cards"].add(card)
    return rows


def verify_package(db, quarter) -> Result:
    """Before exporting or closing ``quarter``: every row its package carries, seal by seal
    (named when changed), then the quick check (key, seal head, roll-ups, triggers and the audit
    chain since the last check that passed). A changed row elsewhere in the history is left to
    the daily full check (``startup_check``)."""
    try:
        key = integrity_key.of(db, create=False)
    except StorageError:
        return verify(db, full=False)  # says the key is missing
    problems: list[Problem] = []
    checked = 0
    stored_check = db.execute("SELECT key_check FROM seal_head WHERE id = 1").fetchone() \
        if _has_seal_head(db) else None
    if stored_check is not None and seal_crypto.same(stored_check[0], seal_crypto.key_check(key)):
        for table, ids in package_rows(db, quarter).items():
            checked += check_rows(db, key, table, ids, problems)
        for table in PACKAGE_TABLES:
            checked += _check_table(db, key, table, problems)
    quick = verify(db, full=False, audit_after=_checked_upto(db))
    if not quick.ok and not problems:
        # Something is wrong elsewhere (triggers dropped, rows deleted, the chain broken): the
        # export is refused either way, and the full check names the first bad record.
        full = verify(db)
        if not full.ok:
            return full
    return Result(not problems and quick.ok, problems + quick.problems, quick.audit_checked,
                  checked, quick.head)


def _has_seal_head(db) -> bool:
    return db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'seal_head'").fetchone() is not None


def check_rows(db, key: bytes, table: str, ids, problems: list[Problem]) -> int:
    """The full seal check of the rows ``ids`` of ``table``: a changed row is named, and a row
    the package refers to that is gone while its seal says it was never deleted."""
    pk = seals.key_column(db, table)
    ids = sorted(ids)
    checked = 0
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        marks = ", ".join("?" * len(chunk))
        stored = {r[0]: r[1] for r in db.conn.execute(
            f"SELECT row_id, mac FROM row_seals WHERE tbl = ? AND row_id IN ({marks})",
            [table, *map(str, chunk)])}
        seen = set()
        for row_id, values, columns in seals.rows_of(db, table, f"WHERE [{pk}] IN ({marks})", chunk):
            checked += 1
            seen.add(str(row_id))
            _check_row(key, table, row_id, values, columns, stored.get(str(row_id)), problems)
        for rid in map(str, chunk):
            seal = stored.get(rid)
            if rid not in seen and seal is not None and len(seal) != seal_crypto.MAC_HEX:
                problems.append(Problem(table, rid, _deleted(table, rid)))
    return checked


# --- the start-up check ----------------------------------------------------------------------

CHECKED_AT = "integrity_checked_at"      # the day of the last full check that passed
CHECKED_UPTO = "integrity_checked_upto"  # the audit row it reached (unsealed settings)


def startup_check(db, today: dt.date | None = None) -> Result:
    """At most one full check a day; otherwise the quick one (key, head, roll-ups, triggers, and
    the audit rows written since the last check that passed). Run on a worker thread with its
    own connection (``ui.worker.query_op``). What a check reached is remembered in two settings
    the seals leave out; forging them only shortens the quick check until the next full one."""
    today = today or dt.date.today()
    row = db.execute("SELECT value FROM settings WHERE key = ?", [CHECKED_AT]).fetchone()
    full = not row or row[0] != today.isoformat()
    result = verify(db, full=full, audit_after=_checked_upto(db))
    if result.ok:
        _remember_full_check(db, result, today if full else None)
    return result


def _remember_full_check(db, result: Result, day: dt.date | None) -> None:
    """What a passing check reached; ``day`` when it was the full one."""
    reached = db.execute("SELECT hash FROM audit_log WHERE id = ?", [result.audit_checked]).fetchone()
    values = [(CHECKED_UPTO, f"{result.audit_checked}:{reached[0] if reached else ''}")]
    if day is not None:
        values.append((CHECKED_AT, day.isoformat()))
    with db.atomic():
        for key, value in values:
            db.execute("INSERT INTO settings (key, value) VALUES (?, ?) "
                       "ON CONFLICT(key) DO UPDATE SET value = excluded.value", [key, value])


def _checked_upto(db) -> tuple[int, str] | None:
    row = db.execute("SELECT value FROM settings WHERE key = ?", [CHECKED_UPTO]).fetchone()
    number, _, digest = (row[0] if row else "").partition(":")
    return (int(number), digest) if number.isdigit() and digest else None
