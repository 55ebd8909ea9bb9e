"""The refusals a screen shows beside an input name that input (``field``), so no screen has to read
the Chinese text to find where it belongs — and a refusal reworded tomorrow stays where it is."""
from __future__ import annotations

import pytest

from clinic_app.domain import programme_status as ps
from clinic_app.storage import agreements, applications, cards, catalogue, programme, risk, stock
from clinic_app.storage import dispensing as disp
from clinic_app.storage.errors import StorageError
from tests.dispensing_data import (RISPERIDONE, build, fast_passwords, fix_today, line, three_months)
from tests.enrolment_data import add_patient, approve, full_documents

DAY = "2026-11-20"


@pytest.fixture(autouse=True)
def _setup(monkeypatch):
    fast_passwords(monkeypatch)
    fix_today(monkeypatch)   # 2026-12-31


def field_of(call, *args, **kwargs) -> str | None:
    with pytest.raises(StorageError) as info:
        call(*args, **kwargs)
    return info.value.field


# --- applications ---------------------------------------------------------------------------------

def test_application_refusals_name_the_input(fresh_db):
    pid = add_patient(fresh_db)
    assert field_of(applications.create, fresh_db, pid, "2027-01-05", full_documents()) == "received_date"
    assert field_of(applications.create, fresh_db, pid, "2026-02-30", full_documents()) == "received_date"
    stranger = add_patient(fresh_db, residence_since=None)
    assert field_of(applications.create, fresh_db, stranger, "2026-11-10", full_documents()) == "eligibility"

    app = applications.create(fresh_db, pid, "2026-11-10", {})
    review = applications.record_initial_review
    assert field_of(review, fresh_db, app["id"], "", "李精防", "2026-11-11") == "decision"
    assert field_of(review, fresh_db, app["id"], "passed", " ", "2026-11-11") == "reviewer"
    assert field_of(review, fresh_db, app["id"], "passed", "李精防", "2026-11-09") == "date"
    assert field_of(review, fresh_db, app["id"], "rejected", "李精防", "2026-11-11") == "reason"
    assert field_of(review, fresh_db, app["id"], "passed", "李精防", "2026-11-11") == "documents"
    applications.update_documents(fresh_db, app["id"], full_documents())
    assert field_of(review, fresh_db, app["id"], "passed", "李精防", "2026-12-30") == "late_reason"
    review(fresh_db, app["id"], "passed", "李精防", "2026-11-11")
    with pytest.raises(StorageError) as info:   # a refusal about the round, not an input: no field
        review(fresh_db, app["id"], "passed", "李精防", "2026-11-11")
    assert info.value.field is None

    assert field_of(applications.mark_sent_to_office, fresh_db, app["id"], "2026-11-10") == "date"
    final = applications.record_final_review
    assert field_of(final, fresh_db, app["id"], "", "黄主任", "2026-11-19") == "decision"
    assert field_of(final, fresh_db, app["id"], "approved", "", "2026-11-19") == "reviewer"
    assert field_of(final, fresh_db, app["id"], "approved", "黄主任", "2026-11-10") == "date"
    assert field_of(final, fresh_db, app["id"], "rejected", "黄主任", "2026-11-19") == "reason"


# --- status events, agreements, cards, risk --------------------------------------------------------

def test_status_event_refusals_name_the_date_and_the_reason(fresh_db):
    pid = add_patient(fresh_db)
    approve(fresh_db, pid)   # enrolled 2026-11-19
    assert field_of(programme.admit, fresh_db, pid, "2026-11-18") == "date"
    assert field_of(programme.admit, fresh_db, pid, "2026-13-01") == "date"
    assert field_of(programme.leave, fresh_db, pid, "2026-11-20", "") == "reason"
    assert programme.status(fresh_db, pid) == ps.ENROLLED


def test_agreement_refusals_name_the_signing_date_the_clinic_and_the_review(fresh_db):
    pid = add_patient(fresh_db)
    approve(fresh_db, pid)
    assert field_of(agreements.sign, fresh_db, pid, "youxi", "2027-01-02") == "signed_date"
    assert field_of(agreements.sign, fresh_db, pid, "youxi", "2026-11-18") == "signed_date"
    assert field_of(agreements.sign, fresh_db, pid, "nowhere", "2026-11-20") == "clinic_code"
    agreements.sign(fresh_db, pid, "youxi", "2026-11-20")
    assert field_of(agreements.renew, fresh_db, pid, "youxi", "2026-12-30") == "annual_review"


def test_card_refusals_name_their_date(fresh_db):
    pid = add_patient(fresh_db)
    approve(fresh_db, pid)   # card issued 2026-11-19
    assert field_of(cards.report_lost, fresh_db, pid, "2026-11-01") == "lost_date"
    cards.report_lost(fresh_db, pid, "2026-12-01")
    assert field_of(cards.reissue, fresh_db, pid, "2026-11-30") == "issued_date"


def test_risk_refusals_name_level_date_and_assessor(fresh_db):
    pid = add_patient(fresh_db)
    assert field_of(risk.record_assessment, fresh_db, pid, 7, "2026-12-01", "王医生") == "level"
    assert field_of(risk.record_assessment, fresh_db, pid, "九级", "2026-12-01", "王医生") == "level"
    assert field_of(risk.record_assessment, fresh_db, pid, 2, "2027-01-01", "王医生") == "date"
    assert field_of(risk.record_assessment, fresh_db, pid, 2, "2026-12-01", " ") == "assessor"
    flag = risk.flag_worsening(fresh_db, pid, "2026-12-10")
    assert field_of(risk.clear_worsening, fresh_db, flag, "2026-12-09") == "date"
    with pytest.raises(StorageError) as info:
        risk.flag_worsening(fresh_db, pid, "2026-12-11")
    assert info.value.field is None   # an open flag is about the patient, not an input


# --- stock and catalogue ---------------------------------------------------------------------------

def test_stock_refusals_name_the_input(fresh_db):
    spec = catalogue.add_spec(fresh_db, RISPERIDONE, "利培酮片", "1mg", "片", 20)
    receive = stock.receive
    assert field_of(receive, fresh_db, spec["id"], " ", "2028-06-30", 5, "2026-12-01") == "batch_no"
    assert field_of(receive, fresh_db, spec["id"], "B1", "2028-02-30", 5, "2026-12-01") == "expiry_date"
    assert field_of(receive, fresh_db, spec["id"], "B1", "2026-11-30", 5, "2026-12-01") == "expiry_date"
    assert field_of(receive, fresh_db, spec["id"], "B1", "2028-06-30", 5, "昨天") == "received_date"
    assert field_of(receive, fresh_db, spec["id"], "B1", "2028-06-30", 0, "2026-12-01") == "packs"
    batch = receive(fresh_db, spec["id"], "B1", "2028-06-30", 5, "2026-12-01")
    assert field_of(receive, fresh_db, spec["id"], "B1", "2028-07-31", 5, "2026-12-01") == "batch_no"
    assert field_of(stock.adjust, fresh_db, batch["id"], 3, "2026-12-02", " ") == "reason"
    assert field_of(stock.adjust, fresh_db, batch["id"], -1, "2026-12-02", "破损") == "counted_packs"
    assert field_of(stock.adjust, fresh_db, batch["id"], 3, "某日", "破损") == "date"
    catalogue.retire_spec(fresh_db, spec["id"], "2026-12-02")
    assert field_of(receive, fresh_db, spec["id"], "B2", "2028-06-30", 5, "2026-12-03") == "spec_id"


def test_a_duplicate_specification_names_the_name(fresh_db):
    catalogue.add_spec(fresh_db, RISPERIDONE, "利培酮片", "1mg", "片", 20)
    assert field_of(catalogue.add_spec, fresh_db, RISPERIDONE, "利培酮片", "1mg", "片", 20) == "name"


# --- signatures and voids --------------------------------------------------------------------------

def test_signature_refusals_name_the_signer(fresh_db):
    world = build(fresh_db)
    lines = three_months(world)
    def signed(**overrides):
        return field_of(world.dispense, DAY, lines, signatures=world.signatures(**overrides))
    assert signed(psychiatrist_password="wrong1234") == "psychiatrist"
    assert signed(psychiatrist_id=world.officer2["id"]) == "psychiatrist"
    assert signed(dispenser_password="wrong1234") == "dispenser"
    assert signed(dispenser_id=world.doctor["id"]) == "dispenser"     # the same person twice
    assert signed(guardian_png=None) == "guardian_png"
    assert signed(guardian_png=b"not a picture") == "guardian_png"
    assert signed(signer=disp.PATIENT_SELF, self_sign_reason=" ") == "self_sign_reason"


def test_a_guardianless_patient_signed_for_by_a_guardian_names_the_signer(fresh_db):
    world = build(fresh_db, guardian=False)
    assert field_of(world.dispense, DAY, three_months(world), signatures=world.signatures()) == "signer"


def test_void_refusals_name_reason_authoriser_and_entry(fresh_db):
    world = build(fresh_db)
    entry = world.dispense(DAY, [line(world.risperidone, 3, "1")])
    assert field_of(world.void, entry["id"], reason=" ") == "reason"
    assert field_of(world.void, entry["id"], password="wrong1234") == "authoriser"
    assert field_of(world.void, entry["id"], authoriser_id=world.doctor["id"]) == "authoriser"
    assert field_of(world.void, entry["id"], date="2026-11-19") == "date"
    void = world.void(entry["id"])
    assert field_of(world.void, entry["id"]) == "dispensing_id"      # already voided
    assert field_of(world.void, void["id"]) == "dispensing_id"       # a void is not voided
