"""Applications, reviews, places, status history, agreements and rescue cards on a real file."""
import datetime as dt

import pytest

from clinic_app.domain import programme_status as ps
from clinic_app.storage import agreements, applications, audit, cards, clock, patients, programme, settings
from clinic_app.storage.errors import StorageError
from tests.enrolment_data import add_patient, approve, eligible_values, full_documents


def test_eligible_patient_goes_through_both_reviews_and_is_enrolled_with_card_0001(fresh_db):
    pid = add_patient(fresh_db)
    app = approve(fresh_db, pid)
    assert app["state"] == "approved" and app["outcome"] == ps.ENROLLED
    assert programme.status(fresh_db, pid) == ps.ENROLLED
    card = cards.current(fresh_db, pid)
    assert (card["town"], card["number"]) == ("油溪镇", "0001")
    assert [e["kind"] for e in programme.events(fresh_db, pid)] == [ps.APPROVED, ps.ENROL]
    assert patients.search(fresh_db, "0001")[0]["id"] == pid


def test_ineligible_patient_is_refused_with_the_missing_criteria_and_nothing_is_written(fresh_db):
    pid = add_patient(fresh_db, police_managed=False, residence_since="2026-10-01")
    with pytest.raises(StorageError) as info:
        applications.create(fresh_db, pid, "2026-11-10", full_documents())
    assert "在本区居住3个月以上" in info.value.message
    assert "不符合任何一项帮扶条件" in info.value.message
    assert applications.for_patient(fresh_db, pid) == []


def test_initial_review_due_five_working_days_after_receipt(fresh_db):
    pid = add_patient(fresh_db)
    app = applications.create(fresh_db, pid, "2026-09-28", full_documents())
    plan = applications.schedule(fresh_db, app)
    # 国庆 2026: 1–7 October off; 29, 30 September, 8, 9 October, and Saturday 10 October,
    # an adjusted working day (调休上班), make five
    assert plan.initial_review_due == dt.date(2026, 10, 10)
    assert plan.note is None


def test_review_after_the_deadline_needs_the_reason_for_the_delay(fresh_db):
    pid = add_patient(fresh_db)
    app = applications.create(fresh_db, pid, "2026-11-10", full_documents())
    with pytest.raises(StorageError, match="已超过初审期限.*逾期原因"):
        applications.record_initial_review(fresh_db, app["id"], "passed", "李精防", "2026-11-25")
    done = applications.record_initial_review(fresh_db, app["id"], "passed", "李精防", "2026-11-25",
                                              late_reason="材料补交")
    assert "逾期原因：材料补交" in done["initial_reason"]


def test_initial_review_cannot_pass_with_required_documents_missing(fresh_db):
    pid = add_patient(fresh_db)
    docs = full_documents()
    docs["diagnosis"]["copy_received"] = False
    app = applications.create(fresh_db, pid, "2026-11-10", docs)
    with pytest.raises(StorageError, match="精神疾病诊断证明书"):
        applications.record_initial_review(fresh_db, app["id"], "passed", "李精防", "2026-11-11")


def test_a_rejected_application_can_be_resubmitted_and_both_rounds_stay(fresh_db):
    pid = add_patient(fresh_db)
    first = applications.create(fresh_db, pid, "2026-10-12", full_documents())
    applications.record_initial_review(fresh_db, first["id"], "passed", "李精防", "2026-10-13")
    with pytest.raises(StorageError, match="写明理由"):
        applications.record_final_review(fresh_db, first["id"], "rejected", "黄主任", "2026-10-20")
    applications.record_final_review(fresh_db, first["id"], "rejected", "黄主任", "2026-10-20", "诊断书过期")
    second = applications.create(fresh_db, pid, "2026-11-10", full_documents())
    assert (second["round"], second["previous_id"]) == (2, first["id"])
    rounds = applications.for_patient(fresh_db, pid)
    assert [r["state"] for r in rounds] == ["final_rejected", "submitted"]


def test_an_open_application_blocks_a_second_one(fresh_db):
    pid = add_patient(fresh_db)
    applications.create(fresh_db, pid, "2026-11-10", full_documents())
    with pytest.raises(StorageError, match="尚在审核中"):
        applications.create(fresh_db, pid, "2026-11-11", full_documents())


def test_when_places_are_full_the_approved_patient_waits_in_approval_order(fresh_db):
    settings.put(fresh_db, "places", 1)
    first, second, third = (add_patient(fresh_db, name=n) for n in ("甲一", "乙二", "丙三"))
    assert approve(fresh_db, first)["outcome"] == ps.ENROLLED
    assert approve(fresh_db, third, final="2026-11-19")["outcome"] == ps.WAITING
    assert approve(fresh_db, second, final="2026-11-20")["outcome"] == ps.WAITING
    assert [w["id"] for w in programme.waiting_list(fresh_db)] == [third, second]
    with pytest.raises(StorageError, match="名额已满"):
        programme.enrol(fresh_db, third, "2026-11-21")
    proposed = programme.leave(fresh_db, first, "2026-11-22", "moved", "迁往綦江")
    assert proposed["id"] == third
    with pytest.raises(StorageError, match="应先纳入"):
        programme.enrol(fresh_db, second, "2026-11-22")
    programme.enrol(fresh_db, third, "2026-11-22")
    assert programme.places_summary(fresh_db) == {"places": 1, "occupied": 1, "free": 0, "waiting": 1}


def test_hospital_admission_pauses_keeps_the_place_and_discharge_resumes(fresh_db):
    settings.put(fresh_db, "places", 1)
    pid = add_patient(fresh_db)
    approve(fresh_db, pid)
    programme.admit(fresh_db, pid, "2026-11-20", "派出所送治")
    assert programme.status(fresh_db, pid) == ps.PAUSED
    assert programme.places_summary(fresh_db)["free"] == 0
    with pytest.raises(StorageError, match="不能登记"):
        programme.admit(fresh_db, pid, "2026-11-21")
    with pytest.raises(StorageError, match="不能早于"):
        programme.discharge(fresh_db, pid, "2026-11-01")
    programme.discharge(fresh_db, pid, "2026-11-30")
    assert programme.status(fresh_db, pid) == ps.ENROLLED
    summaries = [r["summary"] for r in audit.recent(fresh_db, 3, entity="patient", entity_id=pid)]
    assert summaries[0].startswith("出院") and summaries[1].startswith("住院")


def test_status_cache_always_equals_the_folded_history(fresh_db):
    pid = add_patient(fresh_db)
    approve(fresh_db, pid)
    programme.admit(fresh_db, pid, "2026-11-20")
    programme.discharge(fresh_db, pid, "2026-11-25")
    programme.leave(fresh_db, pid, "2026-11-26", "withdrew")
    history = [ps.Event(e["kind"], e["date"]) for e in programme.events(fresh_db, pid)]
    assert ps.fold(history) == programme.status(fresh_db, pid) == ps.LEFT


def test_failed_annual_review_means_leaving_as_no_longer_eligible(fresh_db):
    pid = add_patient(fresh_db)
    approve(fresh_db, pid)
    programme.annual_review(fresh_db, pid, "2027-11-01", still_eligible=False)
    events = programme.events(fresh_db, pid)
    assert events[-1]["kind"] == ps.LEAVE and events[-1]["reason"] == "ineligible"


def test_agreement_runs_one_year_and_renewal_needs_a_passed_annual_review(fresh_db, monkeypatch):
    pid = add_patient(fresh_db)
    approve(fresh_db, pid)
    first = agreements.sign(fresh_db, pid, "youxi", "2026-11-20")
    assert first["valid_until"] == "2027-11-19"
    with pytest.raises(StorageError, match="续签"):
        agreements.sign(fresh_db, pid, "youxi", "2026-11-21")
    monkeypatch.setattr(clock, "today", lambda: dt.date(2027, 11, 15))  # a signing is never future-dated
    with pytest.raises(StorageError, match="年度资格审核"):
        agreements.renew(fresh_db, pid, "youxi", "2027-11-10")
    programme.annual_review(fresh_db, pid, "2027-11-01", still_eligible=True)
    renewed = agreements.renew(fresh_db, pid, "baisha", "2027-11-10")
    assert renewed["renewed_from_id"] == first["id"]
    assert [a["clinic_name"] for a in agreements.history(fresh_db, pid)] == ["油溪（中心）卫生院", "白沙（中心）卫生院"]


def test_agreement_only_with_a_clinic_of_attachment_6(fresh_db):
    pid = add_patient(fresh_db)
    approve(fresh_db, pid)
    with pytest.raises(StorageError, match="附件6"):
        agreements.sign(fresh_db, pid, "nowhere", "2026-11-20")


def test_agreements_expiring_within_30_days_are_listed(fresh_db):
    pid = add_patient(fresh_db)
    approve(fresh_db, pid, "2025-12-10", "2025-12-11", "2025-12-15")  # signed after enrolment
    agreements.sign(fresh_db, pid, "youxi", "2026-01-05")  # valid until 2027-01-04
    assert [a["patient_id"] for a in agreements.expiring(fresh_db, "2026-12-10", 30)] == [pid]
    assert agreements.expiring(fresh_db, "2026-11-01", 30) == []


def test_lost_card_becomes_void_and_a_new_number_is_issued_with_history(fresh_db):
    a = add_patient(fresh_db, name="甲一")
    b = add_patient(fresh_db, name="乙二")
    c = add_patient(fresh_db, name="丙三", town="白沙镇", address="白沙镇")
    for pid in (a, b, c):
        approve(fresh_db, pid)
    assert [cards.current(fresh_db, p)["number"] for p in (a, b, c)] == ["0001", "0002", "0001"]
    cards.report_lost(fresh_db, a, "2026-12-01")
    assert cards.current(fresh_db, a) is None
    assert cards.awaiting_reissue(fresh_db, a)["number"] == "0001"
    with pytest.raises(StorageError, match="不能早于挂失日期"):
        cards.reissue(fresh_db, a, "2026-11-30")
    new = cards.reissue(fresh_db, a, "2026-12-03")
    assert new["number"] == "0003" and new["replaces_id"] is not None
    assert [(h["number"], h["status"]) for h in cards.history(fresh_db, a)] == [("0001", "lost"), ("0003", "active")]
    assert [r["id"] for r in patients.search(fresh_db, "0003")] == [a]


def test_leaving_voids_the_card_and_a_patient_approved_again_gets_a_new_number(fresh_db):
    pid = add_patient(fresh_db)
    approve(fresh_db, pid, received="2026-10-12", initial="2026-10-13", final="2026-10-20")
    programme.leave(fresh_db, pid, "2026-10-25", "withdrew")
    assert cards.current(fresh_db, pid) is None
    assert cards.history(fresh_db, pid)[0]["status"] == cards.VOID
    assert patients.search(fresh_db, "0001") == []
    approve(fresh_db, pid)
    assert cards.current(fresh_db, pid)["number"] == "0002"


def test_a_household_member_who_left_no_longer_makes_guardianship_weak(fresh_db):
    first = add_patient(fresh_db, name="甲一", police_managed=False)
    shared = patients.get(fresh_db, first)["household_id"]
    second = patients.create(fresh_db, eligible_values(name="乙二"), household_id=shared)
    on = dt.date(2026, 11, 10)
    assert applications.check_eligibility(fresh_db, first, on).eligible
    approve(fresh_db, second)
    programme.leave(fresh_db, second, "2026-11-21", "died")
    assert not applications.check_eligibility(fresh_db, first, on).eligible


def test_annual_review_does_not_count_a_hospital_stay_against_the_patient(fresh_db):
    pid = add_patient(fresh_db)
    approve(fresh_db, pid)
    programme.admit(fresh_db, pid, "2026-11-20")
    on = dt.date(2026, 11, 21)
    assert not applications.check_eligibility(fresh_db, pid, on).eligible
    assert applications.check_eligibility(fresh_db, pid, on, annual_review=True).eligible


@pytest.mark.parametrize("received, message", [("2026-13-01", "不是有效日期"), ("2999-01-01", "不能晚于今天")])
def test_bad_or_future_received_dates_are_refused_in_chinese(fresh_db, received, message):
    pid = add_patient(fresh_db)
    with pytest.raises(StorageError, match=message):
        applications.create(fresh_db, pid, received, full_documents())


def test_a_bad_event_date_is_a_chinese_refusal_not_a_crash(fresh_db):
    pid = add_patient(fresh_db)
    approve(fresh_db, pid)
    with pytest.raises(StorageError, match="不是有效日期"):
        programme.admit(fresh_db, pid, "2026/11/31")


def test_application_day_is_the_10th_or_the_next_working_day(fresh_db):
    assert applications.application_day(fresh_db, dt.date(2026, 11, 3)) == dt.date(2026, 11, 10)
    # 10 January 2026 is a Saturday: the next working day is Monday 12 January
    assert applications.application_day(fresh_db, dt.date(2026, 1, 20)) == dt.date(2026, 1, 12)


# --- documents asked for by what the patient claims (五、(一)2) ---------------------------------

def _all_but_poverty() -> dict:
    docs = full_documents()
    docs["poverty"] = {"original_seen": False, "copy_received": False, "note": ""}
    return docs


def test_a_police_managed_patient_not_poor_passes_the_initial_review_without_proof_of_poverty(fresh_db):
    pid = add_patient(fresh_db)  # police-managed, not poor
    assert applications.document_requirements(fresh_db, pid)["poverty"] == "not_applicable"
    app = applications.create(fresh_db, pid, "2026-11-10", _all_but_poverty())
    done = applications.record_initial_review(fresh_db, app["id"], "passed", "李精防", "2026-11-12")
    assert done["state"] == "awaiting_final"
    assert done["documents"]["poverty"]["original_seen"] is False  # no false tick


def test_a_poor_patient_without_proof_of_poverty_is_refused_at_the_initial_review(fresh_db):
    pid = add_patient(fresh_db, police_managed=False, poverty_statuses=["低保户"])
    assert applications.document_requirements(fresh_db, pid)["poverty"] == "required"
    app = applications.create(fresh_db, pid, "2026-11-10", _all_but_poverty())
    with pytest.raises(StorageError, match="材料不齐，不能通过初审：\n贫困证明"):
        applications.record_initial_review(fresh_db, app["id"], "passed", "李精防", "2026-11-12")


# --- printing the agreement is not signing it ---------------------------------------------------

def test_printing_a_copy_to_sign_records_no_agreement_and_is_audited_as_a_print(fresh_db, tmp_path):
    from clinic_app.services import printing as jobs
    from tests.card_fixtures import printer

    pid = add_patient(fresh_db, name="孙小兰")
    approve(fresh_db, pid)
    jobs.print_agreement(fresh_db, printer(fresh_db), pid, tmp_path / "a.pdf", clinic_code="baisha",
                         planned=dt.date(2026, 11, 20))
    assert agreements.latest(fresh_db, pid) is None
    row = audit.recent(fresh_db, 1)[0]
    assert (row["action"], row["entity"]) == (audit.PRINT, "agreement")
    assert row["summary"] == ("打印服务协议（待签字，未登记为已签订）：孙小兰（白沙（中心）卫生院，"
                              "拟 2026-11-20 签字，一式两份）")


def test_a_copy_to_sign_is_refused_for_a_patient_not_approved_or_a_clinic_not_of_attachment_6(fresh_db, tmp_path):
    from clinic_app.services import printing as jobs
    from tests.card_fixtures import printer

    pid = add_patient(fresh_db, name="孙小兰")
    with pytest.raises(StorageError, match="复审通过（在册或候补）的患者才能签订协议"):
        jobs.print_agreement(fresh_db, printer(fresh_db), pid, tmp_path / "a.pdf", clinic_code="youxi")
    approve(fresh_db, pid)
    with pytest.raises(StorageError, match="附件6"):
        jobs.print_agreement(fresh_db, printer(fresh_db), pid, tmp_path / "a.pdf", clinic_code="nowhere")
    assert not (tmp_path / "a.pdf").exists()


@pytest.mark.parametrize("signed, message", [
    ("2999-01-01", "签字日期不能晚于今天"), ("2026-11-18", "签字日期不能早于纳入免费服药日期（2026-11-19）"),
    ("2026-02-30", "不是有效日期")])
def test_the_signing_date_is_not_in_the_future_nor_before_enrolment(fresh_db, signed, message):
    pid = add_patient(fresh_db)
    approve(fresh_db, pid)  # enrolled 2026-11-19
    with pytest.raises(StorageError, match=message):
        agreements.record_signed(fresh_db, pid, "youxi", signed)
    assert agreements.latest(fresh_db, pid) is None
    row = agreements.record_signed(fresh_db, pid, "youxi", "2026-11-19")  # the day of enrolment
    assert row["valid_until"] == "2027-11-18"


def test_a_waiting_patient_signs_not_before_his_approval(fresh_db):
    settings.put(fresh_db, "places", 0)
    pid = add_patient(fresh_db)
    assert approve(fresh_db, pid)["outcome"] == ps.WAITING
    with pytest.raises(StorageError, match="签字日期不能早于复审通过日期（2026-11-19）"):
        agreements.record_signed(fresh_db, pid, "youxi", "2026-11-18")
    assert agreements.record_signed(fresh_db, pid, "youxi", "2026-11-19")["signed_date"] == "2026-11-19"
