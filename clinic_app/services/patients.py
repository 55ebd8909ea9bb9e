"""Patients and their guardians: who may look, who may change, and the audit of both."""
from __future__ import annotations

from ..storage import audit, patients
from .use_case import use_case


@use_case("patient.edit")
def create_patient(db, actor, values: dict, household_id: int | None = None,
                   photo: tuple[bytes, str] | None = None) -> int:
    return patients.create(db, values, user=actor, household_id=household_id, photo=photo)


@use_case("patient.edit")
def update_patient(db, actor, patient_id: int, values: dict, household_id: int | None = None,
                   photo=patients.KEEP) -> list[str]:
    return patients.update(db, patient_id, values, user=actor, household_id=household_id, photo=photo)


@use_case("patient.view")
def view_patient(db, actor, patient_id: int) -> dict:
    """The patient's record, and the audit row saying who looked at it."""
    record = patients.get(db, patient_id)
    audit.record(db, audit.VIEW, "patient", patient_id, f"查看患者 {record['name']}", user=actor)
    return record


@use_case("patient.reveal_id")
def reveal_id_numbers(db, actor, patient_id: int, why: str = "显示完整身份证号") -> None:
    """Whole ID numbers on screen are a reveal, recorded before they are shown."""
    audit.record(db, audit.REVEAL, "patient", patient_id, why, user=actor)
