"""``clinic-app import-register``: a summary per row or JSON, and exit codes 0 / 1 / 2."""
import json
import os
import subprocess
import sys

import pytest

from clinic_app.cli import main
from clinic_app.domain.patient_fields import validate_record
from clinic_app.storage import patients
from clinic_app.storage.db import open_database

from .cli_login import add_clerk, login
from .exchange.register_files import MIXED_EXPECTED, WU, ZHANG, mixed_register, write_csv, write_xlsx


@pytest.fixture
def db_file(fresh_db, db_path):
    """A database where 吴十 (row 13 of the mixed register) is already registered."""
    values = validate_record({"name": "吴十", "id_number": WU, "ethnicity": "汉族", "town": "油溪镇",
                              "address": "油溪镇", "diagnosis": "精神分裂症"}).values
    patients.create(fresh_db, values)
    add_clerk(fresh_db)
    fresh_db.conn.close()
    return db_path


def patient_count(db_path) -> int:
    db = open_database(db_path)
    try:
        return db["patients"].count
    finally:
        db.conn.close()


def good_file(tmp_path):
    return write_xlsx(tmp_path / "good.xlsx", [[1, "张三", "男", ZHANG, "2级", "张大山", "13800138000", None,
                                                "油溪镇大坡村", None, None]])


def test_json_lists_every_row(db_file, tmp_path, capsys):
    path = mixed_register(tmp_path)
    code = main(["import-register", str(path), "--db", str(db_file), "--dry-run", "--json", *login()])
    captured = capsys.readouterr()
    listed = json.loads(captured.out)
    assert code == 1
    assert [item["row"] for item in listed] == sorted(MIXED_EXPECTED)
    for item in listed:
        assert set(item) == {"row", "status", "messages"}
        assert item["status"] == MIXED_EXPECTED[item["row"]][0]
        assert all(isinstance(m, str) for m in item["messages"])
    assert "身份证号校验位错误" in captured.out  # Chinese as is, not \u escapes
    assert "\\u" not in captured.out
    assert "可导入 4 行，错误 6 行，重复 2 行" in captured.err  # the summary stays off stdout
    assert patient_count(db_file) == 1


def test_rows_in_error_still_import_the_good_ones_and_exit_1(db_file, tmp_path, capsys):
    path = mixed_register(tmp_path)
    assert main(["import-register", str(path), "--db", str(db_file), *login()]) == 1
    out = capsys.readouterr().out
    assert "第 4 行  已导入  张三" in out
    assert "第 7 行  错误  赵六：身份证号校验位错误" in out
    assert "第 13 行  重复  吴十：该患者已在本系统登记" in out
    assert "已导入 4 行" in out
    assert "导入报告：" in out
    assert patient_count(db_file) == 1 + 4


def test_dry_run_writes_nothing(db_file, tmp_path, capsys):
    assert main(["import-register", str(good_file(tmp_path)), "--db", str(db_file), "--dry-run", *login()]) == 0
    out = capsys.readouterr().out
    assert "第 4 行  可导入  张三" in out and "试导入（未写入）" in out
    assert patient_count(db_file) == 1
    assert list(tmp_path.glob("good-导入报告-*.xlsx"))


def test_all_good_exits_0(db_file, tmp_path, capsys):
    assert main(["import-register", str(good_file(tmp_path)), "--db", str(db_file), "--json", *login()]) == 0
    assert json.loads(capsys.readouterr().out) == [{"row": 4, "status": "ok", "messages": []}]
    assert patient_count(db_file) == 2


def test_gbk_csv_from_the_command_line(db_file, tmp_path, capsys):
    path = write_csv(tmp_path / "名单.csv", [[1, "张三", "男", ZHANG, "3级", "", "", "", "油溪镇", "", ""]], "gbk")
    assert main(["import-register", str(path), "--db", str(db_file), "--json", *login()]) == 0
    assert json.loads(capsys.readouterr().out)[0]["status"] == "ok"


@pytest.mark.parametrize("name, content, fragment", [
    ("missing.xlsx", None, "找不到文件"),
    ("old.xls", b"\xd0\xcf\x11\xe0" + b"\0" * 64, ".xls"),
    ("other.csv", "品名,数量\n奥氮平,3\n".encode("utf-8"), "找不到表头"),
    ("broken.xlsx", b"PK\x03\x04garbage", "无法读取该 Excel 文件"),
])
def test_unreadable_file_exits_2_with_a_chinese_reason(db_file, tmp_path, capsys, name, content, fragment):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    assert main(["import-register", str(path), "--db", str(db_file), "--json", *login()]) == 2
    captured = capsys.readouterr()
    assert fragment in captured.err
    assert captured.out == ""


def test_missing_database_exits_2(tmp_path, capsys):
    path = good_file(tmp_path)
    assert main(["import-register", str(path), "--db", str(tmp_path / "nope.db"), *login()]) == 2
    assert "找不到数据库文件" in capsys.readouterr().err
    assert not (tmp_path / "nope.db").exists()


def test_python_dash_m_prints_utf8_json(db_file, tmp_path):
    path = mixed_register(tmp_path)
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    result = subprocess.run([sys.executable, "-m", "clinic_app", "import-register", str(path), "--db",
                             str(db_file), "--dry-run", "--json", *login()], capture_output=True, text=True,
                            encoding="utf-8", env=env, timeout=120)
    assert result.returncode == 1, result.stderr
    listed = json.loads(result.stdout)
    assert {item["status"] for item in listed} == {"ok", "error", "duplicate"}
