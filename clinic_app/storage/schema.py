"""The schema as ordered migrations. Never edit an applied migration: add a new one below.

Each migration runs in its own transaction (sqlite-utils ``Migrations``), so a failed upgrade
leaves the file at the previous version.
"""
from __future__ import annotations

from sqlite_utils.migrations import Migrations

MIGRATIONS = Migrations("clinic_app")


@MIGRATIONS()
def m001_reference_data(db):
    db["clinics"].create(
        {"code": str, "seq": int, "name": str, "towns": str, "supervising_hospital": str},
        pk="code", not_null={"name"},
    )
    db["towns"].create({"name": str, "clinic_code": str, "seq": int}, pk="name",
                       foreign_keys=[("clinic_code", "clinics", "code")])
    db["drugs"].create(
        {"id": int, "seq": int, "name": str, "dosage_form": str, "drug_class": str,
         "insurance_class": str, "note": str},
        pk="id", not_null={"name"},
    )
    db["drugs"].create_index(["name"], unique=True)


@MIGRATIONS()
def m002_patients_and_guardians(db):
    db["households"].create({"id": int, "created_at": str, "note": str}, pk="id")
    db["guardians"].create(
        {"id": int, "name": str, "id_number": str, "phone": str, "address": str, "postcode": str,
         "created_at": str, "updated_at": str},
        pk="id",
    )
    db["guardians"].create_index(["id_number"])
    db["patients"].create(
        {
            "id": int, "household_id": int, "guardian_id": int, "guardian_relationship": str,
            "name": str, "sex": str, "ethnicity": str, "birth_date": str, "id_number": str,
            "disability_cert_no": str, "postcode": str, "address": str, "phone": str,
            "town": str, "village": str, "hukou_type": str,
            "insurance_types": str, "insurance_card_no": str,
            "special_disease_card": int, "special_disease_card_no": str,
            "diagnosis": str, "diagnosing_institution": str, "residence_since": str,
            "police_managed": int, "poverty_statuses": str, "subsidies": str,
            "search_initials": str, "search_pinyin": str, "search_numbers": str,
            "created_at": str, "updated_at": str, "created_by": int, "updated_by": int,
        },
        pk="id",
        not_null={"name", "id_number"},
        foreign_keys=[("household_id", "households", "id"), ("guardian_id", "guardians", "id")],
    )
    db["patients"].create_index(["id_number"], unique=True)
    db["patients"].create_index(["household_id"])
    db["patients"].create_index(["guardian_id"])
    db["patients"].create_index(["name"])
    db["patient_photos"].create(
        {"patient_id": int, "image": bytes, "mime": str, "updated_at": str},
        pk="patient_id", foreign_keys=[("patient_id", "patients", "id")],
    )


@MIGRATIONS()
def m003_accounts_and_settings(db):
    db["users"].create(
        {"id": int, "username": str, "display_name": str, "role": str, "password_hash": str,
         "active": int, "failed_attempts": int, "locked_until": str, "created_at": str,
         "last_login_at": str},
        pk="id", not_null={"username", "role", "password_hash"},
        defaults={"active": 1, "failed_attempts": 0},
    )
    db["users"].create_index(["username"], unique=True)
    db["settings"].create({"key": str, "value": str}, pk="key")


@MIGRATIONS()
def m004_audit_trail(db):
    db["audit_log"].create(
        {"id": int, "at": str, "user_id": int, "username": str, "action": str, "entity": str,
         "entity_id": str, "summary": str, "detail": str, "prev_hash": str, "hash": str},
        pk="id", not_null={"at", "action", "hash"},
    )
    db["audit_log"].create_index(["entity", "entity_id"])
    # The head is kept apart so that deleting the newest rows is noticed too.
    db["audit_head"].create({"id": int, "last_id": int, "last_hash": str, "count": int}, pk="id")
    db.execute(
        "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
    )
    db.execute(
        "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
    )
