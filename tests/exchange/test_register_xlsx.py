"""The register as an Excel workbook: identity numbers survive as text, and it prints like the form."""
import datetime as dt
import io
import time

import pytest
from openpyxl import load_workbook

from clinic_app.domain import idnumber
from clinic_app.domain.register_columns import (
    BY_KEY, HEADERS, REGISTER_COLUMNS, REGISTER_TITLE, column_for_header,
)
from clinic_app.exchange.register_xlsx import FIRST_DATA_ROW, HEADER_ROW, write_register_xlsx

CLINIC = "油溪（中心）卫生院"
X_ID = "50038119750600061X"
ZERO_ID = "500381198003150012"


def rows(count=3) -> list[dict]:
    base = [
        {"seq": 1, "name": "张国华", "sex": "男", "id_number": ZERO_ID, "risk_level": 0,
         "guardian_name": "张德成", "guardian_phone": "023-47721234", "guardian_id_number": X_ID,
         "address": "重庆市江津区油溪镇大坡村3组15号", "note": ""},
        {"seq": 2, "name": "李秀英", "sex": "女", "id_number": X_ID, "risk_level": None,
         "guardian_name": None, "guardian_phone": "13908171234", "guardian_id_number": None,
         "address": "油溪镇石桥村5组8号", "note": "=HYPERLINK(\"http://x\")"},
        {"seq": 3, "name": "王强", "sex": "男", "id_number": "500116195507070022", "risk_level": 3,
         "guardian_name": "王芳", "guardian_phone": "13800000000", "guardian_id_number": "500381194211010032",
         "address": "吴滩镇双河社区中山路48号4单元3-2", "note": "住院中"},
    ]
    out = list(base)
    for i in range(len(base), count):
        first17 = f"50038119700101{i % 1000:03d}"
        out.append({**base[0], "seq": i + 1, "id_number": first17 + idnumber.check_char(first17)})
    return out


def write(data, target=None):
    target = target or io.BytesIO()
    write_register_xlsx(target, data, CLINIC, "刘医生", dt.date(2024, 5, 10))
    if isinstance(target, io.BytesIO):
        target.seek(0)
    return load_workbook(target).active


@pytest.fixture(scope="module")
def sheet():
    return write(rows())


def col(key: str) -> int:
    return [c.key for c in REGISTER_COLUMNS].index(key) + 1


def test_title_row_is_merged_across_the_table(sheet):
    assert sheet.cell(1, 1).value == REGISTER_TITLE
    assert "A1:J1" in {str(r) for r in sheet.merged_cells.ranges}


def test_heading_line_names_clinic_filler_and_date(sheet):
    line = " ".join(str(c.value) for c in sheet[2] if c.value)
    assert f"单位：{CLINIC}" in line and "填表人：刘医生" in line and "填表时间：2024年05月10日" in line


def test_headers_are_the_declared_ones(sheet):
    assert tuple(c.value for c in sheet[HEADER_ROW]) == HEADERS
    assert HEADERS == ("序号", "患者姓名", "性别", "身份证号", "危险性评估", "监护人姓名", "监护人联系方式",
                       "监护人身份证号", "家庭住址", "备注")


@pytest.mark.parametrize("key", ["id_number", "guardian_id_number"])
def test_identity_numbers_are_text_cells_exactly_as_given(sheet, key):
    for offset, row in enumerate(rows()):
        cell = sheet.cell(FIRST_DATA_ROW + offset, col(key))
        assert cell.number_format == "@"
        if row[key] is None:
            assert cell.value is None
        else:
            assert cell.data_type == "s" and cell.value == row[key]


def test_phone_numbers_keep_their_leading_zero(sheet):
    cell = sheet.cell(FIRST_DATA_ROW, col("guardian_phone"))
    assert cell.value == "023-47721234" and cell.data_type == "s"


def test_sequence_and_risk_level_are_numbers(sheet):
    assert sheet.cell(FIRST_DATA_ROW, col("seq")).value == 1
    assert sheet.cell(FIRST_DATA_ROW + 2, col("risk_level")).value == 3
    assert sheet.cell(FIRST_DATA_ROW + 1, col("risk_level")).value is None


def test_text_that_looks_like_a_formula_stays_text(sheet):
    cell = sheet.cell(FIRST_DATA_ROW + 1, col("note"))
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")


def test_cells_have_borders_and_columns_widths(sheet):
    cell = sheet.cell(FIRST_DATA_ROW, col("address"))
    assert cell.border.left.style == "thin" and cell.border.bottom.style == "thin"
    assert cell.alignment.wrap_text
    id_width = sheet.column_dimensions["D"].width
    assert id_width >= 19  # 18 characters and a margin
    assert sheet.column_dimensions["I"].width > sheet.column_dimensions["C"].width


def test_panes_are_frozen_below_the_header(sheet):
    assert sheet.freeze_panes == f"A{FIRST_DATA_ROW}"


def test_it_prints_a4_landscape_one_page_wide_header_on_every_page(sheet):
    assert sheet.page_setup.orientation == "landscape"
    assert int(sheet.page_setup.paperSize) == 9  # A4
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert int(sheet.page_setup.fitToWidth) == 1 and int(sheet.page_setup.fitToHeight) == 0
    assert sheet.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
    assert "&P" in sheet.oddFooter.center.text and "&N" in sheet.oddFooter.center.text


def test_writes_to_a_path(tmp_path):
    target = tmp_path / "登记名单.xlsx"
    sheet = write(rows(), target)
    assert sheet.cell(FIRST_DATA_ROW + 1, col("id_number")).value == X_ID


def test_an_empty_register_still_has_its_header():
    sheet = write([])
    assert tuple(c.value for c in sheet[HEADER_ROW]) == HEADERS
    assert sheet.max_row == HEADER_ROW


def test_two_thousand_rows_are_quick_and_all_text():
    data = rows(2000)
    started = time.perf_counter()
    sheet = write(data)
    assert time.perf_counter() - started < 30
    ids = [c.value for c in next(sheet.iter_cols(min_col=col("id_number"), min_row=FIRST_DATA_ROW))]
    assert ids == [r["id_number"] for r in data]


# --- the column declaration the importer shares --------------------------------------------------

@pytest.mark.parametrize("alias, key", [
    ("姓名", "name"), ("患者姓名", "name"), ("身份证号", "id_number"), ("身份证号码", "id_number"),
    ("患者身份证号", "id_number"), ("监护人联系方式", "guardian_phone"), ("监护人电话", "guardian_phone"),
    ("联系电话", "guardian_phone"), ("危险性评估", "risk_level"), ("危险性评估等级", "risk_level"),
    ("危险性等级", "risk_level"), ("家庭住址", "address"), ("住址", "address"), ("家庭地址", "address"),
    ("监护人身份证号", "guardian_id_number"), ("序号", "seq"), ("备注", "note"),
    ("患者\n姓名", "name"), (" 身份证号： ", "id_number"), ("危险性\n评估", "risk_level"),
])
def test_header_aliases(alias, key):
    assert column_for_header(alias) == key


def test_unknown_headers_name_no_column():
    assert column_for_header("药品名称") is None and column_for_header(None) is None


def test_no_alias_names_two_columns():
    seen = {}
    for column in REGISTER_COLUMNS:
        for header in column.accepted_headers:
            assert seen.setdefault(header, column.key) == column.key, header
    assert BY_KEY["id_number"].is_id_number and BY_KEY["guardian_id_number"].is_id_number
