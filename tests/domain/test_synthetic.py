"""The synthetic register: valid, varied, believable, reproducible."""
import collections
import datetime as dt
import json

import pytest
from hypothesis import given, settings, strategies as st

from clinic_app import paths
from clinic_app.domain import choices, disability, idnumber, patient_fields as pf, phone, synthetic

TODAY = dt.date(2026, 6, 1)
CLINICS = json.loads(paths.resource("clinics.json").read_text(encoding="utf-8"))["clinics"]
ALL_TOWNS = [t for c in CLINICS for t in c["towns"]]
OWN = next(c["towns"] for c in CLINICS if c["code"] == "youxi")
OTHERS = [t for t in ALL_TOWNS if t not in OWN]


def generate(n, seed=7):
    return synthetic.generate(n, seed, OWN, OTHERS, today=TODAY)


@pytest.fixture(scope="module")
def households():
    return generate(3000)


@pytest.fixture(scope="module")
def records(households):
    return [r for h in households for r in h]


@pytest.fixture(scope="module")
def guardians(records):
    return {r["guardian_id_number"]: r for r in records if r["guardian_id_number"]}


def test_exactly_the_requested_number_of_patients(records):
    assert len(records) == 3000


def test_records_have_exactly_the_form_keys_without_photo(records):
    expected = {f.key for f in pf.ALL_FIELDS} - {"photo"}
    assert all(set(r) == expected for r in records)


def test_every_record_passes_validation_without_errors_or_warnings(records):
    for record in records:
        result = pf.validate_record(record, TODAY)
        assert result.ok, (record, result.errors)
        assert not result.warnings, (record, result.warnings)


@settings(max_examples=25, deadline=None)
@given(st.integers(min_value=0, max_value=2 ** 32), st.integers(min_value=1, max_value=60))
def test_any_seed_gives_valid_records(seed, n):
    for household in synthetic.generate(n, seed, OWN, OTHERS, today=TODAY):
        for record in household:
            assert pf.validate_record(record, TODAY).ok


def test_validation_leaves_generated_values_unchanged(records):
    for record in records[:500]:
        cleaned = pf.validate_record(record, TODAY).values
        assert {k: cleaned[k] for k in record} == record


def test_same_seed_same_people_and_other_seed_other_people():
    assert generate(200, seed=1) == generate(200, seed=1)
    assert generate(200, seed=1) != generate(200, seed=2)


def test_id_numbers_are_unique_across_patients_and_guardians(records, guardians):
    patient_ids = [r["id_number"] for r in records]
    assert len(set(patient_ids)) == len(patient_ids)
    assert not set(patient_ids) & set(guardians)


def test_ids_use_the_two_jiangjin_area_codes_and_agree_with_sex_and_birth(records):
    for record in records:
        info = idnumber.parse(record["id_number"], TODAY)
        assert info.area_code in ("500381", "500116")
        assert info.sex == record["sex"]
        assert info.birth_date.isoformat() == record["birth_date"]
        assert 1945 <= info.birth_date.year <= 2005
    assert {r["id_number"][:6] for r in records} == {"500381", "500116"}


def test_taken_numbers_are_avoided():
    first = synthetic.generate(50, 3, OWN, today=TODAY)
    taken = {r["id_number"] for h in first for r in h}
    again = synthetic.generate(50, 3, OWN, today=TODAY, taken=set(taken))
    assert not taken & {r["id_number"] for h in again for r in h}


def test_names_are_a_common_surname_and_a_one_or_two_character_given_name(records):
    for record in records:
        assert record["name"][0] in synthetic.SURNAMES
        assert len(record["name"]) in (2, 3)
    assert sum(len(r["name"]) == 3 for r in records) > 0.8 * len(records)


def test_most_patients_live_in_the_clinics_own_towns(records):
    own = sum(r["town"] in OWN for r in records)
    assert own > 0.9 * len(records)
    assert {r["town"] for r in records} <= set(ALL_TOWNS)


def test_addresses_start_with_town_and_village(records):
    for record in records:
        assert record["address"].startswith(record["town"] + record["village"])
        assert record["village"].endswith(("村", "社区"))
        assert record["postcode"] == "402260"


def test_schizophrenia_is_the_commonest_diagnosis_and_all_are_from_the_list(records):
    counts = collections.Counter(r["diagnosis"] for r in records)
    assert set(counts) == set(choices.DIAGNOSES)
    assert counts.most_common(1)[0][0] == "精神分裂症"
    assert counts["精神分裂症"] > 0.5 * len(records)


def test_mostly_han_with_a_few_tujia_and_miao(records):
    counts = collections.Counter(r["ethnicity"] for r in records)
    assert set(counts) <= {"汉族", "土家族", "苗族"}
    assert counts["汉族"] > 0.9 * len(records)


def test_phones_are_valid_mobiles_or_landlines(records):
    numbers = [r[k] for r in records for k in ("phone", "guardian_phone") if r[k]]
    assert all(phone.normalize(n) == n for n in numbers)
    assert sum(phone.is_mobile(n) for n in numbers) > 0.8 * len(numbers)


def test_disability_certificates_are_psychiatric_and_the_patients_own(records):
    certs = [r for r in records if r["disability_cert_no"]]
    assert 0.2 * len(records) < len(certs) < 0.5 * len(records)
    for record in certs:
        cert = disability.parse(record["disability_cert_no"], record["id_number"])
        assert cert.category == "6"


def test_the_optional_programme_fields_all_occur(records):
    for key in ("police_managed", "special_disease_card", "poverty_statuses", "subsidies",
                "insurance_card_no", "phone"):
        share = sum(bool(r[key]) for r in records) / len(records)
        assert 0 < share < 1, key
    assert all(r["insurance_types"] for r in records)
    assert {r["hukou_type"] for r in records} == set(choices.HUKOU_TYPES)


def test_special_disease_card_flag_matches_its_number(records):
    assert all(r["special_disease_card"] == bool(r["special_disease_card_no"]) for r in records)


def test_residence_never_starts_before_birth_or_after_today(records):
    for record in records:
        assert record["birth_date"] <= record["residence_since"] <= TODAY.isoformat()


def test_guardian_relationships_come_from_the_form(records):
    used = {r["guardian_relationship"] for r in records} - {None}
    assert used <= set(choices.GUARDIAN_RELATIONSHIPS)


def test_guardians_are_adults_and_about_fifteen_percent_are_over_sixty_five(guardians):
    ages = [idnumber.age_on(idnumber.parse(g, TODAY).birth_date, TODAY) for g in guardians]
    assert min(ages) >= 18
    elderly = sum(a > 65 for a in ages) / len(ages)
    assert 0.10 <= elderly <= 0.20


@pytest.mark.parametrize("relationship, sex_digit_parity", [("父亲", 1), ("母亲", 0), ("儿子", 1),
                                                            ("女儿", 0)])
def test_guardian_sex_agrees_with_the_relationship(records, relationship, sex_digit_parity):
    for record in records:
        if record["guardian_relationship"] == relationship:
            assert int(record["guardian_id_number"][16]) % 2 == sex_digit_parity


def test_parents_are_older_and_children_younger_than_the_patient(records):
    for record in records:
        guardian_born = record["guardian_id_number"] and record["guardian_id_number"][6:14]
        born = record["birth_date"].replace("-", "")
        if record["guardian_relationship"] in ("父亲", "母亲", "祖父母", "外祖父母"):
            assert guardian_born < born
        if record["guardian_relationship"] in ("儿子", "女儿", "孙子女"):
            assert guardian_born > born


def test_about_five_percent_of_households_have_two_patients_sharing_a_guardian(households):
    pairs = [h for h in households if len(h) == 2]
    assert all(len(h) in (1, 2) for h in households)
    assert 0.03 <= len(pairs) / len(households) <= 0.08
    for first, second in pairs:
        assert first["guardian_id_number"] == second["guardian_id_number"]
        assert first["guardian_relationship"] == second["guardian_relationship"]
        assert first["address"] == second["address"] == first["guardian_address"]


def test_a_single_town_is_enough():
    records = [r for h in synthetic.generate(30, 1, ["柏林镇"], today=TODAY) for r in h]
    assert {r["town"] for r in records} == {"柏林镇"}


def test_no_towns_is_a_programming_error():
    with pytest.raises(ValueError):
        synthetic.generate(1, 1, [])
