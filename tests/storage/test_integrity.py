"""Tamper evidence over every record: what someone with the sqlite3 shell can do — drop the
triggers, then edit, delete, insert, swap or rehash — is found and named in Chinese."""
import hashlib
import shutil
from contextlib import closing

import pytest

from clinic_app import paths
from clinic_app.cli import main
from clinic_app.domain import seal_crypto
from clinic_app.domain.audit_chain import row_hash
from clinic_app.storage import audit, cipher_key, demo, driver, integrity, integrity_key
from clinic_app.storage.db import connect, open_database, open_file

from ..tamper import drop_all_triggers


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """A small demo database (patients, prices, stock, dispensings, users), written once."""
    folder = tmp_path_factory.mktemp("template")
    db = open_database(folder / "clinic.db")
    demo.write_demo(db, patients=12, seed=7, months=3)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.conn.close()
    return folder / "clinic.db"


@pytest.fixture
def db_file(template, tmp_path):
    path = tmp_path / "clinic.db"
    shutil.copy(template, path)
    shutil.copy(integrity_key.key_path(template), integrity_key.key_path(path))
    return path


def shell(path, *statements):
    """The sqlite3 shell: no seal functions, so the triggers are dropped first."""
    with closing(open_file(path)) as conn:
        drop_all_triggers(conn)
        for sql in statements:
            conn.execute(*sql) if isinstance(sql, tuple) else conn.execute(sql)
        conn.commit()


def check(path, full=True):
    db = connect(path)
    try:
        return integrity.verify(db, full=full)
    finally:
        db.conn.close()


def first(path, sql):
    with closing(open_file(path)) as conn:
        return conn.execute(sql).fetchone()


def test_an_untouched_database_verifies(db_file):
    result = check(db_file)
    assert result.ok, result.problems
    assert result.rows_checked > 100 and result.audit_checked > 10


def test_the_program_writing_keeps_it_verified(db_file):
    db = open_database(db_file)
    try:
        db["settings"].upsert({"key": "places", "value": "77"}, pk="key")
        db.execute("DELETE FROM holidays WHERE date = (SELECT MIN(date) FROM holidays)")
        audit.record(db, audit.VIEW, "patient", 1, "查看")
    finally:
        db.conn.close()
    assert check(db_file).ok


def test_the_shell_cannot_write_a_sealed_table_without_dropping_the_triggers(db_file):
    with closing(open_file(db_file)) as conn:
        with pytest.raises(driver.OperationalError, match="seal_"):
            conn.execute("UPDATE drug_prices SET price_fen = 1")


def test_a_raised_dispensing_amount_is_named(db_file):
    dispensing_id = first(db_file, "SELECT id FROM dispensings ORDER BY id LIMIT 1 OFFSET 2")[0]
    shell(db_file, ("UPDATE dispensings SET total_fen = 120000 WHERE id = ?", [dispensing_id]))
    result = check(db_file)
    assert not result.ok
    assert f"第 {dispensing_id} 条领药记录内容已被改动" in result.reason
    assert "领药总金额" in result.reason


def test_a_patients_id_number_is_named(db_file):
    shell(db_file, "UPDATE patients SET id_number = '500381199001010000' WHERE id = 3")
    assert "第 3 位患者的身份证号已被改动" in check(db_file).reason


def test_a_price_is_named(db_file):
    price_id = first(db_file, "SELECT MAX(id) FROM drug_prices")[0]
    shell(db_file, ("UPDATE drug_prices SET price_fen = price_fen + 1 WHERE id = ?", [price_id]))
    reason = check(db_file).reason
    assert reason.startswith("药品价格表已被改动") and f"第 {price_id} 行" in reason and "价格" in reason


def test_a_stock_move_is_named(db_file):
    move_id = first(db_file, "SELECT MIN(id) FROM stock_moves")[0]
    shell(db_file, ("UPDATE stock_moves SET packs = packs - 5 WHERE id = ?", [move_id]))
    reason = check(db_file).reason
    assert reason.startswith("出入库记录已被改动") and f"第 {move_id} 行" in reason


def test_a_users_role_is_named(db_file):
    username = first(db_file, "SELECT username FROM users WHERE role != 'admin' LIMIT 1")[0]
    shell(db_file, ("UPDATE users SET role = 'admin' WHERE username = ?", [username]))
    assert f"用户 {username} 的角色已被改动" in check(db_file).reason


def test_a_login_counter_is_not_sealed(db_file):
    shell(db_file, "UPDATE users SET failed_attempts = 3, last_login_at = '2026-01-01T00:00:00'")
    problems = [p for p in check(db_file).problems if p.table == "users"]
    assert problems == []


def test_a_whole_dispensing_deleted_with_its_lines_and_seals_is_found(db_file):
    dispensing_id = first(db_file, "SELECT MAX(id) FROM dispensings")[0]
    shell(db_file,
          ("DELETE FROM stock_moves WHERE dispensing_line_id IN (SELECT id FROM dispensing_lines "
           "WHERE dispensing_id = ?)", [dispensing_id]),
          ("DELETE FROM card_rows WHERE dispensing_id = ?", [dispensing_id]),
          ("DELETE FROM line_cover WHERE dispensing_id = ?", [dispensing_id]),
          ("DELETE FROM row_seals WHERE tbl = 'dispensing_lines' AND row_id IN (SELECT CAST(id AS TEXT) "
           "FROM dispensing_lines WHERE dispensing_id = ?)", [dispensing_id]),
          ("DELETE FROM dispensing_lines WHERE dispensing_id = ?", [dispensing_id]),
          ("DELETE FROM row_seals WHERE tbl = 'dispensings' AND row_id = ?", [str(dispensing_id)]),
          ("DELETE FROM dispensings WHERE id = ?", [dispensing_id]))
    result = check(db_file)
    assert not result.ok
    assert any(p.message.startswith(f"第 {dispensing_id} 条领药记录已被删除") for p in result.problems)


def test_a_deletion_with_the_rollup_patched_is_still_found(db_file):
    """The attacker also fixes count, digest and top of the table: the seal head's MAC fails."""
    dispensing_id = first(db_file, "SELECT MAX(id) FROM dispensings")[0]
    mac = first(db_file, f"SELECT mac FROM row_seals WHERE tbl = 'dispensings' AND row_id = '{dispensing_id}'")[0]
    digest, count = first(db_file, "SELECT digest, count FROM seal_tables WHERE tbl = 'dispensings'")
    shell(db_file,
          ("DELETE FROM row_seals WHERE tbl = 'dispensings' AND row_id = ?", [str(dispensing_id)]),
          ("DELETE FROM dispensings WHERE id = ?", [dispensing_id]),
          ("UPDATE seal_tables SET digest = ?, count = ?, top = ? WHERE tbl = 'dispensings'",
           [seal_crypto.xor(digest, mac), count - 1, dispensing_id - 1]))
    result = check(db_file)
    assert not result.ok
    assert "记录校验汇总已被改动" in " ".join(p.message for p in result.problems)


def test_a_row_inserted_with_a_seal_forged_without_the_key_is_found(db_file):
    shell(db_file, "INSERT INTO drug_prices (id, spec_id, price_fen, effective_date) VALUES (9999, 1, 1, '2026-01-01')",
          ("INSERT INTO row_seals VALUES ('drug_prices', '9999', ?)",
           [seal_crypto.row_seal(b"\0" * 32, "drug_prices", 9999, ["id"], [9999])]))
    reason = check(db_file).reason
    assert "药品价格表已被改动：第 9999 行不是本程序写入的" in reason


def test_a_row_inserted_without_a_seal_is_found(db_file):
    shell(db_file, "INSERT INTO households (id, created_at, note) VALUES (5000, '2026-01-01', 'x')")
    assert "家庭户表已被改动：第 5000 行不是本程序写入的" in check(db_file).reason


def test_swapping_two_rows_ids_is_found(db_file):
    a, b = first(db_file, "SELECT MIN(id), MAX(id) FROM dispensing_lines")
    shell(db_file, ("UPDATE dispensing_lines SET id = -1 WHERE id = ?", [a]),
          ("UPDATE dispensing_lines SET id = ? WHERE id = ?", [a, b]),
          ("UPDATE dispensing_lines SET id = ? WHERE id = -1", [b]))
    result = check(db_file)
    bad = {p.row_id for p in result.problems if p.table == "dispensing_lines"}
    assert {str(a), str(b)} <= bad


def test_recomputing_every_plain_hash_without_the_key_is_found(db_file):
    """The old attack: delete a row, recompute the whole chain with SHA-256, fix the head."""
    with closing(open_file(db_file)) as conn:
        drop_all_triggers(conn)
        conn.row_factory = driver.Row
        conn.execute("DELETE FROM audit_log WHERE id = 3")
        prev, n = "0" * 64, 0
        for row in [dict(r) for r in conn.execute("SELECT * FROM audit_log ORDER BY id")]:
            n += 1
            conn.execute("DELETE FROM audit_log WHERE id = ?", [row["id"]])
            row["id"], row["prev_hash"] = n, prev
            row["hash"] = prev = row_hash(prev, row)
            conn.execute(f"INSERT INTO audit_log ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                         list(row.values()))
        conn.execute("UPDATE audit_head SET last_id = ?, last_hash = ?, count = ?", [n, prev, n])
        conn.commit()
    result = check(db_file)
    assert not result.ok
    assert result.problems[0].table == "audit_log" and result.bad_row == "1"


def test_a_replaced_key_is_named(db_file):
    integrity_key.key_path(db_file).write_text(hashlib.sha256(b"x").hexdigest())
    assert "校验钥匙与数据库不符" in check(db_file).reason


def test_a_missing_key_is_named_and_not_recreated_by_the_check(template, monkeypatch, tmp_path):
    nowhere = tmp_path / "nowhere"
    nowhere.mkdir()  # a data folder with the database (encryption) key, but no seal key
    shutil.copy(paths.user_data_dir() / cipher_key.KEY_FILE, nowhere)
    monkeypatch.setattr("clinic_app.paths.user_data_dir", lambda: nowhere)
    lonely = tmp_path / "a" / "b" / "clinic.db"
    lonely.parent.mkdir(parents=True)
    shutil.copy(template, lonely)
    result = check(lonely)
    assert not result.ok and "钥匙" in result.reason
    assert not integrity_key.key_path(lonely).exists()


def test_the_quick_check_finds_deleted_rows_and_seals(db_file):
    shell(db_file, "DELETE FROM row_seals WHERE tbl = 'stock_moves' AND row_id = '1'",
          "DELETE FROM stock_moves WHERE id = 1")
    assert not check(db_file, full=False).ok


# --- the command ------------------------------------------------------------------------------

def test_verify_passes_an_untouched_database(db_file, capsys):
    assert main(["verify", "--db", str(db_file)]) == 0
    assert "全部记录校验通过" in capsys.readouterr().out


def test_verify_exits_1_naming_the_first_bad_record(db_file, capsys):
    shell(db_file, "UPDATE dispensings SET total_fen = 120000 WHERE id = 1")
    assert main(["verify", "--db", str(db_file)]) == 1
    assert "第 1 条领药记录内容已被改动" in capsys.readouterr().err


def test_audit_verify_is_the_same_check(db_file, capsys):
    shell(db_file, "UPDATE patients SET id_number = '500381199001010000' WHERE id = 2")
    assert main(["audit", "verify", "--db", str(db_file)]) == 1
    assert "第 2 位患者的身份证号已被改动" in capsys.readouterr().err


# --- the anchor -------------------------------------------------------------------------------

def _manifest(path, tmp_path):
    import json

    db = connect(path)
    try:
        anchor = integrity.anchor_of(db)
    finally:
        db.conn.close()
    file = tmp_path / "manifest.json"
    file.write_text(json.dumps({"chain_head": anchor}), encoding="utf-8")
    return file


def test_an_anchor_from_before_is_accepted_when_history_only_grew(db_file, tmp_path, capsys):
    manifest = _manifest(db_file, tmp_path)
    db = open_database(db_file)
    audit.record(db, audit.VIEW, "patient", 1, "查看")
    db.conn.close()
    assert main(["verify", "--db", str(db_file), "--anchor", str(manifest)]) == 0
    assert "与清单记录的历史一致" in capsys.readouterr().out


def test_history_rewritten_after_the_anchor_is_refused(db_file, tmp_path, capsys):
    """Rewritten *with* the key and resealed (by someone who can read the key file, or by
    putting back an earlier copy and going on differently): every seal is valid, yet the row
    the manifest anchored is no longer the same."""
    exported = tmp_path / "exported" / "clinic.db"
    exported.parent.mkdir()
    shutil.copy(db_file, exported)
    shutil.copy(integrity_key.key_path(db_file), integrity_key.key_path(exported))
    db = open_database(exported)
    audit.record(db, audit.EXPORT, "ledger", "2026Q1", "导出台账")
    db.conn.close()
    manifest = _manifest(exported, tmp_path)
    anchored = first(exported, "SELECT last_id FROM audit_head")[0]
    db = open_database(db_file)  # the same history up to before the export, then another one
    audit.record(db, audit.VIEW, "patient", 1, "查看")
    audit.record(db, audit.VIEW, "patient", 2, "查看")
    db.conn.close()
    assert check(db_file).ok
    assert main(["verify", "--db", str(db_file), "--anchor", str(manifest)]) == 1
    assert f"审计链第 {anchored} 行与清单记录的不符" in capsys.readouterr().err


def test_an_anchor_ahead_of_a_truncated_history_is_refused(db_file, tmp_path, capsys):
    db = open_database(db_file)
    audit.record(db, audit.EXPORT, "ledger", "2026Q1", "导出台账")
    db.conn.close()
    manifest = _manifest(db_file, tmp_path)
    import json
    data = json.loads(manifest.read_text(encoding="utf-8"))
    data["chain_head"]["audit_count"] += 5
    manifest.write_text(json.dumps(data), encoding="utf-8")
    assert main(["verify", "--db", str(db_file), "--anchor", str(manifest)]) == 1
    assert "已不存在" in capsys.readouterr().err


# --- refusing to export or close over a failed check -----------------------------------------

def test_export_and_close_are_refused_on_a_failed_check(db_file, tmp_path):
    from clinic_app.domain.errors import RefusedError
    from clinic_app.exchange import ledger_export
    from clinic_app.services import exports
    from clinic_app.services import quarters as quarter_services

    shell(db_file, "UPDATE dispensings SET total_fen = 120000 WHERE id = 1")
    db = open_database(db_file)
    try:
        quarter = first(db_file, "SELECT substr(MIN(date), 1, 4) || 'Q1' FROM dispensings")[0]
        with pytest.raises(ledger_export.ExportError, match="第 1 条领药记录内容已被改动"):
            exports.ledger_job(db, quarter)
        admin = dict(next(db.query("SELECT * FROM users WHERE role = 'admin' LIMIT 1")))
        with pytest.raises(RefusedError, match="记录校验未通过"):
            quarter_services.close(db, admin, quarter)
    finally:
        db.conn.close()


def test_an_exported_manifest_carries_the_chain_head(db_file):
    from clinic_app.exchange import ledger_export
    from clinic_app.services import exports

    db = open_database(db_file)
    try:
        quarter = first(db_file, "SELECT substr(MIN(date), 1, 4) || 'Q1' FROM dispensings")[0]
        job = exports.ledger_job(db, quarter)
        head = ledger_export.manifest_dict(job, {})["chain_head"]
        assert head["audit_count"] == first(db_file, "SELECT last_id FROM audit_head")[0]
        assert integrity.check_anchor(db, head) is None
    finally:
        db.conn.close()


# --- the start-up check: incremental, a full one at most once a day ----------------------------

def _startup(path, today):
    import datetime as dt

    db = connect(path)
    try:
        return integrity.startup_check(db, today=dt.date.fromisoformat(today))
    finally:
        db.conn.close()


def _add_audit_rows(path, count):
    db = connect(path)
    try:
        for n in range(count):
            audit.record(db, audit.VIEW, "patient", n, f"查看 {n}")
    finally:
        db.conn.close()


def test_the_quick_check_reads_only_the_audit_rows_since_the_last_check(db_file, monkeypatch):
    assert _startup(db_file, "2026-12-01").ok  # the day's full check
    _add_audit_rows(db_file, 3)
    read = []
    original = audit.verify
    monkeypatch.setattr(audit, "verify", lambda db, after=None: read.append(after) or original(db, after))
    result = _startup(db_file, "2026-12-01")
    assert result.ok and read[0] is not None and read[0][0] > 0  # started from the checkpoint
    total = first(db_file, "SELECT count(*) FROM audit_log")[0]
    assert result.audit_checked == total


def test_a_row_changed_since_the_last_check_is_found_by_the_quick_check(db_file):
    assert _startup(db_file, "2026-12-01").ok
    _add_audit_rows(db_file, 2)
    last = first(db_file, "SELECT max(id) FROM audit_log")[0]
    shell(db_file, ("UPDATE audit_log SET summary = '改过' WHERE id = ?", [last]))
    result = _startup(db_file, "2026-12-01")
    assert not result.ok and "审计链" in result.problems[0].message


def test_an_older_row_changed_is_found_by_the_next_days_full_check(db_file):
    assert _startup(db_file, "2026-12-01").ok
    shell(db_file, "UPDATE audit_log SET summary = '改过' WHERE id = 2")
    assert _startup(db_file, "2027-12-02").ok is False


def test_a_forged_checkpoint_does_not_skip_a_changed_row(db_file):
    """The checkpoint names a row and its hash: a row rehashed (or the setting pointed past a
    change) no longer matches, and the whole chain is read."""
    assert _startup(db_file, "2026-12-01").ok
    shell(db_file, "UPDATE audit_log SET summary = '改过', hash = 'x' WHERE id = 2",
          "UPDATE settings SET value = '2:x' WHERE key = 'integrity_checked_upto'")
    assert not _startup(db_file, "2026-12-01").ok


# --- exporting checks the rows of its own package ------------------------------------------------

def _tamper_keeping_triggers(path, *statements):
    """Someone with the key: drops the triggers, edits, and puts the seal triggers back, so the
    quick check (triggers, roll-ups, head) sees nothing; only the changed row's own seal tells."""
    from clinic_app.storage import seals

    shell(path, *statements)
    db = connect(path)
    try:
        seals.install(db)
        db.conn.commit()
    finally:
        db.conn.close()


def _last_quarter(path):
    from clinic_app.domain import quarters as dq
    import datetime as dt

    day = first(path, "SELECT max(date) FROM dispensings")[0]
    return dq.quarter_of(dt.date.fromisoformat(day))


def test_a_changed_line_of_the_exported_quarter_is_refused_and_named(db_file):
    from clinic_app.exchange import ledger_export
    from clinic_app.services import exports

    quarter = _last_quarter(db_file)
    line = first(db_file, "SELECT l.id FROM dispensing_lines l JOIN dispensings d ON d.id = l.dispensing_id "
                          f"WHERE d.date >= '{quarter.first_day}' ORDER BY l.id DESC LIMIT 1")[0]
    _tamper_keeping_triggers(db_file, ("UPDATE dispensing_lines SET total_fen = total_fen + 100 WHERE id = ?", [line]))
    assert check(db_file, full=False).ok  # the quick check alone cannot see it
    db = open_database(db_file)
    try:
        with pytest.raises(ledger_export.ExportError, match=f"第 {line} 条领药明细内容已被改动（领药总金额）"):
            exports.ledger_job(db, quarter.code)
    finally:
        db.conn.close()


def test_a_changed_row_outside_the_package_is_left_to_the_daily_full_check(db_file, monkeypatch):
    from clinic_app.services import exports

    quarter = _last_quarter(db_file)
    old = first(db_file, f"SELECT min(id), count(*) FROM dispensings WHERE date < '{quarter.first_day}'")
    assert old[1] > 0
    db = connect(db_file)
    try:
        assert integrity.startup_check(db).ok  # today's full check passed, before the change
    finally:
        db.conn.close()
    _tamper_keeping_triggers(db_file, ("UPDATE dispensings SET total_fen = 1 WHERE id = ?", [old[0]]))
    checked = []
    original = integrity.check_rows
    monkeypatch.setattr(integrity, "check_rows", lambda db, key, table, ids, problems:
                        checked.append((table, set(ids))) or original(db, key, table, ids, problems))
    db = open_database(db_file)
    try:
        result = integrity.verify_package(db, quarter.code)
        assert result.ok
        exports.ledger_job(db, quarter.code)  # not refused: the package does not carry it
        package = integrity.package_rows(db, quarter.code)
        assert dict(checked[:len(package)]) == package and old[0] not in package["dispensings"]
        total = db.execute("SELECT count(*) FROM dispensings").fetchone()[0] + \
            db.execute("SELECT count(*) FROM dispensing_lines").fetchone()[0]
        carried = len(package["dispensings"]) + len(package["dispensing_lines"])
        assert carried < total  # what the package carries, not the whole history
    finally:
        db.conn.close()
    bad = check(db_file)  # the daily full check
    assert not bad.ok and f"第 {old[0]} 条领药记录内容已被改动" in bad.reason


def test_the_quick_check_counts_seals_from_the_small_index(db_file):
    db = connect(db_file)
    try:
        plan = db.conn.execute("EXPLAIN QUERY PLAN SELECT COUNT(*) FROM row_seals WHERE tbl = ?",
                               ["dispensings"]).fetchall()
        assert "USING COVERING INDEX row_seals_tbl" in plan[0][-1]
    finally:
        db.conn.close()


def test_without_a_full_check_today_exporting_runs_it_and_refuses_any_changed_row(db_file):
    """A day's first export (or one after a failed start-up check) checks everything: a row the
    package does not carry is still refused, and named."""
    from clinic_app.services import exports
    from clinic_app.services.exports import ExportError

    quarter = _last_quarter(db_file)
    old = first(db_file, f"SELECT min(id) FROM dispensings WHERE date < '{quarter.first_day}'")[0]
    _tamper_keeping_triggers(db_file, ("UPDATE dispensings SET total_fen = 1 WHERE id = ?", [old]))
    db = open_database(db_file)
    try:
        with pytest.raises(ExportError, match=f"第 {old} 条领药记录内容已被改动"):
            exports.ledger_job(db, quarter.code)
    finally:
        db.conn.close()
