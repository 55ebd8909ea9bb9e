"""validate_record: clean values and a Chinese message per bad field, never losing what was typed."""
import datetime as dt

import pytest
from hypothesis import given, strategies as st

from clinic_app.domain import choices, idnumber, patient_fields as pf

TODAY = dt.date(2026, 6, 1)
FIRST17 = "50038119800101123"   # synthetic: a man born 1980-01-01
ID = FIRST17 + idnumber.check_char(FIRST17)
GUARDIAN17 = "50038119520315002"  # synthetic: a woman born 1952-03-15
GUARDIAN_ID = GUARDIAN17 + idnumber.check_char(GUARDIAN17)


def minimal(**changes) -> dict:
    record = {"name": "张三", "id_number": ID, "ethnicity": "汉族", "town": "油溪镇",
              "address": "油溪镇大坡村3组15号", "diagnosis": "精神分裂症"}
    record.update(changes)
    return record


def check(**changes) -> pf.Validated:
    return pf.validate_record(minimal(**changes), TODAY)


def test_a_minimal_record_is_accepted():
    result = check()
    assert result.ok and not result.warnings


def test_a_complete_record_is_accepted_and_cleaned():
    result = check(
        phone="138 0013 8000", village="大坡村", postcode="４０２２６０", hukou_type="农业户口",
        residence_since="1980年1月1日", police_managed=1, diagnosing_institution="重庆市江津区精神卫生中心",
        disability_cert_no=ID + "62", insurance_types=["新型农村合作医疗保险"],
        insurance_card_no="1234567890", special_disease_card=True, special_disease_card_no="TB2017",
        poverty_statuses=["低保户"], subsidies=["医保特病"], guardian_name="李秀英",
        guardian_relationship="母亲", guardian_phone="023-47521234", guardian_id_number=GUARDIAN_ID,
        guardian_address="油溪镇大坡村3组15号", guardian_postcode="402260",
    )
    assert result.ok, result.errors
    values = result.values
    assert values["phone"] == "13800138000"
    assert values["postcode"] == "402260"
    assert values["residence_since"] == "1980-01-01"
    assert values["police_managed"] is True
    assert values["guardian_id_number"] == GUARDIAN_ID


REQUIRED = [f for f in pf.ALL_FIELDS if f.required and f.key not in ("sex", "birth_date")]


@pytest.mark.parametrize("field", REQUIRED, ids=lambda f: f.key)
@pytest.mark.parametrize("blank", [None, ""])
def test_each_required_field_is_asked_for_by_its_label(field, blank):
    result = check(**{field.key: blank})
    assert result.errors[field.key] == f"请填写{field.label}"


def test_required_fields_are_the_ones_on_the_form():
    assert {f.key for f in pf.ALL_FIELDS if f.required} == {
        "name", "id_number", "sex", "birth_date", "ethnicity", "town", "address", "diagnosis"}


def test_an_empty_record_asks_for_sex_and_birth_date_too():
    result = pf.validate_record({}, TODAY)
    assert {"sex", "birth_date", "name", "id_number"} <= set(result.errors)


def test_sex_and_birth_date_are_derived_from_the_id_when_blank():
    result = check(sex="", birth_date=None)
    assert result.ok
    assert (result.values["sex"], result.values["birth_date"]) == ("男", "1980-01-01")


def test_typed_birth_date_in_another_format_matching_the_id_gives_no_warning():
    result = check(sex="男", birth_date="1980/1/1")
    assert result.ok and not result.warnings
    assert result.values["birth_date"] == "1980-01-01"


@pytest.mark.parametrize("key, typed, shown", [
    ("sex", "女", "身份证号显示为男"),
    ("birth_date", "1981-01-01", "身份证号显示为1980年01月01日"),
])
def test_a_value_disagreeing_with_the_id_is_a_warning_not_an_error(key, typed, shown):
    result = check(**{key: typed})
    assert result.ok
    assert shown in result.warnings[key] and "不符" in result.warnings[key]
    assert result.values[key] == typed


def test_an_invalid_typed_birth_date_is_replaced_by_the_ids():
    result = check(birth_date="2099-01-01")
    assert result.ok and result.values["birth_date"] == "1980-01-01"


@pytest.mark.parametrize("key, typed", [
    ("id_number", "50038119800101123" + ("0" if ID[-1] != "0" else "1")),
    ("phone", "12345"),
    ("postcode", "40226"),
    ("residence_since", "2020-02-30"),
    ("residence_since", "2099-01-01"),
    ("diagnosis", "抑郁症"),
    ("hukou_type", "城市户口"),
    ("name", "张3"),
    ("name", "张"),
    ("disability_cert_no", ID + "82"),
    ("guardian_id_number", "500381"),
    ("guardian_phone", "abc"),
    ("address", "油" * 121),
])
def test_a_bad_value_gives_an_error_and_is_kept_as_typed(key, typed):
    result = check(**{key: typed})
    assert key in result.errors and result.errors[key]
    assert result.values[key] == typed


def test_a_bad_id_number_does_not_derive_anything():
    result = check(id_number="123", sex=None, birth_date=None)
    assert {"id_number", "sex", "birth_date"} <= set(result.errors)


def test_a_fifteen_digit_id_is_refused_with_an_eighteen_digit_suggestion():
    result = check(id_number="500381800101123")
    assert "15位" in result.errors["id_number"]
    assert result.suggestions["id_number"] == idnumber.convert_15_to_18("500381800101123")
    assert result.values["id_number"] == "500381800101123"


def test_a_fifteen_digit_guardian_id_gets_a_suggestion_too():
    result = check(guardian_id_number="500381520315002")
    assert result.suggestions["guardian_id_number"] == idnumber.convert_15_to_18("500381520315002")


def test_id_number_is_normalised():
    result = check(id_number=" " + ID.lower() + " ")
    assert result.values["id_number"] == ID


def test_multi_values_are_stored_in_form_order():
    typed = ["医疗救助", "城镇职工基本医疗保险"]
    result = check(insurance_types=typed)
    assert result.values["insurance_types"] == ["城镇职工基本医疗保险", "医疗救助"]


@given(st.lists(st.sampled_from(choices.SUBSIDIES), unique=True))
def test_any_selection_of_known_options_is_kept_in_form_order(selected):
    result = check(subsidies=list(reversed(selected)))
    assert result.ok
    assert result.values["subsidies"] == [s for s in choices.SUBSIDIES if s in selected]


def test_unknown_multi_options_are_refused_by_name():
    result = check(poverty_statuses=["低保户", "五保户"])
    assert "五保户" in result.errors["poverty_statuses"]
    assert result.values["poverty_statuses"] == ["低保户"]


@pytest.mark.parametrize("key, blank", [("insurance_types", []), ("police_managed", False),
                                        ("phone", None), ("village", None)])
def test_blank_optional_fields_get_their_kind_of_empty(key, blank):
    result = check(**{key: None})
    assert result.ok and result.values[key] == blank


def test_a_special_disease_card_number_implies_the_card():
    result = check(special_disease_card=False, special_disease_card_no="TB201700123")
    assert result.values["special_disease_card"] is True


def test_a_disability_certificate_must_be_the_patients_own():
    other17 = "50011619750505002"
    other = other17 + idnumber.check_char(other17)
    result = check(disability_cert_no=other + "62")
    assert "不一致" in result.errors["disability_cert_no"]


def test_ethnicity_is_editable_so_an_unlisted_one_is_kept():
    assert check(ethnicity="穿青人").ok


def test_keys_not_on_the_form_are_passed_through():
    assert check(rescue_card_no="R123").values["rescue_card_no"] == "R123"


def test_every_field_gets_a_value_even_if_not_typed():
    result = check()
    assert {f.key for f in pf.ALL_FIELDS} <= set(result.values)


def test_validate_field_checks_one_field_alone():
    assert pf.validate_field("phone", "13800138000").ok
    assert "phone" in pf.validate_field("phone", "1380").errors


def test_validate_field_checks_a_certificate_against_the_record():
    assert pf.validate_field("disability_cert_no", ID + "62", {"id_number": ID}).ok


def test_field_keys_are_unique_and_groups_are_known():
    keys = [f.key for f in pf.ALL_FIELDS]
    assert len(keys) == len(set(keys))
    assert {f.group for f in pf.ALL_FIELDS} <= set(pf.GROUPS)
    assert all(f.is_guardian for f in pf.GUARDIAN_FIELDS)
    assert not any(f.is_guardian for f in pf.PATIENT_FIELDS)


def test_closed_lists_come_from_the_application_form():
    assert pf.BY_KEY["diagnosis"].choices == choices.DIAGNOSES
    assert pf.BY_KEY["insurance_types"].choices == choices.INSURANCE_TYPES


def test_multi_choice_typed_as_one_spreadsheet_cell_is_split_on_chinese_separators():
    from clinic_app.domain.patient_fields import validate_field

    result = validate_field("poverty_statuses", "特困人员、低保户")
    assert result.errors == {}
    assert result.values["poverty_statuses"] == ["低保户", "特困人员"]
    assert "poverty_statuses" in validate_field("poverty_statuses", "低保户、富裕户").errors
