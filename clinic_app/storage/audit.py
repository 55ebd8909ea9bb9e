"""The append-only audit trail: who viewed, created, changed, printed or exported which record.

Rows are never updated or deleted (triggers refuse it) and each carries a hash chained to the
one before, so ``verify`` finds the first row that was tampered with even if the triggers were
dropped first.
"""
from __future__ import annotations

import json
from . import driver
from dataclasses import dataclass

from ..domain.audit_chain import GENESIS, row_hash
from . import clock, integrity_key
from .errors import StorageError


def cutover(db) -> int | None:
    """The first audit row hashed with the key, or ``None`` before the seals migration."""
    try:
        row = db.execute("SELECT audit_cutover FROM seal_head WHERE id = 1").fetchone()
    except driver.OperationalError:
        return None
    return row[0] if row else None


def _key_for(db, row_id: int, first_keyed: int | None, create: bool = True) -> bytes | None:
    if first_keyed is None or row_id < first_keyed:
        return None
    return integrity_key.of(db, create=create)

VIEW, CREATE, UPDATE, PRINT, EXPORT = "view", "create", "update", "print", "export"
REVEAL, LOGIN, LOGIN_FAILED, LOGOUT, LOCK, UNLOCK = (
    "reveal", "login", "login_failed", "logout", "lock", "unlock")
BACKUP, RESTORE = "backup", "restore"
SWITCH_USER = "switch_user"  # the next shift logs in on the lock screen
DENIED = "denied"  # an attempt the acting user's role does not allow
KEYED = "keyed"  # the cut-over row: from here on the chain's hashes are HMACs
ENCRYPTED, KEY_RECOVERED = "encrypted", "key_recovered"

ACTION_LABELS = {
    VIEW: "查看", CREATE: "新建", UPDATE: "修改", PRINT: "打印", EXPORT: "导出", REVEAL: "显示完整身份证号",
    LOGIN: "登录", LOGIN_FAILED: "登录失败", LOGOUT: "退出", LOCK: "锁屏", UNLOCK: "解锁", SWITCH_USER: "切换用户",
    BACKUP: "备份", RESTORE: "恢复", DENIED: "无权操作（已拒绝）", KEYED: "启用密钥校验",
    ENCRYPTED: "数据库加密", KEY_RECOVERED: "恢复数据库密钥",
}


def record(db, action: str, entity: str = "", entity_id=None, summary: str = "",
           detail: dict | None = None, user: dict | None = None) -> dict:
    """Append one row. Call inside the same transaction as the change it describes."""
    with db.atomic():
        head = db.execute("SELECT last_id, last_hash, count FROM audit_head WHERE id = 1").fetchone()
        last_id, prev_hash, count = head if head else (0, GENESIS, 0)
        row = {
            "id": last_id + 1,
            "at": clock.now(),
            "user_id": user["id"] if user else None,
            "username": user["username"] if user else None,
            "action": action,
            "entity": entity,
            "entity_id": None if entity_id is None else str(entity_id),
            "summary": summary,
            "detail": json.dumps(detail, ensure_ascii=False, sort_keys=True) if detail else None,
        }
        row["prev_hash"] = prev_hash
        row["hash"] = row_hash(prev_hash, row, _key_for(db, row["id"], cutover(db)))
        db["audit_log"].insert(row)
        db["audit_head"].upsert({"id": 1, "last_id": row["id"], "last_hash": row["hash"],
                                 "count": count + 1}, pk="id")
    return row


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    bad_row: int | None = None
    reason: str = ""


def verify(db, after: tuple[int, str] | None = None) -> VerifyResult:
    """Rows before the cut-over are checked against plain SHA-256, rows from it on against the
    HMAC — so recomputing the hashes without the key is found at the first keyed row.

    ``after`` = (row, its hash) of an earlier check that passed: only the rows since are checked
    (the start-up check), provided that row still carries that hash; otherwise all of them."""
    prev = GENESIS
    expected_id = 1
    checked = 0
    if after is not None:
        row_id, row_hash_then = after
        still = db.execute("SELECT hash FROM audit_log WHERE id = ?", [row_id]).fetchone()
        if row_id > 0 and still is not None and still[0] == row_hash_then:
            prev, expected_id, checked = row_hash_then, row_id + 1, row_id
    first_keyed = cutover(db)
    for row in db.query("SELECT * FROM audit_log WHERE id >= ? ORDER BY id", [expected_id]):
        if row["id"] != expected_id:
            return VerifyResult(False, checked, expected_id, f"第 {expected_id} 行缺失（已被删除）")
        if row["prev_hash"] != prev:
            return VerifyResult(False, checked, row["id"], f"第 {row['id']} 行与上一行的链接不符")
        try:
            key = _key_for(db, row["id"], first_keyed, create=False)
        except StorageError as exc:
            return VerifyResult(False, checked, row["id"], f"第 {row['id']} 行起无法校验：{exc}")
        if row_hash(prev, row, key) != row["hash"]:
            return VerifyResult(False, checked, row["id"], f"第 {row['id']} 行内容已被改动")
        prev = row["hash"]
        expected_id += 1
        checked += 1
    head = db.execute("SELECT last_id, last_hash, count FROM audit_head WHERE id = 1").fetchone()
    if head is None:
        if checked:
            return VerifyResult(False, checked, 1, "审计链头记录缺失")
        return VerifyResult(True, 0)
    last_id, last_hash, count = head
    if checked < last_id:
        return VerifyResult(False, checked, checked + 1,
                            f"最后的第 {checked + 1} 行起缺失（链头记录为第 {last_id} 行）")
    if checked > last_id:
        return VerifyResult(False, checked, last_id + 1,
                            f"第 {last_id + 1} 行起不在链头记录之内（可能是绕过程序添加的）")
    if last_hash != prev or count != checked:
        return VerifyResult(False, checked, last_id, f"第 {last_id} 行与链头记录不符")
    return VerifyResult(True, checked)


def recent(db, limit: int = 200, entity: str | None = None, entity_id=None) -> list[dict]:
    where, args = [], []
    if entity:
        where.append("entity = ?")
        args.append(entity)
    if entity_id is not None:
        where.append("entity_id = ?")
        args.append(str(entity_id))
    sql = "SELECT * FROM audit_log"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY id DESC LIMIT ?"
    return list(db.query(sql, args + [limit]))
