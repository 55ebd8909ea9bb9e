import pytest
from hypothesis import given, strategies as st

from clinic_app.domain import programme_status as ps


def fold(*kinds):
    return ps.fold(ps.Event(kind, "2026-01-01") for kind in kinds)


def test_a_patient_is_approved_waits_is_enrolled_paused_in_hospital_and_resumes():
    assert fold(ps.APPROVED) == ps.WAITING
    assert fold(ps.APPROVED, ps.ENROL) == ps.ENROLLED
    assert fold(ps.APPROVED, ps.ENROL, ps.ADMITTED) == ps.PAUSED
    assert fold(ps.APPROVED, ps.ENROL, ps.ADMITTED, ps.DISCHARGED) == ps.ENROLLED
    assert fold(ps.APPROVED, ps.ENROL, ps.ANNUAL_REVIEW) == ps.ENROLLED


def test_a_patient_who_left_may_be_approved_again():
    assert fold(ps.APPROVED, ps.ENROL, ps.LEAVE, ps.APPROVED) == ps.WAITING


@pytest.mark.parametrize("kinds", [
    (ps.ENROL,), (ps.ADMITTED,), (ps.APPROVED, ps.ADMITTED), (ps.APPROVED, ps.APPROVED),
    (ps.APPROVED, ps.ENROL, ps.DISCHARGED), (ps.LEAVE,),
])
def test_impossible_steps_are_refused_in_chinese(kinds):
    with pytest.raises(ps.TransitionError) as info:
        fold(*kinds)
    assert "不能登记" in info.value.message


def test_only_an_enrolled_patient_collects_drugs():
    assert ps.can_dispense(ps.ENROLLED)
    assert not any(ps.can_dispense(s) for s in (None, ps.WAITING, ps.PAUSED, ps.LEFT))


@given(st.lists(st.sampled_from(list(ps.TRANSITIONS)), max_size=12))
def test_folding_any_history_either_gives_a_known_status_or_names_the_refused_step(kinds):
    try:
        status = fold(*kinds)
    except ps.TransitionError:
        return
    assert status in ps.STATUS_LABELS
    assert (status in ps.HOLDS_PLACE) == (status in (ps.ENROLLED, ps.PAUSED))
