"""The dispensing slip (领药单): what was handed out, who pays in yuan, when to come back."""
import io

import pytest
from reportlab.lib.pagesizes import A5

from clinic_app.documents import slip
from clinic_app.services import printing
from clinic_app.documents.card_data import SlipData, SlipLine
from clinic_app.domain import idnumber
from clinic_app.storage import audit, card_rows, settings
from clinic_app.storage.errors import NotFoundError
from tests.card_fixtures import add_spec, dispense, enrolled_patient, printer, staff
from tests.documents.pdftools import flat, pages_text, reader


def _slip(**overrides) -> SlipData:
    values = dict(clinic="油溪（中心）卫生院", patient_name="张三", card_number="油溪镇 0012",
                  id_number_masked="500381********123X", date="2026-11-20",
                  lines=[SlipLine("利培酮片 1mg×20片/盒", 3, "盒", 60, "片", "2", 30, "2026-12-20", 4500),
                         SlipLine("奥氮平片 5mg×14片/盒", 2, "盒", 28, "片", "1", 28, "2026-12-18", 3000)],
                  total_fen=7500, insurance_fen=2000, relief_fen=500, disability_fen=1000, programme_fen=4000,
                  next_appointment="2026-12-18", psychiatrist="王医生", dispenser="李精防", guardian="张大山",
                  card_position="第2页第1行")
    values.update(overrides)
    return SlipData(**values)


MONEY = ("领药总金额（元）", "医保特病资金（元）", "民政救助资金（元）", "残联免费服药资金（元）",
         "免费服药项目资金（元）", "个人支付（元）")


def _has_amounts(text: str, *amounts: str) -> bool:
    return all(f"{header}{amount}" in text for header, amount in zip(MONEY, amounts))


def _text(data: SlipData) -> str:
    out = io.BytesIO()
    slip.render_slip(out, data)
    assert len(reader(out).pages) == 1
    return flat(pages_text(out)[0])


def test_the_slip_is_one_a5_page():
    out = io.BytesIO()
    slip.render_slip(out, _slip())
    box = reader(out).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (round(A5[0]), round(A5[1]))


def test_who_and_when():
    text = _text(_slip())
    for words in ("免费服药领药单", "油溪（中心）卫生院", "姓名张三", "救助卡编号油溪镇0012",
                  "身份证号500381********123X", "领药日期2026-11-20"):
        assert words in text


def test_each_drug_with_packs_units_dose_days_and_last_day():
    text = _text(_slip())
    for header in slip.LINE_HEADERS:
        assert header in text
    assert "利培酮片1mg×20片/盒3盒60片2片/日30天2026-12-19" in text
    assert "奥氮平片5mg×14片/盒2盒28片1片/日28天2026-12-17" in text


def test_the_cost_split_in_yuan_and_nothing_for_the_patient():
    text = _text(_slip())
    assert _has_amounts(text, "75.00", "20.00", "5.00", "10.00", "40.00", "0.00")


def test_next_appointment_and_the_three_signers():
    text = _text(_slip())
    assert "约定下次门诊免费取药时间：2026年12月18日" in text
    assert "精神科医师签名：王医生" in text
    assert "定点医院精防人员（发药人）签名：李精防" in text
    assert "监护人签名：张大山" in text
    assert "本次领药记于救助卡第2页第1行" in text


def test_a_void_slip_says_so_and_shows_negative_amounts():
    text = _text(_slip(is_void=True, void_note="本条为作废记录，冲销 2026-11-20 的领药记录（原因：录错数量）。"))
    assert "免费服药领药单（作废）" in text and "作废" in text
    assert "冲销2026-11-20的领药记录（原因：录错数量）" in text
    assert _has_amounts(text, "-75.00", "-20.00", "-5.00", "-10.00", "-40.00", "0.00")


def test_the_last_day_is_the_day_before_the_first_day_without_drug():
    assert slip.last_day("2026-03-01") == "2026-02-28"
    assert slip.last_day(None) == ""


# --- the print job --------------------------------------------------------------------------------------

@pytest.fixture
def collected(fresh_db):
    settings.put(fresh_db, "clinic_code", "youxi")
    pid, rescue_card = enrolled_patient(fresh_db, name="周小梅", sex="女")
    who = staff(fresh_db)
    spec = add_spec(fresh_db)
    entry = dispense(fresh_db, pid, "2026-11-20", [(spec, 3)], card_id=rescue_card["id"], who=who,
                     insurance=1000, relief=500, price=1500, next_appointment="2026-12-18")
    return fresh_db, pid, rescue_card, who, spec, entry


def test_print_slip_reads_the_entry_and_audits(collected, tmp_path):
    db, pid, rescue_card, who, spec, entry = collected
    card_rows.place_new_rows(db, rescue_card["id"], [entry])
    out = printing.print_slip(db, printer(db), entry, tmp_path / "slip.pdf")
    text = flat(pages_text(out)[0])
    number = db["patients"].get(pid)["id_number"]
    assert number not in text and idnumber.mask(number) in text
    assert f"油溪镇{rescue_card['number']}" in text and "周小梅" in text
    assert "利培酮片1mg×20片/盒3盒60片1片/日30天2026-12-19" in text
    assert _has_amounts(text, "45.00", "10.00", "5.00", "0.00", "30.00", "0.00")
    assert "约定下次门诊免费取药时间：2026年12月18日" in text
    assert "王医生" in text and "李精防" in text and "张大山" in text
    assert "本次领药记于救助卡第2页第1行" in text
    assert "油溪（中心）卫生院" in text
    row = audit.recent(db, 1)[0]
    assert (row["action"], row["entity"], row["entity_id"]) == (audit.PRINT, "dispensing", str(entry))


def test_print_slip_of_a_void(collected, tmp_path):
    db, pid, rescue_card, who, spec, entry = collected
    void = dispense(db, pid, "2026-11-21", [(spec, 3)], card_id=rescue_card["id"], who=who, kind="void",
                    voids_id=entry, insurance=1000, relief=500, void_reason="录错数量")
    text = flat(pages_text(printing.print_slip(db, printer(db), void, tmp_path / "void.pdf"))[0])
    assert "本条为作废记录，冲销2026-11-20的领药记录（原因：录错数量）" in text
    assert _has_amounts(text, "-45.00", "-10.00", "-5.00", "0.00", "-30.00", "0.00")
    assert "作废领药单" in audit.recent(db, 1)[0]["summary"]


def test_an_unknown_entry_is_refused(fresh_db, tmp_path):
    with pytest.raises(NotFoundError, match="找不到第 99 号领药记录"):
        printing.print_slip(fresh_db, printer(fresh_db), 99, tmp_path / "slip.pdf")
