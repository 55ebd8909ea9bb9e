"""The patient register (Attachment 8): who is on it, in which order, with which columns."""
import time

from clinic_app.domain import register_columns
from clinic_app.storage import patients, programme, register, risk, settings
from tests.enrolment_data import add_patient, approve, make_id


def test_enrolled_and_paused_patients_by_town_then_card_number(fresh_db):
    db = fresh_db
    wutan = add_patient(db, name="吴一", town="吴滩镇", address="吴滩镇郎家村1组")
    late = add_patient(db, name="油晚")  # registered first, enrolled second: card 0002
    early = add_patient(db, name="油早")
    approve(db, wutan)
    approve(db, early)
    approve(db, late)
    programme.admit(db, late, "2026-11-20", note="区精神卫生中心住院")

    rows = register.register_rows(db)

    assert [r["name"] for r in rows] == ["油早", "油晚", "吴一"]  # 油溪镇 before 吴滩镇 (Attachment 6)
    assert [r["seq"] for r in rows] == [1, 2, 3]
    assert rows[0]["note"] == "救助卡 0001"
    assert rows[1]["note"] == "住院暂停；救助卡 0002"
    assert rows[2]["note"] == "救助卡 0001"
    assert rows[2]["address"] == "吴滩镇郎家村1组"


def test_rows_carry_every_column_of_the_form(fresh_db):
    guardian_id = make_id("19500101")
    pid = add_patient(fresh_db, name="张三", guardian_id_number=guardian_id)
    approve(fresh_db, pid)
    row = register.register_rows(fresh_db)[0]
    assert set(register_columns.BY_KEY) <= set(row)
    patient = patients.get(fresh_db, pid)
    assert (row["sex"], row["id_number"]) == (patient["sex"], patient["id_number"])
    assert (row["guardian_name"], row["guardian_phone"], row["guardian_id_number"]) == (
        "张大山", "13812345678", guardian_id)
    assert row["risk_level"] is None and row["patient_id"] == pid


def test_latest_risk_assessment_is_the_level(fresh_db):
    pid = add_patient(fresh_db)
    approve(fresh_db, pid)
    risk.record_assessment(fresh_db, pid, 1, "2026-10-01", "王医师")
    risk.record_assessment(fresh_db, pid, 3, "2026-11-01", "王医师")
    risk.record_assessment(fresh_db, pid, 0, "2026-09-01", "王医师")  # older, entered later
    assert register.register_rows(fresh_db)[0]["risk_level"] == 3


def test_a_card_from_another_town_names_its_town(fresh_db):
    pid = add_patient(fresh_db, name="搬家")
    approve(fresh_db, pid)  # card 油溪镇 0001
    fresh_db["patients"].update(pid, {"town": "吴滩镇"})  # moved; keeps the card
    assert register.register_rows(fresh_db)[0]["note"] == "救助卡 油溪镇 0001"


def test_waiting_left_and_never_applied_patients_are_not_on_it(fresh_db):
    db = fresh_db
    settings.put(db, "places", 1)
    on = add_patient(db, name="在册")
    waiting = add_patient(db, name="候补")
    gone = add_patient(db, name="退出")
    add_patient(db, name="未申请")
    approve(db, on)
    approve(db, waiting)
    assert programme.status(db, waiting) == "waiting"
    approve(db, gone)
    programme.leave(db, gone, "2026-11-21", "moved")
    assert [r["name"] for r in register.register_rows(db)] == ["在册"]


def test_an_empty_programme_gives_an_empty_register(fresh_db):
    add_patient(fresh_db)
    assert register.register_rows(fresh_db) == []


def test_twenty_thousand_patients_in_well_under_a_second(fresh_db):
    db = fresh_db
    towns = ["油溪镇", "吴滩镇", "几江街道"]
    n = 20_000
    db["guardians"].insert_all({"id": i, "name": f"监护{i}", "phone": "13800000000"} for i in range(1, n + 1))
    db["patients"].insert_all(
        {"id": i, "name": f"患者{i}", "id_number": f"ID{i:08d}", "town": towns[i % 3], "guardian_id": i,
         "address": "某村", "programme_status": "paused" if i % 50 == 0 else "enrolled"}
        for i in range(1, n + 1))
    db["rescue_cards"].insert_all(
        {"patient_id": i, "town": towns[i % 3], "seq": n - i + 1, "number": f"{n - i + 1:05d}",
         "issued_date": "2026-01-01", "status": "active"} for i in range(1, n + 1))
    db["risk_assessments"].insert_all(
        {"patient_id": i, "date": f"2026-0{d}-01", "level": (i + d) % 6}
        for i in range(1, n + 1) for d in (1, 2))
    start = time.perf_counter()
    rows = register.register_rows(db)
    elapsed = time.perf_counter() - start
    assert len(rows) == n
    assert rows[0]["town"] == "几江街道" and rows[-1]["town"] == "吴滩镇"
    assert rows[1]["note"].startswith("救助卡 ")
    assert elapsed < 1.5, elapsed
