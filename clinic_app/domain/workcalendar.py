"""Working days and the deadlines of 五、(一): application day, initial review, sending to the office.

The plan counts in *working* days, and Chinese working days are not "Monday to Friday": official
holidays fall on weekdays and some weekends are adjusted working days (调休上班日). Three sources
decide, in this order:

1. the administrator's holiday table (``overrides``) — a local adjustment always wins;
2. the ``chinese-calendar`` package, which knows the State Council's schedule for 2004–2026;
3. for a year the package does not know: plain weekends. Every answer that relied on this
   fallback can be flagged with ``coverage_note`` so staff are never misled silently.

Pure rules: no Qt, no SQL. Storage builds the overrides mapping and passes it in.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

HOLIDAY = "holiday"
WORKDAY = "workday"
KINDS = (HOLIDAY, WORKDAY)
KIND_LABELS = {HOLIDAY: "节假日", WORKDAY: "调休上班"}

APPLICATION_DAY = 10       # 每月10日为申请日
INITIAL_REVIEW_DAYS = 5    # 5个工作日内完成初审
OFFICE_DAY = 20            # 每月20日前报送免费服药项目办公室

OK, DUE_SOON, OVERDUE = "ok", "due_soon", "overdue"
DEADLINE_LABELS = {OK: "正常", DUE_SOON: "即将到期", OVERDUE: "已逾期"}

WEEKDAY_NAMES = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")

_ONE_DAY = dt.timedelta(days=1)


# --- chinese-calendar, imported lazily and asked one date at a time ------------------------------

def _chinese_calendar():
    """Imported on first use, so starting the program does not pay for the holiday tables."""
    import chinese_calendar

    return chinese_calendar


@lru_cache(maxsize=None)
def year_covered(year: int) -> bool:
    """Whether chinese-calendar knows the official holidays of ``year`` (2004–2026 in 1.11)."""
    try:
        _chinese_calendar().is_workday(dt.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def _official_is_workday(day: dt.date) -> bool | None:
    """The State Council's answer, or ``None`` when the package does not know that year."""
    if not year_covered(day.year):
        return None
    try:
        return _chinese_calendar().is_workday(day)
    except NotImplementedError:  # a partial year in some future package version
        return None


def _official_name(day: dt.date) -> str | None:
    """Chinese name of the holiday a day belongs to (holiday or its adjusted working day)."""
    if not year_covered(day.year):
        return None
    try:
        _, name = _chinese_calendar().get_holiday_detail(day)
    except NotImplementedError:
        return None
    if not name:
        return None
    for holiday in _chinese_calendar().Holiday:
        if holiday.value == name:
            return holiday.chinese
    return name


def uncovered_note(years: Iterable[int]) -> str | None:
    """The Chinese warning for years whose official holidays are unknown, or ``None``."""
    missing = sorted({y for y in years if not year_covered(y)})
    if not missing:
        return None
    listed = "、".join(f"{y}年" for y in missing)
    return f"{listed}的法定节假日尚未收录，按周末和管理员维护的节假日表计算"


# --- the calendar --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Schedule:
    """The three dates of one application and, when a fallback year was involved, why to check."""
    received: dt.date
    initial_review_due: dt.date
    office_deadline: dt.date
    note: str | None = None

    @property
    def uses_fallback(self) -> bool:
        return self.note is not None


class WorkCalendar:
    """Working days for China with the administrator's overrides on top.

    ``overrides`` maps a date to ``"holiday"`` (not worked, whatever else says) or ``"workday"``
    (worked, even on a weekend). It is copied, so later changes to the caller's dict do not leak in.
    """

    def __init__(self, overrides: Mapping[dt.date, str] | None = None):
        self.overrides: dict[dt.date, str] = {}
        for day, kind in (overrides or {}).items():
            if kind not in KINDS:
                raise ValueError(f"unknown holiday kind {kind!r} for {day}")
            self.overrides[day] = kind

    # - single days -

    def covered(self, day: dt.date) -> bool:
        """Whether chinese-calendar knows ``day``'s year (overrides do not count here)."""
        return year_covered(day.year)

    def is_working_day(self, day: dt.date) -> bool:
        kind = self.overrides.get(day)
        if kind is not None:
            return kind == WORKDAY
        official = _official_is_workday(day)
        if official is None:
            return day.weekday() < 5
        return official

    def source(self, day: dt.date) -> str:
        """Who decided ``day``: ``"override"``, ``"official"`` or ``"fallback"`` (weekends only)."""
        if day in self.overrides:
            return "override"
        return "official" if self.covered(day) else "fallback"

    def explain(self, day: dt.date) -> str:
        """One line for a tooltip, e.g. ``2024-02-18 星期日：工作日（春节调休上班）``."""
        working = self.is_working_day(day)
        head = f"{day.isoformat()} {WEEKDAY_NAMES[day.weekday()]}：{'工作日' if working else '休息日'}"
        source = self.source(day)
        if source == "override":
            return f"{head}（管理员节假日表：{KIND_LABELS[self.overrides[day]]}）"
        if source == "fallback":
            return f"{head}（{day.year}年法定节假日未收录，按周末计算）"
        name = _official_name(day)
        if name:
            return f"{head}（{name}{'调休上班' if working else '假期'}）"
        return head

    # - stepping -

    def next_working_day_on_or_after(self, day: dt.date) -> dt.date:
        while not self.is_working_day(day):
            day += _ONE_DAY
        return day

    def previous_working_day_on_or_before(self, day: dt.date) -> dt.date:
        while not self.is_working_day(day):
            day -= _ONE_DAY
        return day

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The n-th working day after ``start`` (before it when n < 0; ``start`` itself when n = 0).

        ``start`` need not be a working day: a form received on Saturday is due on the fifth
        working day counted from Monday, which is what "within 5 working days" means to staff.
        """
        step = _ONE_DAY if n >= 0 else -_ONE_DAY
        day, left = start, abs(n)
        while left:
            day += step
            if self.is_working_day(day):
                left -= 1
        return day

    def working_days_between(self, a: dt.date, b: dt.date) -> int:
        """Working days in (a, b] — so ``working_days_between(d, add_working_days(d, n)) == n``.

        Negative when b is before a, so the result reads as "working days from a to b".
        """
        if b < a:
            return -self.working_days_between(b, a)
        count, day = 0, a
        while day < b:
            day += _ONE_DAY
            count += self.is_working_day(day)
        return count

    # - the plan's deadlines -

    def application_day(self, year: int, month: int) -> dt.date:
        """The 10th, or the next working day when the 10th is a weekend or holiday (五、(一)1)."""
        return self.next_working_day_on_or_after(dt.date(year, month, APPLICATION_DAY))

    def initial_review_due(self, received: dt.date) -> dt.date:
        """Initial review within 5 working days of receipt: the 5th working day after it."""
        return self.add_working_days(received, INITIAL_REVIEW_DAYS)

    def office_day(self, year: int, month: int) -> dt.date:
        """"By the 20th" of a month as a date the office is open.

        When the 20th is a weekend or holiday we take the last working day *before* it, not the
        next one: "20日前报送" is a limit, and sending a day early never breaks it, whereas the
        next working day could be read as late.
        """
        return self.previous_working_day_on_or_before(dt.date(year, month, OFFICE_DAY))

    def office_deadline(self, received: dt.date) -> dt.date:
        """When a passed application must reach the programme office.

        Normally the (working-day-adjusted) 20th of the month of receipt. When the initial review
        may still run past that day — a form received late in the month — the application goes in
        the next month's batch, by next month's 20th: the plan cannot ask a clinic to send before
        the review it is allowed to take has ended.
        """
        due = self.initial_review_due(received)
        year, month = received.year, received.month
        deadline = self.office_day(year, month)
        while due > deadline:
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
            deadline = self.office_day(year, month)
        return deadline

    def schedule(self, received: dt.date) -> Schedule:
        """All of one application's dates together with the coverage note for them."""
        due = self.initial_review_due(received)
        office = self.office_deadline(received)
        return Schedule(received, due, office, self.coverage_note([received, due, office]))

    # - status -

    def deadline_state(self, due: dt.date, today: dt.date, warn_days: int = 2) -> str:
        """``"overdue"`` after the due day; ``"due_soon"`` when at most ``warn_days`` working days
        are left in (today, due] — so on the due day itself too; else ``"ok"``. Counted in working
        days, as the setting "审核期限提醒（工作日）" says, so a Friday warning covers Monday."""
        if today > due:
            return OVERDUE
        # "at most warn_days working days left" without walking to a far-off due date:
        if self.add_working_days(today, max(warn_days, 0) + 1) > due:
            return DUE_SOON
        return OK

    # - honesty about the fallback -

    def coverage_note(self, dates: Iterable[dt.date]) -> str | None:
        """The Chinese note when any day from the earliest to the latest date given fell in a year
        chinese-calendar does not know — counting walks every day in between, so a span from
        December 2026 into 2027 needs the note even if only its end is in 2027."""
        dates = list(dates)
        if not dates:
            return None
        return uncovered_note(range(min(dates).year, max(dates).year + 1))


def deadline_state(due: dt.date, today: dt.date, warn_days: int = 2,
                   calendar: WorkCalendar | None = None) -> str:
    """Module-level shortcut for :meth:`WorkCalendar.deadline_state` (official calendar only
    unless a calendar with the administrator's overrides is given)."""
    return (calendar or WorkCalendar()).deadline_state(due, today, warn_days)


def deadline_label(state: str) -> str:
    return DEADLINE_LABELS[state]
