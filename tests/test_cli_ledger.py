"""``clinic-app export-ledger | close-quarter | reopen-quarter``: the package path, the exit code,
the Chinese reason; closing and reopening log in (password from --password or standard input)."""
from __future__ import annotations

import io
import json

import pytest

from clinic_app.cli import main
from clinic_app.storage import audit, quarters
from clinic_app.storage.db import connect
from tests.dispensing_data import ADMIN, OFFICER, fast_passwords, fix_today
from tests.ledger_data import Q4, ledger_world, move_to_2027


@pytest.fixture(autouse=True)
def _setup(monkeypatch):
    fast_passwords(monkeypatch)
    fix_today(monkeypatch)


@pytest.fixture
def ledger_db(fresh_db, db_path):
    ledger_world(fresh_db)
    fresh_db.conn.close()
    return db_path


def state(db_path) -> dict:
    db = connect(db_path)
    try:
        return {"closed": quarters.is_closed(db, Q4), "events": [e["kind"] for e in quarters.events(db, Q4)],
                "audit": audit.recent(db, 1)[0]}
    finally:
        db.conn.close()


def export(db_path, out, *extra) -> int:
    return main(["export-ledger", "--db", str(db_path), "--quarter", "2026q4", "--out", str(out), *extra,
                 "--user", OFFICER[0], "--password", OFFICER[1]])


def test_export_ledger_prints_the_package_folder(ledger_db, tmp_path, capsys):
    out = tmp_path / "U盘"
    assert export(ledger_db, out) == 0
    package = out / "youxi_2026Q4"
    assert capsys.readouterr().out.strip() == str(package)
    assert json.loads((package / "manifest.json").read_text(encoding="utf-8"))["row_count"] == 5
    assert state(ledger_db)["events"] == ["export"]


def test_an_existing_package_exits_1_unless_replaced(ledger_db, tmp_path, capsys):
    out = tmp_path / "U盘"
    assert export(ledger_db, out) == 0
    capsys.readouterr()
    assert export(ledger_db, out) == 1
    assert "已存在" in capsys.readouterr().err
    assert export(ledger_db, out, "--replace") == 0


def test_a_bad_quarter_exits_1_in_chinese(ledger_db, tmp_path, capsys):
    assert main(["export-ledger", "--db", str(ledger_db), "--quarter", "第三季度", "--out", str(tmp_path),
                 "--user", OFFICER[0], "--password", OFFICER[1]]) == 1
    assert "无法识别，请写作 2026Q3" in capsys.readouterr().err


def test_a_missing_database_exits_2(tmp_path, capsys):
    assert main(["export-ledger", "--db", str(tmp_path / "none.db"), "--quarter", Q4, "--out", str(tmp_path)]) == 2
    assert "找不到数据库文件" in capsys.readouterr().err


def test_close_reads_the_password_from_standard_input(ledger_db, tmp_path, capsys, monkeypatch):
    move_to_2027(monkeypatch)
    assert export(ledger_db, tmp_path / "U盘") == 0
    monkeypatch.setattr("sys.stdin", io.StringIO(OFFICER[1] + "\n"))
    assert main(["close-quarter", "--db", str(ledger_db), "--quarter", Q4, "--user", OFFICER[0]]) == 0
    assert capsys.readouterr().out.strip().endswith("2026年第四季度：已结账")
    assert state(ledger_db)["closed"]


def test_close_with_a_wrong_password_exits_1(ledger_db, tmp_path, capsys, monkeypatch):
    move_to_2027(monkeypatch)
    assert export(ledger_db, tmp_path / "U盘") == 0
    assert main(["close-quarter", "--db", str(ledger_db), "--quarter", Q4, "--user", OFFICER[0],
                 "--password", "wrong-password1"]) == 1
    assert "用户名或密码错误" in capsys.readouterr().err
    assert not state(ledger_db)["closed"]


def test_close_before_an_export_exits_1(ledger_db, capsys, monkeypatch):
    move_to_2027(monkeypatch)
    assert main(["close-quarter", "--db", str(ledger_db), "--quarter", Q4, "--user", OFFICER[0],
                 "--password", OFFICER[1]]) == 1
    assert "请先导出2026年第四季度的台账" in capsys.readouterr().err


def test_close_checks_the_package_it_is_given(ledger_db, tmp_path, capsys, monkeypatch):
    move_to_2027(monkeypatch)
    assert export(ledger_db, tmp_path / "U盘") == 0
    assert main(["close-quarter", "--db", str(ledger_db), "--quarter", Q4, "--user", OFFICER[0],
                 "--password", OFFICER[1], "--package", str(tmp_path / "U盘" / "youxi_2026Q4")]) == 0


def test_reopen_needs_an_administrator_and_a_reason(ledger_db, tmp_path, capsys, monkeypatch):
    move_to_2027(monkeypatch)
    assert export(ledger_db, tmp_path / "U盘") == 0
    assert main(["close-quarter", "--db", str(ledger_db), "--quarter", Q4, "--user", OFFICER[0],
                 "--password", OFFICER[1]]) == 0
    capsys.readouterr()
    assert main(["reopen-quarter", "--db", str(ledger_db), "--quarter", Q4, "--reason", "补登",
                 "--user", OFFICER[0], "--password", OFFICER[1]]) == 1
    err = capsys.readouterr().err  # the permission table refuses first (services.require)
    assert "只有管理员可以重新开账" in err
    assert main(["reopen-quarter", "--db", str(ledger_db), "--quarter", Q4, "--reason", "  ",
                 "--user", ADMIN[0], "--password", ADMIN[1]]) == 1
    assert "请写明重新开账的原因" in capsys.readouterr().err
    assert state(ledger_db)["closed"]
    assert main(["reopen-quarter", "--db", str(ledger_db), "--quarter", Q4, "--reason", "补登12月漏登记录",
                 "--user", ADMIN[0], "--password", ADMIN[1]]) == 0
    assert "未结账" in capsys.readouterr().out
    after = state(ledger_db)
    assert not after["closed"] and after["events"] == ["export", "close", "reopen"]
    assert after["audit"]["summary"] == "2026年第四季度重新开账：补登12月漏登记录"
    assert after["audit"]["username"] == ADMIN[0]
