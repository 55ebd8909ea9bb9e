"""Hand checked values to storage: a new patient, or changes to one (storage audits both)."""
from __future__ import annotations

from ...storage import patients


def save_patient(session, patient_id: int | None, values: dict, household_id: int | None,
                 photo: tuple[bytes, str] | None) -> int:
    """Return the patient's id. ``household_id`` None keeps the household (or makes a new one)."""
    db, user = session.db, session.user
    if patient_id is None:
        return patients.create(db, values, user=user, household_id=household_id, photo=photo)
    patients.update(db, patient_id, values, user=user, household_id=household_id, photo=photo)
    return patient_id
