"""Every service with every role: a role the table forbids is refused before anything is written,
and a role it allows is never refused for want of a right (a rule may still say no)."""
from __future__ import annotations

import pytest

from clinic_app.domain import roles
from clinic_app.domain.errors import ClinicError, PermissionDenied
from clinic_app.services import printing
from clinic_app.services.use_case import all_use_cases
from clinic_app.storage import accounts, audit, catalogue, holidays, patients
from clinic_app.storage import applications, cards, programme, risk
from clinic_app.storage import dispensing as disp
from tests.dispensing_data import ADMIN, build, fast_passwords, fix_today, three_months
from tests.enrolment_data import add_patient, approve, eligible_values, full_documents
from tests.ui.conftest import make_id

USE_CASES = all_use_cases()
VIEWER = ("zhao_ck", "Chakan2026x", "赵查看")

# name → (args, kwargs) after (db, user), given the world; realistic enough to pass for an allowed role
SAMPLES = {
    "accounts.create_user": lambda w: (("xin_yh", "Xinyonghu2026", roles.OFFICER, "新用户"), {}),
    "accounts.update_user": lambda w: ((w.officer2["id"],), {"display_name": "赵发药（改）"}),
    "accounts.reset_password": lambda w: ((w.officer2["id"], "Chongshe2026x"), {}),
    "accounts.unlock_user": lambda w: ((w.officer2["id"],), {}),
    "settings.change_settings": lambda w: (({"monthly_cap_fen": 60000},), {}),
    "settings.set_places": lambda w: ((120,), {}),
    "catalogue.add_spec": lambda w: ((w.risperidone["drug_id"], "利培酮片", "2mg", "片", 30), {}),
    "catalogue.update_spec": lambda w: ((w.risperidone["id"], {"name": "利培酮片（维思通）"}, "2026-12-01"), {}),
    "catalogue.retire_spec": lambda w: ((w.olanzapine["id"], "2026-12-01"), {}),
    "catalogue.reactivate_spec": lambda w: (
        (catalogue.retire_spec(w.db, w.olanzapine["id"], "2026-12-01")["id"], "2026-12-01"), {}),
    "catalogue.set_price": lambda w: ((w.risperidone["id"], 1900, "2026-12-01"), {}),
    "stock.receive": lambda w: ((w.risperidone["id"], "B-NEW", "2028-01-31", 10, "2026-12-01"), {}),
    "stock.count": lambda w: ((1, 199, "2026-12-01", "盘点少1盒"), {}),
    "holidays.set_day": lambda w: (("2027-01-04", "holiday", "补休"), {}),
    "holidays.remove_day": lambda w: ((holidays.set_day(w.db, "2027-01-04", "holiday")["date"],), {}),
    "quarters.set_allocation": lambda w: (("2026Q4", 100000), {}),
    "quarters.close": lambda w: (("2026Q3",), {}),
    "quarters.reopen": lambda w: (("2026Q3", "补录"), {}),
    "patients.create_patient": lambda w: ((eligible_values(name="新患者"),), {}),
    "patients.update_patient": lambda w: ((w.patient_id, {**patients.get(w.db, w.patient_id), "ethnicity": "土家族"}),
                                          {}),
    "patients.view_patient": lambda w: ((w.patient_id,), {}),
    "patients.reveal_id_numbers": lambda w: ((w.patient_id,), {}),
    "backup.back_up": lambda w: ((w.db_path, w.db_path.parent / "backups"), {}),
    # enrolment: a second patient, applying
    "enrolment.submit_application": lambda w: ((_applicant(w), "2026-12-10", full_documents()), {}),
    "enrolment.update_documents": lambda w: ((_application(w)["id"], full_documents()), {}),
    "enrolment.initial_review": lambda w: ((_application(w)["id"], "passed", "李精防", "2026-12-11"), {}),
    "enrolment.send_to_office": lambda w: ((_reviewed(w)["id"], "2026-12-14"), {}),
    "enrolment.final_review": lambda w: ((_reviewed(w)["id"], "approved", "黄主任", "2026-12-15"), {}),
    "enrolment.enrol": lambda w: ((_waiting(w), "2026-12-16"), {}),
    "enrolment.admit": lambda w: ((w.patient_id, "2026-12-01"), {}),
    "enrolment.discharge": lambda w: ((_admitted(w), "2026-12-05"), {}),
    "enrolment.leave": lambda w: ((w.patient_id, "2026-12-01", "moved"), {}),
    "enrolment.annual_review": lambda w: ((w.patient_id, "2026-12-01", True), {}),
    "enrolment.record_agreement_signed": lambda w: ((_waiting(w), "2026-12-16", "youxi"), {}),
    "enrolment.sign_agreement": lambda w: ((_waiting(w), "youxi", "2026-12-16"), {}),
    "enrolment.renew_agreement": lambda w: ((_reviewed_yearly(w), "youxi", "2026-12-01"), {}),
    "enrolment.report_card_lost": lambda w: ((w.patient_id, "2026-12-01"), {}),
    "enrolment.reissue_card": lambda w: ((_lost(w), "2026-12-02"), {}),
    "enrolment.assess_risk": lambda w: ((w.patient_id, 1, "2026-12-01", "王医生"), {}),
    "enrolment.flag_worsening": lambda w: ((w.patient_id, "2026-12-01"), {}),
    "enrolment.clear_worsening": lambda w: ((risk.flag_worsening(w.db, w.patient_id, "2026-12-01"), "2026-12-02"), {}),
    # dispensing
    "dispensing.dispense": lambda w: ((w.patient_id, "2026-12-01", three_months(w), w.signatures()), {}),
    "dispensing.record_collection": lambda w: (
        (w.patient_id, "2026-12-01", three_months(w), disp.verify_signatures(w.db, w.patient_id, w.signatures())),
        {}),
    "dispensing.void_collection": lambda w: ((w.dispense("2026-12-01", three_months(w))["id"], "数量录错",
                                             w.admin["id"], ADMIN[1]), {}),
    # printing
    "printing.print_application": lambda w: ((w.patient_id, _out(w, "form.pdf")), {}),
    "printing.print_agreement": lambda w: ((w.patient_id, _out(w, "agreement.pdf")), {}),
    "printing.record_agreement_print": lambda w: ((printing.gather_agreement(w.db, w.patient_id),), {}),
    "printing.print_register": lambda w: ((_out(w, "register.pdf"),), {}),
    "printing.record_register_print": lambda w: ((_out(w, "register.xlsx"), printing.gather_register(w.db)), {}),
    "printing.record_work_list": lambda w: ((audit.PRINT, _out(w, "list.pdf"), "到期随访", [w.patient_id]), {}),
    "printing.print_card": lambda w: ((w.patient_id, _out(w, "card.pdf")), {}),
    "printing.print_new_card_rows": lambda w: ((_collected(w), _out(w, "rows.pdf")), {}),
    "printing.confirm_card_rows_printed": lambda w: ((w.patient_id, _placed_rows(w)), {}),
    # register import
    "register.import_register": lambda w: ((_register_file(w),), {}),
    # exports
    "exports.export_ledger": lambda w: ((_this_clinic(w), _out(w, "usb")), {"replace": True}),
    "exports.record_ledger_export": lambda w: _written_package(w),
    "exports.print_ledger": lambda w: ((_this_clinic(w), _out(w, "ledger.pdf")), {}),
    "printing.print_slip": lambda w: ((w.dispense("2026-12-01", three_months(w))["id"], _out(w, "slip.pdf")), {}),
}


def _out(w, name: str):
    return w.db_path.parent / name


def _register_file(w):
    from tests.exchange.register_files import mixed_register
    return mixed_register(w.db_path.parent)


def _this_clinic(w) -> str:
    """The clinic the ledger is exported for; the quarter to export."""
    from clinic_app.storage import settings
    settings.put(w.db, "clinic_code", "youxi")
    return "2026Q4"


def _written_package(w):
    from clinic_app.exchange import ledger_export
    from clinic_app.services import exports

    job = exports.ledger_job(w.db, _this_clinic(w))
    return (job, ledger_export.write_package(job, _out(w, "usb"), replace=True)), {}


def _placed_rows(w) -> list[int]:
    """A collection given its line on the card, not yet confirmed as printed."""
    from clinic_app.storage import card_rows
    w.dispense("2026-12-01", three_months(w))
    card = cards.current(w.db, w.patient_id)
    return [r["id"] for r in card_rows.place_all(w.db, card["id"])]


def _collected(w) -> int:
    w.dispense("2026-12-01", three_months(w))
    return w.patient_id



def _applicant(w) -> int:
    return add_patient(w.db, name="申请人", id_number=make_id("19700101", "456"))


def _application(w) -> dict:
    return applications.create(w.db, _applicant(w), "2026-12-10", full_documents())


def _reviewed(w) -> dict:
    app = _application(w)
    return applications.record_initial_review(w.db, app["id"], "passed", "李精防", "2026-12-11")


def _waiting(w) -> int:
    from clinic_app.storage import settings
    pid = _applicant(w)
    settings.put(w.db, "places", 1)                   # full: the approval puts him on the waiting list
    approve(w.db, pid, "2026-12-10", "2026-12-11", "2026-12-15")
    settings.put(w.db, "places", 5)                   # a place frees
    return pid


def _reviewed_yearly(w) -> int:
    programme.annual_review(w.db, w.patient_id, "2026-11-30", True)
    return w.patient_id


def _admitted(w) -> int:
    programme.admit(w.db, w.patient_id, "2026-12-01")
    return w.patient_id


def _lost(w) -> int:
    cards.report_lost(w.db, w.patient_id, "2026-12-01")
    return w.patient_id

# samples a rule refuses for every role (the right is checked first, so they still test the matrix)
REFUSED_BY_A_RULE = {"quarters.close": "请先导出", "quarters.reopen": "尚未结账"}


@pytest.fixture(autouse=True)
def _cheap_passwords(monkeypatch):
    fast_passwords(monkeypatch)
    fix_today(monkeypatch)


def snapshot(db) -> dict:
    return {t: db[t].count for t in db.table_names() if t not in ("audit_log", "row_seals")}


def test_every_use_case_has_a_sample_call():
    assert set(SAMPLES) == set(USE_CASES)


@pytest.mark.parametrize("name", sorted(USE_CASES))
def test_every_role_gets_exactly_what_the_table_says(name, fresh_db, db_path):
    world = build(fresh_db)
    world.db_path = db_path
    people = {roles.ADMIN: world.admin, roles.OFFICER: world.officer, roles.PSYCHIATRIST: world.doctor,
              roles.READONLY: accounts.create_user(fresh_db, *VIEWER[:2], roles.READONLY, VIEWER[2])}
    use_case = USE_CASES[name]
    args, kwargs = SAMPLES[name](world)
    allowed = roles.roles_with(use_case.action)
    for role in [r for r in roles.ROLES if r not in allowed]:      # refusals first: nothing written
        before, audit_rows = snapshot(fresh_db), fresh_db["audit_log"].count
        with pytest.raises(PermissionDenied):
            use_case(fresh_db, people[role], *args, **kwargs)
        assert snapshot(fresh_db) == before
        assert fresh_db["audit_log"].count == audit_rows + 1     # the attempt itself is recorded
    outcomes = []
    for role in allowed:
        try:
            use_case(fresh_db, people[role], *args, **kwargs)
            outcomes.append("done")
        except PermissionDenied as exc:
            pytest.fail(f"{name} refused {role}: {exc.message}")
        except ClinicError as exc:   # a rule may refuse a repeat (a duplicate user name, …)
            outcomes.append(exc.message)
    if name in REFUSED_BY_A_RULE:
        assert all(REFUSED_BY_A_RULE[name] in o for o in outcomes)
    else:
        assert outcomes[0] == "done"   # the sample is a real call, not one that fails anyway
