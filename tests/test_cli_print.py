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


# --- printing the agreement is not signing it: print, then sign-agreement ------------------------

@pytest.fixture
def approved_db(fresh_db, db_path, monkeypatch):
    """An enrolled patient (2026-11-19) with no agreement yet, and an officer's account."""
    from clinic_app.domain import roles
    from clinic_app.storage import accounts
    from tests.dispensing_data import OFFICER, fast_passwords, fix_today

    fast_passwords(monkeypatch)
    fix_today(monkeypatch)  # 2026-12-31
    settings.put(fresh_db, "clinic_code", "youxi")
    pid = add_patient(fresh_db, name="孙小兰")
    approve(fresh_db, pid)
    accounts.create_user(fresh_db, OFFICER[0], OFFICER[1], roles.OFFICER, OFFICER[2])
    number = fresh_db["patients"].get(pid)["id_number"]
    fresh_db.conn.close()
    return db_path, number, pid


def _agreements(db_path, pid):
    db = connect(db_path)
    try:
        return agreements.history(db, pid)
    finally:
        db.conn.close()


def test_print_agreement_before_signing_prints_a_copy_to_sign_and_records_nothing(approved_db, tmp_path, capsys):
    from tests.dispensing_data import OFFICER

    db_path, number, pid = approved_db
    out = tmp_path / "待签字.pdf"
    assert main(["print", "agreement", "--db", str(db_path), "--patient", number, "--out", str(out),
                 "--user", OFFICER[0], "--password", OFFICER[1]]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0] == str(out) and "尚未登记为已签订" in lines[1] and "sign-agreement" in lines[1]
    assert "孙小兰" in flat(pages_text(out)[0])
    assert _agreements(db_path, pid) == []
    row = _audit_rows(db_path)[0]
    assert row["action"] == audit.PRINT and row["summary"].startswith("打印服务协议（待签字，未登记为已签订）")


def test_sign_agreement_records_it_and_a_later_print_is_a_reprint(approved_db, tmp_path, capsys):
    from tests.dispensing_data import OFFICER

    db_path, number, pid = approved_db
    login = ["--user", OFFICER[0], "--password", OFFICER[1]]
    assert main(["sign-agreement", "--db", str(db_path), "--patient", number, "--date", "2027-01-01",
                 *login]) == 1
    assert "签字日期不能晚于今天" in capsys.readouterr().err
    assert main(["sign-agreement", "--db", str(db_path), "--patient", number, "--date", "2026-11-18",
                 *login]) == 1
    assert "签字日期不能早于纳入免费服药日期（2026-11-19）" in capsys.readouterr().err
    assert _agreements(db_path, pid) == []
    assert main(["sign-agreement", "--db", str(db_path), "--patient", number, "--date", "2026-12-01",
                 *login]) == 0
    assert capsys.readouterr().out.strip() == "已登记签订服务协议：孙小兰，2026-12-01 双方签字，有效期至 2027-11-30"
    assert [a["clinic_name"] for a in _agreements(db_path, pid)] == ["油溪（中心）卫生院"]
    out = tmp_path / "补打.pdf"
    assert main(["print", "agreement", "--db", str(db_path), "--patient", number, "--out", str(out), *login]) == 0
    assert _audit_rows(db_path)[0]["summary"] == "补打服务协议：孙小兰（2026-12-01 签订，一式两份）"
    assert len(_agreements(db_path, pid)) == 1
