"""Test data for enrolment: eligible and ineligible patients built through the real API."""
from __future__ import annotations

from clinic_app.domain.applications import DOCUMENTS
from clinic_app.domain.idnumber import check_char
from clinic_app.domain.patient_fields import validate_record
from clinic_app.storage import applications, patients

_serial = iter(range(100, 999))


def make_id(birth: str = "19800101", area: str = "500381") -> str:
    first17 = f"{area}{birth}{next(_serial):03d}"
    return first17 + check_char(first17)


def eligible_values(**overrides) -> dict:
    values = {"name": "张三", "id_number": make_id(), "ethnicity": "汉族", "town": "油溪镇",
              "village": "大坡村", "address": "油溪镇大坡村3组", "diagnosis": "精神分裂症",
              "diagnosing_institution": "重庆市江津区精神卫生中心", "residence_since": "2010-01-01",
              "police_managed": True, "guardian_name": "张大山", "guardian_phone": "13812345678"}
    values.update(overrides)
    result = validate_record(values)
    assert result.ok, result.errors
    return result.values


def add_patient(db, **overrides) -> int:
    return patients.create(db, eligible_values(**overrides))


def full_documents() -> dict:
    return {key: {"original_seen": True, "copy_received": True, "note": ""} for key, _ in DOCUMENTS}


def approve(db, patient_id: int, received: str = "2026-11-10", initial: str = "2026-11-12",
            final: str = "2026-11-19") -> dict:
    """Take an application through both reviews; returns the final application (with outcome)."""
    app = applications.create(db, patient_id, received, full_documents())
    applications.record_initial_review(db, app["id"], "passed", "李精防", initial)
    return applications.record_final_review(db, app["id"], "approved", "黄主任", final)
