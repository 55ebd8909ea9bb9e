"""Register files (Attachment 8) as clinics really keep them, built in tmp_path by the tests.

``mixed_register`` is one spreadsheet with every kind of trouble; ``MIXED_EXPECTED`` says what the
importer must make of each of its rows. The exchange, CLI and dialog tests all use it.
"""
from __future__ import annotations

from pathlib import Path

from clinic_app.domain.idnumber import check_char

TITLE = "江津区免费服用第二代抗精神病药患者登记名单"
UNIT_LINE = "单位：油溪（中心）卫生院    填表人：李梅    填表时间：2024年3月1日"
HEADERS = ["序号", "患者\n姓名", "性别", "身份证号", "危险性\n评估", "监护人\n姓名", "监护人\n联系方式",
           "监护人\n身份证号", "家庭住址", "备注", "微信号"]


def make_id(birth: str = "19800101", seq: str = "123", area: str = "500381") -> str:
    first17 = area + birth + seq
    return first17 + check_char(first17)


def wrong_check(number: str) -> str:
    return number[:-1] + ("0" if number[-1] != "0" else "1")


def fullwidth(text: str) -> str:
    return text.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789X"})


ZHANG = make_id("19800101", "123")  # 男
ZHANG_GUARDIAN = make_id("19550101", "111")
ZHAO = make_id("19850315", "224")
SUN = "50038119751212108X"  # ends in X
ZHOU = make_id("19920704", "335")
WU = make_id("19700909", "447")  # already in the database in the tests that need it
ZHENG = make_id("19660606", "551")  # 男, but the sheet says 女
FENG = make_id("19880808", "662")
CHEN = make_id("19591010", "773")
ROUNDED_BUT_VALID = "500381197001028000"  # check digit happens to be right, ends like a rounded number
assert check_char(SUN[:17]) == "X" and check_char(ROUNDED_BUT_VALID[:17]) == "0"

DAMAGED = "Excel 已把身份证号存成数字，后几位已丢失，无法恢复"

# spreadsheet row -> (status, a fragment of its messages or None)
MIXED_EXPECTED = {
    4: ("ok", None),
    5: ("error", DAMAGED),  # int 500381198001011000
    6: ("error", DAMAGED),  # float 5.00381E+17
    7: ("error", "身份证号校验位错误"),
    # row 8 is blank
    9: ("error", "可转换为18位：" + make_id("19800101", "125")),  # 15 digits
    10: ("ok", None),  # lowercase x
    11: ("ok", None),  # full-width digits, "三级"
    12: ("duplicate", "与第 4 行身份证号重复"),
    13: ("duplicate", "该患者已在本系统登记"),  # only with the database: WU is registered there
    14: ("error", "性别与身份证号不符"),
    15: ("error", "监护人联系方式"),
    16: ("ok", "未能从家庭住址识别镇（街）"),
    # row 17 holds nothing but its 序号: skipped
}
MIXED_OK_ROWS = [r for r, (status, _m) in MIXED_EXPECTED.items() if status == "ok"]


def mixed_rows() -> list[list]:
    """The data rows of the mixed register, from spreadsheet row 4 on (row 8 blank)."""
    return [
        [1, "张三", "男", ZHANG, "3级", "张大山", "13800138000", ZHANG_GUARDIAN, "油溪镇大坡村3组12号", "已送治", "zs123"],
        [2, "李四", None, 500381198001011000, "0", "李大", "13800138001", None, "油溪镇石羊村", None, None],
        [3, "王五", None, 5.00381E+17, None, None, None, None, "吴滩镇", None, None],
        [4, "赵六", "女", wrong_check(ZHAO), None, None, None, None, "油溪镇", None, None],
        [None] * 11,
        [5, "钱七", None, "500381800101125", None, None, None, None, "油溪镇", None, None],
        [6, "孙八", "女", SUN.lower(), 1, "孙大", "023-47521234", None, "油溪镇金钢村", None, None],
        [7, "周九", None, fullwidth(ZHOU), "三级", None, None, None, "江津区吴滩镇郎家村2组", None, None],
        [8, "张三", "男", ZHANG, None, None, None, None, "油溪镇大坡村3组12号", None, None],
        [9, "吴十", None, WU, None, None, None, None, "油溪镇", None, None],
        [10, "郑一", "女", ZHENG, None, None, None, None, "油溪镇", None, None],
        [11, "冯二", None, FENG, None, "冯大", "1380013800", None, "油溪镇", None, None],
        [12, "陈三", None, " " + CHEN[:6] + " " + CHEN[6:] + " ", "2", None, None, None, "某某路1号", None, None],
        [13] + [None] * 10,
    ]


def write_xlsx(path: Path, rows: list[list], headers: list[str] = HEADERS, title: bool = True,
               extra_sheets: dict[str, list[list]] | None = None) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "登记名单"
    if extra_sheets:
        for name, content in extra_sheets.items():
            other = wb.create_sheet(name, 0)  # in front, so the importer must look past it
            for row in content:
                other.append(row)
    if title:
        ws.append([TITLE])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
        ws.append([UNIT_LINE])
    ws.append(headers)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def mixed_register(folder: Path, name: str = "油溪登记名单.xlsx") -> Path:
    return write_xlsx(folder / name, mixed_rows())


def csv_text(rows: list[list], headers: list[str] = HEADERS, title: bool = True) -> str:
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    if title:
        writer.writerow([TITLE] + [""] * (len(headers) - 1))
        writer.writerow([UNIT_LINE] + [""] * (len(headers) - 1))
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return out.getvalue()


def write_csv(path: Path, rows: list[list], encoding: str, **kwargs) -> Path:
    path.write_bytes(csv_text(rows, **kwargs).encode(encoding))
    return path
