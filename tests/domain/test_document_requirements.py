"""Which of the six documents (五、(一)2 ①–⑥) an applicant hands in follows what he claims:
⑥ 贫困证明 proves poverty and is asked only of one who qualifies as poor; ③ and ⑤ are 如有."""
import datetime as dt

from hypothesis import given, strategies as st

from clinic_app.domain import applications as ap
from clinic_app.domain.eligibility import assess

ON = dt.date(2026, 11, 10)


def patient(**overrides) -> dict:
    base = {"residence_since": "2020-01-01", "diagnosis": "精神分裂症",
            "diagnosing_institution": "区精神卫生中心", "police_managed": False,
            "poverty_statuses": [], "guardian_name": "张大山", "guardian_id_number": None}
    base.update(overrides)
    return base


def ticked(*except_keys) -> dict:
    return {key: {"original_seen": key not in except_keys, "copy_received": key not in except_keys,
                  "note": ""} for key, _ in ap.DOCUMENTS}


def test_a_police_managed_patient_who_is_not_poor_is_not_asked_for_proof_of_poverty():
    needs = ap.document_requirements(assess(patient(police_managed=True), ON))
    assert needs == {"form": ap.REQUIRED, "id_cards": ap.REQUIRED, "insurance_cards": ap.IF_ANY,
                     "diagnosis": ap.REQUIRED, "disability": ap.IF_ANY, "poverty": ap.NOT_APPLICABLE}
    assert ap.missing_documents(ticked("poverty"), needs) == []


def test_a_weakly_guarded_patient_who_is_not_poor_is_not_asked_for_proof_of_poverty():
    needs = ap.document_requirements(assess(patient(guardian_name=""), ON))
    assert needs["poverty"] == ap.NOT_APPLICABLE


def test_a_poor_patient_must_hand_in_proof_of_poverty_even_when_also_police_managed():
    needs = ap.document_requirements(assess(patient(police_managed=True, poverty_statuses=["低保户"]), ON))
    assert needs["poverty"] == ap.REQUIRED
    assert ap.missing_documents(ticked("poverty"), needs) == [dict(ap.DOCUMENTS)["poverty"]]


def test_insurance_and_disability_cards_stay_if_any_and_without_a_result_poverty_is_asked():
    assert ap.document_requirements()["poverty"] == ap.REQUIRED
    assert ap.missing_documents(ticked("insurance_cards", "disability")) == []
    assert ap.missing_documents(ticked("poverty")) == [dict(ap.DOCUMENTS)["poverty"]]


@given(police=st.booleans(), poverty=st.lists(st.sampled_from(["低保户", "特困人员", "建档立卡贫困户"]),
                                               max_size=2), guardian=st.booleans())
def test_proof_of_poverty_is_required_exactly_when_poverty_is_a_held_criterion(police, poverty, guardian):
    result = assess(patient(police_managed=police, poverty_statuses=poverty,
                            guardian_name="张大山" if guardian else ""), ON)
    needs = ap.document_requirements(result)
    assert (needs["poverty"] == ap.REQUIRED) == bool(poverty)
    assert needs["insurance_cards"] == needs["disability"] == ap.IF_ANY
