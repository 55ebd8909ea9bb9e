"""The quarterly package: four files whose totals agree with the rows and with each other to the
fen, the same bytes for a closed quarter exported twice, and nothing half-written when the stick
is full, pulled out or read-only."""
from __future__ import annotations

import csv
import errno
import hashlib
import io
import json
import os
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from clinic_app import __version__
from clinic_app.domain.ledger import COLUMNS, FUNDS, HEADERS
from clinic_app.exchange import ledger_export as le
from clinic_app.services import exports
from clinic_app.storage import audit, quarters, settings
from clinic_app.storage.errors import StorageError
from clinic_app.storage.ledger import ledger
from tests.card_fixtures import printer
from tests.dispensing_data import fast_passwords, fix_today
from tests.documents.pdftools import font_names, pages_text
from tests.ledger_data import Q1, Q4, ledger_world, move_to_2027

FILES = ("台账_2026Q4.xlsx", "台账_2026Q4.csv", "台账_2026Q4.pdf", "manifest.json")
MONEY = re.compile(r"-?\d+\.\d{2}")
MONEY_COLUMNS = [i for i, c in enumerate(COLUMNS) if c.kind == "money"]


@pytest.fixture(autouse=True)
def _setup(monkeypatch):
    fast_passwords(monkeypatch)
    fix_today(monkeypatch)


@pytest.fixture
def setup(fresh_db):
    world, entries = ledger_world(fresh_db)
    quarters.set_allocation(fresh_db, Q4, 100_000, world.admin)
    return world, entries


@pytest.fixture
def stick(tmp_path) -> Path:
    """Where the package goes (the database sits in tmp_path itself)."""
    folder = tmp_path / "U盘"
    folder.mkdir()
    return folder


def fen(text) -> int:
    """Yuan as text or as the float Excel gives back, to fen, exactly."""
    if isinstance(text, (int, float)):
        return round(text * 100)
    sign = -1 if text.startswith("-") else 1
    whole, cents = text.lstrip("-").split(".")
    return sign * (int(whole) * 100 + int(cents))


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# --- what the package holds --------------------------------------------------------------------------

def test_the_package_folder_and_its_files(setup, stick):
    world, _ = setup
    progress = []
    path = exports.export_ledger(world.db, world.officer, Q4, stick,
                                 progress=lambda step, fraction: progress.append((step, fraction)))
    assert path == stick / "youxi_2026Q4"
    assert listing(stick) == ["youxi_2026Q4"]  # no temporary folder left beside it
    assert listing(path) == sorted(FILES)
    fractions = [f for _, f in progress]
    assert fractions == sorted(fractions) and fractions[0] == 0.0 and fractions[-1] == 1.0
    assert all(isinstance(step, str) and step for step, _ in progress)


def test_the_manifest(setup, stick):
    world, _ = setup
    path = exports.export_ledger(world.db, world.officer, Q4, stick)
    raw = (path / "manifest.json").read_bytes()
    assert raw.endswith(b"}\n") and "油溪（中心）卫生院".encode() in raw  # not \u-escaped
    manifest = json.loads(raw)
    assert list(manifest) == sorted(manifest)
    result = ledger(world.db, Q4)
    assert manifest["clinic_code"] == "youxi" and manifest["clinic_name"] == "油溪（中心）卫生院"
    assert manifest["quarter"] == Q4 and manifest["program_version"] == __version__
    assert manifest["row_count"] == len(result.rows) == 5
    assert manifest["totals_fen"] == result.totals.as_dict()
    assert manifest["patients_served"] == 2 and manifest["closed"] is False
    assert manifest["allocated_fen"] == 100_000 and manifest["balance_fen"] == 100_000 - result.totals.programme
    assert sorted(manifest["files"]) == sorted(FILES[:3])
    for name, expected in manifest["files"].items():
        data = (path / name).read_bytes()
        assert expected == {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
    assert le.verify_package(path) == manifest


def test_totals_agree_with_the_rows_in_every_file(setup, stick):
    world, _ = setup
    result = ledger(world.db, Q4)
    expected = [getattr(result.totals, k) for k in FUNDS]
    assert expected == [sum(getattr(r, f"{k}_fen") for r in result.rows) for k in FUNDS]
    path = exports.export_ledger(world.db, world.officer, Q4, stick)

    # Excel
    sheet = load_workbook(path / FILES[0])["台账"]
    values = list(sheet.iter_rows(min_row=le.HEADER_ROW, values_only=True))
    assert list(values[0]) == list(HEADERS)
    data, totals = values[1:-1], values[-1]
    assert len(data) == len(result.rows) and totals[0] == "合计"
    for i, k in zip(MONEY_COLUMNS, FUNDS):
        assert sum(fen(row[i]) for row in data) == fen(totals[i]) == getattr(result.totals, k)

    # CSV
    text = (path / FILES[1]).read_bytes()
    assert text.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))
    assert lines[0] == list(HEADERS)
    data, totals = lines[1:-1], lines[-1]
    assert len(data) == len(result.rows) and totals[0] == "合计"
    for i, k in zip(MONEY_COLUMNS, FUNDS):
        assert sum(fen(row[i]) for row in data) == fen(totals[i]) == getattr(result.totals, k)

    # PDF: each row is one line of text; its first five amounts are the five funds
    pdf_lines = "\n".join(pages_text(path / FILES[2])).splitlines()
    rows = [MONEY.findall(line)[:5] for line in pdf_lines if re.match(r"^\d{4}-\d{2}-\d{2} ", line)]
    assert len(rows) == len(result.rows)
    at = next(i for i, line in enumerate(pdf_lines) if line.startswith("合计（共 5 行）"))
    pdf_totals = MONEY.findall(" ".join(pdf_lines[at:at + 2]))[:5]
    assert [fen(t) for t in pdf_totals] == expected
    assert [sum(fen(row[n]) for row in rows) for n in range(5)] == expected

    # manifest
    manifest = json.loads((path / FILES[3]).read_text(encoding="utf-8"))
    assert [manifest["totals_fen"][k] for k in FUNDS] == expected


def test_a_void_is_a_negative_row_in_every_file(setup, stick):
    world, _ = setup
    path = exports.export_ledger(world.db, world.officer, Q4, stick)
    note = "作废 2026-12-02 的领药（数量录错）"
    sheet = load_workbook(path / FILES[0])["台账"]
    last = [c.value for c in sheet[le.FIRST_DATA_ROW + 4]]
    assert last[0] == "2026-12-10" and last[6] == -1 and last[7] == -46.2 and last[-1] == note
    rows = list(csv.reader(io.StringIO((path / FILES[1]).read_text(encoding="utf-8-sig"))))
    assert rows[5][0] == "2026-12-10" and rows[5][7] == "-46.20" and rows[5][-1] == note
    text = "".join(pages_text(path / FILES[2]))
    assert "-46.20" in text and "作废 2026-12-02 的领药" in text


def test_the_excel_file_prints_on_a4_landscape_one_page_wide_with_the_header_repeated(setup, stick):
    world, _ = setup
    path = exports.export_ledger(world.db, world.officer, Q4, stick)
    book = load_workbook(path / FILES[0])
    assert book.sheetnames == ["台账", "汇总"]
    for sheet in book:
        setup_ = sheet.page_setup
        assert setup_.orientation == "landscape" and int(setup_.paperSize) == int(sheet.PAPERSIZE_A4) == 9
        assert setup_.fitToWidth == 1 and setup_.fitToHeight == 0
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert "&P" in sheet.oddFooter.center.text
    rows = book["台账"]
    assert rows.print_title_rows == "$3:$3"
    assert rows.print_area == "'台账'!$A$1:$P$9"  # title, heading, header, 5 rows, 合计
    assert rows.freeze_panes == "A4"


def test_id_numbers_are_text_in_the_excel_file(setup, stick):
    world, _ = setup
    settings.put(world.db, "ledger_whole_id_numbers", 1)
    path = exports.export_ledger(world.db, world.officer, Q4, stick)
    sheet = load_workbook(path / FILES[0])["台账"]
    cell = sheet.cell(le.FIRST_DATA_ROW, 4)
    assert cell.value == world.db["patients"].get(world.patient_id)["id_number"]
    assert cell.data_type == "s" and cell.number_format == "@"
    assert json.loads((path / "manifest.json").read_text(encoding="utf-8"))["whole_id_numbers"] is True
    assert "含完整身份证号" in audit.recent(world.db, 1)[0]["summary"]


def test_the_summary_sheet(setup, stick):
    world, _ = setup
    path = exports.export_ledger(world.db, world.officer, Q4, stick)
    cells = {row[0]: row[1] for row in load_workbook(path / FILES[0])["汇总"].iter_rows(values_only=True)
             if row[0]}
    result = ledger(world.db, Q4)
    assert fen(cells["免费服药项目资金（元）"]) == result.totals.programme
    assert cells["服药患者人数（人）"] == 2
    assert fen(cells["本季度预拨经费（元）"]) == 100_000
    assert fen(cells["结余（元）"]) == result.balance_fen


def test_the_pdf_embeds_its_font_and_has_lines_to_sign(setup, stick):
    world, _ = setup
    path = exports.export_ledger(world.db, world.officer, Q4, stick)
    text = "".join(pages_text(path / FILES[2]))
    for words in ("负责人签字", "填报人", "日期", "分资金合计", "项目资金预拨与支出", "按药品规格汇总",
                  "服药患者人数（人）", "免费服药台账（2026年第四季度）"):
        assert words in text
    assert all("WenQuanYi" in name for name in font_names(path / FILES[2]))


def test_the_export_is_an_event_and_audited(setup, stick):
    world, _ = setup
    path = exports.export_ledger(world.db, world.officer, Q4, stick)
    event = quarters.events(world.db, Q4)[-1]
    manifest = (path / "manifest.json").read_bytes()
    assert event["kind"] == "export" and event["username"] == "li_jf"
    assert event["detail"]["path"] == str(path)
    assert event["detail"]["manifest_sha256"] == hashlib.sha256(manifest).hexdigest()
    row = audit.recent(world.db, 1)[0]
    assert row["action"] == audit.EXPORT and row["entity"] == "ledger" and row["entity_id"] == Q4
    assert row["summary"].startswith("导出2026年第四季度台账：5 行，领药总金额 480.70 元")


def test_an_empty_quarter_exports_a_totals_row_of_zeros(setup, stick):
    world, _ = setup
    path = exports.export_ledger(world.db, world.officer, "2026Q2", stick)
    sheet = load_workbook(path / "台账_2026Q2.xlsx")["台账"]
    assert sheet.cell(le.FIRST_DATA_ROW, 1).value == "合计"
    assert json.loads((path / "manifest.json").read_text(encoding="utf-8"))["row_count"] == 0
    assert "合计（共 0 行）" in "".join(pages_text(path / "台账_2026Q2.pdf"))


def test_without_a_clinic_there_is_nothing_to_export(fresh_db, stick):
    with pytest.raises(le.ExportError, match="尚未设置本单位"):
        exports.export_ledger(fresh_db, printer(fresh_db), Q4, stick)


# --- the same bytes twice -----------------------------------------------------------------------------

def test_a_closed_quarter_exports_to_identical_bytes(setup, stick, monkeypatch):
    world, _ = setup
    move_to_2027(monkeypatch)
    exports.export_ledger(world.db, world.officer, Q4, stick / "first")
    quarters.close(world.db, Q4, world.officer)
    closed_at = quarters.get(world.db, Q4)["closed_at"]
    one = exports.export_ledger(world.db, world.officer, Q4, stick / "a")
    monkeypatch.setattr("clinic_app.storage.clock.now", lambda: "2027-03-01T08:00:00")
    two = exports.export_ledger(world.db, world.admin, Q4, stick / "b")
    for name in FILES:
        assert (one / name).read_bytes() == (two / name).read_bytes(), name
    manifest = json.loads((one / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["closed"] is True and manifest["generated_at"] == closed_at
    assert "已结账" in "".join(pages_text(one / FILES[2]))


def test_an_open_quarter_says_so_and_carries_the_time_of_export(setup, stick, monkeypatch):
    world, _ = setup
    monkeypatch.setattr("clinic_app.storage.clock.now", lambda: "2026-12-31T16:45:00")
    path = exports.export_ledger(world.db, world.officer, Q4, stick)
    manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["closed"] is False and manifest["generated_at"] == "2026-12-31T16:45:00"


def test_the_excel_zip_entries_carry_the_package_time(setup, stick, monkeypatch):
    import zipfile

    world, _ = setup
    monkeypatch.setattr("clinic_app.storage.clock.now", lambda: "2026-12-31T16:45:00")
    path = exports.export_ledger(world.db, world.officer, Q4, stick)
    with zipfile.ZipFile(path / FILES[0]) as z:
        assert {info.date_time for info in z.infolist()} == {(2026, 12, 31, 16, 45, 0)}
        assert b"2026-12-31T16:45:00Z" in z.read("docProps/core.xml")
    assert load_workbook(path / FILES[0]).properties.modified.isoformat() == "2026-12-31T16:45:00"


# --- replacing -------------------------------------------------------------------------------------

def test_an_existing_package_is_refused_unless_replaced(setup, stick):
    world, entries = setup
    first = exports.export_ledger(world.db, world.officer, Q4, stick)
    before = (first / "manifest.json").read_bytes()
    with pytest.raises(le.ExportError, match="已存在"):
        exports.export_ledger(world.db, world.officer, Q4, stick)
    assert (first / "manifest.json").read_bytes() == before
    world.dispense("2026-12-30", [{"spec_id": world.risperidone["id"], "packs": 1, "daily_dose": "1"}],
                   patient_id=entries["other_patient"])
    again = exports.export_ledger(world.db, world.officer, Q4, stick, replace=True)
    assert again == first and listing(stick) == ["youxi_2026Q4"]
    assert json.loads((again / "manifest.json").read_text(encoding="utf-8"))["row_count"] == 6


def test_a_failed_replacement_keeps_the_package_that_was_there(setup, stick, monkeypatch):
    world, _ = setup
    first = exports.export_ledger(world.db, world.officer, Q4, stick)
    before = {name: (first / name).read_bytes() for name in FILES}
    real_read = le._read_file
    monkeypatch.setattr(le, "_read_file", lambda path: (_ for _ in ()).throw(OSError(errno.EIO, "I/O error")))
    with pytest.raises(le.ExportError, match="U盘已拔出或无法写入"):
        exports.export_ledger(world.db, world.officer, Q4, stick, replace=True)
    monkeypatch.setattr(le, "_read_file", real_read)
    assert listing(stick) == ["youxi_2026Q4"]
    assert {name: (first / name).read_bytes() for name in FILES} == before


def test_a_replacement_failing_at_the_rename_puts_the_old_package_back(setup, stick, monkeypatch):
    world, _ = setup
    first = exports.export_ledger(world.db, world.officer, Q4, stick)
    before = {name: (first / name).read_bytes() for name in FILES}
    real, calls = os.rename, []

    def rename(src, dst):
        calls.append((Path(src).name, Path(dst).name))
        if len(calls) == 2:  # the new package into place
            raise OSError(errno.EIO, "I/O error")
        real(src, dst)
    monkeypatch.setattr(le.os, "rename", rename)
    with pytest.raises(le.ExportError, match="U盘已拔出或无法写入"):
        exports.export_ledger(world.db, world.officer, Q4, stick, replace=True)
    monkeypatch.undo()
    assert len(calls) == 3 and calls[2][1] == "youxi_2026Q4"
    assert listing(stick) == ["youxi_2026Q4"]
    assert {name: (first / name).read_bytes() for name in FILES} == before


# --- nothing half-written ------------------------------------------------------------------------------

def failing_after(count: int, error: int, monkeypatch):
    """``_write_file`` writes ``count`` files, then half of the next one, then fails."""
    real = le._write_file
    calls = []

    def write(path, data):
        calls.append(path)
        if len(calls) > count:
            with open(path, "wb") as f:
                f.write(data[: len(data) // 2])
            raise OSError(error, os.strerror(error))
        real(path, data)
    monkeypatch.setattr(le, "_write_file", write)
    return calls


def assert_nothing_left(stick: Path, world) -> None:
    assert listing(stick) == []
    assert [e for e in quarters.events(world.db, Q4) if e["kind"] == "export"] == []
    assert all(r["action"] != audit.EXPORT for r in audit.recent(world.db, 50))


def test_a_full_stick_leaves_nothing_and_says_so(setup, stick, monkeypatch):
    world, _ = setup
    calls = failing_after(2, errno.ENOSPC, monkeypatch)
    with pytest.raises(le.ExportError) as info:
        exports.export_ledger(world.db, world.officer, Q4, stick)
    assert len(calls) == 3
    assert info.value.message.startswith("U盘空间不足")
    assert isinstance(info.value, StorageError)
    assert_nothing_left(stick, world)


@pytest.mark.parametrize("error", [errno.EIO, errno.ENOENT])
def test_a_stick_pulled_out_while_writing(setup, stick, monkeypatch, error):
    world, _ = setup
    failing_after(1, error, monkeypatch)
    with pytest.raises(le.ExportError, match="U盘已拔出或无法写入"):
        exports.export_ledger(world.db, world.officer, Q4, stick)
    assert_nothing_left(stick, world)


@pytest.mark.parametrize("error", [errno.ENOENT, errno.EIO])
def test_a_stick_pulled_out_at_the_rename(setup, stick, monkeypatch, error):
    world, _ = setup

    def rename(src, dst):
        raise OSError(error, os.strerror(error))
    monkeypatch.setattr(le.os, "rename", rename)
    with pytest.raises(le.ExportError, match="U盘已拔出或无法写入"):
        exports.export_ledger(world.db, world.officer, Q4, stick)
    monkeypatch.undo()
    assert_nothing_left(stick, world)


def test_a_stick_pulled_out_at_the_read_back(setup, stick, monkeypatch):
    world, _ = setup
    monkeypatch.setattr(le, "_read_file", lambda path: (_ for _ in ()).throw(OSError(errno.EIO, "I/O error")))
    with pytest.raises(le.ExportError, match="U盘已拔出或无法写入"):
        exports.export_ledger(world.db, world.officer, Q4, stick)
    assert_nothing_left(stick, world)


def test_a_read_back_that_differs_fails_the_export(setup, stick, monkeypatch):
    world, _ = setup
    real = le._read_file
    monkeypatch.setattr(le, "_read_file",
                        lambda path: real(path) + (b"x" if path.suffix == ".pdf" else b""))
    with pytest.raises(le.ExportError, match="读回校验不符"):
        exports.export_ledger(world.db, world.officer, Q4, stick)
    assert_nothing_left(stick, world)


def test_a_read_only_stick(setup, stick, monkeypatch):
    world, _ = setup
    failing_after(0, errno.EROFS, monkeypatch)
    with pytest.raises(le.ExportError, match="U盘为只读或没有写入权限"):
        exports.export_ledger(world.db, world.officer, Q4, stick)
    assert_nothing_left(stick, world)


def test_a_folder_that_can_not_be_made(setup, tmp_path):
    world, _ = setup
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(le.ExportError, match="台账未能导出"):
        exports.export_ledger(world.db, world.officer, Q4, blocker / "sub")


# --- a big quarter -------------------------------------------------------------------------------------

def test_cell_text_with_xml_specials_and_formula_starts(setup, stick):
    world, entries = setup
    world.void(entries["second"]["id"], '=HYPERLINK("x") & <b>', date="2026-12-20")
    path = exports.export_ledger(world.db, world.officer, Q4, stick)
    note = '作废 2026-12-01 的领药（=HYPERLINK("x") & <b>）'
    sheet = load_workbook(path / FILES[0])["台账"]
    assert [c.value for c in sheet[sheet.max_row - 1]][-1] == note
    assert sheet.cell(sheet.max_row - 1, len(COLUMNS)).data_type == "s"
    rows = list(csv.reader(io.StringIO((path / FILES[1]).read_text(encoding="utf-8-sig"))))
    assert rows[-2][-1] == note


def test_many_rows_are_written_in_all_files(setup, stick):
    """Rows written as raw sheet XML read back the same as openpyxl's own."""
    from benchmarks.ledger_bench import fill_quarter
    from clinic_app.domain import quarters as dq

    world, _ = setup
    count = fill_quarter(world.db, dq.parse(Q1), 600)
    path = exports.export_ledger(world.db, world.officer, Q1, stick)
    result = ledger(world.db, Q1)
    assert len(result.rows) == count >= 600
    sheet = load_workbook(path / "台账_2027Q1.xlsx", read_only=True)["台账"]
    data = list(sheet.iter_rows(min_row=le.FIRST_DATA_ROW, values_only=True))
    assert len(data) == count + 1
    for row, cells in zip(result.rows, data):
        assert cells[0] == row.date and cells[3] == row.id_number and cells[6] == row.packs
        assert fen(cells[7]) == row.total_fen and cells[14] == row.entry_id
    pages = pages_text(path / "台账_2027Q1.pdf")
    assert len(pages) > 10 and all("第" in p and "页" in p for p in pages)
    assert all(p.count("身份证号") >= 1 for p in pages[:-1])  # the header on every page of rows
