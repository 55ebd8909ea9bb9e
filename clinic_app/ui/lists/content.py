"""What each work list shows: storage rows turned into titled tables of display values.

No Qt here, so the wording, the masking and the colouring rules are tested without widgets, and
the export writes exactly what the table shows. ID numbers are always masked: a list is looked
at (and exported, and printed) far more often than it needs a full number, which the patient page
reveals on request.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ...domain import privacy
from ...domain import programme_status as ps
from ...domain import workcalendar as wc
from ...storage import agreements, applications, programme, settings

OVERDUE, DUE_SOON, OK = wc.OVERDUE, wc.DUE_SOON, wc.OK
NO_DEADLINE = "—"


# On paper a long header is broken in two, so its column is as narrow as its values.
PRINT_HEADERS = {"应取药日期": "应取药\n日期", "救助卡编号": "救助卡\n编号", "监护人联系方式": "监护人\n联系方式",
                 "约定取药日期": "约定取药\n日期", "年审到期日": "年审\n到期日", "协议有效期至": "协议\n有效期至",
                 "已持续（天）": "已持续\n（天）", "危险性评估": "危险性\n评估", "复审通过日期": "复审通过\n日期"}


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
    heading: str = ""  # what the list is, with the settings it follows, e.g. "超过 7 天未领药的在册患者"
    exchange: bool = False  # handed to 综治办 and 派出所 (六): printed with followup_pdf.EXCHANGE_NOTICE
    as_of: str = ""  # the day the list was drawn up for
    print_columns: tuple[str, ...] | None = None  # the headers printed on A4 (None: all of them)

    def printed(self, headers: list[str], rows: list[list]) -> tuple[list[str], list[list]]:
        """The columns that go on paper, with headers broken to fit a narrow column."""
        keep = [i for i, h in enumerate(headers) if self.print_columns is None or h in self.print_columns]
        return [PRINT_HEADERS.get(headers[i], headers[i]) for i in keep], [[row[i] for i in keep] for row in rows]

    @property
    def count_text(self) -> str:
        text = f"共 {len(self.rows)} 名"
        return f"{text}（{self.summary}）" if self.summary else text


def _mask(number) -> str:
    return privacy.id_shown(number, privacy.LIST)


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
                       _count_states(rows), as_of=today.isoformat())


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
                       AGREEMENT_HEADERS.index("剩余天数"), summary, as_of=today.isoformat())


def _address(row: dict) -> str:
    """The home address, or town and village when none was recorded."""
    address = _text(row.get("address"))
    if address:
        return address
    return "".join(_text(row.get(k)) for k in ("town", "village"))
