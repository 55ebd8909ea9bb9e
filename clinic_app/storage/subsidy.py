"""Whether the 残联 free-medication subsidy applies to a patient, and why — read in one place so the
price of a collection (``dispensing._price``) and the dialog's cost panel give the same answer."""
from __future__ import annotations

from ..domain import disability
from ..domain.errors import ValidationError
from ..domain.money import yuan
from . import patients, settings


def disability_eligibility(db, patient_id: int) -> disability.SubsidyEligibility:
    """The patient's certificate against the administrator's category setting (default: 6, mental).
    Whether the number belongs to the patient is checked when it is entered, not here."""
    patient = patients.get(db, patient_id)
    categories = settings.get(db, "disability_subsidy_categories")
    try:
        disability.parse_subsidy_categories(categories)
    except ValidationError:   # only a hand-edited file holds a bad value; the plan's default then
        categories = disability.MENTAL
    return disability.subsidy_eligibility(patient.get("disability_cert_no"), categories)


def disability_note(db, patient_id: int, disability_fen: int | None = None) -> str:
    """One sentence for the cost panel: why the 残联 subsidy is what it is, above all when it is 0."""
    eligibility = disability_eligibility(db, patient_id)
    if not eligibility.applies:
        return eligibility.reason
    percent = settings.get(db, "disability_subsidy_percent")
    if percent <= 0:
        return f"{eligibility.reason}；补助比例设为 0%，本次无残联补助（管理员可在设置中修改）"
    cap = settings.get(db, "disability_subsidy_monthly_cap_fen")
    rule = f"按医保、民政报销后余额的 {percent}%"
    if cap > 0:
        rule += f"，每月不超过 {yuan(cap)} 元"
    if disability_fen == 0:
        return f"{eligibility.reason}（{rule}）；医保、民政报销后无余额，本次残联补助为 0"
    return f"{eligibility.reason}（{rule}）"
