"""``clinic-app print application|agreement|register``: the file, the exit code, the reason."""
import pytest
from openpyxl import load_workbook

from clinic_app.cli import main
from clinic_app.storage import agreements, audit, settings
from clinic_app.storage.db import connect
from tests.documents.pdftools import flat, pages_text
from tests.enrolment_data import add_patient, approve

from .cli_login import add_clerk, login


@pytest.fixture
def programme_db(fresh_db, db_path):
    """One enrolled patient with an agreement, one registered only; closed for the command."""
    settings.put(fresh_db, "clinic_code", "youxi")
    signed = add_patient(fresh_db, name="黄丽华", sex="女")
    approve(fresh_db, signed)
    agreements.sign(fresh_db, signed, "youxi", "2026-11-20")
    unsigned = add_patient(fresh_db, name="罗志强")
    numbers = {name: fresh_db["patients"].get(pid)["id_number"]
               for name, pid in (("黄丽华", signed), ("罗志强", unsigned))}
    add_clerk(fresh_db)
    fresh_db.conn.close()
    return db_path, numbers


def _audit_rows(db_path):
    db = connect(db_path)
    try:
        return audit.recent(db, 5)
    finally:
        db.conn.close()


def test_print_application_by_id_number(programme_db, tmp_path, capsys):
    db_path, numbers = programme_db
    out = tmp_path / "审批表.pdf"
    # typed the way staff type it: spaces and a lowercase x are forgiven
    typed = " ".join([numbers["罗志强"][:6], numbers["罗志强"][6:]]).lower()
    assert main(["print", "application", "--db", str(db_path), "--patient", typed, "--out", str(out), *login()]) == 0
    assert capsys.readouterr().out.strip() == str(out)
    assert "罗志强" in flat("".join(pages_text(out)))
    assert _audit_rows(db_path)[0]["summary"] == "打印服药审批表：罗志强（空白申请）"


def test_print_agreement(programme_db, tmp_path, capsys):
    db_path, numbers = programme_db
    out = tmp_path / "协议.pdf"
    assert main(["print", "agreement", "--db", str(db_path), "--patient", numbers["黄丽华"],
                 "--out", str(out), *login()]) == 0
    assert capsys.readouterr().out.strip() == str(out)
    assert "黄丽华" in flat(pages_text(out)[0])
    assert _audit_rows(db_path)[0]["action"] == audit.PRINT


def test_print_agreement_without_one_exits_1_in_chinese(programme_db, tmp_path, capsys):
    db_path, numbers = programme_db
    out = tmp_path / "协议.pdf"
    assert main(["print", "agreement", "--db", str(db_path), "--patient", numbers["罗志强"],
                 "--out", str(out), *login()]) == 1
    assert "罗志强 还没有签订服务协议" in capsys.readouterr().err
    assert not out.exists()


def test_unknown_id_number_exits_1_in_chinese(programme_db, tmp_path, capsys):
    db_path, _ = programme_db
    out = tmp_path / "x.pdf"
    assert main(["print", "application", "--db", str(db_path), "--patient", "500381199001011234",
                 "--out", str(out), *login()]) == 1
    captured = capsys.readouterr()
    assert "找不到身份证号为 500381199001011234 的患者" in captured.err and captured.out == ""
    assert not out.exists()


def test_patient_documents_need_a_pdf_and_a_patient(programme_db, tmp_path, capsys):
    db_path, numbers = programme_db
    assert main(["print", "application", "--db", str(db_path), "--patient", numbers["黄丽华"],
                 "--out", str(tmp_path / "x.xlsx"), *login()]) == 1
    assert "服药审批表只能保存为 PDF 文件" in capsys.readouterr().err
    assert main(["print", "application", "--db", str(db_path), "--out", str(tmp_path / "x.pdf"), *login()]) == 1
    assert "请用 --patient 指定患者身份证号" in capsys.readouterr().err


def test_print_register_pdf_and_xlsx(programme_db, tmp_path, capsys):
    db_path, numbers = programme_db
    pdf, xlsx = tmp_path / "登记名单.pdf", tmp_path / "登记名单.xlsx"
    assert main(["print", "register", "--db", str(db_path), "--out", str(pdf), *login()]) == 0
    assert capsys.readouterr().out.strip() == str(pdf)
    text = flat("".join(pages_text(pdf)))
    assert "黄丽华" in text and "罗志强" not in text  # only patients in the programme
    assert main(["print", "register", "--db", str(db_path), "--out", str(xlsx), *login()]) == 0
    cells = [c.value for row in load_workbook(xlsx).active.iter_rows() for c in row]
    assert numbers["黄丽华"] in cells
    printed = [r["action"] for r in _audit_rows(db_path) if r["action"] != audit.LOGIN]  # each run logs in
    assert printed[:2] == [audit.EXPORT, audit.PRINT]


def test_empty_register_exits_1(fresh_db, db_path, tmp_path, capsys):
    add_clerk(fresh_db)
    fresh_db.conn.close()
    assert main(["print", "register", "--db", str(db_path), "--out", str(tmp_path / "r.pdf"), *login()]) == 1
    assert "登记名单为空" in capsys.readouterr().err


def test_missing_database_file(tmp_path, capsys):
    assert main(["print", "register", "--db", str(tmp_path / "none.db"), "--out", str(tmp_path / "r.pdf"), *login()]) == 2
    assert "找不到数据库文件" in capsys.readouterr().err
    assert not (tmp_path / "none.db").exists()
