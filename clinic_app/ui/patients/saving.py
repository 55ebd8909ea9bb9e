"""Hand checked values to the patient services: a new patient, or changes to one (both audited)."""
from __future__ import annotations

from ...services import patients as patient_services
from ..worker import notify_changed


def save_patient(session, patient_id: int | None, values: dict, household_id: int | None,
                 photo: tuple[bytes, str] | None) -> int:
    """Return the patient's id. ``household_id`` None keeps the household (or makes a new one)."""
    db, user = session.db, session.user
    if patient_id is None:
        patient_id = patient_services.create_patient(db, user, values, household_id=household_id, photo=photo)
    else:
        patient_services.update_patient(db, user, patient_id, values, household_id=household_id, photo=photo)
    notify_changed("patients")
    return patient_id
