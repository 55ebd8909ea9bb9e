"""A patient's place in the programme, as a history of dated events folded into a status.

The history is the record (section 五、(一)6: admitted → dispensing paused, discharged → resumed;
yearly eligibility review; leaving). The status is derived from it, so it can always be rebuilt.
"""
from __future__ import annotations

from dataclasses import dataclass

WAITING, ENROLLED, PAUSED, LEFT = "waiting", "enrolled", "paused", "left"
STATUS_LABELS = {None: "未纳入", WAITING: "候补（等待名额）", ENROLLED: "在册服药", PAUSED: "住院暂停",
                 LEFT: "已退出"}
HOLDS_PLACE = (ENROLLED, PAUSED)  # a patient in hospital keeps his place until discharge (六(三))

APPROVED, ENROL, ADMITTED, DISCHARGED, ANNUAL_REVIEW, LEAVE = (
    "approved", "enrolled", "admitted", "discharged", "annual_review", "left")
KIND_LABELS = {
    APPROVED: "复审通过", ENROL: "纳入免费服药", ADMITTED: "住院（暂停领药）",
    DISCHARGED: "出院（恢复领药）", ANNUAL_REVIEW: "年度资格审核", LEAVE: "退出项目",
}
LEAVE_REASONS = {
    "ineligible": "不再符合条件",
    "moved": "迁出本区",
    "died": "死亡",
    "withdrew": "本人或监护人申请退出",
    "other": "其他",
}

# kind -> (statuses it may follow, status it leads to; None keeps the status)
TRANSITIONS: dict[str, tuple[tuple, str | None]] = {
    APPROVED: ((None, LEFT), WAITING),
    ENROL: ((WAITING,), ENROLLED),
    ADMITTED: ((ENROLLED,), PAUSED),
    DISCHARGED: ((PAUSED,), ENROLLED),
    ANNUAL_REVIEW: ((ENROLLED, PAUSED), None),
    LEAVE: ((WAITING, ENROLLED, PAUSED), LEFT),
}


class TransitionError(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Event:
    kind: str
    date: str  # ISO date
    reason: str | None = None


def check(current: str | None, kind: str) -> str | None:
    """The status after ``kind``; raise ``TransitionError`` (Chinese) when it can't follow."""
    allowed, after = TRANSITIONS[kind]
    if current not in allowed:
        raise TransitionError(
            f"患者当前为“{STATUS_LABELS[current]}”，不能登记“{KIND_LABELS[kind]}”")
    return current if after is None else after


def fold(events) -> str | None:
    """Replay a patient's events (oldest first) into the current status."""
    status = None
    for event in events:
        status = check(status, event.kind)
    return status


def can_dispense(status: str | None) -> bool:
    return status == ENROLLED
