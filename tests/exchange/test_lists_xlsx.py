"""A work list as an Excel sheet: title, headers, rows; ID numbers stay text."""
import datetime as dt
import io

from openpyxl import load_workbook

from clinic_app.exchange.lists_xlsx import TEXT_FORMAT, cell_value, sheet_title, write_list_xlsx

HEADERS = ("姓名", "身份证号", "剩余天数", "监护人联系方式")
ROWS = [["张三", "500381198001011234", 12, "13812345678"],
        ["李四", "500381********123X", -3, None]]


def test_title_headers_and_rows_in_order(tmp_path):
    out = write_list_xlsx(tmp_path / "list.xlsx", "协议到期", HEADERS, ROWS)
    sheet = load_workbook(out).active
    assert sheet.title == "协议到期"
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][0] == "协议到期"
    assert values[1] == list(HEADERS)
    assert values[2] == ["张三", "500381198001011234", 12, "13812345678"]
    assert values[3][:3] == ["李四", "500381********123X", -3]
    assert sheet.freeze_panes == "A3"


def test_id_numbers_and_phones_are_text_cells_numbers_stay_numbers(tmp_path):
    out = write_list_xlsx(tmp_path / "list.xlsx", "审核期限", HEADERS, ROWS)
    row = load_workbook(out).active[3]
    assert row[1].data_type == "s" and row[1].number_format == TEXT_FORMAT
    assert row[3].data_type == "s" and row[3].number_format == TEXT_FORMAT
    assert row[2].data_type == "n" and row[2].value == 12


def test_subtitle_moves_the_headers_down(tmp_path):
    out = write_list_xlsx(tmp_path / "list.xlsx", "病情加重", HEADERS, ROWS, subtitle="导出时间：2026-11-22")
    values = [[c.value for c in row] for row in load_workbook(out).active.iter_rows(max_row=3)]
    assert values[1][0] == "导出时间：2026-11-22" and values[2] == list(HEADERS)


def test_empty_list_and_file_object():
    buffer = io.BytesIO()
    assert write_list_xlsx(buffer, "住院暂停", HEADERS, []) is None
    sheet = load_workbook(io.BytesIO(buffer.getvalue())).active
    assert sheet.max_row == 2


def test_sheet_titles_and_cells_are_made_safe():
    assert sheet_title("a/b:c") == "a_b_c"
    assert len(sheet_title("很长" * 40)) == 31
    assert sheet_title("  ") == "清单"
    assert cell_value(None) == "" and cell_value(True) == "是" and cell_value(dt.date(2026, 1, 2)) == "2026-01-02"


def test_a_patient_name_that_looks_like_a_formula_stays_text(tmp_path):
    import openpyxl

    from clinic_app.exchange.lists_xlsx import write_list_xlsx

    risky = ["=HYPERLINK(\"http://x\",\"点我\")", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]
    path = write_list_xlsx(tmp_path / "list.xlsx", "逾期未领药", ["姓名"], [[r] for r in risky])
    sheet = openpyxl.load_workbook(path).active
    cells = [row[0] for row in sheet.iter_rows(min_row=3)]
    assert [c.value for c in cells] == [r.replace("\r", "\n") for r in risky]   # XML keeps no bare CR
    assert all(c.data_type == "s" for c in cells)
    import zipfile
    with zipfile.ZipFile(path) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml
