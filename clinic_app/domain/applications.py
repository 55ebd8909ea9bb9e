"""An application's documents and its two-stage review (section 五、(一)2–4).

Each round of application is one record; a rejected round stays, and a resubmission is a new
round that points back to it.
"""
from __future__ import annotations

from dataclasses import dataclass

# The six documents handed in, two copies each (五、(一)3 ①–⑥).
DOCUMENTS: tuple[tuple[str, str], ...] = (
    ("form", "江津区严重精神障碍患者免费服药审批表"),
    ("id_cards", "申请人及监护人居民身份证"),
    ("insurance_cards", "申请人医保卡和特病卡（无此卡可不携带）"),
    ("diagnosis", "精神疾病诊断证明书"),
    ("disability", "残疾人证（如有，需提供）"),
    ("poverty", "贫困证明（低保、特困户等民政救助对象证件，或建卡贫困户的辖区政府证明）"),
)
OPTIONAL_DOCUMENTS = ("insurance_cards", "disability")

# What each document is for one applicant: handed in always, handed in when he has it (③ "无此卡
#可不携带", ⑤ "如有"), or not asked of him at all (⑥ proves poverty, so it is asked only of an
# applicant who qualifies as poor, 三、(一)2).
REQUIRED, IF_ANY, NOT_APPLICABLE = "required", "if_any", "not_applicable"
REQUIREMENT_LABELS = {REQUIRED: "必交", IF_ANY: "如有", NOT_APPLICABLE: "不适用"}
NOT_APPLICABLE_REASONS = {"poverty": "不以贫困申请，无需贫困证明"}


def document_requirements(eligibility=None) -> dict[str, str]:
    """``{document key: REQUIRED | IF_ANY | NOT_APPLICABLE}`` from the eligibility result
    (``domain.eligibility.Eligibility``). ⑥ 贫困证明 is required only when poverty is one of the
    criteria the patient qualifies on; without a result (a blank form) it is asked for."""
    out = {key: IF_ANY if key in OPTIONAL_DOCUMENTS else REQUIRED for key, _ in DOCUMENTS}
    if eligibility is not None:
        poor = any(c.key == "poverty" and c.held for c in eligibility.any_of)
        if not poor:
            out["poverty"] = NOT_APPLICABLE
    return out

SUBMITTED, INITIAL_REJECTED, AWAITING_FINAL, APPROVED, FINAL_REJECTED = (
    "submitted", "initial_rejected", "awaiting_final", "approved", "final_rejected")
STATE_LABELS = {
    SUBMITTED: "待初审",
    INITIAL_REJECTED: "初审未通过",
    AWAITING_FINAL: "初审通过，待复审",
    APPROVED: "复审通过",
    FINAL_REJECTED: "复审未通过",
}
CLOSED = (INITIAL_REJECTED, APPROVED, FINAL_REJECTED)
REJECTED = (INITIAL_REJECTED, FINAL_REJECTED)

INITIAL_DECISIONS = {"passed": "通过", "rejected": "不通过"}
FINAL_DECISIONS = {"approved": "同意", "rejected": "不同意"}


@dataclass(frozen=True)
class DocumentCheck:
    key: str
    original_seen: bool = False
    copy_received: bool = False
    note: str = ""


def empty_checklist() -> dict[str, dict]:
    return {key: {"original_seen": False, "copy_received": False, "note": ""} for key, _ in DOCUMENTS}


def missing_documents(checklist: dict[str, dict], requirements: dict[str, str] | None = None) -> list[str]:
    """Required documents not yet seen in original and received in copy; a document not asked
    of this applicant (``requirements``, see ``document_requirements``) is never missing."""
    requirements = requirements or document_requirements()
    out = []
    for key, label in DOCUMENTS:
        if requirements.get(key) == NOT_APPLICABLE:
            continue
        item = checklist.get(key) or {}
        if key in OPTIONAL_DOCUMENTS and item.get("note"):
            continue  # "无此卡" / "无残疾证" written in the note
        if key in OPTIONAL_DOCUMENTS and not (item.get("original_seen") or item.get("copy_received")):
            continue
        if not (item.get("original_seen") and item.get("copy_received")):
            out.append(label)
    return out


def state(application: dict) -> str:
    if application.get("initial_decision") == "rejected":
        return INITIAL_REJECTED
    if application.get("initial_decision") != "passed":
        return SUBMITTED
    if application.get("final_decision") == "approved":
        return APPROVED
    if application.get("final_decision") == "rejected":
        return FINAL_REJECTED
    return AWAITING_FINAL


def application_day_note(received, application_day) -> str | None:
    """The visible note for an application received on another day than its month's application
    day (五、(一)1: the 10th, or the next working day): it is accepted, never refused, but never
    silently either — the note goes with the application on screen, in the audit and on paper.
    ``None`` when it was received on the application day itself."""
    if received == application_day:
        return None
    when = "早于" if received < application_day else "晚于"
    return (f"本月申请日为 {application_day.isoformat()}（每月10日，遇节假日顺延至下一个工作日）；"
            f"本申请于 {received.isoformat()} 受理，{when}申请日")
