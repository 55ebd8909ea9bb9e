"""Hospital stays of patients who hold no place (三、(一) 居家; 五、(一)6(2) an inpatient never
enrolled applies after discharge): recorded in the one status history, refused at the one home of
each rule — the application, the enrolment, the offer of a freed place."""
import datetime as dt

import pytest

from clinic_app.domain import programme_status as ps
from clinic_app.storage import applications, audit, followup, programme, settings
from clinic_app.storage.errors import StorageError
from tests.enrolment_data import add_patient, approve, full_documents


def folded(db, pid):
    return ps.fold_state([ps.Event(e["kind"], e["date"]) for e in programme.events(db, pid)])


def test_a_patient_never_enrolled_can_be_admitted_and_discharged(fresh_db):
    pid = add_patient(fresh_db, name="王五")
    assert programme.admit(fresh_db, pid, "2026-10-01", "区精神卫生中心") is None
    assert programme.state(fresh_db, pid) == ps.State(None, "2026-10-01")
    assert programme.in_hospital_since(fresh_db, pid) == "2026-10-01"
    assert programme.status(fresh_db, pid) is None  # not enrolled while in hospital
    assert audit.recent(fresh_db, 1, entity="patient", entity_id=pid)[0]["summary"] == "住院：2026-10-01"
    programme.discharge(fresh_db, pid, "2026-10-20")
    assert programme.state(fresh_db, pid) == ps.State(None, None)
    assert folded(fresh_db, pid).status == programme.status(fresh_db, pid)


def test_application_is_refused_during_the_stay_naming_the_admission_date(fresh_db):
    pid = add_patient(fresh_db, name="王五")
    programme.admit(fresh_db, pid, "2026-10-01")
    result = applications.check_eligibility(fresh_db, pid, dt.date(2026, 10, 5))
    at_home = next(c for c in result.base if c.key == "at_home")
    assert not at_home.held and at_home.detail == "自 2026-10-01 起住院治疗，出院后方可申请"
    with pytest.raises(StorageError, match="自 2026-10-01 起住院治疗，出院后方可申请"):
        applications.create(fresh_db, pid, "2026-10-05", full_documents())
    assert applications.for_patient(fresh_db, pid) == []


def test_application_received_before_the_stay_but_entered_during_it_is_refused(fresh_db):
    pid = add_patient(fresh_db, name="王五")
    programme.admit(fresh_db, pid, "2026-10-01")
    with pytest.raises(StorageError, match="自 2026-10-01 起住院治疗，出院后方可申请"):
        applications.create(fresh_db, pid, "2026-09-25", full_documents())


def test_application_is_taken_from_the_day_of_discharge(fresh_db):
    pid = add_patient(fresh_db, name="王五")
    programme.admit(fresh_db, pid, "2026-10-01")
    programme.discharge(fresh_db, pid, "2026-10-20")
    assert applications.check_eligibility(fresh_db, pid, dt.date(2026, 10, 20)).eligible
    # the day of admission is already in hospital
    assert not applications.check_eligibility(fresh_db, pid, dt.date(2026, 10, 1)).eligible
    assert applications.check_eligibility(fresh_db, pid, dt.date(2026, 9, 30)).eligible
    app = applications.create(fresh_db, pid, "2026-10-20", full_documents())
    assert app["state"] == "submitted"


def test_a_patient_who_left_and_is_in_hospital_applies_after_discharge(fresh_db):
    pid = add_patient(fresh_db, name="王五")
    approve(fresh_db, pid)
    programme.leave(fresh_db, pid, "2026-11-20", "withdrew")
    programme.admit(fresh_db, pid, "2026-11-22")
    assert programme.state(fresh_db, pid) == ps.State(ps.LEFT, "2026-11-22")
    with pytest.raises(StorageError, match="自 2026-11-22 起住院治疗"):
        applications.create(fresh_db, pid, "2026-11-25", full_documents())


def test_a_second_admission_during_the_stay_is_refused(fresh_db):
    pid = add_patient(fresh_db, name="王五")
    programme.admit(fresh_db, pid, "2026-10-01")
    with pytest.raises(StorageError, match="自 2026-10-01 起住院治疗中"):
        programme.admit(fresh_db, pid, "2026-10-03")
    with pytest.raises(StorageError, match="不能登记"):
        programme.discharge(fresh_db, add_patient(fresh_db, name="赵六"), "2026-10-03")


def test_a_waiting_patient_in_hospital_keeps_his_order_but_the_place_goes_to_the_next_at_home(fresh_db):
    settings.put(fresh_db, "places", 1)
    first, second, third = (add_patient(fresh_db, name=n) for n in ("甲一", "乙二", "丙三"))
    approve(fresh_db, first)
    approve(fresh_db, second, final="2026-11-19")
    approve(fresh_db, third, final="2026-11-20")
    programme.admit(fresh_db, second, "2026-11-21", "区精神卫生中心")
    assert programme.status(fresh_db, second) == ps.WAITING
    waiting = programme.waiting_list(fresh_db)
    assert [(w["id"], w["position"], w["admitted_on"]) for w in waiting] == [
        (second, 1, "2026-11-21"), (third, 2, None)]

    proposed = programme.leave(fresh_db, first, "2026-11-22", "moved")
    assert proposed["id"] == third
    assert [s["id"] for s in proposed["skipped"]] == [second]
    assert programme.offer_text(proposed) == (
        "是否将候补第 2 位 丙三 纳入？\n候补第 1 位 乙二 自 2026-11-21 起住院治疗，出院后方可纳入，本次跳过")
    with pytest.raises(StorageError, match="乙二 自 2026-11-21 起住院治疗，出院后方可纳入免费服药"):
        programme.enrol(fresh_db, second, "2026-11-22")
    programme.enrol(fresh_db, third, "2026-11-22")
    assert programme.status(fresh_db, third) == ps.ENROLLED
    assert programme.status(fresh_db, second) == ps.WAITING


def test_a_waiting_patient_discharged_is_enrolled_when_a_place_is_free(fresh_db):
    settings.put(fresh_db, "places", 1)
    first, second = (add_patient(fresh_db, name=n) for n in ("甲一", "乙二"))
    approve(fresh_db, first)
    approve(fresh_db, second, final="2026-11-19")
    programme.admit(fresh_db, second, "2026-11-20")
    assert programme.leave(fresh_db, first, "2026-11-21", "died") is None  # no one at home waits
    programme.discharge(fresh_db, second, "2026-11-25")
    assert programme.next_in_line(fresh_db)["id"] == second
    programme.enrol(fresh_db, second, "2026-11-25")
    assert programme.state(fresh_db, second) == ps.State(ps.ENROLLED, None)


def test_approval_during_a_stay_puts_the_patient_on_the_waiting_list(fresh_db):
    pid = add_patient(fresh_db, name="王五")
    app = applications.create(fresh_db, pid, "2026-11-10", full_documents())
    applications.record_initial_review(fresh_db, app["id"], "passed", "李精防", "2026-11-12")
    programme.admit(fresh_db, pid, "2026-11-15")
    done = applications.record_final_review(fresh_db, app["id"], "approved", "黄主任", "2026-11-19")
    assert done["outcome"] == ps.WAITING  # a free place, but he is not at home
    assert programme.state(fresh_db, pid) == ps.State(ps.WAITING, "2026-11-15")


def test_the_status_cache_equals_the_fold_through_stays_of_every_kind(fresh_db):
    pid = add_patient(fresh_db, name="王五")
    programme.admit(fresh_db, pid, "2026-09-01")
    programme.discharge(fresh_db, pid, "2026-09-20")
    approve(fresh_db, pid)
    programme.admit(fresh_db, pid, "2026-11-20")
    assert folded(fresh_db, pid) == ps.State(ps.PAUSED, "2026-11-20")
    programme.discharge(fresh_db, pid, "2026-11-25")
    programme.leave(fresh_db, pid, "2026-11-26", "withdrew")
    programme.admit(fresh_db, pid, "2026-11-27")
    assert folded(fresh_db, pid).status == programme.status(fresh_db, pid) == ps.LEFT


def test_the_work_list_of_stays_shows_those_not_enrolled_labelled(fresh_db):
    settings.put(fresh_db, "places", 1)
    enrolled, waiting, never = (add_patient(fresh_db, name=n) for n in ("在册", "候补", "未纳入"))
    approve(fresh_db, enrolled)
    approve(fresh_db, waiting, final="2026-11-20")
    programme.admit(fresh_db, enrolled, "2026-11-21")
    programme.admit(fresh_db, waiting, "2026-11-22")
    programme.admit(fresh_db, never, "2026-11-23")
    gone = add_patient(fresh_db, name="已出院")
    programme.admit(fresh_db, gone, "2026-11-01")
    programme.discharge(fresh_db, gone, "2026-11-10")
    rows = followup.paused(fresh_db, dt.date(2026, 11, 30))
    assert [(r["name"], r["admitted_date"], r["stay_label"]) for r in rows] == [
        ("在册", "2026-11-21", "住院暂停"), ("候补", "2026-11-22", "候补（等待名额）（住院中）"),
        ("未纳入", "2026-11-23", "未纳入（住院中）")]
