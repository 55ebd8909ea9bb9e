"""The follow-up lists (随访名单, 六) as titled tables of display values: who should come for drugs
this month, who has not come, whose yearly review or agreement is due, who is in hospital, who is
worsening, and whose adherence is low.

No Qt here. Each builder takes the connection it should read — the work-list window calls them on
a worker thread with a connection of the worker's own — and reads the settings it names in its
heading (逾期未领药天数, 服务依从性提示线, 协议到期提醒) from that same connection.
"""
from __future__ import annotations

import datetime as dt

from ...domain import programme_status as ps
from ...domain.cover import LAST_DAY_LABEL
from ...storage import followup as fu
from ...storage import settings
from .content import DUE_SOON, OVERDUE, ListContent, Row, _address, _mask, _text

NO_AGREEMENT = "未签"


def _count(rows: list[Row], state: str) -> int:
    return sum(r.state == state for r in rows)


def _joined(*parts: str) -> str:
    return "，".join(p for p in parts if p)


# --- 本月到期 ------------------------------------------------------------------------------

DRUGS_HEADER = f"各药品{LAST_DAY_LABEL}"  # the last day with drug, as on the dialog and the slip
DUE_HEADERS = ("应取药日期", "剩余天数", "姓名", "身份证号", "救助卡编号", "家庭住址", "联系电话", "监护人",
               "监护人联系方式", "上次领药", DRUGS_HEADER, "约定取药日期", "原因")
DUE_PRINTED = tuple(h for h in DUE_HEADERS if h not in (DRUGS_HEADER, "约定取药日期"))  # A4 is only so wide
DUE_SOON_DAYS = 7  # the row turns orange this many days before the drug runs out


def due_in_text(days: int) -> str:
    if days < 0:
        return f"已过 {-days} 天"
    if days == 0:
        return "今天"
    return f"还有 {days} 天"


def due_this_month(db, today: dt.date) -> ListContent:
    """Enrolled patients to collect by the end of this month, soonest first; those whose drug has
    already run out (but not for longer than 逾期未领药天数) in red, within a week in orange."""
    grace = settings.get(db, "overdue_days")
    rows = []
    for r in fu.due_this_month(db, today):
        days = r["days_left"]
        cells = [r["due_date"], due_in_text(days), _text(r["name"]), _mask(r["id_number"]),
                 _text(r["card_number"]), _address(r), _text(r["phone"]), _text(r["guardian_name"]),
                 _text(r["guardian_phone"]), _text(r["last_collection"]), r["drugs"],
                 _text(r["next_appointment"]), r["due_reason_label"]]
        sort = list(cells)
        sort[1] = days
        state = OVERDUE if days < 0 else DUE_SOON if days <= DUE_SOON_DAYS else None
        rows.append(Row(r["patient_id"], cells, state, sort))
    summary = _joined(f"已到期未领 {_count(rows, OVERDUE)}" if _count(rows, OVERDUE) else "",
                      f"{DUE_SOON_DAYS} 天内到期 {_count(rows, DUE_SOON)}" if _count(rows, DUE_SOON) else "")
    heading = (f"本月（至 {fu.month_end(today).isoformat()}）应来领药的在册患者，"
               f"含药已用完但未超过 {grace} 天的")
    return ListContent("due", "本月到期", DUE_HEADERS, rows, DUE_HEADERS.index("剩余天数"), summary,
                       heading=heading, as_of=today.isoformat(), print_columns=DUE_PRINTED)


# --- 逾期未领药 ----------------------------------------------------------------------------

OVERDUE_HEADERS = ("应取药日期", "逾期天数", "姓名", "身份证号", "救助卡编号", "家庭住址", "联系电话", "监护人",
                   "监护人联系方式", "上次领药", DRUGS_HEADER, "原因")
OVERDUE_PRINTED = tuple(h for h in OVERDUE_HEADERS if h != DRUGS_HEADER)


def overdue_heading(days: int) -> str:
    return f"超过 {days} 天未领药的在册患者（住院暂停的不列入），逾期最久的在前"


def overdue(db, today: dt.date) -> ListContent:
    rows = [Row(r["patient_id"], [
        r["due_date"], r["days_overdue"], _text(r["name"]), _mask(r["id_number"]), _text(r["card_number"]),
        _address(r), _text(r["phone"]), _text(r["guardian_name"]), _text(r["guardian_phone"]),
        _text(r["last_collection"]), r["drugs"], r["due_reason_label"]]) for r in fu.overdue(db, today)]
    return ListContent("overdue", "逾期未领药", OVERDUE_HEADERS, rows,
                       heading=overdue_heading(settings.get(db, "overdue_days")), as_of=today.isoformat(),
                       print_columns=OVERDUE_PRINTED)


# --- 年审到期 ------------------------------------------------------------------------------

REVIEW_HEADERS = ("姓名", "身份证号", "救助卡编号", "家庭住址", "联系电话", "监护人联系方式", "项目状态",
                  "年审起算", "年审到期日", "协议有效期至", "事由")
REVIEW_PRINTED = ("姓名", "身份证号", "救助卡编号", "家庭住址", "联系电话", "监护人联系方式", "年审到期日", "事由")
BASIS_LABELS = {"annual_review": "上次年审", "enrolled": "纳入", "approved": "复审通过"}


def _review_state(r: dict, today: dt.date) -> str:
    late = fu.REVIEW in r["reasons"] and (r["review_due"] is None or r["review_due"] < today.isoformat())
    ended = fu.AGREEMENT in r["reasons"] and (r["agreement_days_left"] is None or r["agreement_days_left"] < 0)
    return OVERDUE if late or ended else DUE_SOON


def annual_reviews(db, today: dt.date) -> ListContent:
    """Yearly eligibility reviews due and agreements ending within 协议到期提醒 days (or ended, or
    never signed), the earliest first; what has already lapsed in red."""
    days = settings.get(db, "agreement_warning_days")
    rows, reviews, agreements = [], 0, 0
    for r in fu.annual_reviews_due(db, today, days=days):
        reviews += fu.REVIEW in r["reasons"]
        agreements += fu.AGREEMENT in r["reasons"]
        base = (f"{BASIS_LABELS.get(r['review_basis'], '')} {r['review_base_date']}"
                if r["review_base_date"] else "—")
        cells = [_text(r["name"]), _mask(r["id_number"]), _text(r["card_number"]), _address(r),
                 _text(r["phone"]), _text(r["guardian_phone"]), ps.STATUS_LABELS.get(r["programme_status"], ""),
                 base, _text(r["review_due"]), r["agreement_until"] or NO_AGREEMENT, r["reason_text"]]
        rows.append(Row(r["patient_id"], cells, _review_state(r, today)))
    summary = _joined(f"年度审核 {reviews}" if reviews else "", f"服务协议 {agreements}" if agreements else "",
                      f"已逾期 {_count(rows, OVERDUE)}" if _count(rows, OVERDUE) else "")
    heading = (f"年度资格审核将到期（纳入或上次年审满 {fu.REVIEW_AFTER_MONTHS} 个月）"
               f"或服务协议 {days} 天内到期的患者（含住院暂停）")
    return ListContent("reviews", "年审到期", REVIEW_HEADERS, rows, REVIEW_HEADERS.index("事由"), summary,
                       heading=heading, as_of=today.isoformat(), print_columns=REVIEW_PRINTED)


# --- 住院暂停 ------------------------------------------------------------------------------

PAUSED_HEADERS = ("入院日期", "住院天数", "姓名", "身份证号", "项目状态", "救助卡编号", "家庭住址", "监护人",
                  "监护人联系方式", "入院说明")


def paused(db, today: dt.date) -> ListContent:
    """Patients in hospital (五、(一)8, 六(三)): dispensing paused, place kept until discharge."""
    rows = [Row(r["patient_id"], [
        _text(r["admitted_date"]), r["days_in_hospital"], _text(r["name"]), _mask(r["id_number"]),
        _text(r["stay_label"]), _text(r["card_number"]), _address(r), _text(r["guardian_name"]), _text(r["guardian_phone"]),
        _text(r["admission_note"])]) for r in fu.paused(db, today)]
    return ListContent("paused", "住院暂停", PAUSED_HEADERS, rows,
                       heading="住院治疗中的患者，入院最早的在前：在册的暂停领药、保留名额；"
                               "未纳入或候补的出院后方可申请或纳入",
                       as_of=today.isoformat())


# --- 病情加重 ------------------------------------------------------------------------------

WORSENING_HEADERS = ("标记日期", "已持续（天）", "姓名", "性别", "身份证号", "家庭住址", "联系电话",
                     "危险性评估", "监护人", "监护人联系方式", "说明")


def worsening(db, today: dt.date) -> ListContent:
    """Open worsening flags, oldest first, with what 综治办 and 派出所 need (六(一)(二)): who,
    where, how dangerous, and whom to call. Printed with ``followup_pdf.EXCHANGE_NOTICE``."""
    rows = [Row(r["patient_id"], [
        r["flag_date"], r["days_open"], _text(r["name"]), _text(r["sex"]), _mask(r["id_number"]),
        _address(r), _text(r["phone"]), r["risk_label"], _text(r["guardian_name"]),
        _text(r["guardian_phone"]), r["note"]]) for r in fu.worsening(db, today)]
    return ListContent("worsening", "病情加重", WORSENING_HEADERS, rows,
                       heading="有病情加重迹象的患者：须及时与综治办、派出所进行信息交换",
                       exchange=True, as_of=today.isoformat())


# --- 依从性 --------------------------------------------------------------------------------

ADHERENCE_HEADERS = ("依从性", "断药天数", "住院天数", "姓名", "身份证号", "救助卡编号", "家庭住址", "联系电话",
                     "监护人联系方式", "上次领药", f"药品{LAST_DAY_LABEL}", "计算明细")
ADHERENCE_PRINTED = ("依从性", "姓名", "身份证号", "救助卡编号", "家庭住址", "联系电话", "监护人联系方式", "上次领药",
                     "计算明细")


def adherence_title(threshold: int) -> str:
    return f"依从性低于{threshold}%"


def adherence(db, today: dt.date) -> ListContent:
    """Enrolled patients whose adherence over the last year is below 服药依从性提示线, lowest
    first (the slow one: every collection of the year is read)."""
    threshold = settings.get(db, "adherence_threshold_percent")
    rows = []
    for r in fu.adherence_list(db, today, threshold):
        cells = [f"{r['percent']}%", r["uncovered_days"], r["hospital_days"], _text(r["name"]),
                 _mask(r["id_number"]), _text(r["card_number"]), _address(r), _text(r["phone"]),
                 _text(r["guardian_phone"]), _text(r["last_collection"]) or "未领过", _text(r["cover_last_day"]),
                 r["label"]]
        sort = list(cells)
        sort[0] = r["percent"]
        rows.append(Row(r["patient_id"], cells, sort=sort))
    heading = (f"近{fu.ADHERENCE_MONTHS}个月服药依从性低于 {threshold}% 的在册患者（有药天数 ÷ 在家天数，"
               f"住院天数不计；纳入后在家不足 {fu.ADHERENCE_MIN_DAYS} 天的暂不计算），最低的在前")
    return ListContent("adherence", adherence_title(threshold), ADHERENCE_HEADERS, rows,
                       heading=heading, as_of=today.isoformat(), print_columns=ADHERENCE_PRINTED)
