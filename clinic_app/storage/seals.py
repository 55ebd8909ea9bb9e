"""Row seals: every record that matters carries a keyed MAC, kept in step by SQLite triggers.

Why triggers: they are the one place *every* write passes — sqlite-utils calls, raw SQL the
program issues, executemany — in the same transaction as the write. The triggers call SQL
functions (``seal_row``, ``seal_tomb``, ``seal_xor``, ``seal_head_mac``) that ``connect``
registers with the key; the sqlite3 shell has no such functions, so it cannot write to a sealed
table at all until it drops the triggers — and what it then changes no longer matches its seal.

Layout:

* ``row_seals(tbl, row_id, mac)`` — one per row ever written; a deleted row leaves a sealed
  tombstone, so a row deleted by the program is told apart from one deleted behind its back.
* ``seal_tables(tbl, count, digest, top)`` — per table the number of seals, the XOR of their
  MACs and the highest integer key sealed: deleting a row *and* its seal changes these.
* ``seal_head(id=1, counter, audit_cutover, key_check, mac)`` — a write counter and a MAC over
  every table's (count, digest, top): the tables' digests cannot be patched without the key.

A migration that adds a column to a sealed table must call ``install(db)`` again (the triggers
list the columns) and ``reseal(db, table)``.
"""
from __future__ import annotations

from ..domain import seal_crypto

# Table → Chinese name used in messages. line_cover (rebuilt from the dispensings),
# search_index (patient search keys) and stock_balances (running stock per batch) are derived,
# kept by triggers or rebuilt in the same transaction as their source rows, and not sealed.
SEALED = {
    "clinics": "单位表", "towns": "乡镇表", "drugs": "药品目录",
    "households": "家庭户表", "guardians": "监护人表", "patients": "患者档案",
    "patient_photos": "患者照片", "users": "用户表", "settings": "设置表",
    "audit_log": "审计记录", "audit_head": "审计链头",
    "applications": "服药申请表", "status_events": "项目状态记录", "agreements": "服务协议表",
    "rescue_cards": "救助卡表", "risk_assessments": "危险性评估表", "worsening_flags": "病情加重标记表",
    "holidays": "节假日表", "drug_specs": "药品规格表", "drug_prices": "药品价格表",
    "spec_changes": "药品规格变更表", "dispensings": "领药记录", "dispensing_lines": "领药明细",
    "stock_batches": "库存批次表", "stock_moves": "出入库记录", "card_rows": "救助卡打印行",
    "quarters": "季度表", "quarter_events": "季度结账记录",
}
# Columns the program rewrites at every login: sealing them would seal every login, and a
# changed counter does no harm (it only locks or unlocks an account for minutes).
UNSEALED_COLUMNS = {"users": {"failed_attempts", "locked_until", "last_login_at"}}
# Settings the program itself rewrites constantly, so not sealed.
UNSEALED_SETTINGS = ("last_backup_date", "integrity_checked_at", "integrity_checked_upto")

FUNCTIONS = ("seal_row", "seal_tomb", "seal_xor", "seal_head_mac")


def key_column(db, table: str) -> str:
    pks = [c for c in db.execute(f"PRAGMA table_info([{table}])").fetchall() if c[5]]
    return pks[0][1] if len(pks) == 1 else "rowid"


def sealed_columns(db, table: str) -> list[str]:
    skip = UNSEALED_COLUMNS.get(table, set())
    return [c[1] for c in db.execute(f"PRAGMA table_info([{table}])").fetchall() if c[1] not in skip]


def register(conn, key_source) -> None:
    """The SQL functions the triggers call. ``key_source()`` gives the key when first needed."""
    cache: dict = {}

    def key() -> bytes:
        if "k" not in cache:
            cache["k"] = key_source()
        return cache["k"]

    def seal_row_named(table, row_id, columns, *values):
        return seal_crypto.row_seal(key(), table, row_id, columns.split(","), values)

    conn.create_function("seal_row", -1, seal_row_named, deterministic=True)
    conn.create_function("seal_tomb", 2, lambda t, r: seal_crypto.tombstone(key(), t, r),
                         deterministic=True)
    conn.create_function("seal_xor", -1, seal_crypto.xor, deterministic=True)
    conn.create_function("seal_head_mac", 4, lambda counter, cutover, check, tables:
                         seal_crypto.head_mac(key(), counter, cutover, check, tables))


HEAD_TABLES_SQL = ("(SELECT group_concat(tbl || ':' || count || ':' || digest || ':' || top, ',') "
                   "FROM (SELECT * FROM seal_tables ORDER BY tbl))")


def _apply(table: str, raw_key: str, mac_sql: str) -> str:
    """Statements (for a trigger body) replacing the seal of one row and rolling up the change.
    Keys are compared as text, so the lookup uses ``row_seals``' primary key. DELETE + INSERT,
    not INSERT OR REPLACE: the outer statement's conflict clause (sqlite-utils' OR IGNORE)
    would override the trigger's."""
    t = table.replace("'", "''")
    key_sql = f"CAST({raw_key} AS TEXT)"
    old = f"(SELECT mac FROM row_seals WHERE tbl = '{t}' AND row_id = {key_sql})"
    return f"""
  UPDATE seal_tables SET digest = seal_xor(digest, {old}),
      count = count - (SELECT COUNT(*) FROM row_seals WHERE tbl = '{t}' AND row_id = {key_sql})
    WHERE tbl = '{t}';
  DELETE FROM row_seals WHERE tbl = '{t}' AND row_id = {key_sql};
  INSERT INTO row_seals (tbl, row_id, mac) VALUES ('{t}', {key_sql}, {mac_sql});
  UPDATE seal_tables SET digest = seal_xor(digest, {old}), count = count + 1,
      top = CASE WHEN typeof({raw_key}) = 'integer' AND {raw_key} > top THEN {raw_key} ELSE top END
    WHERE tbl = '{t}';
  UPDATE seal_head SET counter = counter + 1,
      mac = seal_head_mac(counter + 1, audit_cutover, key_check, {HEAD_TABLES_SQL}) WHERE id = 1;"""


def trigger_names(table: str) -> list[str]:
    return [f"seal_{table}_{event}" for event in ("insert", "update", "rekey", "delete")]


def install(db) -> None:
    """(Re)create the triggers of every sealed table, listing its current columns."""
    for table in SEALED:
        for name in trigger_names(table):
            db.execute(f"DROP TRIGGER IF EXISTS [{name}]")
        pk = key_column(db, table)
        columns = sealed_columns(db, table)
        when_new = when_old = ""
        if table == "settings":
            excluded = ", ".join(f"'{k}'" for k in UNSEALED_SETTINGS)
            when_new = f" WHEN NEW.key NOT IN ({excluded})"
            when_old = f" WHEN OLD.key NOT IN ({excluded})"

        tomb = f"seal_tomb('{table}', OLD.[{pk}])"

        def mac(prefix):
            args = ", ".join(f"{prefix}.[{c}]" for c in columns)
            return f"seal_row('{table}', {prefix}.[{pk}], '{','.join(columns)}', {args})"

        db.execute(f"CREATE TRIGGER [seal_{table}_insert] AFTER INSERT ON [{table}]{when_new} BEGIN"
                   f"{_apply(table, f'NEW.[{pk}]', mac('NEW'))}\nEND")
        update_of = ", ".join(f"[{c}]" for c in columns)
        db.execute(
            f"CREATE TRIGGER [seal_{table}_update] AFTER UPDATE OF {update_of} ON [{table}]{when_new} BEGIN"
            f"{_apply(table, f'NEW.[{pk}]', mac('NEW'))}\nEND")
        # A row whose key changed leaves a tombstone under its old key.
        rekey_when = f" WHEN OLD.[{pk}] IS NOT NEW.[{pk}]" + (when_old.replace(" WHEN", " AND") if when_old else "")
        db.execute(
            f"CREATE TRIGGER [seal_{table}_rekey] AFTER UPDATE OF [{pk}] ON [{table}]{rekey_when} BEGIN"
            f"{_apply(table, f'OLD.[{pk}]', tomb)}\nEND")
        db.execute(f"CREATE TRIGGER [seal_{table}_delete] AFTER DELETE ON [{table}]{when_old} BEGIN"
                   f"{_apply(table, f'OLD.[{pk}]', tomb)}\nEND")


def create_tables(db) -> None:
    db.execute("CREATE TABLE IF NOT EXISTS row_seals (tbl TEXT NOT NULL, row_id TEXT NOT NULL, "
               "mac TEXT NOT NULL, PRIMARY KEY (tbl, row_id)) WITHOUT ROWID")
    db.execute("CREATE TABLE IF NOT EXISTS seal_tables (tbl TEXT PRIMARY KEY, count INTEGER NOT NULL, "
               "digest TEXT NOT NULL, top INTEGER NOT NULL)")
    db.execute("CREATE TABLE IF NOT EXISTS seal_head (id INTEGER PRIMARY KEY, counter INTEGER NOT NULL, "
               "audit_cutover INTEGER NOT NULL, key_check TEXT NOT NULL, mac TEXT NOT NULL)")


def rows_of(db, table: str, where: str = "", args=()):
    """(row_id, values, row) of every row, as the triggers see them."""
    pk = key_column(db, table)
    columns = sealed_columns(db, table)
    select = ", ".join(f"[{c}]" for c in columns)
    cursor = db.conn.execute(f"SELECT [{pk}], {select} FROM [{table}] {where}", list(args))
    for record in cursor:
        yield record[0], record[1:], columns


def backfill(db, key: bytes, audit_cutover: int) -> None:
    """Seal every existing row (in the migration that introduces the seals)."""
    db.execute("DELETE FROM row_seals")
    db.execute("DELETE FROM seal_tables")
    for table in SEALED:
        where, args = "", ()
        if table == "settings":
            where = f"WHERE key NOT IN ({', '.join('?' * len(UNSEALED_SETTINGS))})"
            args = UNSEALED_SETTINGS
        macs, top = [], 0
        rows = []
        for row_id, values, columns in rows_of(db, table, where, args):
            mac = seal_crypto.row_seal(key, table, row_id, columns, values)
            rows.append((table, str(row_id), mac))
            macs.append(mac)
            if isinstance(row_id, int):
                top = max(top, row_id)
        db.conn.executemany("INSERT INTO row_seals (tbl, row_id, mac) VALUES (?, ?, ?)", rows)
        db.execute("INSERT INTO seal_tables (tbl, count, digest, top) VALUES (?, ?, ?, ?)",
                   [table, len(macs), seal_crypto.xor(*macs), top])
    check = seal_crypto.key_check(key)
    tables = db.execute(f"SELECT {HEAD_TABLES_SQL}").fetchone()[0]
    db.execute("DELETE FROM seal_head")
    db.execute("INSERT INTO seal_head (id, counter, audit_cutover, key_check, mac) VALUES (1, 0, ?, ?, ?)",
               [audit_cutover, check, seal_crypto.head_mac(key, 0, audit_cutover, check, tables)])
