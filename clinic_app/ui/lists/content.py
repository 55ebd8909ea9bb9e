"""What each work list shows: storage rows turned into titled tables of display values.

No Qt here, so the wording, the masking and the colouring rules are tested without widgets, and
the export writes exactly what the table shows. ID numbers are always masked: a list is looked
at (and exported, and printed) far more often than it needs a full number, which the patient page
reveals on request.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ...domain import idnumber
from ...domain import programme_status as ps
from ...domain import risk as risk_rules
from ...domain import workcalendar as wc
from ...storage import agreements, applications, programme, risk, settings

OVERDUE, DUE_SOON, OK = wc.OVERDUE, wc.DUE_SOON, wc.OK
NO_DEADLINE = "—"


@dataclass
class Row:
    patient_id: int
    cells: list  # display values: str, or int for numbers that sort and export as numbers
    state: str | None = None  # OVERDUE / DUE_SOON colour the row
    sort: list | None = None  # sort keys where a cell's text does not sort right

    def sort_key(self, column: int):
        return (self.sort or self.cells)[column]


@dataclass
class ListContent:
    key: str
    title: str  # the tab's name, and the export's title
    headers: tuple[str, ...]
    rows: list[Row] = field(default_factory=list)
    state_column: int | None = None  # the cell coloured strongest
    summary: str = ""  # after the count, e.g. "已逾期 2，即将到期 1"

    @property
    def count_text(self) -> str:
        text = f"共 {len(self.rows)} 名"
        return f"{text}（{self.summary}）" if self.summary else text


def _mask(number) -> str:
    return idnumber.mask(number or "")


def _text(value) -> str:
    return "" if value is None else str(value)


def _count_states(rows: list[Row]) -> str:
    overdue = sum(r.state == OVERDUE for r in rows)
    soon = sum(r.state == DUE_SOON for r in rows)
    parts = []
    if overdue:
        parts.append(f"{wc.DEADLINE_LABELS[OVERDUE]} {overdue}")
    if soon:
        parts.append(f"{wc.DEADLINE_LABELS[DUE_SOON]} {soon}")
    return "，".join(parts)


# --- 审核期限 ------------------------------------------------------------------------------

DEADLINE_HEADERS = ("姓名", "身份证号", "镇（街）", "受理日期", "当前环节", "截止日期", "状态", "说明")


def deadlines(db, today: dt.date) -> ListContent:
    """Open applications, most urgent first: initial review within 5 working days, sending to the
    programme office by the 20th, then waiting for the office's answer (no deadline of ours)."""
    rows = []
    for app in applications.deadlines(db, today):
        state = app["deadline_state"] if app["due"] else None
        label = wc.DEADLINE_LABELS[state] if state else NO_DEADLINE
        rows.append(Row(app["patient_id"], [
            _text(app["name"]), _mask(app["id_number"]), _text(app["town"]), app["received_date"],
            app["step"], app["due"] or NO_DEADLINE, label, _text(app["note"])],
            state if state in (OVERDUE, DUE_SOON) else None))
    return ListContent("deadlines", "审核期限", DEADLINE_HEADERS, rows, DEADLINE_HEADERS.index("状态"),
                       _count_states(rows))


# --- 名额与候补 ----------------------------------------------------------------------------

WAITING_HEADERS = ("顺位", "姓名", "身份证号", "镇（街）", "复审通过日期")


def places_text(summary: dict) -> str:
    return (f"名额 {summary['places']}，已用 {summary['occupied']}，空余 {summary['free']}，"
            f"候补 {summary['waiting']}")


def waiting(db) -> ListContent:
    """The waiting list in the order places are given: first approved first."""
    rows = [Row(p["id"], [n, _text(p["name"]), _mask(p["id_number"]), _text(p["town"]),
                          _text(p["approved_date"])])
            for n, p in enumerate(programme.waiting_list(db), start=1)]
    return ListContent("places", "候补名单", WAITING_HEADERS, rows)


# --- 协议到期 ------------------------------------------------------------------------------

AGREEMENT_HEADERS = ("姓名", "身份证号", "镇（街）", "签订日期", "有效期至", "剩余天数", "项目状态")
EXPIRED = "已过期"


def days_left_text(days: int) -> str:
    if days < 0:
        return f"{EXPIRED}（{-days} 天）"
    if days == 0:
        return "今天到期"
    return f"{days} 天"


def expiring_agreements(db, today: dt.date) -> ListContent:
    """Agreements of patients still in the programme that end within the warning days (设置：
    协议到期提醒), or have already ended without a renewal."""
    warn = settings.get(db, "agreement_warning_days")
    rows = []
    for a in agreements.expiring(db, today.isoformat(), warn):
        days = (dt.date.fromisoformat(a["valid_until"]) - today).days
        cells = [_text(a["name"]), _mask(a["id_number"]), _text(a["town"]), a["signed_date"],
                 a["valid_until"], days_left_text(days), ps.STATUS_LABELS.get(a["programme_status"], "")]
        sort = list(cells)
        sort[5] = days
        rows.append(Row(a["patient_id"], cells, OVERDUE if days < 0 else DUE_SOON, sort))
    expired = sum(r.state == OVERDUE for r in rows)
    parts = [f"{EXPIRED} {expired}" if expired else "",
             f"{warn} 天内到期 {len(rows) - expired}" if len(rows) > expired else ""]
    summary = "，".join(p for p in parts if p)
    return ListContent("agreements", "协议到期", AGREEMENT_HEADERS, rows,
                       AGREEMENT_HEADERS.index("剩余天数"), summary)


# --- 住院暂停 ------------------------------------------------------------------------------

PAUSED_HEADERS = ("姓名", "身份证号", "镇（街）", "复审通过日期", "项目状态")


def paused(db) -> ListContent:
    """Patients in hospital: dispensing paused, place kept until discharge (五、(一)8)."""
    rows = [Row(p["id"], [_text(p["name"]), _mask(p["id_number"]), _text(p["town"]),
                          _text(p["approved_date"]), ps.STATUS_LABELS[ps.PAUSED]])
            for p in programme.patients_with_status(db, ps.PAUSED)]
    return ListContent("paused", "住院暂停", PAUSED_HEADERS, rows)


# --- 病情加重 ------------------------------------------------------------------------------

WORSENING_HEADERS = ("标记日期", "已持续（天）", "姓名", "性别", "身份证号", "家庭住址", "危险性评估",
                     "监护人", "监护人联系方式", "说明")


def _address(flag: dict) -> str:
    address = _text(flag.get("address"))
    if address:
        return address
    return "".join(_text(flag.get(k)) for k in ("town", "village"))


def worsening(db, today: dt.date) -> ListContent:
    """Open worsening flags, oldest first, with what 综治办 and 派出所 need (六): who, where, how
    dangerous, and whom to call."""
    rows = []
    for f in risk.open_flags(db):
        level = f.get("level")
        rows.append(Row(f["patient_id"], [
            f["date"], risk.days_open(f, today), _text(f["name"]), _text(f["sex"]), _mask(f["id_number"]),
            _address(f), risk_rules.label(level) if level is not None else "未评估",
            _text(f["guardian_name"]), _text(f["guardian_phone"]), _text(f["note"])]))
    return ListContent("worsening", "病情加重", WORSENING_HEADERS, rows)
