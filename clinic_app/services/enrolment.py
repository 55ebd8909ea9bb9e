"""Enrolment (五、(一)): applications and their two reviews, places, hospital stays, the annual
review and leaving, the agreement, the rescue card and the risk assessment. Storage checks each
rule and writes in one transaction with its audit row; here the acting user's right is checked
first, so no screen or command can reach those writes without it."""
from __future__ import annotations

from ..storage import agreements, applications, cards, programme, risk, settings
from .use_case import use_case

RIGHT = "enrolment.edit"


# --- applications ----------------------------------------------------------------------------

@use_case(RIGHT)
def submit_application(db, actor, patient_id: int, received_date: str, documents: dict | None = None,
                       village_opinion: str = "", village_opinion_date: str | None = None, note: str = "") -> dict:
    return applications.create(db, patient_id, received_date, documents, village_opinion, village_opinion_date,
                               note, user=actor)


@use_case(RIGHT)
def update_documents(db, actor, application_id: int, documents: dict, village_opinion: str = "",
                     village_opinion_date: str | None = None) -> dict:
    return applications.update_documents(db, application_id, documents, village_opinion, village_opinion_date,
                                         user=actor)


@use_case(RIGHT)
def initial_review(db, actor, application_id: int, decision: str, reviewer: str, date: str, reason: str = "",
                   late_reason: str = "") -> dict:
    return applications.record_initial_review(db, application_id, decision, reviewer, date, reason, late_reason,
                                              user=actor)


@use_case(RIGHT)
def send_to_office(db, actor, application_id: int, date: str) -> dict:
    return applications.mark_sent_to_office(db, application_id, date, user=actor)


@use_case(RIGHT)
def final_review(db, actor, application_id: int, decision: str, reviewer: str, date: str, reason: str = "") -> dict:
    return applications.record_final_review(db, application_id, decision, reviewer, date, reason, user=actor)


# --- places and status -------------------------------------------------------------------------

@use_case("places.enrol")
def enrol(db, actor, patient_id: int, date: str) -> dict:
    return programme.enrol(db, patient_id, date, user=actor)


@use_case(RIGHT)
def admit(db, actor, patient_id: int, date: str, note: str = "") -> str:
    return programme.admit(db, patient_id, date, note, user=actor)


@use_case(RIGHT)
def discharge(db, actor, patient_id: int, date: str, note: str = "") -> str:
    return programme.discharge(db, patient_id, date, note, user=actor)


@use_case(RIGHT)
def leave(db, actor, patient_id: int, date: str, reason: str, note: str = "") -> dict | None:
    return programme.leave(db, patient_id, date, reason, note, user=actor)


@use_case(RIGHT)
def annual_review(db, actor, patient_id: int, date: str, still_eligible: bool, note: str = "") -> dict | None:
    return programme.annual_review(db, patient_id, date, still_eligible, note, user=actor)


# --- agreement and card --------------------------------------------------------------------------

@use_case(RIGHT)
def record_agreement_signed(db, actor, patient_id: int, signed_date: str, clinic_code: str | None = None) -> dict:
    """Both parties signed the printed agreement: the first one, or a renewal. The clinic defaults
    to that of the previous agreement, else this clinic."""
    previous = agreements.latest(db, patient_id)
    clinic = clinic_code or (previous or {}).get("designated_clinic_code") or settings.get(db, "clinic_code")
    return agreements.record_signed(db, patient_id, clinic, signed_date, actor)


@use_case(RIGHT)
def sign_agreement(db, actor, patient_id: int, clinic_code: str, signed_date: str) -> dict:
    """The first agreement, confirmed "双方已签字" on ``signed_date``."""
    return agreements.sign(db, patient_id, clinic_code, signed_date, user=actor)


@use_case(RIGHT)
def renew_agreement(db, actor, patient_id: int, clinic_code: str, signed_date: str) -> dict:
    return agreements.renew(db, patient_id, clinic_code, signed_date, user=actor)


@use_case(RIGHT)
def report_card_lost(db, actor, patient_id: int, lost_date: str) -> dict:
    return cards.report_lost(db, patient_id, lost_date, user=actor)


@use_case(RIGHT)
def reissue_card(db, actor, patient_id: int, issued_date: str) -> dict:
    return cards.reissue(db, patient_id, issued_date, user=actor)


# --- risk ----------------------------------------------------------------------------------------

@use_case(RIGHT)
def assess_risk(db, actor, patient_id: int, level, date, assessor: str, note: str = "") -> int:
    return risk.record_assessment(db, patient_id, level, date, assessor, note, user=actor)


@use_case(RIGHT)
def flag_worsening(db, actor, patient_id: int, date, note: str = "") -> int:
    return risk.flag_worsening(db, patient_id, date, note, user=actor)


@use_case(RIGHT)
def clear_worsening(db, actor, flag_id: int, date, note: str = "") -> None:
    risk.clear_worsening(db, flag_id, date, note, user=actor)
