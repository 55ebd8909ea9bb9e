"""A patient's place in the programme, as a history of dated events folded into a status.

The history is the record (section 五、(一)6: admitted → dispensing paused, discharged → resumed;
yearly eligibility review; leaving). The status is derived from it, so it can always be rebuilt.

A stay in hospital is part of the same history, whatever the patient's place: an enrolled patient
admitted is paused (he keeps his place); a patient not (yet) enrolled — never applied, waiting for
a place, or gone — may be admitted too, and then is not "居家" (三、(一)) until discharged, so he may
neither apply (五、(一)6(2): "在出院后可按照程序申请") nor be given a place. The fold therefore gives
two things: the status and, while a stay is open, the admission date.

Same-day semantics: an event dated D is in effect for the whole of D. Enrolled or discharged on D
→ may collect on D; admitted or left on D → may not collect on D.
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
# How a stay reads for a patient who holds no place: nothing is paused or resumed for him.
STAY_LABELS = {ADMITTED: "住院", DISCHARGED: "出院"}
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
    ADMITTED: ((None, WAITING, ENROLLED, LEFT), None),   # ENROLLED → PAUSED, see ``step``
    DISCHARGED: ((None, WAITING, PAUSED, LEFT), None),   # PAUSED → ENROLLED, only from an open stay
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


@dataclass(frozen=True)
class State:
    """Where a patient stands: his status and, while he is in hospital, the admission date."""
    status: str | None = None
    admitted_on: str | None = None

    @property
    def in_hospital(self) -> bool:
        return self.admitted_on is not None

    @property
    def label(self) -> str:
        """``住院暂停`` for a paused patient; ``未纳入（住院中）`` for one not enrolled in hospital."""
        text = STATUS_LABELS[self.status]
        if self.in_hospital and self.status != PAUSED:
            text += "（住院中）"
        return text


def _refused(state: State, kind: str) -> TransitionError:
    return TransitionError(f"患者当前为“{state.label}”，不能登记“{KIND_LABELS[kind]}”")


def step(state: State, kind: str, date: str | None = None) -> State:
    """The state after an event of ``kind`` dated ``date``; ``TransitionError`` (Chinese) when it
    can't follow. An open stay blocks a second admission and enrolment; only it can be discharged."""
    allowed, after = TRANSITIONS[kind]
    if state.status not in allowed:
        raise _refused(state, kind)
    if kind == ADMITTED:
        if state.in_hospital:
            raise TransitionError(f"患者自 {state.admitted_on} 起住院治疗中，不能再次登记住院")
        return State(PAUSED if state.status == ENROLLED else state.status, date or "")
    if kind == DISCHARGED:
        if not state.in_hospital:
            raise _refused(state, kind)
        return State(ENROLLED if state.status == PAUSED else state.status, None)
    if kind == ENROL and state.in_hospital:
        raise TransitionError(f"患者自 {state.admitted_on} 起住院治疗，出院后方可纳入免费服药")
    return State(state.status if after is None else after, state.admitted_on)


def check(current: str | None, kind: str) -> str | None:
    """The status after ``kind`` from a bare status (an open stay only when PAUSED)."""
    state = State(current, "?" if current == PAUSED else None)
    return step(state, kind).status


def fold_state(events, on: str | None = None) -> State:
    """Replay a patient's events (oldest first) into his state; with ``on`` (ISO date) only the
    events dated on or before that day count — the state as it was on that day."""
    state = State()
    for event in events:
        if on is not None and event.date > on:
            continue
        state = step(state, event.kind, event.date)
    return state


def fold(events, on: str | None = None) -> str | None:
    """Replay a patient's events (oldest first) into the status (as of ``on`` when given)."""
    return fold_state(events, on).status


def can_dispense(status: str | None) -> bool:
    return status == ENROLLED


def event_label(kind: str, status_before: str | None) -> str:
    """The history's wording: a stay of a patient without a place pauses nothing."""
    if kind in STAY_LABELS and status_before not in HOLDS_PLACE:
        return STAY_LABELS[kind]
    return KIND_LABELS.get(kind, kind)


def history_labels(events) -> list[str]:
    """One label per event (oldest first), each worded for the status it followed."""
    labels, state = [], State()
    for event in events:
        labels.append(event_label(event.kind, state.status))
        try:
            state = step(state, event.kind, event.date)
        except (TransitionError, KeyError):
            pass
    return labels
