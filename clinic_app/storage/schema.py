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


@MIGRATIONS()
def m005_enrolment(db):
    """Applications with their review rounds, the programme status history, agreements, rescue
    cards, risk assessments and the administrator's holiday table."""
    db["applications"].create(
        {"id": int, "patient_id": int, "round": int, "previous_id": int, "received_date": str,
         "documents": str, "village_opinion": str, "village_opinion_date": str, "subsidies": str,
         "note": str,
         "initial_decision": str, "initial_reviewer": str, "initial_date": str, "initial_reason": str,
         "sent_to_office_date": str,
         "final_decision": str, "final_reviewer": str, "final_date": str, "final_reason": str,
         "created_at": str, "created_by": int},
        pk="id", not_null={"patient_id", "received_date"},
        foreign_keys=[("patient_id", "patients", "id"), ("previous_id", "applications", "id")],
    )
    db["applications"].create_index(["patient_id"])
    db["status_events"].create(
        {"id": int, "patient_id": int, "date": str, "kind": str, "reason": str, "note": str,
         "application_id": int, "recorded_by": int, "recorded_at": str},
        pk="id", not_null={"patient_id", "date", "kind"},
        foreign_keys=[("patient_id", "patients", "id"), ("application_id", "applications", "id")],
    )
    db["status_events"].create_index(["patient_id", "date"])
    db["patients"].add_column("programme_status", str)  # cache of the status history, kept in step
    db["patients"].add_column("approved_date", str)
    db["patients"].create_index(["programme_status"])
    db["agreements"].create(
        {"id": int, "patient_id": int, "designated_clinic_code": str, "signed_date": str,
         "valid_until": str, "renewed_from_id": int, "created_at": str, "created_by": int},
        pk="id", not_null={"patient_id", "designated_clinic_code", "signed_date", "valid_until"},
        foreign_keys=[("patient_id", "patients", "id"), ("designated_clinic_code", "clinics", "code"),
                      ("renewed_from_id", "agreements", "id")],
    )
    db["agreements"].create_index(["patient_id"])
    db["rescue_cards"].create(
        {"id": int, "patient_id": int, "town": str, "seq": int, "number": str, "issued_date": str,
         "status": str, "lost_date": str, "void_reason": str, "replaces_id": int,
         "created_at": str, "created_by": int},
        pk="id", not_null={"patient_id", "town", "seq", "number", "issued_date", "status"},
        foreign_keys=[("patient_id", "patients", "id"), ("replaces_id", "rescue_cards", "id")],
    )
    db["rescue_cards"].create_index(["town", "seq"], unique=True)
    db["rescue_cards"].create_index(["patient_id"])
    db["risk_assessments"].create(
        {"id": int, "patient_id": int, "date": str, "level": int, "assessor": str, "note": str,
         "recorded_by": int, "recorded_at": str},
        pk="id", not_null={"patient_id", "date", "level"},
        foreign_keys=[("patient_id", "patients", "id")],
    )
    db["risk_assessments"].create_index(["patient_id", "date"])
    db["worsening_flags"].create(
        {"id": int, "patient_id": int, "date": str, "note": str, "cleared_date": str,
         "cleared_note": str, "recorded_by": int, "recorded_at": str},
        pk="id", not_null={"patient_id", "date"},
        foreign_keys=[("patient_id", "patients", "id")],
    )
    db["holidays"].create({"date": str, "kind": str, "note": str}, pk="date", not_null={"kind"})


@MIGRATIONS()
def m006_dispensing(db):
    """Specifications and dated prices, dispensings with their lines and signatures, the stock,
    and where each dispensing sits on which rescue card page."""
    db["drug_specs"].create(
        {"id": int, "drug_id": int, "name": str, "strength": str, "unit": str, "units_per_pack": int,
         "pack_unit": str, "programme_pays": int, "active": int, "created_at": str, "created_by": int},
        pk="id", not_null={"drug_id", "name", "unit", "units_per_pack"},
        foreign_keys=[("drug_id", "drugs", "id")], defaults={"programme_pays": 1, "active": 1},
    )
    db["drug_specs"].create_index(["drug_id"])
    db["drug_prices"].create(
        {"id": int, "spec_id": int, "price_fen": int, "effective_date": str, "note": str,
         "created_at": str, "created_by": int},
        pk="id", not_null={"spec_id", "price_fen", "effective_date"},
        foreign_keys=[("spec_id", "drug_specs", "id")],
    )
    db["drug_prices"].create_index(["spec_id", "effective_date"])
    db["spec_changes"].create(
        {"id": int, "spec_id": int, "date": str, "field": str, "old": str, "new": str,
         "created_at": str, "created_by": int},
        pk="id", foreign_keys=[("spec_id", "drug_specs", "id")],
    )
    db["dispensings"].create(
        {"id": int, "patient_id": int, "kind": str, "date": str, "card_id": int,
         "psychiatrist_id": int, "dispenser_id": int, "next_appointment": str,
         "total_fen": int, "insurance_fen": int, "relief_fen": int, "disability_fen": int,
         "programme_fen": int,
         "guardian_signer": str, "guardian_name": str, "self_sign_reason": str,
         "guardian_signature": bytes,
         "psychiatrist_signed_at": str, "dispenser_signed_at": str, "guardian_signed_at": str,
         "voids_id": int, "void_reason": str, "content_hash": str, "created_at": str, "created_by": int},
        pk="id", not_null={"patient_id", "kind", "date", "total_fen", "programme_fen", "content_hash"},
        foreign_keys=[("patient_id", "patients", "id"), ("card_id", "rescue_cards", "id"),
                      ("psychiatrist_id", "users", "id"), ("dispenser_id", "users", "id"),
                      ("voids_id", "dispensings", "id")],
    )
    db["dispensings"].create_index(["patient_id", "date"])
    db["dispensings"].create_index(["date"])
    db["dispensings"].create_index(["voids_id"])
    db["dispensing_lines"].create(
        {"id": int, "dispensing_id": int, "spec_id": int, "drug_id": int, "packs": int, "units": int,
         "daily_dose": str, "days": int, "cover_start": str, "cover_until": str, "price_fen": int,
         "total_fen": int, "insurance_fen": int, "relief_fen": int, "disability_fen": int,
         "programme_fen": int},
        pk="id", not_null={"dispensing_id", "spec_id", "packs", "units", "price_fen", "total_fen"},
        foreign_keys=[("dispensing_id", "dispensings", "id"), ("spec_id", "drug_specs", "id"),
                      ("drug_id", "drugs", "id")],
    )
    db["dispensing_lines"].create_index(["dispensing_id"])
    db["dispensing_lines"].create_index(["drug_id"])
    # Final entries are never edited or deleted: a correction is a void entry plus a new one.
    for table in ("dispensings", "dispensing_lines"):
        db.execute(f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
                   f"BEGIN SELECT RAISE(ABORT, '{table} entries are final'); END")
        db.execute(f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
                   f"BEGIN SELECT RAISE(ABORT, '{table} entries are final'); END")
    db["stock_batches"].create(
        {"id": int, "spec_id": int, "batch_no": str, "expiry_date": str, "received_date": str,
         "packs_received": int, "supplier": str, "note": str, "created_at": str, "created_by": int},
        pk="id", not_null={"spec_id", "batch_no", "expiry_date", "received_date", "packs_received"},
        foreign_keys=[("spec_id", "drug_specs", "id")],
    )
    db["stock_batches"].create_index(["spec_id", "expiry_date"])
    db["stock_moves"].create(
        {"id": int, "batch_id": int, "date": str, "packs": int, "kind": str, "dispensing_line_id": int,
         "reason": str, "created_at": str, "created_by": int},
        pk="id", not_null={"batch_id", "date", "packs", "kind"},
        foreign_keys=[("batch_id", "stock_batches", "id"), ("dispensing_line_id", "dispensing_lines", "id")],
    )
    db["stock_moves"].create_index(["batch_id"])
    db["card_rows"].create(
        {"id": int, "card_id": int, "dispensing_id": int, "page": int, "line": int, "printed_at": str},
        pk="id", not_null={"card_id", "dispensing_id", "page", "line"},
        foreign_keys=[("card_id", "rescue_cards", "id"), ("dispensing_id", "dispensings", "id")],
    )
    db["card_rows"].create_index(["card_id", "page", "line"], unique=True)
    db["card_rows"].create_index(["dispensing_id"])


@MIGRATIONS()
def m007_quarters(db):
    """Quarters of the ledger: the amount pre-allocated to the clinic, and closing / reopening,
    each an event with who, when and why."""
    db["quarters"].create({"quarter": str, "allocated_fen": int, "closed": int, "note": str},
                          pk="quarter", defaults={"allocated_fen": 0, "closed": 0})
    db["quarter_events"].create(
        {"id": int, "quarter": str, "kind": str, "reason": str, "detail": str, "at": str, "user_id": int},
        pk="id", not_null={"quarter", "kind", "at"},
        foreign_keys=[("quarter", "quarters", "quarter"), ("user_id", "users", "id")],
    )
    db["quarter_events"].create_index(["quarter"])


@MIGRATIONS()
def m008_card_void_date(db):
    """The day a rescue card was voided on leaving, so "was this card valid on that day?" can be
    answered for a back-dated collection. Cards voided before this column existed carry the date
    in their reason, "退出项目（2026-07-01）"."""
    db["rescue_cards"].add_column("void_date", str)
    db.execute("UPDATE rescue_cards SET void_date = substr(void_reason, 6, 10) "
               "WHERE status = 'void' AND void_reason LIKE '退出项目（____-__-__）'")


@MIGRATIONS()
def m009_line_cover(db):
    """The recomputed cover of every live dispensing line (``storage.cover``): rebuilt for the
    patient with every collection and void, so a void frees the cover it caused and a back-dated
    collection slots in by its date. Backfilled here from the existing collections."""
    from . import cover

    db["line_cover"].create(
        {"line_id": int, "dispensing_id": int, "patient_id": int, "drug_id": int, "date": str,
         "cover_start": str, "cover_until": str},
        pk="line_id", not_null={"dispensing_id", "patient_id", "drug_id", "date", "cover_start", "cover_until"},
        foreign_keys=[("line_id", "dispensing_lines", "id"), ("dispensing_id", "dispensings", "id"),
                      ("patient_id", "patients", "id"), ("drug_id", "drugs", "id")],
    )
    db["line_cover"].create_index(["patient_id", "date"])
    db["line_cover"].create_index(["date"])
    cover.rebuild_all(db)


@MIGRATIONS()
def m010_seals(db):
    """Tamper evidence over every record that matters (``storage.seals``): a keyed seal per row
    kept by triggers, rolled up into a keyed seal head; and the audit chain keyed from here on.
    Existing rows are sealed now; on a database that already has audit rows, the first keyed
    row says so ("审计链自此使用密钥"), and the head remembers where the plain hashes end."""
    from . import audit, integrity_key, seals

    key = integrity_key.of(db)
    seals.register(db.conn, lambda: key)
    seals.create_tables(db)
    head = db.execute("SELECT last_id FROM audit_head WHERE id = 1").fetchone()
    last_id = head[0] if head else 0
    seals.backfill(db, key, audit_cutover=last_id + 1)
    seals.install(db)
    if last_id:
        audit.record(db, audit.KEYED, "database", None,
                     "审计链自此使用密钥（HMAC）：此前各行为普通哈希，此后各行无钥匙无法重算")


@MIGRATIONS()
def m011_search_index(db):
    """The patient search index (``storage.search_index``): keys for short queries, kept by
    triggers on ``patients``, filled here from the existing patients. Derived, not sealed."""
    from . import search_index

    search_index.create(db)
    search_index.rebuild(db)


@MIGRATIONS()
def m012_stock_balances(db):
    """The running stock of every batch (``storage.stock``): kept by triggers on ``stock_moves``
    in the same transaction as every move, so a collection reads one row per batch instead of
    summing every move ever made. Derived, not sealed; filled here from the existing moves.
    Also the indexes a void's stock return (moves of a line) and the foreign-key checks of a new
    collection's rows (moves and cover by their line and entry) look up by."""
    from . import stock

    stock.create_balances(db)
    stock.rebuild_balances(db)
    db["stock_moves"].create_index(["dispensing_line_id"], if_not_exists=True)
    db["line_cover"].create_index(["dispensing_id"], if_not_exists=True)


@MIGRATIONS()
def m013_row_seals_by_table(db):
    """An index of the seals by table alone: the quick check recounts every table's seals
    against its roll-up (a row deleted with its seal), and at a million entries walking
    ``row_seals`` itself (MAC and column tags in every entry) took seconds; the index holds only
    (table, key), a seventh of the pages."""
    db.execute("CREATE INDEX IF NOT EXISTS row_seals_tbl ON row_seals (tbl)")
