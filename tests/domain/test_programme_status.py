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
    (ps.ENROL,), (ps.DISCHARGED,), (ps.APPROVED, ps.DISCHARGED), (ps.APPROVED, ps.APPROVED),
    (ps.APPROVED, ps.ENROL, ps.DISCHARGED), (ps.LEAVE,), (ps.ADMITTED, ps.LEAVE),
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


# --- hospital stays whatever the place (三、(一) 居家; 五、(一)6(2)) -----------------------------

def events(*pairs):
    return [ps.Event(kind, day) for kind, day in pairs]


def test_a_patient_not_enrolled_may_be_admitted_and_discharged_keeping_his_status():
    history = events((ps.ADMITTED, "2026-10-01"))
    assert ps.fold_state(history) == ps.State(None, "2026-10-01")
    history += events((ps.DISCHARGED, "2026-10-20"))
    assert ps.fold_state(history) == ps.State(None, None)


def test_a_waiting_patient_admitted_stays_waiting_but_cannot_be_enrolled_until_discharge():
    history = events((ps.APPROVED, "2026-09-01"), (ps.ADMITTED, "2026-10-01"))
    assert ps.fold_state(history) == ps.State(ps.WAITING, "2026-10-01")
    with pytest.raises(ps.TransitionError, match="自 2026-10-01 起住院治疗，出院后方可纳入"):
        ps.fold(history + events((ps.ENROL, "2026-10-05")))
    after = history + events((ps.DISCHARGED, "2026-10-20"), (ps.ENROL, "2026-10-20"))
    assert ps.fold(after) == ps.ENROLLED


def test_an_enrolled_patient_admitted_is_paused_and_discharge_resumes():
    history = events((ps.APPROVED, "2026-01-05"), (ps.ENROL, "2026-01-05"), (ps.ADMITTED, "2026-03-01"))
    assert ps.fold_state(history) == ps.State(ps.PAUSED, "2026-03-01")
    assert ps.fold_state(history + events((ps.DISCHARGED, "2026-03-09"))) == ps.State(ps.ENROLLED, None)


def test_a_second_admission_during_an_open_stay_is_refused_naming_the_first():
    with pytest.raises(ps.TransitionError, match="自 2026-10-01 起住院治疗中"):
        ps.fold(events((ps.ADMITTED, "2026-10-01"), (ps.ADMITTED, "2026-10-03")))


def test_a_patient_who_left_may_be_admitted_and_stays_gone():
    history = events((ps.APPROVED, "2026-01-05"), (ps.ENROL, "2026-01-05"), (ps.LEAVE, "2026-05-01"),
                     (ps.ADMITTED, "2026-06-01"))
    assert ps.fold_state(history) == ps.State(ps.LEFT, "2026-06-01")


def test_the_state_as_of_a_day_counts_the_events_of_that_day():
    history = events((ps.APPROVED, "2026-01-05"), (ps.ENROL, "2026-01-10"), (ps.ADMITTED, "2026-03-01"),
                     (ps.DISCHARGED, "2026-03-09"), (ps.LEAVE, "2026-06-30"))
    assert ps.fold_state(history, "2026-01-09") == ps.State(ps.WAITING, None)
    assert ps.fold(history, "2026-01-10") == ps.ENROLLED
    assert ps.fold_state(history, "2026-02-28") == ps.State(ps.ENROLLED, None)
    assert ps.fold_state(history, "2026-03-01") == ps.State(ps.PAUSED, "2026-03-01")
    assert ps.fold_state(history, "2026-03-08") == ps.State(ps.PAUSED, "2026-03-01")
    assert ps.fold(history, "2026-03-09") == ps.ENROLLED
    assert ps.fold(history, "2026-06-29") == ps.ENROLLED
    assert ps.fold(history, "2026-06-30") == ps.LEFT
    assert ps.fold(history, "2025-12-31") is None


@given(st.lists(st.sampled_from(list(ps.TRANSITIONS)), max_size=12))
def test_a_stay_is_open_exactly_when_the_last_stay_event_is_an_admission(kinds):
    try:
        state = ps.fold_state(ps.Event(kind, "2026-01-01") for kind in kinds)
    except ps.TransitionError:
        return
    stays = [k for k in kinds if k in (ps.ADMITTED, ps.DISCHARGED)]
    assert state.in_hospital == (bool(stays) and stays[-1] == ps.ADMITTED)
    assert (state.status == ps.PAUSED) <= state.in_hospital
