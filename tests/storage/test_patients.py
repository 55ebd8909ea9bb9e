"""Patients with their guardians and households: stored whole, found by whatever staff type."""
import datetime as dt
import json

import pytest

from clinic_app.domain import choices
from clinic_app.domain.idnumber import check_char
from clinic_app.domain.patient_fields import ALL_FIELDS, IMAGE, validate_record
from clinic_app.storage import audit, patients
from clinic_app.storage.errors import DuplicateError, NotFoundError
from clinic_app.storage import driver

TODAY = dt.date(2024, 3, 18)
ZHANG_ID = "11010519491231002X"
FIELD_KEYS = [f.key for f in ALL_FIELDS if f.kind != IMAGE]
OFFICER = {"id": 3, "username": "li"}


def make_id(birth: str, seq: str, area: str = "500381") -> str:
    first17 = area + birth + seq
    return first17 + check_char(first17)


def record(**overrides) -> dict:
    """Every field of the form filled in, cleaned by the same validation the form uses."""
    typed = {
        "name": "张三", "id_number": ZHANG_ID.lower(), "sex": "女", "birth_date": "1949-12-31",
        "ethnicity": "汉族", "phone": "138 1234 5678", "town": "几江街道", "village": "艾坪村",
        "address": "几江街道艾坪村3组12号", "postcode": "402260", "hukou_type": "农业户口",
        "residence_since": "2010/5/1", "police_managed": True, "diagnosis": "精神分裂症",
        "diagnosing_institution": "江津区精神卫生中心", "disability_cert_no": ZHANG_ID + "62",
        "insurance_types": ["城镇居民基本医疗保险", "医疗救助"], "insurance_card_no": "YB500381001",
        "special_disease_card": True, "special_disease_card_no": "TB2019001",
        "poverty_statuses": ["低保户"], "subsidies": ["残联补助", "医保特病"],
        "guardian_name": "张大山", "guardian_relationship": "儿子", "guardian_phone": "023-47521234",
        "guardian_id_number": make_id("19750302", "031"), "guardian_address": "几江街道艾坪村3组12号",
        "guardian_postcode": "402260",
    }
    typed.update(overrides)
    result = validate_record(typed, today=TODAY)
    assert result.ok, result.errors
    return result.values


def other_record(**overrides) -> dict:
    """Every field different from ``record()``."""
    number = make_id("19800101", "123")
    values = {
        "name": "李四", "id_number": number, "sex": "男", "birth_date": "1980-01-01",
        "ethnicity": "土家族", "phone": "13998765432", "town": "白沙镇", "village": "宝珠村",
        "address": "白沙镇宝珠村1组", "postcode": "402284", "hukou_type": "非农业户口",
        "residence_since": "2015-09-10", "police_managed": False, "diagnosis": "双相（情感）障碍",
        "diagnosing_institution": "重庆市精神卫生中心", "disability_cert_no": number + "63",
        "insurance_types": ["新型农村合作医疗保险"], "insurance_card_no": "YB500381999",
        "special_disease_card": False, "special_disease_card_no": None,
        "poverty_statuses": ["建档立卡贫困户", "特困人员"], "subsidies": ["建卡贫困户"],
        "guardian_name": "李明", "guardian_relationship": "配偶", "guardian_phone": "13700001111",
        "guardian_id_number": make_id("19820707", "042"), "guardian_address": "白沙镇宝珠村1组",
        "guardian_postcode": "402284",
    }
    values.update(overrides)
    return record(**values)


def _counts(db):
    return {t: db[t].count for t in ("patients", "households", "guardians", "patient_photos",
                                     "audit_log")}


def _stored(db, patient_id):
    return {k: patients.get(db, patient_id)[k] for k in FIELD_KEYS}


# --- create and get ----------------------------------------------------------------------------

def test_every_field_round_trips(fresh_db):
    values = record()
    patient_id = patients.create(fresh_db, values, user=OFFICER)
    assert _stored(fresh_db, patient_id) == {k: values[k] for k in FIELD_KEYS}


def test_values_come_back_in_their_types(fresh_db):
    p = patients.get(fresh_db, patients.create(fresh_db, record()))
    assert p["id_number"] == ZHANG_ID
    assert p["police_managed"] is True
    assert p["insurance_types"] == ["城镇居民基本医疗保险", "医疗救助"]
    assert p["residence_since"] == "2010-05-01"
    assert p["phone"] == "13812345678"


def test_an_optional_blank_form_stores_blanks(fresh_db):
    required = ("name", "id_number", "sex", "birth_date", "ethnicity", "town", "address",
                "diagnosis")
    values = record(**{k: None for k in FIELD_KEYS if k not in required})
    p = patients.get(fresh_db, patients.create(fresh_db, values))
    assert p["guardian_id"] is None and p["guardian_name"] is None
    assert p["insurance_types"] == [] and p["police_managed"] is False
    assert fresh_db["guardians"].count == 0


def test_create_stamps_who_and_when_and_audits(fresh_db):
    patient_id = patients.create(fresh_db, record(), user=OFFICER)
    p = patients.get(fresh_db, patient_id)
    assert p["created_by"] == p["updated_by"] == OFFICER["id"]
    assert p["created_at"]
    row = audit.recent(fresh_db, entity="patient", entity_id=patient_id)[0]
    assert (row["action"], row["username"]) == (audit.CREATE, "li")
    assert "张三" in row["summary"]


def test_a_photo_is_stored_with_the_patient(fresh_db):
    patient_id = patients.create(fresh_db, record(), photo=(b"\x89PNG fake", "image/png"))
    assert patients.get(fresh_db, patient_id)["has_photo"] is True
    assert patients.get_photo(fresh_db, patient_id) == b"\x89PNG fake"
    patients.remove_photo(fresh_db, patient_id)
    assert patients.get_photo(fresh_db, patient_id) is None


def test_getting_a_missing_patient_says_so(fresh_db):
    with pytest.raises(NotFoundError, match="找不到该患者"):
        patients.get(fresh_db, 999)


def test_a_duplicate_id_number_is_refused(fresh_db):
    patients.create(fresh_db, record())
    before = _counts(fresh_db)
    with pytest.raises(DuplicateError, match="已登记"):
        patients.create(fresh_db, record(name="张三丰"))
    assert _counts(fresh_db) == before


def test_the_unique_index_backs_up_the_duplicate_check(fresh_db):
    patients.create(fresh_db, record())
    with pytest.raises(driver.IntegrityError):
        fresh_db["patients"].insert({"name": "某某", "id_number": ZHANG_ID})


# --- update ------------------------------------------------------------------------------------

def test_every_field_can_be_changed(fresh_db):
    patient_id = patients.create(fresh_db, record())
    new = other_record()
    changed = patients.update(fresh_db, patient_id, new, user=OFFICER)
    assert _stored(fresh_db, patient_id) == {k: new[k] for k in FIELD_KEYS}
    assert set(changed) == set(FIELD_KEYS)


def test_update_audits_the_changed_fields_old_and_new(fresh_db):
    patient_id = patients.create(fresh_db, record())
    changed = patients.update(fresh_db, patient_id, record(phone="13900001111", village="金桥村"),
                              user=OFFICER)
    assert sorted(changed) == ["phone", "village"]
    row = audit.recent(fresh_db, entity="patient", entity_id=patient_id)[0]
    assert row["action"] == audit.UPDATE and row["username"] == "li"
    assert json.loads(row["detail"]) == {"phone": ["13812345678", "13900001111"],
                                         "village": ["艾坪村", "金桥村"]}


def test_a_guardian_change_is_audited_too(fresh_db):
    patient_id = patients.create(fresh_db, record())
    changed = patients.update(fresh_db, patient_id, record(guardian_phone="13600002222"))
    assert changed == ["guardian_phone"]


def test_saving_without_changes_writes_no_audit_row(fresh_db):
    patient_id = patients.create(fresh_db, record())
    before = fresh_db["audit_log"].count
    assert patients.update(fresh_db, patient_id, record()) == []
    assert fresh_db["audit_log"].count == before


def test_update_to_another_patients_id_number_is_refused(fresh_db):
    patients.create(fresh_db, record())
    other = patients.create(fresh_db, other_record())
    with pytest.raises(DuplicateError, match="另一位患者"):
        patients.update(fresh_db, other, other_record(id_number=ZHANG_ID, sex=None,
                                                      birth_date=None, disability_cert_no=None))
    assert patients.get(fresh_db, other)["name"] == "李四"


def test_update_keeps_search_keys_in_step(fresh_db):
    patient_id = patients.create(fresh_db, record())
    patients.update(fresh_db, patient_id, record(name="王五"))
    assert _found(fresh_db, "ww") == ["王五"]
    assert _found(fresh_db, "zs") == []


# --- households and guardians ------------------------------------------------------------------

def _two_in_one_household(db):
    first = patients.create(db, record())
    household = patients.get(db, first)["household_id"]
    second_values = other_record(**{k: record()[k] for k in (
        "guardian_name", "guardian_relationship", "guardian_phone", "guardian_id_number",
        "guardian_address", "guardian_postcode")})
    second = patients.create(db, second_values, household_id=household)
    return first, second, household


def test_two_patients_share_a_household_and_a_guardian(fresh_db):
    first, second, household = _two_in_one_household(fresh_db)
    a, b = patients.get(fresh_db, first), patients.get(fresh_db, second)
    assert a["household_id"] == b["household_id"] == household
    assert a["guardian_id"] == b["guardian_id"]
    assert fresh_db["households"].count == 1
    assert fresh_db["guardians"].count == 1
    assert [m["id"] for m in patients.household_members(fresh_db, household)] == [first, second]


def test_each_patient_gets_their_own_household_by_default(fresh_db):
    a = patients.get(fresh_db, patients.create(fresh_db, record()))
    b = patients.get(fresh_db, patients.create(fresh_db, other_record()))
    assert a["household_id"] != b["household_id"]
    assert a["guardian_id"] != b["guardian_id"]


def test_a_shared_guardians_new_phone_is_seen_from_both_patients(fresh_db):
    first, second, _ = _two_in_one_household(fresh_db)
    patients.update(fresh_db, first, record(guardian_phone="13600002222"))
    assert patients.get(fresh_db, second)["guardian_phone"] == "13600002222"


def test_giving_one_patient_a_new_guardian_leaves_the_other_patients_guardian(fresh_db):
    first, second, _ = _two_in_one_household(fresh_db)
    patients.update(fresh_db, second, other_record())  # second's guardian is now 李明
    assert patients.get(fresh_db, first)["guardian_name"] == "张大山"


def test_moving_a_patient_to_another_household_is_audited(fresh_db):
    a = patients.create(fresh_db, record())
    b = patients.create(fresh_db, other_record())
    household = patients.get(fresh_db, a)["household_id"]
    changed = patients.update(fresh_db, b, other_record(), household_id=household)
    assert changed == ["household_id"]
    assert patients.get(fresh_db, b)["household_id"] == household


# --- search ------------------------------------------------------------------------------------

@pytest.fixture
def registry(fresh_db):
    patients.create(fresh_db, record())
    patients.create(fresh_db, other_record())
    patients.create(fresh_db, record(
        name="张三丰", id_number=make_id("19700505", "015"), birth_date=None, sex=None,
        disability_cert_no=None, phone="13500009999", guardian_name="王芳",
        guardian_phone="15811112222", guardian_id_number=None))
    return fresh_db


def _found(db, query):
    return [r["name"] for r in patients.search(db, query)]


@pytest.mark.parametrize("query, expected", [
    ("张三", ["张三", "张三丰"]),           # exact match first
    ("三丰", ["张三丰"]),
    ("四", ["李四"]),
    ("zs", ["张三", "张三丰"]),
    ("ZS", ["张三", "张三丰"]),
    ("zsf", ["张三丰"]),
    ("ls", ["李四"]),
    ("zhangsan", ["张三丰", "张三"]),       # both prefix; newest first
    ("lisi", ["李四"]),
    ("zhang", ["张三丰", "张三"]),
    ("19491231", ["张三"]),                 # the birth date inside the ID number
    ("002x", ["张三"]),                     # lowercase x
    ("002X", ["张三"]),
    ("110105", ["张三"]),
    ("5678", ["张三"]),                     # patient phone fragment
    ("138-1234", ["张三"]),
    ("00001111", ["李四"]),                 # guardian phone (13700001111)
    ("15811112222", ["张三丰"]),
    ("47521234", ["张三"]),                 # guardian landline
    ("TB2019", []),                         # letters+digits: not a number query
    ("王", []),                             # guardian names are not searched
    ("赵钱", []),
])
def test_search_finds_by_what_staff_type(registry, query, expected):
    assert _found(registry, query) == expected


def test_an_empty_query_lists_everyone_newest_first(registry):
    assert _found(registry, "  ") == ["张三丰", "李四", "张三"]


@pytest.mark.parametrize("query", ["%", "_", "\\", "'", "张%"])
def test_like_wildcards_in_a_query_are_literal(registry, query):
    assert _found(registry, query) == []


def test_search_respects_the_limit(registry):
    assert len(patients.search(registry, "", limit=2)) == 2


def test_search_rows_carry_the_guardian(registry):
    row = patients.search(registry, "李四")[0]
    assert (row["guardian_name"], row["guardian_phone"]) == ("李明", "13700001111")


# --- all or nothing ----------------------------------------------------------------------------

def _failing_audit(*args, **kwargs):
    raise driver.OperationalError("disk I/O error")


def test_a_failed_create_leaves_nothing_half_written(fresh_db, monkeypatch):
    monkeypatch.setattr(audit, "record", _failing_audit)
    with pytest.raises(driver.OperationalError):
        patients.create(fresh_db, record(), photo=(b"img", "image/png"))
    assert _counts(fresh_db) == {"patients": 0, "households": 0, "guardians": 0,
                                 "patient_photos": 0, "audit_log": 0}


def test_a_failed_update_leaves_patient_and_guardian_as_they_were(fresh_db, monkeypatch):
    patient_id = patients.create(fresh_db, record())
    before = patients.get(fresh_db, patient_id)
    monkeypatch.setattr(audit, "record", _failing_audit)
    with pytest.raises(driver.OperationalError):
        patients.update(fresh_db, patient_id, other_record())
    assert patients.get(fresh_db, patient_id) == before


def test_a_failed_create_does_not_disturb_a_later_one(fresh_db, monkeypatch):
    with monkeypatch.context() as m:
        m.setattr(audit, "record", _failing_audit)
        with pytest.raises(driver.OperationalError):
            patients.create(fresh_db, record())
    patient_id = patients.create(fresh_db, record())
    assert patients.get(fresh_db, patient_id)["name"] == "张三"
    assert audit.verify(fresh_db).ok


def test_choices_used_here_are_real_choices():
    """Guards the fixtures: a renamed choice must fail here, not as a puzzling search miss."""
    assert "精神分裂症" in choices.DIAGNOSES and "低保户" in choices.POVERTY_STATUSES


# --- photo and household changes go through update, audited -----------------------------------

def test_photo_replaced_and_removed_through_update_is_audited(fresh_db):
    pid = patients.create(fresh_db, record())
    patients.update(fresh_db, pid, record(), photo=(b"\x89PNG-one", "image/png"))
    assert patients.get_photo(fresh_db, pid) == b"\x89PNG-one"
    row = audit.recent(fresh_db, 1)[0]
    assert row["action"] == audit.UPDATE and '"photo"' in row["detail"]
    assert patients.update(fresh_db, pid, record()) == []  # KEEP: nothing changed, nothing audited
    assert patients.update(fresh_db, pid, record(), photo=None) == ["photo"]
    assert patients.get_photo(fresh_db, pid) is None


def test_a_patient_can_leave_a_shared_household_for_one_of_his_own(fresh_db):
    first, second, _ = _two_in_one_household(fresh_db)
    shared = patients.get(fresh_db, first)["household_id"]
    changed = patients.update(fresh_db, second, patients.get(fresh_db, second),
                              household_id=patients.NEW_HOUSEHOLD)
    assert "household_id" in changed
    assert patients.get(fresh_db, second)["household_id"] != shared
    assert [m["id"] for m in patients.household_members(fresh_db, shared)] == [first]
