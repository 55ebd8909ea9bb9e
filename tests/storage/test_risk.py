"""Risk assessments and worsening flags: stored, audited, listed for 综治办 and 派出所."""
import datetime as dt

import pytest

from clinic_app.domain.idnumber import check_char
from clinic_app.domain.patient_fields import validate_record
from clinic_app.storage import audit, patients, risk
from clinic_app.storage.errors import NotFoundError, StorageError

OFFICER = {"id": 3, "username": "li"}
TODAY = dt.date.today()


def make_id(birth: str, seq: str) -> str:
    first17 = "500381" + birth + seq
    return first17 + check_char(first17)


def add_patient(db, name: str, id_number: str, **extra) -> int:
    typed = {"name": name, "id_number": id_number, "ethnicity": "汉族", "town": "油溪镇",
             "address": "油溪镇大坡村3组", "diagnosis": "精神分裂症", **extra}
    result = validate_record(typed)
    assert result.ok, result.errors
    return patients.create(db, result.values)


@pytest.fixture
def zhang(fresh_db):
    return add_patient(fresh_db, "张三", make_id("19800101", "123"), guardian_name="张大山",
                       guardian_phone="13800138000")


@pytest.fixture
def li(fresh_db):
    return add_patient(fresh_db, "李四", make_id("19900505", "246"))


def days_ago(n: int) -> str:
    return (TODAY - dt.timedelta(days=n)).isoformat()


def test_record_assessment_is_stored_and_audited(fresh_db, zhang):
    assessment_id = risk.record_assessment(fresh_db, zhang, 3, days_ago(2), "王医生", "打砸家具", user=OFFICER)
    row = risk.assessments(fresh_db, zhang)[0]
    assert row["id"] == assessment_id
    assert (row["level"], row["date"], row["assessor"], row["note"], row["recorded_by"]) == (
        3, days_ago(2), "王医生", "打砸家具", 3)
    entry = audit.recent(fresh_db, 1)[0]
    assert (entry["action"], entry["entity"], entry["entity_id"]) == ("create", "risk_assessment",
                                                                      str(assessment_id))
    assert "张三" in entry["summary"] and "3级" in entry["summary"]
    assert entry["username"] == "li"
    assert audit.verify(fresh_db).ok


@pytest.mark.parametrize("level", [-1, 6, 99, None, 2.5, True])
def test_level_outside_zero_to_five_is_refused(fresh_db, zhang, level):
    with pytest.raises(StorageError) as info:
        risk.record_assessment(fresh_db, zhang, level, days_ago(0), "王医生")
    assert "0–5级" in info.value.message
    assert risk.assessments(fresh_db, zhang) == []


def test_level_typed_as_text_is_accepted(fresh_db, zhang):
    risk.record_assessment(fresh_db, zhang, "三级", TODAY, "王医生")
    assert risk.assessments(fresh_db, zhang)[0]["level"] == 3


def test_future_date_missing_assessor_and_unknown_patient_are_refused(fresh_db, zhang):
    with pytest.raises(StorageError, match="晚于今天"):
        risk.record_assessment(fresh_db, zhang, 1, TODAY + dt.timedelta(days=1), "王医生")
    with pytest.raises(StorageError, match="请填写评估人"):
        risk.record_assessment(fresh_db, zhang, 1, TODAY, "  ")
    with pytest.raises(NotFoundError):
        risk.record_assessment(fresh_db, 999, 1, TODAY, "王医生")
    assert fresh_db["risk_assessments"].count == 0


def test_audit_failure_leaves_no_assessment(fresh_db, zhang, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")
    monkeypatch.setattr(audit, "record", broken)
    with pytest.raises(RuntimeError):
        risk.record_assessment(fresh_db, zhang, 2, TODAY, "王医生")
    assert fresh_db["risk_assessments"].count == 0


def test_assessments_newest_first_and_latest_levels(fresh_db, zhang, li):
    risk.record_assessment(fresh_db, zhang, 1, days_ago(30), "王医生")
    risk.record_assessment(fresh_db, zhang, 4, days_ago(1), "王医生")
    risk.record_assessment(fresh_db, zhang, 2, days_ago(10), "王医生")  # entered late, older date
    risk.record_assessment(fresh_db, li, 0, days_ago(5), "赵医生")
    risk.record_assessment(fresh_db, li, 5, days_ago(5), "赵医生")  # same day: the later entry wins
    assert [a["level"] for a in risk.assessments(fresh_db, zhang)] == [4, 2, 1]
    assert risk.latest_levels(fresh_db) == {zhang: 4, li: 5}
    assert risk.latest(fresh_db, zhang)["level"] == 4


def test_latest_levels_is_empty_without_assessments(fresh_db, zhang):
    assert risk.latest_levels(fresh_db) == {}
    assert risk.latest(fresh_db, zhang) is None


def test_flag_and_clear_worsening(fresh_db, zhang, li):
    risk.record_assessment(fresh_db, zhang, 3, days_ago(3), "王医生")
    flag_id = risk.flag_worsening(fresh_db, zhang, days_ago(2), "拒绝服药，夜间吵闹", user=OFFICER)
    risk.flag_worsening(fresh_db, li, days_ago(1), "", user=OFFICER)
    listed = risk.open_flags(fresh_db)
    assert [f["name"] for f in listed] == ["张三", "李四"]  # oldest first
    first = listed[0]
    assert (first["id"], first["date"], first["note"]) == (flag_id, days_ago(2), "拒绝服药，夜间吵闹")
    assert (first["guardian_name"], first["guardian_phone"], first["level"]) == ("张大山", "13800138000", 3)
    assert listed[1]["guardian_name"] is None and listed[1]["level"] is None

    risk.clear_worsening(fresh_db, flag_id, days_ago(0), "已送治，住院", user=OFFICER)
    assert [f["name"] for f in risk.open_flags(fresh_db)] == ["李四"]
    kept = risk.flags(fresh_db, zhang)[0]
    assert (kept["cleared_date"], kept["cleared_note"]) == (days_ago(0), "已送治，住院")
    trail = audit.recent(fresh_db, entity="worsening_flag", entity_id=flag_id)
    assert [(e["action"], e["summary"][:8]) for e in trail] == [("update", "解除病情加重标记"),
                                                               ("create", "标记病情加重 张")]
    assert audit.verify(fresh_db).ok


def test_one_open_flag_per_patient(fresh_db, zhang):
    flag_id = risk.flag_worsening(fresh_db, zhang, days_ago(5), "加重")
    with pytest.raises(StorageError, match="已有未解除的病情加重标记"):
        risk.flag_worsening(fresh_db, zhang, days_ago(1), "又加重")
    risk.clear_worsening(fresh_db, flag_id, days_ago(1), "稳定")
    risk.flag_worsening(fresh_db, zhang, days_ago(0), "再次加重")  # after clearing, a new flag is fine
    assert len(risk.flags(fresh_db, zhang)) == 2


def test_clearing_is_checked(fresh_db, zhang):
    flag_id = risk.flag_worsening(fresh_db, zhang, days_ago(5), "加重")
    with pytest.raises(StorageError, match="早于标记日期"):
        risk.clear_worsening(fresh_db, flag_id, days_ago(6), "稳定")
    with pytest.raises(NotFoundError):
        risk.clear_worsening(fresh_db, 999, days_ago(0), "稳定")
    risk.clear_worsening(fresh_db, flag_id, days_ago(0), "稳定")
    with pytest.raises(StorageError, match="已于"):
        risk.clear_worsening(fresh_db, flag_id, days_ago(0), "again")


def test_flag_for_unknown_patient_is_refused(fresh_db):
    with pytest.raises(NotFoundError):
        risk.flag_worsening(fresh_db, 999, TODAY, "加重")
    assert fresh_db["worsening_flags"].count == 0
