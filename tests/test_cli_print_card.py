"""``clinic-app print card|card-rows|slip|calibration``: the file, the exit code, the reason."""
import pytest

from clinic_app.cli import main
from clinic_app.storage import audit, settings
from clinic_app.storage.db import connect
from tests.card_fixtures import add_spec, dispense, enrolled_patient, monthly, staff
from tests.documents.cardpdf import pdf_index
from tests.documents.pdftools import flat, pages_text, reader
from tests.enrolment_data import add_patient

from .cli_login import add_clerk, login


@pytest.fixture
def card_db(fresh_db, db_path):
    """One enrolled patient with three collections, one patient without a card; closed."""
    settings.put(fresh_db, "clinic_code", "youxi")
    pid, card = enrolled_patient(fresh_db, name="黄丽华", sex="女")
    who = staff(fresh_db)
    spec = add_spec(fresh_db)
    ids = monthly(fresh_db, pid, card["id"], spec, 3, who)
    other = add_patient(fresh_db, name="罗志强")
    data = {"numbers": {name: fresh_db["patients"].get(i)["id_number"] for name, i in (("黄丽华", pid), ("罗志强", other))},
            "dispensings": ids, "patient_id": pid, "card": card, "spec": spec, "who": who}
    add_clerk(fresh_db)
    fresh_db.conn.close()
    return db_path, data


def _last_audit(db_path):
    db = connect(db_path)
    try:
        return audit.recent(db, 1)[0]
    finally:
        db.conn.close()


def test_print_card(card_db, tmp_path, capsys):
    db_path, data = card_db
    out = tmp_path / "救助卡.pdf"
    assert main(["print", "card", "--db", str(db_path), "--patient", data["numbers"]["黄丽华"],
                 "--out", str(out), *login()]) == 0
    assert capsys.readouterr().out.strip().splitlines() == [str(out), "已登记 3 条领药记录为已打印在救助卡上"]
    texts = [flat(t) for t in pages_text(out)]
    assert len(texts) == 16 and "黄丽华" in texts[pdf_index(1)]
    assert texts[pdf_index(2)].count("利培酮片1mg3盒") == 3
    assert _last_audit(db_path)["entity"] == "rescue_card"


def test_print_card_rows_prints_only_new_rows_and_says_which_page(card_db, tmp_path, capsys):
    db_path, data = card_db
    main(["print", "card", "--db", str(db_path), "--patient", data["numbers"]["黄丽华"],
          "--out", str(tmp_path / "card.pdf"), *login()])
    capsys.readouterr()
    db = connect(db_path)
    dispense(db, data["patient_id"], "2027-03-01", [(data["spec"], 2)], card_id=data["card"]["id"], who=data["who"])
    db.conn.close()
    out = tmp_path / "rows.pdf"
    assert main(["print", "card-rows", "--db", str(db_path), "--patient", data["numbers"]["黄丽华"],
                 "--out", str(out), *login()]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines == [str(out), "已登记 1 条领药记录为已打印在救助卡上", "请依次将救助卡翻到第二页放入打印机"]
    assert len(reader(out).pages) == 1
    assert flat(pages_text(out)[0]).startswith("2027-03-01利培酮片1mg2盒")
    assert main(["print", "card-rows", "--db", str(db_path), "--patient", data["numbers"]["黄丽华"],
                 "--out", str(tmp_path / "again.pdf"), *login()]) == 1
    assert "没有待打印的领药记录" in capsys.readouterr().err


def test_print_slip(card_db, tmp_path, capsys):
    db_path, data = card_db
    out = tmp_path / "领药单.pdf"
    assert main(["print", "slip", "--db", str(db_path), "--dispensing", str(data["dispensings"][0]),
                 "--out", str(out), *login()]) == 0
    assert capsys.readouterr().out.strip() == str(out)
    text = flat(pages_text(out)[0])
    assert "免费服药领药单" in text and "黄丽华" in text and data["numbers"]["黄丽华"] not in text
    assert _last_audit(db_path)["entity"] == "dispensing"


def test_print_slip_needs_a_dispensing_number(card_db, tmp_path, capsys):
    db_path, _ = card_db
    assert main(["print", "slip", "--db", str(db_path), "--out", str(tmp_path / "s.pdf"), *login()]) == 1
    assert "--dispensing" in capsys.readouterr().err


def test_print_slip_of_an_unknown_entry(card_db, tmp_path, capsys):
    db_path, _ = card_db
    assert main(["print", "slip", "--db", str(db_path), "--dispensing", "999", "--out", str(tmp_path / "s.pdf"), *login()]) == 1
    assert "找不到第 999 号领药记录" in capsys.readouterr().err


def test_print_calibration(card_db, tmp_path, capsys):
    db_path, _ = card_db
    out = tmp_path / "校准.pdf"
    assert main(["print", "calibration", "--db", str(db_path), "--out", str(out), *login()]) == 0
    assert capsys.readouterr().out.strip() == str(out)
    assert "救助卡套打校准页" in flat(pages_text(out)[0])


def test_a_patient_without_a_card_exits_1_in_chinese(card_db, tmp_path, capsys):
    db_path, data = card_db
    assert main(["print", "card", "--db", str(db_path), "--patient", data["numbers"]["罗志强"],
                 "--out", str(tmp_path / "c.pdf"), *login()]) == 1
    assert "罗志强 没有有效的救助卡" in capsys.readouterr().err


@pytest.mark.parametrize("document", ["card", "card-rows"])
def test_card_needs_a_patient(card_db, tmp_path, capsys, document):
    db_path, _ = card_db
    assert main(["print", document, "--db", str(db_path), "--out", str(tmp_path / "c.pdf"), *login()]) == 1
    assert "请用 --patient 指定患者身份证号" in capsys.readouterr().err


def test_only_pdf(card_db, tmp_path, capsys):
    db_path, data = card_db
    assert main(["print", "card", "--db", str(db_path), "--patient", data["numbers"]["黄丽华"],
                 "--out", str(tmp_path / "c.xlsx"), *login()]) == 1
    assert "救助卡只能保存为 PDF 文件" in capsys.readouterr().err


# --- --printer: the same pages straight to a printer --------------------------------------------------

def test_an_unknown_printer_is_refused_in_chinese_before_anything_is_printed(qapp, card_db, tmp_path, capsys):
    db_path, data = card_db
    before = _last_audit(db_path)["id"]
    code = main(["print", "card-rows", "--db", str(db_path), "--patient", data["numbers"]["黄丽华"],
                 "--printer", "并不存在的打印机", *login()])
    captured = capsys.readouterr()
    assert code == 1
    assert "找不到打印机“并不存在的打印机”" in captured.err and "Traceback" not in captured.err + captured.out
    assert _last_audit(db_path)["id"] == before  # no login, no print, nothing marked
    db = connect(db_path)
    try:
        assert db.execute("SELECT count(*) FROM card_rows WHERE printed_at IS NOT NULL").fetchone()[0] == 0
    finally:
        db.conn.close()


def test_print_needs_a_file_or_a_printer(card_db, capsys):
    db_path, _data = card_db
    assert main(["print", "calibration", "--db", str(db_path)]) == 1
    assert "--out" in capsys.readouterr().err


def test_a_named_printer_gets_the_pages_through_the_same_path(qapp, card_db, tmp_path, capsys, monkeypatch):
    """The calibration page to a printer by name: the command paints through ``ui.printing``,
    with the printer (here Qt's PDF output standing in for it) at the page's own paper."""
    from PySide6.QtPrintSupport import QPrinter

    from clinic_app.ui.printing import direct
    from tests.print_measure import grid_lines_mm, page_sizes_mm

    db_path, _data = card_db
    printed = tmp_path / "printer.pdf"
    made = []
    monkeypatch.setattr(direct, "check_printer", lambda name: None if name == "套打机" else 1 / 0)

    class PdfStandIn(QPrinter):
        def setPrinterName(self, name):  # noqa: N802 - Qt's name
            made.append(name)
            self.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
            self.setOutputFileName(str(printed))
            self.setResolution(300)

    monkeypatch.setattr("PySide6.QtPrintSupport.QPrinter", PdfStandIn)
    assert main(["print", "calibration", "--db", str(db_path), "--printer", "套打机"]) == 0
    assert made == ["套打机"]
    assert "已送往打印机“套打机”：1 页" in capsys.readouterr().out
    (w, h), = page_sizes_mm(printed)
    assert abs(w - 148) < 0.5 and abs(h - 210) < 0.5
    xs, ys = grid_lines_mm(printed)
    assert abs(xs[0] - 8.0) < 0.5 and abs(ys[0] - 15.0) < 0.5  # no offsets set: the A5 grid's corner
