"""No traceback reaches a user from any command, on any input (issue 9): hostile registers,
hostile backups and hostile ``--db`` files each end in one Chinese line, a non-zero exit code
and no change to any file — the database, its folder, the input."""
from __future__ import annotations

import os
import random
import re
import subprocess
import sys
import zipfile
from contextlib import closing
from pathlib import Path

import pytest

from clinic_app.storage.db import open_database, open_file

from .cli_login import add_clerk
from .exchange.register_files import ZHANG, write_xlsx
from .keys import data_home_with_key

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _good_register(folder: Path) -> Path:
    return write_xlsx(folder / "good.xlsx", [[1, "张三", "男", ZHANG, "2级", "", "", None, "油溪镇",
                                              None, None]])


def truncated(folder: Path) -> Path:
    data = _good_register(folder).read_bytes()
    (folder / "truncated.xlsx").write_bytes(data[: len(data) // 2])
    return folder / "truncated.xlsx"


def binary_renamed(folder: Path) -> Path:
    (folder / "photo.xlsx").write_bytes(random.Random(1).randbytes(5000))
    return folder / "photo.xlsx"


def zip_of_junk(folder: Path) -> Path:
    """A zip that is no workbook: a huge member of zeros that compresses to almost nothing."""
    path = folder / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (30 * 1024 * 1024))
    return path


def empty_xlsx(folder: Path) -> Path:
    (folder / "empty.xlsx").write_bytes(b"")
    return folder / "empty.xlsx"


def empty_csv(folder: Path) -> Path:
    (folder / "empty.csv").write_bytes(b"")
    return folder / "empty.csv"


def broken_gbk_csv(folder: Path) -> Path:
    path = folder / "名单.csv"
    path.write_bytes("序号,患者姓名,性别,身份证号\n1,张三,男,".encode("gbk") + b"\xff\xfe\x81\x81\n")
    return path


def a_directory(folder: Path) -> Path:
    (folder / "folder.xlsx").mkdir()
    return folder / "folder.xlsx"


def text_file(folder: Path) -> Path:
    (folder / "notes.db").write_text("这不是数据库\n", encoding="utf-8")
    return folder / "notes.db"


def random_bytes(folder: Path) -> Path:
    (folder / "random.db").write_bytes(random.Random(2).randbytes(9000))
    return folder / "random.db"


def other_programs_database(folder: Path) -> Path:
    path = folder / "other.db"
    with closing(open_file(path)) as conn:
        conn.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, item TEXT)")
        conn.execute("INSERT INTO orders (item) VALUES ('pens')")
        conn.commit()
    return path


def empty_file(folder: Path) -> Path:
    (folder / "empty.db").write_bytes(b"")
    return folder / "empty.db"


REGISTERS = [truncated, binary_renamed, zip_of_junk, empty_xlsx, empty_csv, broken_gbk_csv, a_directory]
HOSTILE_DBS = [text_file, random_bytes, other_programs_database, empty_file, a_directory]


@pytest.fixture
def setup(tmp_path):
    data = tmp_path / "data"
    inputs = tmp_path / "inputs"
    data.mkdir()
    inputs.mkdir()
    db = open_database(data / "clinic.db")
    login = add_clerk(db, role="admin")
    db.conn.close()
    return data / "clinic.db", inputs, login


def _files(*folders: Path) -> dict:
    """Every file's bytes (lock files aside: they only say who holds a lock)."""
    found = {}
    for folder in folders:
        for p in sorted(folder.rglob("*")):
            if p.is_file() and not p.name.endswith(".lock"):
                found[str(p)] = p.read_bytes()
    return found


def _run(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8",
           "XDG_DATA_HOME": str(data_home_with_key(tmp_path / "xdg")),
           "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    return subprocess.run([sys.executable, "-m", "clinic_app", *args], capture_output=True, text=True,
                          encoding="utf-8", env=env, timeout=300, stdin=subprocess.DEVNULL)


def _refused_in_chinese(result: subprocess.CompletedProcess) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    assert CHINESE.search(result.stderr), result.stderr
    assert result.stdout.strip() == "" or CHINESE.search(result.stdout)


@pytest.mark.parametrize("make", REGISTERS, ids=lambda f: f.__name__)
def test_import_of_a_hostile_file_says_why_in_chinese_and_changes_nothing(setup, tmp_path, make):
    db, inputs, login = setup
    path = make(inputs)
    before = _files(db.parent, inputs)
    result = _run(["import-register", str(path), "--db", str(db), *login], tmp_path)
    _refused_in_chinese(result)
    assert _files(db.parent, inputs) == before


@pytest.mark.parametrize("make", [random_bytes, text_file, other_programs_database, empty_file],
                         ids=lambda f: f.__name__)
def test_restore_of_a_hostile_file_says_why_in_chinese_and_changes_nothing(setup, tmp_path, make):
    db, inputs, login = setup
    path = make(inputs)
    before = _files(db.parent, inputs)
    _refused_in_chinese(_run(["restore", "--db", str(db), str(path), *login], tmp_path))
    assert _files(db.parent, inputs) == before


def _commands(db: Path, out: Path, login: list[str]) -> dict[str, list[str]]:
    register = _good_register(out)
    return {
        "import-register": ["import-register", str(register), "--db", str(db), *login],
        "print register": ["print", "register", "--db", str(db), "--out", str(out / "r.pdf"), *login],
        "print calibration": ["print", "calibration", "--db", str(db), "--out", str(out / "c.pdf")],
        "export-ledger": ["export-ledger", "--db", str(db), "--quarter", "2026Q4", "--out", str(out / "u"),
                          *login],
        "backup": ["backup", "--db", str(db), "--out", str(out / "bk"), *login],
        "audit verify": ["audit", "verify", "--db", str(db)],
        "demo": ["demo", "--db", str(db), "--patients", "3"],
    }


DB_COMMANDS = ["import-register", "print register", "print calibration", "export-ledger", "backup",
               "audit verify", "demo"]
# An empty file is a new database: demo may fill it (every other command refuses it).
DB_CASES = [pytest.param(make, command, id=f"{make.__name__}-{command}")
            for make in HOSTILE_DBS for command in DB_COMMANDS if (make, command) != (empty_file, "demo")]


@pytest.mark.parametrize("make, command", DB_CASES)
def test_a_hostile_database_file_is_refused_in_chinese_and_left_as_it_was(setup, tmp_path, make, command):
    _, inputs, login = setup
    db = make(inputs)
    out = tmp_path / "out"
    out.mkdir()
    args = _commands(db, out, login)[command]
    before = _files(inputs)
    _refused_in_chinese(_run(args, tmp_path))
    assert _files(inputs) == before
    assert sorted(p.name for p in out.iterdir()) == ["good.xlsx"]  # no output written


def test_an_unexpected_error_shows_one_chinese_line_and_logs_the_traceback(setup, tmp_path, monkeypatch, capsys):
    """A bug is a bug: the user reads one line, the log gets the traceback."""
    from clinic_app import cli

    monkeypatch.setenv("XDG_DATA_HOME", str(data_home_with_key(tmp_path / "xdg")))
    monkeypatch.setitem(cli.COMMANDS, "audit", lambda args: {}["no such key"])
    db, _, _ = setup
    assert cli.main(["audit", "verify", "--db", str(db)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("程序内部错误：KeyError") and "详情已写入日志" in err and "Traceback" not in err
    (log,) = (tmp_path / "xdg").rglob("clinic_app.log")
    assert "Traceback" in log.read_text(encoding="utf-8")
