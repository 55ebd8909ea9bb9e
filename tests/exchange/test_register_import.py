"""Importing an existing register (Attachment 8): finding the header, checking every row, spotting
what Excel did to ID numbers, importing all good rows or none, and the report."""
from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from clinic_app.domain.patient_fields import validate_record
from clinic_app.exchange import register_import as ri
from clinic_app.services import register
from clinic_app.storage import audit, patients, risk

from .register_files import (CHEN, DAMAGED, HEADERS, MIXED_EXPECTED, MIXED_OK_ROWS, ROUNDED_BUT_VALID,
                             SUN, TITLE, WU, ZHANG, ZHANG_GUARDIAN, ZHOU, make_id, mixed_register,
                             write_csv, write_xlsx)

OFFICER = {"id": 7, "username": "li"}


def officer(db) -> dict:
    """``OFFICER``, with the account row an import (a use case) is checked against."""
    if not db.execute("SELECT 1 FROM users WHERE id = 7").fetchone():
        db["users"].insert({"id": 7, "username": "li", "display_name": "李精防", "role": "officer",
                            "password_hash": "-", "active": 1, "failed_attempts": 0,
                            "created_at": "2026-11-01T08:00:00"})
    return OFFICER


def by_row(parsed) -> dict[int, ri.RowResult]:
    return {r.row: r for r in parsed.rows}


def register_wu(db) -> int:
    values = validate_record({"name": "吴十", "id_number": WU, "ethnicity": "汉族", "town": "油溪镇",
                              "address": "油溪镇", "diagnosis": "精神分裂症"})
    assert values.ok
    return patients.create(db, values.values)


def counts(db) -> tuple[int, int, int, int]:
    return (db["patients"].count, db["guardians"].count, db["risk_assessments"].count,
            db["audit_log"].count)


@pytest.fixture
def mixed(tmp_path):
    return mixed_register(tmp_path)


@pytest.fixture
def db_with_wu(fresh_db):
    register_wu(fresh_db)
    return fresh_db


# --- reading and checking ----------------------------------------------------------------------

def test_header_found_below_the_title_rows(mixed):
    parsed = ri.read_register(mixed)
    assert parsed.header_row == 3
    assert parsed.data_start_row == 4
    assert parsed.columns["name"] == 1 and parsed.columns["id_number"] == 3
    assert parsed.columns["guardian_phone"] == 6 and parsed.columns["note"] == 9


def test_unknown_column_reported_once(mixed):
    parsed = ri.read_register(mixed)
    assert parsed.unknown_columns == ["微信号（第K列）"]
    assert sum("微信号" in n for n in parsed.notes) == 1
    assert not any("微信号" in m for r in parsed.rows for m in r.messages)


def test_every_row_has_the_expected_status_and_message(db_with_wu, mixed):
    parsed = register.check_register(db_with_wu, mixed)
    rows = by_row(parsed)
    assert sorted(rows) == sorted(MIXED_EXPECTED)  # blank row 8 and the 序号-only row 17 are not rows
    for number, (status, fragment) in MIXED_EXPECTED.items():
        result = rows[number]
        assert result.status == status, (number, result.messages)
        if fragment:
            assert any(fragment in m for m in result.messages), (number, result.messages)
        if status != "ok":
            assert result.errors, number  # never a bad row without a reason
    assert parsed.skipped_rows == [17]
    assert (parsed.ok_count, parsed.error_count, parsed.duplicate_count) == (4, 6, 2)
    assert parsed.summary() == "可导入 4 行，错误 6 行，重复 2 行"


def test_without_database_the_registered_patient_is_not_a_duplicate(mixed):
    assert by_row(ri.read_register(mixed))[13].status == "ok"


def test_numeric_id_cells_are_reported_as_damaged_never_repaired(mixed):
    rows = by_row(ri.read_register(mixed))
    for number in (5, 6):
        assert rows[number].values["id_number"] is None
        assert rows[number].messages[0] == (
            "身份证号：Excel 已把身份证号存成数字，后几位已丢失，无法恢复：请在原始资料中核对后，"
            "把该列设为“文本”重新录入")
        assert rows[number].values["id_number_text"] == "5.00381E+17"


def test_an_integer_cell_with_a_valid_check_digit_is_still_damaged(tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", [[1, "张三", None, int(ROUNDED_BUT_VALID), None, None, None,
                                             None, "油溪镇", None, None]])
    result = ri.read_register(path).rows[0]
    assert result.status == "error"
    assert DAMAGED in result.messages[0]


def test_fifteen_digits_stored_as_a_number_are_intact(tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", [[1, "钱七", None, 500381800101125, None, None, None, None,
                                             "油溪镇", None, None]])
    result = ri.read_register(path).rows[0]
    assert result.values["id_number_suggestion"] == make_id("19800101", "125")
    assert not any(DAMAGED in m for m in result.messages)


def test_good_rows_are_cleaned_and_derived(mixed):
    rows = by_row(ri.read_register(mixed))
    zhang = rows[4].values
    assert (zhang["name"], zhang["id_number"], zhang["sex"], zhang["birth_date"]) == (
        "张三", ZHANG, "男", "1980-01-01")
    assert (zhang["risk_level"], zhang["guardian_name"], zhang["guardian_phone"]) == (3, "张大山", "13800138000")
    assert (zhang["guardian_id_number"], zhang["town"], zhang["note"]) == (ZHANG_GUARDIAN, "油溪镇", "已送治")
    sun = rows[10].values
    assert sun["id_number"] == SUN and sun["sex"] == "女" and sun["risk_level"] == 1
    assert sun["guardian_phone"] == "023-47521234"
    zhou = rows[11].values
    assert (zhou["id_number"], zhou["risk_level"], zhou["town"]) == (ZHOU, 3, "吴滩镇")
    chen = rows[16].values
    assert chen["id_number"] == CHEN and chen["town"] is None and chen["sex"] == "男"


def test_duplicate_names_the_first_row_and_the_first_row_hears_of_it(mixed):
    rows = by_row(ri.read_register(mixed))
    assert rows[12].messages[0] == "与第 4 行身份证号重复"
    assert rows[4].status == "ok"
    assert any("第 12 行" in m and m.startswith("提示：") for m in rows[4].messages)


def test_a_wrong_sex_is_an_error_not_overwritten_silently(mixed):
    zheng = by_row(ri.read_register(mixed))[14]
    assert zheng.messages == ["性别与身份证号不符：身份证号显示为男"]


def test_guardian_fields_are_optional_but_checked(tmp_path):
    rows = [
        [1, "甲一", None, make_id("19800101", "013"), None, None, None, None, "油溪镇", None, None],
        [2, "乙二", None, make_id("19800101", "025"), None, "乙大", "13800138000 13900139000", None, "油溪镇", None, None],
        [3, "丙三", None, make_id("19800101", "037"), None, "丙大", None, "123", "油溪镇", None, None],
        [4, "丁四", None, make_id("19800101", "049"), None, "丁大", None, 500381195501011000, "油溪镇", None, None],
        [5, "戊五", None, make_id("19800101", "051"), None, "戊大", 13800138000, None, "油溪镇", None, None],
    ]
    parsed = by_row(ri.read_register(write_xlsx(tmp_path / "g.xlsx", rows)))
    assert parsed[4].status == "ok" and parsed[4].values["guardian_name"] is None
    assert parsed[5].status == "ok" and parsed[5].values["guardian_phone"] == "13800138000"
    assert any("只导入第一个" in m for m in parsed[5].messages)
    assert parsed[6].status == "error" and parsed[6].messages[0].startswith("监护人身份证号：")
    assert parsed[7].status == "error" and parsed[7].messages[0] == f"监护人身份证号：{ri.DAMAGED_ID}"
    assert parsed[8].status == "ok" and parsed[8].values["guardian_phone"] == "13800138000"


@pytest.mark.parametrize("cell, message", [
    (None, "请填写患者姓名"),
    ("张", "患者姓名：姓名至少2个字"),
    ("张3", "患者姓名：姓名中不应有数字"),
])
def test_name_is_required(tmp_path, cell, message):
    path = write_xlsx(tmp_path / "n.xlsx", [[1, cell, None, ZHANG, None, None, None, None, "油溪镇", None, None]])
    result = ri.read_register(path).rows[0]
    assert result.status == "error" and result.messages[0] == message


def test_padded_chinese_names_lose_the_padding(tmp_path):
    path = write_xlsx(tmp_path / "n.xlsx", [[1, "张　三", None, ZHANG, None, None, None, None, "油溪镇", None, None]])
    assert ri.read_register(path).rows[0].values["name"] == "张三"


@pytest.mark.parametrize("cell, level, ok", [("3", 3, True), ("３级", 3, True), (4, 4, True),
                                             ("六级", None, False), ("高", None, False)])
def test_risk_level_column(tmp_path, cell, level, ok):
    path = write_xlsx(tmp_path / "l.xlsx", [[1, "张三", None, ZHANG, cell, None, None, None, "油溪镇", None, None]])
    result = ri.read_register(path).rows[0]
    assert result.values["risk_level"] == level
    assert (result.status == "ok") is ok
    if not ok:
        assert "0–5级" in result.messages[0]


@pytest.mark.parametrize("address, town", [
    ("油溪镇大坡村3组", "油溪镇"),
    ("重庆市江津区白沙镇宝珠村", "白沙镇"),
    ("江津区油溪大坡村", "油溪镇"),
    ("几江街道艾坪村", "几江街道"),
    ("鼎山街道油溪路5号", "鼎山街道"),  # the first town named, not a street named after another
    ("重庆市渝北区", None),
    ("", None),
])
def test_town_from_the_address(fresh_db, address, town):
    from clinic_app.storage import reference

    assert ri.derive_town(address, reference.towns(fresh_db)) == town


def test_template_rows_and_trailing_blank_rows_are_skipped(tmp_path):
    rows = [[1, "张三", None, ZHANG, None, None, None, None, "油溪镇", None, None], [None] * 11,
            [2] + [None] * 10, [3] + [None] * 10, [None] * 11]
    parsed = ri.read_register(write_xlsx(tmp_path / "t.xlsx", rows))
    assert [r.row for r in parsed.rows] == [4]
    assert parsed.skipped_rows == [6, 7]
    assert "只有序号、其余为空的 2 行已跳过" in parsed.notes


def test_a_footer_line_is_shown_not_dropped(tmp_path):
    rows = [[1, "张三", None, ZHANG, None, None, None, None, "油溪镇", None, None], ["合计：1人"]]
    parsed = ri.read_register(write_xlsx(tmp_path / "f.xlsx", rows))
    assert [r.row for r in parsed.rows] == [4, 5]
    assert parsed.rows[1].status == "error"


def test_header_without_title_and_with_plain_headers(tmp_path):
    headers = ["序号", "姓名", "性别", "身份证号码", "危险性评估", "监护人", "监护人电话", "监护人身份证号",
               "住址", "备注"]
    path = write_xlsx(tmp_path / "p.xlsx", [[1, "张三", "男", ZHANG, "2级", "张大山", "13800138000", None,
                                             "油溪镇", None]], headers=headers, title=False)
    parsed = ri.read_register(path)
    assert parsed.header_row == 1 and parsed.unknown_columns == []
    assert parsed.rows[0].status == "ok" and parsed.rows[0].values["risk_level"] == 2


def test_two_row_header_with_merged_guardian_cell(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([TITLE])
    ws.merge_cells("A1:J1")
    ws.append(["序号", "患者姓名", "性别", "身份证号", "危险性评估", "监护人", None, None, "家庭住址", "备注"])
    ws.append([None, None, None, None, None, "姓名", "联系方式", "身份证号", None, None])
    for col in "ABCDEIJ":
        ws.merge_cells(f"{col}2:{col}3")
    ws.merge_cells("F2:H2")
    ws.append([1, "张三", "男", ZHANG, "1级", "张大山", "13800138000", ZHANG_GUARDIAN, "油溪镇", None])
    wb.save(tmp_path / "two.xlsx")
    parsed = ri.read_register(tmp_path / "two.xlsx")
    assert (parsed.header_row, parsed.data_start_row) == (2, 4)
    assert parsed.columns["guardian_name"] == 5 and parsed.columns["guardian_id_number"] == 7
    values = parsed.rows[0].values
    assert parsed.rows[0].status == "ok", parsed.rows[0].messages
    assert (values["guardian_name"], values["guardian_id_number"]) == ("张大山", ZHANG_GUARDIAN)


def test_the_register_sheet_is_found_among_others(tmp_path):
    path = write_xlsx(tmp_path / "s.xlsx", [[1, "张三", None, ZHANG, None, None, None, None, "油溪镇", None, None]],
                      extra_sheets={"说明": [["本表请勿改动格式"], ["共 1 人"]]})
    parsed = ri.read_register(path)
    assert parsed.sheet == "登记名单" and len(parsed.rows) == 1


# --- CSV ---------------------------------------------------------------------------------------

CSV_ROWS = [
    [1, "张三", "男", ZHANG, "3级", "张大山", "13800138000", ZHANG_GUARDIAN, "油溪镇大坡村3组", "", ""],
    [2, "李四", "", "5.00381E+17", "", "", "", "", "油溪镇", "", ""],
    [3, "王五", "", "5.00381198001011E17", "", "", "", "", "油溪镇", "", ""],
    [4, "赵六", "", "500381198001011000", "", "", "", "", "油溪镇", "", ""],
    [5, "孙八", "", SUN.lower(), "", "", "", "", "油溪镇", "", ""],
    [6, "周九", "", f'="{ZHOU}"', "", "", "", "", "吴滩镇", "", ""],
    [7, "冯二", "", ROUNDED_BUT_VALID, "", "", "", "", "油溪镇", "", ""],
    ["", "", "", "", "", "", "", "", "", "", ""],
    [8, "陈三", "", CHEN, "", "", "", "", "油溪镇", "", ""],
]
CSV_EXPECTED = {4: "ok", 5: "error", 6: "error", 7: "error", 8: "ok", 9: "ok", 10: "error", 12: "ok"}


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gbk", "gb18030", "utf-16"])
def test_csv_in_every_encoding_excel_uses(tmp_path, encoding):
    path = write_csv(tmp_path / "名单.csv", CSV_ROWS, encoding)
    parsed = ri.read_register(path)
    assert parsed.header_row == 3
    assert {r.row: r.status for r in parsed.rows} == CSV_EXPECTED
    rows = by_row(parsed)
    assert rows[4].values["name"] == "张三" and rows[4].values["town"] == "油溪镇"
    for number in (5, 6, 7):
        assert DAMAGED in rows[number].messages[0], rows[number].messages
    assert rows[9].values["id_number"] == ZHOU  # ="…", the CSV way of keeping text
    # a valid-looking number ending in 000 in a file whose ID column Excel has rounded
    assert DAMAGED in rows[10].messages[0]


def test_csv_rounded_number_alone_is_accepted_when_nothing_else_is_damaged(tmp_path):
    path = write_csv(tmp_path / "ok.csv", [CSV_ROWS[0], CSV_ROWS[6]], "utf-8")
    assert [r.status for r in ri.read_register(path).rows] == ["ok", "ok"]


def test_tab_separated_text(tmp_path):
    text = "\t".join(HEADERS).replace("\n", "") + "\r\n" + "\t".join(
        ["1", "张三", "男", ZHANG, "1", "", "", "", "油溪镇", "", ""]) + "\r\n"
    path = tmp_path / "名单.txt"
    path.write_bytes(text.encode("utf-16"))
    assert [r.status for r in ri.read_register(path).rows] == ["ok"]


# --- unreadable files --------------------------------------------------------------------------

def test_unreadable_files_say_why(tmp_path):
    cases = {
        tmp_path / "missing.xlsx": "找不到文件",
        tmp_path / "old.xls": ".xls",
        tmp_path / "broken.xlsx": "无法读取该 Excel 文件",
        tmp_path / "other.csv": "找不到表头",
        tmp_path / "binary.csv": "文字编码",
        tmp_path / "empty.xlsx": "找不到表头",
    }
    openpyxl.Workbook().save(tmp_path / "empty.xlsx")
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    (tmp_path / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    (tmp_path / "other.csv").write_text("品名,数量\n奥氮平,3\n", encoding="utf-8")
    (tmp_path / "binary.csv").write_bytes(bytes(range(128, 256)) * 4)
    for path, fragment in cases.items():
        with pytest.raises(ri.RegisterFileError) as info:
            ri.read_register(path)
        assert fragment in info.value.message, (path.name, info.value.message)


# --- importing ---------------------------------------------------------------------------------

def test_dry_run_writes_nothing_but_the_report(db_with_wu, mixed):
    before = counts(db_with_wu)
    result = register.import_register(db_with_wu, officer(db_with_wu), mixed, dry_run=True)
    assert counts(db_with_wu) == before
    assert result.imported == 0 and result.dry_run
    assert result.report_path.exists() and result.report_path.parent == mixed.parent
    statuses = report_statuses(result.report_path)
    assert statuses[4] == "可导入" and statuses[5] == "错误" and statuses[12] == "重复"


def test_real_import_writes_only_the_good_rows_in_one_go(db_with_wu, mixed):
    patients_before, _g, risks_before, audit_before = counts(db_with_wu)
    result = register.import_register(db_with_wu, officer(db_with_wu), mixed)
    assert result.imported == len(MIXED_OK_ROWS) == 4
    assert db_with_wu["patients"].count == patients_before + 4
    imported = {r.row: r.values["patient_id"] for r in result.rows if "patient_id" in r.values}
    assert sorted(imported) == MIXED_OK_ROWS

    zhang = patients.get(db_with_wu, imported[4])
    assert (zhang["name"], zhang["sex"], zhang["birth_date"], zhang["id_number"], zhang["town"]) == (
        "张三", "男", "1980-01-01", ZHANG, "油溪镇")
    assert (zhang["address"], zhang["guardian_name"], zhang["guardian_phone"],
            zhang["guardian_id_number"]) == ("油溪镇大坡村3组12号", "张大山", "13800138000", ZHANG_GUARDIAN)
    assert zhang["created_by"] == OFFICER["id"]
    assessment = risk.assessments(db_with_wu, imported[4])[0]
    assert (assessment["level"], assessment["assessor"], assessment["date"], assessment["note"]) == (
        3, "导入", dt.date.today().isoformat(), "登记名单备注：已送治")
    assert risk.latest_levels(db_with_wu) == {imported[4]: 3, imported[10]: 1, imported[11]: 3,
                                             imported[16]: 2}
    assert db_with_wu["risk_assessments"].count == risks_before + 4

    entry = audit.recent(db_with_wu, 1)[0]
    assert (entry["action"], entry["entity"], entry["summary"]) == ("create", "import", "导入登记名单 4 行")
    assert entry["username"] == "li"
    # 4 patients + 4 assessments + the summary row
    assert db_with_wu["audit_log"].count == audit_before + 9
    assert audit.verify(db_with_wu).ok

    statuses = report_statuses(result.report_path)
    assert [statuses[r] for r in MIXED_OK_ROWS] == ["已导入"] * 4


def test_importing_the_same_file_again_imports_nothing(db_with_wu, mixed):
    register.import_register(db_with_wu, officer(db_with_wu), mixed)
    again = register.import_register(db_with_wu, officer(db_with_wu), mixed)
    assert again.imported == 0
    assert {r.row for r in again.rows if r.status == "ok"} == set()
    assert by_row(again.parsed)[4].messages[0] == "该患者已在本系统登记"


def test_a_failure_midway_writes_nothing(db_with_wu, mixed, monkeypatch):
    before = counts(db_with_wu)
    real_create = patients.create
    calls = []

    def third_call_fails(db, values, user=None, **kwargs):
        calls.append(values["name"])
        if len(calls) == 3:
            raise RuntimeError("磁盘已满")
        return real_create(db, values, user=user, **kwargs)

    monkeypatch.setattr(patients, "create", third_call_fails)
    with pytest.raises(ri.ImportFailed) as info:
        register.import_register(db_with_wu, officer(db_with_wu), mixed)
    assert "没有写入任何患者" in info.value.message and "第 11 行" in info.value.message
    assert "磁盘已满" in info.value.message
    assert len(calls) == 3
    assert counts(db_with_wu) == before
    assert audit.verify(db_with_wu).ok


def test_nothing_to_import_writes_no_audit_row(fresh_db, tmp_path):
    path = write_xlsx(tmp_path / "bad.xlsx", [[1, "张三", None, "123", None, None, None, None, "油溪镇", None, None]])
    before = counts(fresh_db)
    result = register.import_register(fresh_db, officer(fresh_db), path)
    assert result.imported == 0 and counts(fresh_db) == before
    assert result.report_path.exists()


def test_imported_patients_are_found_and_lack_form_fields(fresh_db, mixed):
    from clinic_app.domain import completeness

    result = register.import_register(fresh_db, officer(fresh_db), mixed)
    zhang_id = by_row(result.parsed)[4].values["patient_id"]
    assert [p["id"] for p in patients.search(fresh_db, "zs")] == [zhang_id]
    assert completeness.missing_required(patients.get(fresh_db, zhang_id)) == ["民族", "疾病诊断"]
    chen_id = by_row(result.parsed)[16].values["patient_id"]
    assert completeness.missing_required(patients.get(fresh_db, chen_id)) == ["民族", "镇（街）", "疾病诊断"]


# --- the report --------------------------------------------------------------------------------

def report_sheet(path):
    return openpyxl.load_workbook(path).active


def report_statuses(path) -> dict[int, str]:
    ws = report_sheet(path)
    headers = [c.value for c in ws[2]]
    row_col, status_col = headers.index("原行号"), headers.index("状态")
    return {r[row_col]: r[status_col] for r in ws.iter_rows(min_row=3, values_only=True)}


def test_report_keeps_the_original_columns_and_adds_status_and_reason(fresh_db, mixed, tmp_path):
    out = tmp_path / "reports"
    result = register.import_register(fresh_db, officer(fresh_db), mixed, dry_run=True, report_dir=out)
    path = result.report_path
    assert path.parent == out
    assert path.name.startswith("油溪登记名单-导入报告-") and path.suffix == ".xlsx"
    stamp = path.stem.split("-导入报告-")[1]
    assert dt.datetime.strptime(stamp, "%Y%m%d-%H%M%S")
    ws = report_sheet(path)
    headers = [c.value for c in ws[2]]
    assert headers == HEADERS + ["原行号", "状态", "说明"]
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    assert len(rows) == len(MIXED_EXPECTED)  # every checked row, none dropped
    by_number = {r[-3]: r for r in rows}
    assert by_number[7][-1].startswith("身份证号校验位错误")
    assert by_number[4][3] == ZHANG  # kept as text
    assert ws.cell(row=3, column=4).number_format == "@"
    assert "仅检查，未导入" in ws["A1"].value


def test_two_reports_in_one_second_do_not_overwrite(fresh_db, mixed):
    first = register.import_register(fresh_db, officer(fresh_db), mixed, dry_run=True).report_path
    second = register.import_register(fresh_db, officer(fresh_db), mixed, dry_run=True).report_path
    assert first != second and first.exists() and second.exists()


def test_a_fixed_report_can_be_imported_again(fresh_db, mixed, tmp_path):
    first = register.import_register(fresh_db, officer(fresh_db), mixed, report_dir=tmp_path / "r1")
    wb = openpyxl.load_workbook(first.report_path)
    ws = wb.active
    headers = [c.value for c in ws[2]]
    for row in ws.iter_rows(min_row=3):
        if row[headers.index("原行号")].value == 7:  # the wrong check digit, corrected
            row[headers.index("身份证号")].value = make_id("19850315", "224")
    wb.save(tmp_path / "fixed.xlsx")
    again = register.import_register(fresh_db, officer(fresh_db), tmp_path / "fixed.xlsx",
                                     report_dir=tmp_path / "r2")
    assert again.parsed.unknown_columns == ["微信号（第K列）"]  # 原行号/状态/说明 are not "unknown"
    assert again.imported == 1
    fixed = [r for r in again.rows if r.status == "ok"]
    assert [r.values["name"] for r in fixed] == ["赵六"]


def test_unwritable_report_folder_does_not_undo_the_import(fresh_db, mixed, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    result = register.import_register(fresh_db, officer(fresh_db), mixed, report_dir=blocker)
    assert result.imported == 5 and result.report_path is None
    assert result.report_error.startswith("导入报告无法保存")


# --- no row is ever dropped without a message ----------------------------------------------------

printable = st.characters(blacklist_categories=("Cc", "Cs"))  # what a worksheet cell can hold
cell = st.one_of(st.none(), st.text(printable, max_size=12), st.integers(),
                 st.sampled_from([ZHANG, SUN, "3级", "男", "油溪镇"]))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(cell, min_size=11, max_size=11), max_size=8))
def test_every_non_blank_row_is_accounted_for(tmp_path_factory, rows):
    folder = tmp_path_factory.mktemp("prop")
    path = write_xlsx(folder / "p.xlsx", rows)
    parsed = ri.read_register(path)

    def blank(v):
        return v is None or (isinstance(v, str) and not v.strip())
    expected = [i + 4 for i, r in enumerate(rows) if not all(blank(v) for v in r)]
    seen = sorted([r.row for r in parsed.rows] + parsed.skipped_rows)
    assert seen == expected
    for result in parsed.rows:
        assert result.status in ("ok", "error", "duplicate")
        if result.status != "ok":
            assert result.errors


# --- the program's own register export reads back ------------------------------------------------

def test_the_register_this_program_exports_imports_cleanly(fresh_db, tmp_path):
    from clinic_app.exchange.register_xlsx import write_register_xlsx

    rows = [
        {"seq": 1, "name": "张三", "sex": "男", "id_number": ZHANG, "risk_level": 3, "guardian_name": "张大山",
         "guardian_phone": "13800138000", "guardian_id_number": ZHANG_GUARDIAN,
         "address": "油溪镇大坡村3组12号", "note": "已送治"},
        {"seq": 2, "name": "孙八", "sex": "女", "id_number": SUN, "risk_level": 0, "guardian_name": None,
         "guardian_phone": None, "guardian_id_number": None, "address": "吴滩镇郎家村", "note": None},
    ]
    path = tmp_path / "导出的名单.xlsx"
    write_register_xlsx(path, rows, "油溪（中心）卫生院", "李梅", dt.date(2024, 3, 1))
    parsed = register.check_register(fresh_db, path)
    assert parsed.unknown_columns == []
    assert [(r.status, r.values["id_number"], r.values["risk_level"], r.values["town"]) for r in parsed.rows] == [
        ("ok", ZHANG, 3, "油溪镇"), ("ok", SUN, 0, "吴滩镇")]
