"""Hostile or damaged register files are refused before they can exhaust memory, and invisible
characters never reach a patient's record."""
from __future__ import annotations

import time
import zipfile

import openpyxl
import pytest

from clinic_app.exchange import register_reading as rr
from clinic_app.exchange.register_results import RegisterFileError
from clinic_app.exchange.register_rows import read_register
from tests.exchange.register_files import make_id, write_xlsx

ZHANG = make_id("19800101", "123")


def test_one_cell_at_the_last_column_of_the_last_row_is_refused_at_once(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["序号", "姓名", "身份证号"])
    wb.active["XFD1048576"] = "x"
    wb.save(tmp_path / "far.xlsx")
    started = time.monotonic()
    with pytest.raises(RegisterFileError) as info:
        rr.read_sheets(tmp_path / "far.xlsx")
    assert time.monotonic() - started < 10
    assert "XFD1048576" in info.value.message and "20000 行、200 列" in info.value.message


def test_a_small_zip_that_unpacks_to_hundreds_of_megabytes_is_refused_before_unpacking(tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/sharedStrings.xml", b"<a>" + b"A" * (120 * 1024 * 1024) + b"</a>")
    assert path.stat().st_size < 1024 * 1024
    with pytest.raises(RegisterFileError, match="解压后约 120 MB，超过登记名单的上限 50 MB"):
        rr.read_sheets(path)


def test_more_rows_than_a_register_has_are_refused_naming_the_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(rr, "MAX_ROWS", 50)
    rows = [[i, "张三", "男", ZHANG] for i in range(60)]
    path = write_xlsx(tmp_path / "long.xlsx", rows)
    with pytest.raises(RegisterFileError, match="超过登记名单的上限 50 行"):
        rr.read_sheets(path)


def test_a_csv_with_too_many_rows_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(rr, "MAX_ROWS", 5)
    path = tmp_path / "long.csv"
    path.write_text("\n".join(["序号,姓名"] + [f"{i},张三" for i in range(10)]), encoding="utf-8")
    with pytest.raises(RegisterFileError, match="超过登记名单的上限 5 行"):
        rr.read_sheets(path)


def test_invisible_characters_are_removed_from_each_field_and_the_row_says_so(tmp_path):
    rows = [[1, "张\u200b三\u202e", "男", ZHANG, None, "张大山\u2066", "13800138000", None, "油溪镇大坡村", None, None]]
    parsed = read_register(write_xlsx(tmp_path / "r.xlsx", rows))
    (result,) = parsed.rows
    assert result.values["name"] == "张三" and result.values["guardian_name"] == "张大山"
    notes = [m for m in result.messages if "不可见字符" in m]
    assert len(notes) == 2 and any("姓名" in n for n in notes)


def test_a_line_break_inside_an_address_is_only_spacing(tmp_path):
    rows = [[1, "张三", "男", ZHANG, None, "张大山", "13800138000", None, "油溪镇\n大坡村", None, None]]
    (result,) = read_register(write_xlsx(tmp_path / "r.xlsx", rows)).rows
    assert result.values["address"] == "油溪镇 大坡村"
    assert not any("不可见字符" in m for m in result.messages)


def test_a_control_character_in_a_csv_field_is_removed_and_named(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("序号,姓名,性别,身份证号,监护人姓名,家庭住址\n"
                    f"1,张\x07三,男,{ZHANG},张大山,油溪镇大坡村\n", encoding="utf-8")
    (result,) = read_register(path).rows
    assert result.values["name"] == "张三"
    assert any("姓名中含不可见字符" in m for m in result.messages)


def test_control_characters_in_headers_and_other_columns_never_break_the_report(tmp_path, fresh_db):
    from clinic_app.services import register
    from tests.dispensing_data import OFFICER, user

    officer = user(fresh_db, OFFICER, "officer")
    path = tmp_path / "r.csv"
    path.write_text("序号,姓名,性别,身份证号,监护人姓名,家庭住址,微信\x07号\n"
                    f"1,张\x07三,男,{ZHANG},张大山,油溪镇大坡村,wx\x1bid\n", encoding="utf-8")
    result = register.import_register(fresh_db, officer, path)
    assert result.imported == 1 and result.report_path and result.report_path.exists()
    assert fresh_db["patients"].count == 1
    sheet = openpyxl.load_workbook(result.report_path).active
    texts = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert "微信号" in texts and "wxid" in texts
