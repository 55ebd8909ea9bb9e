"""Dispensing on a real file: who may collect, the three-month limit, the cost split, the three
signatures, final entries, voids and the stock issue — all or nothing."""
from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import HealthCheck, given, settings as hyp_settings, strategies as st

from clinic_app.domain import roles
from clinic_app.storage import accounts, agreements, audit, cards, catalogue, programme, settings
from clinic_app.storage import dispensing as disp
from clinic_app.storage.errors import StorageError
from tests.dispensing_data import (ADMIN, DOCTOR, OFFICER, SIGNATURE, INVEGA, OLANZAPINE_FEN,
                                   RISPERIDONE, RISPERIDONE_FEN, build, enrolled_patient,
                                   fast_passwords, fix_today, line, priced_spec, three_months, user)
from tests.enrolment_data import add_patient, approve
from clinic_app.storage import driver

DAY = "2026-11-20"
_strengths = itertools.count(100)


@pytest.fixture(autouse=True)
def _setup(monkeypatch):
    fast_passwords(monkeypatch)
    fix_today(monkeypatch)


@pytest.fixture
def world(fresh_db):
    return build(fresh_db)


def counts(db) -> dict:
    return {t: db[t].count for t in ("dispensings", "dispensing_lines", "stock_moves", "audit_log")}


def issued_packs(db, spec_id: int) -> int:
    """Packs that left the stock for this spec (issues minus returns)."""
    row = db.execute("SELECT coalesce(sum(m.packs), 0) FROM stock_moves m JOIN stock_batches b "
                     "ON b.id = m.batch_id WHERE b.spec_id = ? AND m.dispensing_line_id IS NOT NULL",
                     [spec_id]).fetchone()
    return abs(row[0])


def problems(world, lines, date=DAY, **kwargs) -> str:
    return "\n".join(disp.quote(world.db, world.patient_id, date, lines, **kwargs).problems)


def refused(world, lines, date=DAY, **kwargs) -> str:
    before = counts(world.db)
    with pytest.raises(StorageError) as info:
        world.dispense(date, lines, **kwargs)
    assert counts(world.db)["dispensings"] == before["dispensings"]
    assert counts(world.db)["dispensing_lines"] == before["dispensing_lines"]
    assert counts(world.db)["stock_moves"] == before["stock_moves"]
    return info.value.message


# --- who may collect --------------------------------------------------------------------------

def test_an_enrolled_patient_with_agreement_and_card_may_collect(world):
    assert disp.refusal(world.db, world.patient_id, DAY) is None


def test_a_patient_in_hospital_may_not_collect_until_discharged(world):
    programme.admit(world.db, world.patient_id, "2026-11-20")
    reason = "2026-11-20：张三 住院治疗中（2026-11-20 入院），暂停领药（出院后恢复）"
    assert disp.refusal(world.db, world.patient_id, DAY) == reason
    assert reason in refused(world, three_months(world))
    programme.discharge(world.db, world.patient_id, "2026-11-20")
    assert disp.refusal(world.db, world.patient_id, DAY) is None


def test_a_patient_who_left_may_not_collect(world):
    programme.leave(world.db, world.patient_id, "2026-11-20", "moved")
    reason = "2026-11-20：张三 已退出免费服药项目（2026-11-20 退出）"
    assert disp.refusal(world.db, world.patient_id, DAY) == reason
    assert reason in refused(world, three_months(world))


def test_a_patient_not_enrolled_may_not_collect(world):
    pid = add_patient(world.db, name="李四")
    assert disp.refusal(world.db, pid, DAY) == "2026-11-20：李四 尚未纳入免费服药项目（未纳入）"
    with pytest.raises(StorageError, match="李四 尚未纳入免费服药项目"):
        world.dispense(DAY, three_months(world), patient_id=pid)


def test_without_an_agreement_or_with_an_expired_one_the_patient_may_not_collect(world):
    pid = add_patient(world.db, name="王五")
    approve(world.db, pid, "2025-10-10", "2025-10-13", "2025-10-20")  # enrolled a year before
    assert disp.refusal(world.db, pid, DAY) == "2026-11-20：王五 尚未签订服务协议"
    agreements.sign(world.db, pid, "youxi", "2025-11-01")
    assert disp.refusal(world.db, pid, "2026-10-31") is None
    reason = "2026-11-20：王五 的服务协议已于 2026-10-31 到期，请先续签"
    assert disp.refusal(world.db, pid, DAY) == reason
    with pytest.raises(StorageError, match=reason):
        world.dispense(DAY, three_months(world), patient_id=pid)


def test_a_lost_card_not_yet_reissued_stops_collection(world):
    cards.report_lost(world.db, world.patient_id, "2026-11-20")
    reason = "2026-11-20：张三 的救助卡已于 2026-11-20 挂失，补发新卡后才能领药"
    assert disp.refusal(world.db, world.patient_id, DAY).startswith(reason)
    assert reason in refused(world, three_months(world))
    new = cards.reissue(world.db, world.patient_id, "2026-11-20")
    entry = world.dispense(DAY, three_months(world))
    assert entry["card_id"] == new["id"]


# --- the three-month limit --------------------------------------------------------------------

def test_two_drugs_for_three_months_are_dispensed_in_one_entry(world):
    entry = world.dispense(DAY, three_months(world), next_appointment="2027-02-10")
    assert entry["kind"] == disp.DISPENSE and entry["date"] == DAY
    assert entry["total_fen"] == 9 * RISPERIDONE_FEN + 6 * OLANZAPINE_FEN == 44370
    assert entry["programme_fen"] == 44370 and entry["insurance_fen"] == 0
    assert entry["psychiatrist_name"] == "王医生" and entry["dispenser_name"] == "李精防"
    assert entry["guardian_signer"] == disp.GUARDIAN and entry["guardian_name"] == "张大山"
    assert entry["guardian_signature"] == SIGNATURE
    assert entry["next_appointment"] == "2027-02-10"
    assert entry["voided_by"] is None
    risperidone, olanzapine = entry["lines"]
    assert (risperidone["packs"], risperidone["units"], risperidone["daily_dose"], risperidone["days"],
            risperidone["cover_start"], risperidone["cover_until"]) == (9, 180, "2", 90, DAY, "2027-02-18")
    assert (olanzapine["packs"], olanzapine["units"], olanzapine["days"], olanzapine["cover_until"]) == (
        6, 84, 84, "2027-02-12")
    assert (risperidone["drug_name"], olanzapine["drug_name"]) == ("利培酮", "奥氮平")
    assert issued_packs(world.db, world.risperidone["id"]) == 9
    assert issued_packs(world.db, world.olanzapine["id"]) == 6
    assert disp.verify(world.db, entry["id"])
    assert disp.history(world.db, world.patient_id)[0]["id"] == entry["id"]


def test_a_hundred_days_are_refused_with_the_maximum_and_ninety_accepted(world):
    planned = disp.plan_line(world.db, world.patient_id, DAY, world.risperidone["id"], 10, "2")
    assert planned.check.days == 100 and not planned.check.ok
    assert planned.check.limit == dt.date(2027, 2, 20)
    assert (planned.check.max_packs, planned.check.max_units) == (9, 184)
    text = problems(world, [line(world.risperidone, 10, "2")])
    # the last day with drug on both sides (issue 8, point 8)
    assert "超过三个月用量：本次最多可领 9 盒（184 片），领药后可用至（含当日）2027-02-27，不得超过 2027-02-19" in text
    assert "第1行" in text and "利培酮片" in text
    message = refused(world, [line(world.risperidone, 10, "2")])
    assert "本次最多可领 9 盒" in message
    entry = world.dispense(DAY, [line(world.risperidone, 9, "2")])
    assert entry["lines"][0]["days"] == 90


def test_the_limit_clamps_at_the_month_end(world):
    planned = disp.plan_line(world.db, world.patient_id, "2026-11-30", world.risperidone["id"], 9, "2")
    assert planned.check.limit == dt.date(2027, 2, 28)
    assert planned.check.max_packs == 9 and planned.check.ok
    assert "不得超过 2027-02-27" in problems(world, [line(world.risperidone, 10, "2")], "2026-11-30")  # last day
    entry = world.dispense("2026-11-30", [line(world.risperidone, 9, "2")])
    assert entry["lines"][0]["cover_until"] == "2027-02-28"


def test_a_second_collection_only_tops_up_to_the_limit(world):
    world.dispense(DAY, [line(world.risperidone, 9, "2")])  # lasts until 2027-02-18
    second = "2026-12-20"  # limit 2027-03-20: 30 more days, 60 tablets, 3 boxes
    planned = disp.plan_line(world.db, world.patient_id, second, world.risperidone["id"], 4, "2")
    assert planned.check.start == dt.date(2027, 2, 18)
    assert planned.check.left_over_days == 60
    assert (planned.check.max_packs, planned.check.max_units) == (3, 60)
    assert "本次最多可领 3 盒（60 片）" in refused(world, [line(world.risperidone, 4, "2")], second)
    other = disp.plan_line(world.db, world.patient_id, second, world.olanzapine["id"], 6, "1")
    assert other.check.start == dt.date(2026, 12, 20) and other.check.max_packs == 6
    entry = world.dispense(second, [line(world.risperidone, 3, "2")])
    assert (entry["lines"][0]["cover_start"], entry["lines"][0]["cover_until"]) == ("2027-02-18", "2027-03-20")


def test_two_strengths_of_one_drug_run_side_by_side(world):
    two_mg = priced_spec(world.db, RISPERIDONE, "利培酮片", "2mg", 20, 2960)
    entry = world.dispense(DAY, [line(world.risperidone, 9, "2"), line(two_mg, 4, "1")])
    assert [(l["cover_start"], l["days"]) for l in entry["lines"]] == [(DAY, 90), (DAY, 80)]


def test_the_same_spec_twice_is_refused(world):
    text = refused(world, [line(world.risperidone, 3, "2"), line(world.risperidone, 3, "2")])
    assert "第2行：" in text and "重复，请合并为一行" in text


def test_a_self_paid_spec_is_refused(world):
    invega = priced_spec(world.db, INVEGA, "棕榈酸帕利哌酮注射液", "150mg", 1, 150000, unit="支",
                         pack_unit="支", programme_pays=False)
    text = refused(world, [line(world.risperidone, 9, "2"), line(invega, 1, "1/30")])
    assert "第2行：" in text and "为自费药品，不在免费服药项目支付范围" in text


def test_a_line_needs_a_dose_a_quantity_and_the_entry_a_line(world):
    assert "请至少开一种药品" in problems(world, [])
    assert "第1行：每日用量“两片”应为数字" in problems(world, [line(world.risperidone, 3, "两片")])
    assert "数量应至少为1盒" in problems(world, [line(world.risperidone, 0, "2")])
    assert "领药日期不能晚于今天" in problems(world, three_months(world), "2027-01-01")


def test_a_next_appointment_must_follow_the_collection(world):
    assert "约定下次取药时间应晚于本次领药日期" in refused(world, three_months(world), next_appointment=DAY)


# --- money --------------------------------------------------------------------------------------

def test_the_monthly_cap_is_refused_with_the_amounts(world):
    settings.put(world.db, "monthly_cap_fen", 10000)
    text = refused(world, three_months(world))
    assert ("超过每月最大免费服药兜底限额：本次项目资金 443.70 元，按 2.97 个月计（2026年11月 11/30天、12"
            "月 整月、2027年1月 整月、2月 17/28天，不足整月按天数折算，舍去不足1分），上限 297.38 元（每月 100.00 元）") in text
    entry = world.dispense(DAY, three_months(world), insurance_fen=20000)
    assert (entry["insurance_fen"], entry["programme_fen"]) == (20000, 24370)


def december_risperidone(world) -> list[dict]:
    """One box of 20 tablets at 20/31 a day: exactly 1–31 December, 18.50 元."""
    return [line(world.risperidone, 1, "20/31")]


def test_a_whole_calendar_month_of_cover_counts_as_one_month_for_the_cap(world):
    settings.put(world.db, "monthly_cap_fen", 1850)
    quote = disp.quote(world.db, world.patient_id, "2026-12-01", december_risperidone(world))
    assert quote.ok and quote.months == 1 and quote.cap.allowed == 1850
    settings.put(world.db, "monthly_cap_fen", 1849)
    assert "按 1 个月计（2026年12月 整月" in problems(world, december_risperidone(world), "2026-12-01")


def test_what_earlier_collections_charged_to_a_month_counts_against_its_cap(world):
    settings.put(world.db, "monthly_cap_fen", 5000)
    first = world.dispense("2026-12-01", december_risperidone(world))       # 18.50 元 for December
    olanzapine = [line(world.olanzapine, 1, "14/22")]                       # 10–31 December, 46.20 元
    text = refused(world, olanzapine, "2026-12-10", insurance_fen=1200)      # programme 34.20 元
    assert text == ("超过每月最大免费服药兜底限额：2026年12月 限额 50.00 元，其他领药已计入 18.50 元，"
                    "本次将再计入 34.20 元，合计 52.70 元，超出 2.70 元")
    world.void(first["id"])                                                 # a void frees the month
    assert world.dispense("2026-12-10", olanzapine, insurance_fen=1200)["programme_fen"] == 3420


def test_insurance_and_relief_above_the_total_are_refused(world):
    text = refused(world, three_months(world), insurance_fen=40000, relief_fen=5000)
    assert "医保、民政和残联合计 450.00 元，超过领药总金额 443.70 元" in text


def test_insurance_relief_disability_and_programme_are_paid_in_that_order(world):
    world.db["patients"].update(world.patient_id, {"disability_cert_no": "50038119800101123X62"})
    settings.put(world.db, "disability_subsidy_percent", 50)
    entry = world.dispense(DAY, three_months(world), insurance_fen=20000, relief_fen=4370)
    assert [entry[k] for k in ("total_fen", "insurance_fen", "relief_fen", "disability_fen",
                               "programme_fen")] == [44370, 20000, 4370, 10000, 10000]
    for part in ("total_fen", "insurance_fen", "relief_fen", "disability_fen", "programme_fen"):
        assert sum(l[part] for l in entry["lines"]) == entry[part]


@hyp_settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(packs=st.tuples(st.integers(1, 9), st.integers(1, 6)),
       prices=st.tuples(st.integers(1, 99_999), st.integers(1, 99_999)),
       insurance_share=st.floats(0, 1), relief_share=st.floats(0, 1), percent=st.integers(0, 100))
def test_the_parts_add_up_to_the_total_to_the_fen_per_line_and_per_entry(
        world, packs, prices, insurance_share, relief_share, percent):
    db = world.db
    settings.put(db, "monthly_cap_fen", 0)
    settings.put(db, "disability_subsidy_percent", percent)
    db["patients"].update(world.patient_id, {"disability_cert_no": "50038119800101123X62"})
    strength = f"{next(_strengths)}mg"  # a new pair of specifications for every example
    specs = [priced_spec(db, RISPERIDONE, "利培酮片", strength, 20, prices[0], packs_in_stock=20),
             priced_spec(db, 11, "阿立哌唑片", strength, 14, prices[1], packs_in_stock=20)]
    total = packs[0] * prices[0] + packs[1] * prices[1]
    insurance = int(total * insurance_share)
    relief = int((total - insurance) * relief_share)
    entry = world.dispense(DAY, [line(specs[0], packs[0], "2"), line(specs[1], packs[1], "1")],
                           insurance_fen=insurance, relief_fen=relief)
    parts = ("insurance_fen", "relief_fen", "disability_fen", "programme_fen")
    assert entry["total_fen"] == total
    assert (entry["insurance_fen"], entry["relief_fen"]) == (insurance, relief)
    assert sum(entry[p] for p in parts) == total
    assert all(entry[p] >= 0 for p in parts)
    for row, n, price in zip(entry["lines"], packs, prices):
        assert row["total_fen"] == n * price
        assert sum(row[p] for p in parts) == row["total_fen"]
        assert all(row[p] >= 0 for p in parts)
    for part in ("total_fen", *parts):
        assert sum(row[part] for row in entry["lines"]) == entry[part]
    voided = world.void(entry["id"])  # frees the cover for the next example
    assert all(voided[p] == -entry[p] for p in ("total_fen", *parts))


# --- signatures ---------------------------------------------------------------------------------

def test_a_wrong_psychiatrist_password_is_refused_and_nothing_is_written(world):
    text = refused(world, three_months(world), signatures=world.signatures(psychiatrist_password="wrong1234"))
    assert text == "精神科医师（王医生）密码错误，签名无效"


def test_a_wrong_dispenser_password_is_refused(world):
    text = refused(world, three_months(world), signatures=world.signatures(dispenser_password="wrong1234"))
    assert text == "发药人（李精防）密码错误，签名无效"


def test_the_psychiatrist_must_be_a_psychiatrist_and_not_the_dispenser(world):
    sig = world.signatures(psychiatrist_id=world.officer2["id"], psychiatrist_password="Fayao2026xy")
    assert refused(world, three_months(world), signatures=sig) == "赵发药 不能作为精神科医师签名"
    same = world.signatures(dispenser_id=world.doctor["id"], dispenser_password=DOCTOR[1])
    assert refused(world, three_months(world), signatures=same) == "精神科医师和发药人须是两个人，分别签名"
    reader = user(world.db, ("du_zd", "Zhidu2026x", "杜只读"), roles.READONLY)
    sig = world.signatures(dispenser_id=reader["id"], dispenser_password="Zhidu2026x")
    assert refused(world, three_months(world), signatures=sig) == "杜只读 不能作为发药人签名"
    second_doctor = user(world.db, ("sun_ys", "Yisheng2026y", "孙医生"), roles.PSYCHIATRIST)
    sig = world.signatures(dispenser_id=second_doctor["id"], dispenser_password="Yisheng2026y")
    assert refused(world, three_months(world), signatures=sig) == "孙医生 不能作为发药人签名"
    admin = world.signatures(dispenser_id=world.admin["id"], dispenser_password=ADMIN[1])
    assert world.dispense(DAY, three_months(world), signatures=admin)["dispenser_name"] == "陈管理"


def test_an_inactive_account_can_not_sign(world):
    accounts.update_user(world.db, world.doctor["id"], active=False)
    assert refused(world, three_months(world)) == "王医生 不能作为精神科医师签名"


def test_the_guardian_must_sign_on_the_pad(world):
    assert refused(world, three_months(world), signatures=world.signatures(guardian_png=None)) == \
        "请监护人在签名板上签名"
    assert refused(world, three_months(world), signatures=world.signatures(guardian_png=b"not a png")) == \
        "签名图像无效，请重新签名"


def test_without_a_guardian_the_patient_signs_with_a_reason(world):
    pid = enrolled_patient(world.db, guardian=False, name="周六")
    lines = three_months(world)
    with pytest.raises(StorageError, match="该患者未登记监护人：请由患者本人签名并写明原因"):
        world.dispense(DAY, lines, patient_id=pid)
    sig = world.signatures(signer=disp.PATIENT_SELF)
    with pytest.raises(StorageError, match=r"患者本人签名时，请写明原因（如：无监护人）"):
        world.dispense(DAY, lines, patient_id=pid, signatures=sig)
    sig = world.signatures(signer=disp.PATIENT_SELF, self_sign_reason="无监护人")
    entry = world.dispense(DAY, lines, patient_id=pid, signatures=sig)
    assert (entry["guardian_signer"], entry["guardian_name"], entry["self_sign_reason"]) == (
        disp.PATIENT_SELF, "周六", "无监护人")


# --- final entries ------------------------------------------------------------------------------

def test_entries_and_lines_can_not_be_updated_or_deleted(world):
    entry = world.dispense(DAY, three_months(world))
    statements = [("UPDATE dispensings SET total_fen = 1 WHERE id = ?", entry["id"]),
                  ("DELETE FROM dispensings WHERE id = ?", entry["id"]),
                  ("UPDATE dispensing_lines SET packs = 1 WHERE id = ?", entry["lines"][0]["id"]),
                  ("DELETE FROM dispensing_lines WHERE id = ?", entry["lines"][0]["id"])]
    for sql, key in statements:
        with pytest.raises(driver.IntegrityError, match="entries are final"):
            world.db.execute(sql, [key])
    assert disp.get(world.db, entry["id"])["total_fen"] == 44370


def test_verify_notices_a_changed_line_or_signature(world):
    entry = world.dispense(DAY, three_months(world))
    other = world.dispense(DAY, [line(priced_spec(world.db, 11, "阿立哌唑片", "5mg", 14, 3000), 6, "1")])
    assert disp.verify(world.db, entry["id"]) and disp.verify(world.db, other["id"])
    world.db.execute("DROP TRIGGER dispensing_lines_no_update")
    world.db.execute("UPDATE dispensing_lines SET packs = 19 WHERE id = ?", [entry["lines"][0]["id"]])
    assert not disp.verify(world.db, entry["id"])
    world.db.execute("DROP TRIGGER dispensings_no_update")
    world.db.execute("UPDATE dispensings SET guardian_signature = ? WHERE id = ?", [b"forged", other["id"]])
    assert not disp.verify(world.db, other["id"])
    with pytest.raises(StorageError, match="找不到该领药记录"):
        disp.verify(world.db, 999)


# --- voids --------------------------------------------------------------------------------------

def test_a_void_reverses_the_entry_frees_the_cover_and_returns_the_stock(world):
    original = world.dispense(DAY, three_months(world), insurance_fen=10000)
    assert disp.refusal(world.db, world.patient_id, DAY) is None
    assert "本次最多可领 0 盒" in problems(world, three_months(world))
    void = world.void(original["id"], "数量录错", date="2026-11-21")
    assert void["kind"] == disp.VOID and void["voids_id"] == original["id"]
    assert void["void_reason"] == "数量录错" and void["dispenser_id"] == world.admin["id"]
    for key in ("total_fen", "insurance_fen", "relief_fen", "disability_fen", "programme_fen"):
        assert void[key] == -original[key]
    assert [l["packs"] for l in void["lines"]] == [-9, -6]
    assert [l["total_fen"] for l in void["lines"]] == [-l["total_fen"] for l in original["lines"]]
    again = disp.get(world.db, original["id"])
    assert again["voided_by"] == void["id"]
    assert {k: again[k] for k in original if k != "voided_by"} == {
        k: original[k] for k in original if k != "voided_by"}
    assert disp.verify(world.db, original["id"]) and disp.verify(world.db, void["id"])
    assert issued_packs(world.db, world.risperidone["id"]) == 0
    assert issued_packs(world.db, world.olanzapine["id"]) == 0
    assert disp.prior_lines(world.db, world.patient_id) == []
    assert disp.cover_by_drug(world.db, world.patient_id, dt.date(2026, 11, 21)) == []
    corrected = world.dispense("2026-11-21", [line(world.risperidone, 9, "2")])
    assert [e["id"] for e in disp.history(world.db, world.patient_id)] == [
        original["id"], void["id"], corrected["id"]]


def test_a_void_can_not_itself_be_voided_nor_an_entry_voided_twice(world):
    original = world.dispense(DAY, three_months(world))
    void = world.void(original["id"])
    with pytest.raises(StorageError, match="作废记录本身不能再作废"):
        world.void(void["id"])
    with pytest.raises(StorageError, match="该领药记录已作废"):
        world.void(original["id"])


def test_a_void_needs_a_reason_and_an_authoriser_with_the_right_role_and_password(world):
    original = world.dispense(DAY, three_months(world))
    before = counts(world.db)["dispensings"]
    with pytest.raises(StorageError, match="请写明作废原因"):
        world.void(original["id"], "  ")
    with pytest.raises(StorageError, match=r"作废授权人（陈管理）密码错误，签名无效"):
        world.void(original["id"], password="wrong1234")
    with pytest.raises(StorageError, match="王医生 不能作为作废授权人签名"):
        world.void(original["id"], authoriser_id=world.doctor["id"], password=DOCTOR[1])
    with pytest.raises(StorageError, match="作废日期不能早于原领药日期"):
        world.void(original["id"], date="2026-11-19")
    assert counts(world.db)["dispensings"] == before
    officer = world.void(original["id"], authoriser_id=world.officer["id"], password=OFFICER[1])
    assert officer["dispenser_name"] == "李精防"


def test_the_next_appointment_and_cover_skip_voided_entries(world):
    first = world.dispense(DAY, [line(world.risperidone, 3, "2")], next_appointment="2026-12-20")
    assert disp.next_appointment(world.db, world.patient_id) == "2026-12-20"
    cover = disp.cover_by_drug(world.db, world.patient_id, dt.date(2026, 11, 25))
    assert cover == [{"drug_id": RISPERIDONE, "drug_name": "利培酮", "cover_until": "2026-12-20",
                      "days_left": 25}]
    second = world.dispense("2026-11-25", [line(world.risperidone, 3, "2")], next_appointment="2027-01-18")
    assert disp.next_appointment(world.db, world.patient_id) == "2027-01-18"
    world.void(second["id"])
    assert disp.next_appointment(world.db, world.patient_id) == "2026-12-20"
    world.void(first["id"])
    assert disp.next_appointment(world.db, world.patient_id) is None


# --- all or nothing, and audited ------------------------------------------------------------------

def test_not_enough_stock_is_said_before_signing_and_writes_nothing(world, monkeypatch):
    scarce = priced_spec(world.db, 11, "阿立哌唑片", "5mg", 14, 3000, packs_in_stock=2)
    lines = [line(world.risperidone, 9, "2"), line(scarce, 3, "1")]
    assert "第2行：库存不足：阿立哌唑片 5mg×14片/盒 需要 3 盒，现有未过期 2 盒" in problems(world, lines)
    before = counts(world.db)
    with pytest.raises(StorageError, match="库存不足"):
        world.dispense(DAY, lines)
    assert counts(world.db) == before
    # Even when the stock runs short between the check and the write (another workstation), the
    # entry, its first line and that line's stock issue are rolled back together.
    monkeypatch.setattr(disp, "_shortage", lambda *args: None)
    with pytest.raises(StorageError, match="库存不足"):
        world.dispense(DAY, lines)
    assert counts(world.db) == before
    assert issued_packs(world.db, world.risperidone["id"]) == 0


def test_signatures_can_be_verified_first_and_the_entry_written_after(world):
    """The dialog checks the passwords (slow) off the UI thread and writes on it."""
    signed = disp.verify_signatures(world.db, world.patient_id, world.signatures())
    assert (signed.psychiatrist["id"], signed.dispenser["id"], signed.guardian_name) == (
        world.doctor["id"], world.officer["id"], "张大山")
    entry = disp.record(world.db, world.patient_id, DAY, three_months(world), signed, user=world.officer)
    assert entry["psychiatrist_signed_at"] == signed.signed_at and disp.verify(world.db, entry["id"])


def test_a_bad_date_is_a_refusal_not_a_crash(world):
    assert problems(world, three_months(world), "2026-13-01") == \
        "领药日期“2026-13-01”不是有效日期，请写作 2026-01-05"
    with pytest.raises(StorageError, match="约定下次取药时间“明年”不是有效日期"):
        world.dispense(DAY, three_months(world), next_appointment="明年")


def test_dispensing_and_voiding_are_audited(world):
    entry = world.dispense(DAY, three_months(world))
    rows = audit.recent(world.db, entity="dispensing", entity_id=entry["id"])
    assert [r["action"] for r in rows] == [audit.CREATE]
    assert "张三 2026-11-20" in rows[0]["summary"] and rows[0]["user_id"] == world.officer["id"]
    void = world.void(entry["id"], "录错药品")
    rows = audit.recent(world.db, entity="dispensing", entity_id=entry["id"])
    assert [r["action"] for r in rows] == [audit.UPDATE, audit.CREATE]
    assert "录错药品" in rows[0]["summary"] and str(void["id"]) in rows[0]["detail"]
    assert audit.verify(world.db).ok


def test_a_void_may_not_return_stock_of_another_entry(world):
    """The void returns exactly what its entry took, batch by batch."""
    first = world.dispense(DAY, [line(world.risperidone, 3, "2")])
    world.dispense("2026-11-25", [line(world.olanzapine, 2, "1")])
    world.void(first["id"])
    assert issued_packs(world.db, world.risperidone["id"]) == 0
    assert issued_packs(world.db, world.olanzapine["id"]) == 2


def test_the_label_and_price_of_a_line_come_from_the_catalogue(world):
    planned = disp.plan_line(world.db, world.patient_id, DAY, world.olanzapine["id"], 6, "1")
    assert planned.price_fen == OLANZAPINE_FEN and planned.total_fen == 6 * OLANZAPINE_FEN
    assert planned.units == 84
    assert "奥氮平片" in catalogue.label(planned.spec)


def test_a_void_that_moves_a_later_collections_cover_moves_its_charge_to_other_months(world):
    settings.put(world.db, "monthly_cap_fen", 5000)
    first = world.dispense("2026-12-01", december_risperidone(world))           # December
    world.dispense("2026-12-05", december_risperidone(world))                   # pushed to January
    olanzapine = [line(world.olanzapine, 1, "14/22")]                           # 10–31 December
    assert "2026年12月 限额 50.00 元，其他领药已计入 18.50 元" in refused(world, olanzapine, "2026-12-10",
                                                                       insurance_fen=1200)
    world.void(first["id"])            # the second collection's cover moves back to 5 Dec – 4 Jan
    text = refused(world, olanzapine, "2026-12-10", insurance_fen=1200)
    december = next(u for u in disp.quote(world.db, world.patient_id, "2026-12-10", olanzapine,
                                           insurance_fen=1200).cap.uses)
    assert december.used == 1850 * 27 // 31 + 1 or december.used == 1850 * 27 // 31   # 27 of its 31 days
    assert f"其他领药已计入 {december.used // 100}.{december.used % 100:02d} 元" in text
