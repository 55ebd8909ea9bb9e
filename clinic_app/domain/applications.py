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


def missing_documents(checklist: dict[str, dict]) -> list[str]:
    """Required documents not yet seen in original and received in copy."""
    out = []
    for key, label in DOCUMENTS:
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
