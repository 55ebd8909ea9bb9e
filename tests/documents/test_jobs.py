"""Print jobs: the data gathered from the database reaches the PDF, and every print or export
leaves its audit row."""
import datetime as dt

import pytest
from openpyxl import load_workbook

from clinic_app.services import printing as jobs
from clinic_app.storage import accounts, agreements, audit, programme, risk, settings
from clinic_app.storage.errors import StorageError
from tests.documents.pdftools import flat, pages_text
from tests.card_fixtures import printer
from tests.enrolment_data import add_patient, approve


@pytest.fixture
def user(fresh_db):
    return accounts.create_user(fresh_db, "printer", "Passw0rd!x", "officer", "李精防")


def _last(db):
    return audit.recent(db, 1)[0]


def test_application_form_prints_the_patient_and_is_audited(fresh_db, tmp_path, user):
    pid = add_patient(fresh_db, name="周小梅", sex="女")
    approve(fresh_db, pid)
    out = jobs.print_application(fresh_db, user, pid, tmp_path / "form.pdf")
    text = flat("".join(pages_text(out)))
    assert "江津区严重精神障碍患者免费服药审批表" in text and "周小梅" in text
    row = _last(fresh_db)
    assert (row["action"], row["entity"], row["entity_id"], row["username"]) == (
        audit.PRINT, "patient", str(pid), "printer")
    assert row["summary"] == "打印服药审批表：周小梅（第 1 轮申请）"


def test_a_patient_without_an_application_gets_a_blank_form(fresh_db, tmp_path):
    pid = add_patient(fresh_db, name="吴大海")
    jobs.print_application(fresh_db, printer(fresh_db), pid, tmp_path / "form.pdf")
    assert "吴大海" in flat("".join(pages_text(tmp_path / "form.pdf")))
    assert _last(fresh_db)["summary"] == "打印服药审批表：吴大海（空白申请）"


def test_agreement_prints_two_copies_with_the_designated_clinic(fresh_db, tmp_path, user):
    pid = add_patient(fresh_db, name="陈建国")
    approve(fresh_db, pid)
    agreement = agreements.sign(fresh_db, pid, "youxi", "2026-11-20", user)
    out = jobs.print_agreement(fresh_db, user, pid, tmp_path / "agreement.pdf")
    pages = [flat(t) for t in pages_text(out)]
    assert len(pages) == 2
    assert all("陈建国" in p and "油溪（中心）卫生院" in p for p in pages)
    row = _last(fresh_db)
    assert (row["action"], row["entity"], row["entity_id"]) == (audit.PRINT, "agreement", str(agreement["id"]))
    assert "陈建国" in row["summary"] and "2026-11-20" in row["summary"]


def test_no_agreement_is_refused_in_chinese_and_nothing_is_written(fresh_db, tmp_path):
    pid = add_patient(fresh_db, name="陈建国")
    before = audit.recent(fresh_db, 1)[0]["id"]
    with pytest.raises(StorageError, match="陈建国 还没有签订服务协议"):
        jobs.print_agreement(fresh_db, printer(fresh_db), pid, tmp_path / "agreement.pdf")
    assert not (tmp_path / "agreement.pdf").exists()
    assert _last(fresh_db)["id"] == before


def _programme(db):
    settings.put(db, "clinic_code", "youxi")
    first = add_patient(db, name="刘一")
    second = add_patient(db, name="刘二", town="吴滩镇")
    approve(db, first)
    approve(db, second)
    programme.admit(db, second, "2026-11-20")
    risk.record_assessment(db, first, 2, "2026-11-01", "王医师")
    return first, second


def test_register_pdf_lists_the_programme_and_is_audited_as_a_print(fresh_db, tmp_path, user):
    first, second = _programme(fresh_db)
    out = jobs.print_register(fresh_db, user, tmp_path / "register.pdf")
    text = flat("".join(pages_text(out)))
    assert "江津区免费服用第二代抗精神病药患者登记名单" in text
    assert "刘一" in text and "刘二" in text and "住院暂停" in text and "2级" in text
    assert "油溪（中心）卫生院" in text and "李精防" in text
    row = _last(fresh_db)
    assert (row["action"], row["entity"]) == (audit.PRINT, "register")
    assert row["summary"] == "打印患者登记名单（2 名患者）：register.pdf"
    assert '"patient_ids": [' in row["detail"] and str(second) in row["detail"]


def test_register_xlsx_keeps_id_numbers_as_text_and_is_audited_as_an_export(fresh_db, tmp_path, user):
    first, _ = _programme(fresh_db)
    out = jobs.print_register(fresh_db, user, tmp_path / "register.xlsx")
    values = [c.value for row in load_workbook(out).active.iter_rows() for c in row]
    ids = [v for v in values if isinstance(v, str) and v.startswith("500381") and len(v) == 18]
    assert len(ids) == 2
    assert "刘一" in values and "刘二" in values
    row = _last(fresh_db)
    assert (row["action"], row["summary"]) == (audit.EXPORT, "导出患者登记名单（2 名患者）：register.xlsx")


def test_register_refuses_other_formats_and_an_empty_programme(fresh_db, tmp_path):
    with pytest.raises(StorageError, match="登记名单为空"):
        jobs.print_register(fresh_db, printer(fresh_db), tmp_path / "register.pdf")
    _programme(fresh_db)
    with pytest.raises(StorageError, match="PDF（.pdf）或 Excel（.xlsx）"):
        jobs.print_register(fresh_db, printer(fresh_db), tmp_path / "register.docx")
    assert not list(tmp_path.glob("register.*"))


def test_register_is_filled_by_the_user_on_the_given_day(fresh_db, user):
    _programme(fresh_db)
    job = jobs.gather_register(fresh_db, user, dt.date(2026, 11, 22))
    assert (job.clinic_name, job.filled_by, job.filled_date) == ("油溪（中心）卫生院", "李精防",
                                                                 dt.date(2026, 11, 22))
    assert [r["name"] for r in job.rows] == ["刘一", "刘二"]


def test_the_printed_checklist_says_not_applicable_for_proof_of_poverty_never_a_tick(fresh_db, tmp_path):
    from clinic_app.documents.layout import CHECKED_MARK, UNCHECKED_MARK
    from clinic_app.domain.applications import DOCUMENTS
    from clinic_app.storage import applications

    pid = add_patient(fresh_db, name="周小梅")  # police-managed, not poor
    docs = {key: {"original_seen": True, "copy_received": True, "note": ""} for key, _ in DOCUMENTS}
    docs["poverty"] = {"original_seen": True, "copy_received": True, "note": ""}  # ticked by mistake
    applications.create(fresh_db, pid, "2026-11-10", docs)
    out = jobs.print_application(fresh_db, printer(fresh_db), pid, tmp_path / "form.pdf")
    checklist = flat(pages_text(out)[1])
    assert checklist.count("不适用") == 2  # 原件已核 and 复印件已收 of ⑥
    assert checklist.count(CHECKED_MARK) == 10 and checklist.count(UNCHECKED_MARK) == 0
    poverty = flat(dict(DOCUMENTS)["poverty"])
    assert checklist.index("不适用") > checklist.index(poverty)
