"""A collection is decided from the records as they stood on its own date — also when it is
entered later (back-dated): status, agreement and card on that day. Same-day semantics: enrolled
or discharged on D → may collect on D; admitted or left on D → refused on D."""
from __future__ import annotations

import pytest

from clinic_app.storage import agreements, cards, programme
from clinic_app.storage import dispensing as disp
from clinic_app.storage.errors import StorageError
from tests.dispensing_data import build, fast_passwords, fix_today, line
from tests.enrolment_data import add_patient, approve


@pytest.fixture(autouse=True)
def _setup(monkeypatch):
    fast_passwords(monkeypatch)
    fix_today(monkeypatch)  # 2026-12-31; 张三 enrolled and signed on 2026-11-19


@pytest.fixture
def world(fresh_db):
    return build(fresh_db)


def month(world):
    return [line(world.risperidone, 3, "2")]


def test_collection_dated_in_hospital_is_refused_naming_the_day_and_the_admission(world):
    programme.admit(world.db, world.patient_id, "2026-12-01", "派出所送治")
    programme.discharge(world.db, world.patient_id, "2026-12-10")
    reason = "2026-12-05：张三 住院治疗中（2026-12-01 入院），暂停领药（出院后恢复）"
    assert disp.refusal(world.db, world.patient_id, "2026-12-05") == reason
    with pytest.raises(StorageError) as info:
        world.dispense("2026-12-05", month(world))
    assert reason in info.value.message
    assert disp.refusal(world.db, world.patient_id, "2026-12-01").startswith("2026-12-01：张三 住院治疗中")
    assert disp.refusal(world.db, world.patient_id, "2026-11-30") is None
    assert disp.refusal(world.db, world.patient_id, "2026-12-10") is None  # discharged that day
    assert world.dispense("2026-12-10", month(world))["date"] == "2026-12-10"


def test_collection_back_dated_before_a_later_stay_is_accepted(world):
    programme.admit(world.db, world.patient_id, "2026-12-20")
    assert disp.refusal(world.db, world.patient_id, "2026-12-19") is None
    assert world.dispense("2026-12-19", month(world))["date"] == "2026-12-19"
    assert disp.refusal(world.db, world.patient_id, "2026-12-31").startswith("2026-12-31：张三 住院治疗中")


def test_collection_dated_before_enrolment_is_refused_naming_the_enrolment_day(world):
    assert disp.refusal(world.db, world.patient_id, "2026-11-18") == (
        "2026-11-18：张三 尚未纳入免费服药项目（未纳入，2026-11-19 才纳入）")
    assert disp.refusal(world.db, world.patient_id, "2026-11-19") is None  # enrolled that day


def test_collection_dated_after_leaving_is_refused_and_the_day_before_is_accepted(world):
    programme.leave(world.db, world.patient_id, "2026-12-15", "moved")
    assert disp.refusal(world.db, world.patient_id, "2026-12-15") == (
        "2026-12-15：张三 已退出免费服药项目（2026-12-15 退出）")
    assert disp.refusal(world.db, world.patient_id, "2026-12-14") is None
    entry = world.dispense("2026-12-14", month(world))  # entered after the leaving, back-dated
    assert entry["card_id"] == cards.history(world.db, world.patient_id)[0]["id"]


def test_collection_dated_before_the_agreement_was_signed_is_refused(world):
    pid = add_patient(world.db, name="王五")
    approve(world.db, pid)  # enrolled 2026-11-19
    agreements.sign(world.db, pid, "youxi", "2026-11-25")
    assert disp.refusal(world.db, pid, "2026-11-20") == "2026-11-20：王五 当日尚未签订服务协议（2026-11-25 才签订）"
    assert disp.refusal(world.db, pid, "2026-11-25") is None


def test_collection_dated_while_the_card_was_lost_is_refused_and_before_it_uses_the_old_card(world):
    old = cards.current(world.db, world.patient_id)
    cards.report_lost(world.db, world.patient_id, "2026-12-01")
    new = cards.reissue(world.db, world.patient_id, "2026-12-10")
    reason = disp.refusal(world.db, world.patient_id, "2026-12-05")
    assert reason.startswith("2026-12-05：张三 的救助卡已于 2026-12-01 挂失，补发新卡后才能领药")
    assert disp.refusal(world.db, world.patient_id, "2026-12-01").startswith("2026-12-01：张三 的救助卡已于")
    assert disp.refusal(world.db, world.patient_id, "2026-11-30") is None
    assert world.dispense("2026-11-30", month(world))["card_id"] == old["id"]
    assert world.dispense("2026-12-10", [line(world.olanzapine, 2, "1")])["card_id"] == new["id"]


def test_the_card_valid_on_a_day(world):
    pid = world.patient_id
    first = cards.current(world.db, pid)
    assert cards.valid_on(world.db, pid, "2026-11-18") is None
    assert cards.valid_on(world.db, pid, "2026-11-19")["id"] == first["id"]
    programme.leave(world.db, pid, "2026-12-15", "moved")
    assert cards.history(world.db, pid)[0]["void_date"] == "2026-12-15"
    assert cards.valid_on(world.db, pid, "2026-12-14")["id"] == first["id"]
    assert cards.valid_on(world.db, pid, "2026-12-15") is None
