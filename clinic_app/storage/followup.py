"""Follow-up work lists (随访名单): who should come for drugs this month, who has not come, whose
yearly review or agreement is due, who is in hospital, who is worsening (六(一)–(三)), and whose
adherence over the last year is low.

Every row is a plain dict with the patient's identity and contacts (``PERSON_KEYS``: the ID number
raw — the screen masks it) and the list's own fields; see each function.

How the cover is read
---------------------
A patient's cover ends at the latest ``cover_until`` (the first day without drug) of the lines of
his collections that were not voided, as recomputed in ``line_cover`` (``storage.cover``: a void
frees the cover it caused; the cover stored on a line at signing is never read here). The
three-month limit (``domain.supply``, checked for back-dated collections against the later ones
too) keeps a line's ``cover_until`` at most three calendar months — ``LOOKBACK_DAYS`` — after its
collection day, so:

* the line ending last lies within ``LOOKBACK_DAYS`` before the patient's *latest* collection
  (found backwards through the ``dispensings(patient_id, date)`` index), and
* the lines that reach a window ``[start, end)`` were collected on or after ``start −
  LOOKBACK_DAYS`` (found through ``dispensings(date)``).

So no list reads a patient's whole history: a clinic with a million entries reads the few
thousand that matter. ``tests/storage/test_followup.py`` checks the result against
``dispensing.prior_lines``, which does read everything.

When is a patient due?
----------------------
``due_date`` is the day the patient should collect: the end of his cover — or, when later, the
day he was discharged (drugs left from before the stay are not counted on) or enrolled (never
collected since). ``due_this_month`` lists the enrolled patients due by the end of this month and
not yet overdue; ``overdue`` those due more than ``overdue_days`` (setting) ago. A patient due a
few days ago is therefore still in ``due_this_month`` (``days_left`` < 0) — no one falls between
the two lists.
"""
from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict

from ..domain import adherence as adh
from ..domain import cover as cover_rules
from ..domain import programme_status as ps
from ..domain import risk as risk_rules
from ..domain import supply
from ..domain.months import add_months
from . import cards, clock, programme, risk, settings
from .dispensing import DISPENSE

LOOKBACK_DAYS = 31 * supply.LIMIT_MONTHS  # a line's cover ends at most this long after collection
ADHERENCE_MONTHS = 12
ADHERENCE_MIN_DAYS = 30  # fewer days at home in the window: too soon to judge
REVIEW_AFTER_MONTHS = 11  # the yearly review is listed from this many months after the last one

PERSON_KEYS = ("patient_id", "name", "sex", "id_number", "town", "village", "address", "phone",
               "programme_status", "guardian_name", "guardian_phone", "card_number")

# due_reason / review reasons
COVER, DISCHARGED, ENROLLED = "cover", "discharged", "enrolled"
DUE_REASON_LABELS = {COVER: "药品用完", DISCHARGED: "出院后未领药", ENROLLED: "纳入后未领药"}
REVIEW, AGREEMENT = "review", "agreement"

_LIVE = (f"d.kind = '{DISPENSE}' AND NOT EXISTS "
         "(SELECT 1 FROM dispensings v WHERE v.voids_id = d.id)")  # collected and not voided


def _marks(values) -> str:
    return ",".join("?" * len(values))


def _day(value) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


# --- who ---------------------------------------------------------------------------------------

PEOPLE_SQL = """
SELECT p.id AS patient_id, p.name, p.sex, p.id_number, p.town, p.village, p.address, p.phone,
       p.programme_status, g.name AS guardian_name, g.phone AS guardian_phone,
       c.town AS card_town, c.number AS card_number, t.seq AS town_seq, c.seq AS card_seq
FROM patients p
LEFT JOIN guardians g ON g.id = p.guardian_id
LEFT JOIN rescue_cards c ON c.patient_id = p.id AND c.status = 'active'
LEFT JOIN towns t ON t.name = p.town
"""


IN_CHUNK = 500  # ids per "IN (…)": well under SQLite's limit on bound variables


def _people(db, statuses=None, ids=None) -> dict[int, dict]:
    """{patient_id: identity and contacts} by status or by id, with the private sort key
    ``_order`` (town in the order of Attachment 6, then card number, as the clinic files cards)."""
    if ids is not None:
        ids = sorted(ids)
        people = {}
        for i in range(0, len(ids), IN_CHUNK):
            chunk = ids[i:i + IN_CHUNK]
            people.update(_people_where(db, f"p.id IN ({_marks(chunk)})", chunk))
        return people
    return _people_where(db, f"p.programme_status IN ({_marks(statuses)})", list(statuses))


def _people_where(db, where: str, args: list) -> dict[int, dict]:
    people = {}
    cursor = db.execute(f"{PEOPLE_SQL} WHERE {where}", args)
    columns = [c[0] for c in cursor.description]
    for values in cursor:
        row = dict(zip(columns, values))
        person = {k: row[k] for k in PERSON_KEYS if k != "card_number"}
        person["card_number"] = (cards.display_number({"town": row["card_town"], "number": row["card_number"]})
                                 if row["card_number"] else None)
        person["_order"] = (row["town_seq"] is None, row["town_seq"] or 0, row["town"] or "",
                            row["card_seq"] is None, row["card_seq"] or 0, row["patient_id"])
        people[row["patient_id"]] = person
    return people


def _approved(db, statuses) -> dict[int, str | None]:
    """{patient_id: approval date} of the patients of these statuses: who is in the list."""
    return dict(db.execute(f"SELECT id, approved_date FROM patients WHERE programme_status IN "
                           f"({_marks(statuses)})", list(statuses)).fetchall())


def _public(row: dict) -> dict:
    return {k: v for k, v in row.items() if not k.startswith("_")}


def _events(db, kinds, ids=None) -> dict[int, list[tuple[dt.date, str, str]]]:
    """{patient_id: [(date, kind, note), …] oldest first} for the given event kinds."""
    where, args = f"kind IN ({_marks(kinds)})", list(kinds)
    if ids is not None:
        where += f" AND patient_id IN ({_marks(ids)})"
        args += list(ids)
    out = defaultdict(list)
    for pid, day, kind, note in db.execute(
            f"SELECT patient_id, date, kind, note FROM status_events WHERE {where} "
            f"ORDER BY patient_id, date, id", args):
        out[pid].append((dt.date.fromisoformat(day), kind, note or ""))
    return out


def _last(events, kind) -> dt.date | None:
    days = [day for day, k, _ in events if k == kind]
    return days[-1] if days else None


def _drug_names(db) -> dict[int, str]:
    return dict(db.execute("SELECT id, name FROM drugs").fetchall())


# --- cover ---------------------------------------------------------------------------------------

COVER_SQL = f"""
WITH last AS (
    SELECT p.id AS patient_id,
           (SELECT d.id FROM dispensings d WHERE d.patient_id = p.id AND {_LIVE}
            ORDER BY d.date DESC, d.id DESC LIMIT 1) AS last_id
    FROM patients p WHERE {{where}}
)
SELECT last.patient_id, ld.date AS last_collection, ld.next_appointment,
       c.drug_id, max(c.cover_until) AS cover_until
FROM last
JOIN dispensings ld ON ld.id = last.last_id
JOIN line_cover c ON c.patient_id = last.patient_id AND c.date >= date(ld.date, '-{LOOKBACK_DAYS} days')
GROUP BY last.patient_id, c.drug_id
"""


def covers(db, statuses=(ps.ENROLLED,), ids=None) -> dict[int, dict]:
    """{patient_id: {"cover_until": date, "by_drug": {drug_id: date}, "last_collection": date,
    "next_appointment": str | None}} for every patient of these statuses (or these ids) who ever
    collected."""
    out: dict[int, dict] = {}
    if ids is not None:
        ids = sorted(ids)
        chunks = [(f"p.id IN ({_marks(ids[i:i + IN_CHUNK])})", ids[i:i + IN_CHUNK])
                  for i in range(0, len(ids), IN_CHUNK)]
    else:
        chunks = [(f"p.programme_status IN ({_marks(statuses)})", list(statuses))]
    for where, args in chunks:
        for pid, last_collection, appointment, drug_id, until in db.execute(
                COVER_SQL.replace("{where}", where), args):
            until = dt.date.fromisoformat(until)
            cover = out.setdefault(pid, {"cover_until": until, "by_drug": {},
                                         "last_collection": dt.date.fromisoformat(last_collection),
                                         "next_appointment": appointment})
            cover["by_drug"][drug_id] = until
            cover["cover_until"] = max(cover["cover_until"], until)
    return out


def drugs_text(by_drug: dict[int, dt.date], names: dict[int, str]) -> str:
    """``奥氮平 至 2026-12-14；利培酮 至 2026-12-20``: each drug's last day with drug
    (``cover.LAST_DAY_LABEL``), soonest first; ``by_drug`` holds the first days without."""
    return "；".join(f"{names.get(drug, str(drug))} 至 {cover_rules.last_day_text(until)}"
                    for drug, until in sorted(by_drug.items(), key=lambda kv: (kv[1], kv[0])))


def _due(cover: dict | None, events, approved: str | None) -> tuple[dt.date | None, str]:
    """(due date, reason): the cover's end, unless discharge or enrolment came later."""
    candidates = []
    if cover:
        candidates.append((cover["cover_until"], 2, COVER))
    discharged = _last(events, ps.DISCHARGED)
    if discharged:
        candidates.append((discharged, 1, DISCHARGED))
    enrolled = _last(events, ps.ENROL) or _day(approved)
    if enrolled:
        candidates.append((enrolled, 0, ENROLLED))
    if not candidates:
        return None, ENROLLED
    day, _, reason = max(candidates)
    return day, reason


def _due_dates(db) -> dict[int, tuple[dt.date | None, str, dict | None]]:
    """{patient_id: (due date, reason, cover)} for every enrolled patient."""
    cover = covers(db, (ps.ENROLLED,))
    events = _events(db, (ps.ENROL, ps.DISCHARGED))
    return {pid: (*_due(cover.get(pid), events.get(pid, []), approved), cover.get(pid))
            for pid, approved in _approved(db, (ps.ENROLLED,)).items()}


def _cover_rows(db, picked: dict[int, tuple]) -> list[dict]:
    """Rows for the picked patients: {patient_id: (due date, reason, cover, extra fields)}."""
    people = _people(db, ids=picked)
    names = _drug_names(db)
    rows = []
    for pid, (due, reason, c, extra) in picked.items():
        rows.append({
            **people[pid],
            "cover_until": _iso(c["cover_until"]) if c else None,
            "cover_last_day": cover_rules.last_day_text(c["cover_until"]) if c else None,
            "drugs": drugs_text(c["by_drug"], names) if c else "",
            "last_collection": _iso(c["last_collection"]) if c else None,
            "next_appointment": c["next_appointment"] if c else None,
            "due_date": _iso(due),
            "due_reason": reason,
            "due_reason_label": DUE_REASON_LABELS[reason],
            **extra,
        })
    return rows


def month_end(today: dt.date) -> dt.date:
    return today.replace(day=calendar.monthrange(today.year, today.month)[1])


def due_this_month(db, today: dt.date) -> list[dict]:
    """Enrolled patients due to collect from now to the end of this calendar month (and those due
    in the last ``overdue_days`` days, not yet overdue), soonest first.

    Keys: ``PERSON_KEYS`` + ``cover_until`` (latest first day without drug, ``None`` if never
    collected), ``cover_last_day`` (the day before: the last day with drug, as shown),
    ``drugs`` (per drug text, last days with drug), ``last_collection``, ``next_appointment`` (agreed at the
    latest collection), ``due_date``, ``due_reason`` (cover / discharged / enrolled),
    ``due_reason_label``, ``days_left`` (``due_date − today``; negative: ran out that many days
    ago)."""
    grace = settings.get(db, "overdue_days")
    last_day = month_end(today)
    picked = {pid: (due, reason, cover, {"days_left": (due - today).days})
              for pid, (due, reason, cover) in _due_dates(db).items()
              if due is not None and today - dt.timedelta(days=grace) <= due <= last_day}
    rows = _cover_rows(db, picked)
    rows.sort(key=lambda r: (r["due_date"], r["_order"]))
    return [_public(r) for r in rows]


def overdue(db, today: dt.date) -> list[dict]:
    """Enrolled (not paused) patients due more than ``overdue_days`` (setting) days ago and not
    come since, longest overdue first.

    Keys: as ``due_this_month`` but ``days_overdue`` (``today − due_date``) instead of
    ``days_left``."""
    grace = settings.get(db, "overdue_days")
    picked = {pid: (due, reason, cover, {"days_overdue": (today - due).days})
              for pid, (due, reason, cover) in _due_dates(db).items()
              if due is not None and (today - due).days > grace}
    rows = _cover_rows(db, picked)
    rows.sort(key=lambda r: (-r["days_overdue"], r["_order"]))
    return [_public(r) for r in rows]


# --- yearly review and agreement -----------------------------------------------------------------

def annual_reviews_due(db, today: dt.date, days: int = 30) -> list[dict]:
    """Enrolled and paused patients whose yearly eligibility review is due — the last review (or,
    before the first, the enrolment, else the approval) was ``REVIEW_AFTER_MONTHS`` or more months
    ago — or whose newest agreement ends within ``days`` (or has ended, or was never signed).

    Keys: ``PERSON_KEYS`` + ``last_review`` (date of the last review or ``None``),
    ``review_basis`` (annual_review / enrolled / approved), ``review_base_date``, ``review_due``
    (one year after the base date), ``agreement_until`` (``None``: no agreement),
    ``agreement_days_left``, ``reasons`` (list of ``"review"`` / ``"agreement"``), ``reason_text``
    (Chinese, both reasons). Ordered by the earlier of the two dates."""
    events = _events(db, (ps.ENROL, ps.ANNUAL_REVIEW))
    agreements = dict(db.execute(
        "SELECT patient_id, max(valid_until) FROM agreements GROUP BY patient_id").fetchall())
    horizon = today + dt.timedelta(days=days)
    rows = []
    for pid, approved in _approved(db, ps.HOLDS_PLACE).items():
        history = events.get(pid, [])
        last_review = _last(history, ps.ANNUAL_REVIEW)
        enrolled = _last(history, ps.ENROL)
        if last_review and enrolled and last_review < enrolled:
            last_review = None  # a review of an earlier stay in the programme
        if last_review:
            base, basis = last_review, "annual_review"
        elif enrolled:
            base, basis = enrolled, "enrolled"
        else:
            base, basis = _day(approved), "approved"
        reasons, texts = [], []
        review_due = add_months(base, 12) if base else None
        if base is None or add_months(base, REVIEW_AFTER_MONTHS) <= today:
            reasons.append(REVIEW)
            since = {"annual_review": "上次年度审核", "enrolled": "纳入", "approved": "复审通过"}[basis]
            texts.append(f"年度资格审核{'已逾期' if review_due and review_due < today else '将到期'}"
                         f"（{since} {_iso(base)}）" if base else "年度资格审核：无纳入记录")
        until = _day(agreements.get(pid))
        left = (until - today).days if until else None
        if until is None or until <= horizon:
            reasons.append(AGREEMENT)
            if until is None:
                texts.append("未签服务协议")
            elif left < 0:
                texts.append(f"服务协议已于 {until.isoformat()} 到期")
            else:
                texts.append(f"服务协议 {until.isoformat()} 到期（剩 {left} 天）")
        if not reasons:
            continue
        rows.append({"patient_id": pid, "last_review": _iso(last_review), "review_basis": basis,
                     "review_base_date": _iso(base), "review_due": _iso(review_due),
                     "agreement_until": _iso(until), "agreement_days_left": left,
                     "reasons": reasons, "reason_text": "；".join(texts),
                     "_first": min(([review_due or dt.date.min] if REVIEW in reasons else [])
                                   + ([until or dt.date.min] if AGREEMENT in reasons else []))})
    people = _people(db, ids=[r["patient_id"] for r in rows])
    rows = [{**people[r["patient_id"]], **r} for r in rows]
    rows.sort(key=lambda r: (r["_first"], r["_order"]))
    return [_public(r) for r in rows]


# --- in hospital -------------------------------------------------------------------------------

def paused(db, today: dt.date | None = None) -> list[dict]:
    """Patients in hospital, longest first: the enrolled ones (dispensing paused, place kept until
    discharge) and those not (yet) enrolled — never applied, waiting, or gone — whose open stay
    bars an application or a place until discharge (三、(一) 居家; 五、(一)6(2)).

    Keys: ``PERSON_KEYS`` + ``admitted_date`` (latest admission), ``days_in_hospital``
    (``today − admitted_date``), ``admission_note``, ``stay_label`` (how the stay bears on his
    place: 住院暂停 / 未纳入（住院中）…)."""
    today = today or clock.today()
    people = _people(db, (ps.PAUSED,))
    others = [pid for (pid,) in db.execute(
        "SELECT DISTINCT e.patient_id FROM status_events e JOIN patients p ON p.id = e.patient_id "
        "WHERE e.kind = ? AND coalesce(p.programme_status, '') != ?", [ps.ADMITTED, ps.PAUSED])]
    open_stays = {pid: programme.in_hospital_since(db, pid) for pid in others}
    open_stays = {pid: day for pid, day in open_stays.items() if day}
    if open_stays:
        people.update(_people(db, ids=list(open_stays)))
    events = _events(db, (ps.ADMITTED,))
    rows = []
    for pid, person in people.items():
        history = events.get(pid, [])
        admitted, note = (history[-1][0], history[-1][2]) if history else (None, "")
        status = person["programme_status"]
        label = ps.STATUS_LABELS[ps.PAUSED] if status == ps.PAUSED else ps.State(status, "x").label
        rows.append({**person, "admitted_date": _iso(admitted),
                     "days_in_hospital": (today - admitted).days if admitted else None,
                     "admission_note": note, "stay_label": label})
    rows.sort(key=lambda r: (r["admitted_date"] or "", r["_order"]))
    return [_public(r) for r in rows]


# --- worsening -----------------------------------------------------------------------------------

def worsening(db, today: dt.date | None = None) -> list[dict]:
    """Open worsening flags, oldest first (``risk.open_flags``), with what 综治办 and 派出所 need.

    Keys: ``PERSON_KEYS`` + ``flag_id``, ``flag_date``, ``days_open``, ``note``, ``risk_level``
    (0–5 of the latest assessment, ``None`` if never assessed), ``risk_label`` (``3级`` /
    ``未评估``)."""
    today = today or clock.today()
    flags = risk.open_flags(db)
    people = _people(db, ids={f["patient_id"] for f in flags})
    rows = []
    for flag in flags:
        level = flag.get("level")
        rows.append({**_public(people[flag["patient_id"]]), "flag_id": flag["id"], "flag_date": flag["date"],
                     "days_open": risk.days_open(flag, today), "note": flag["note"] or "",
                     "risk_level": level,
                     "risk_label": risk_rules.label(level) if level is not None else "未评估"})
    return rows


# --- adherence -----------------------------------------------------------------------------------

def adherence_window(today: dt.date, events) -> tuple[dt.date, dt.date]:
    """``[start, end)``: the last ``ADHERENCE_MONTHS`` months, from the (latest) enrolment if
    later, to today — or to the day the patient left. Never enrolled: an empty window."""
    start = add_months(today, -ADHERENCE_MONTHS)
    enrolled = _last(events, ps.ENROL)
    if enrolled is None:
        return today, today
    end = today
    left = _last(events, ps.LEAVE)
    if left and left >= enrolled:
        end = min(end, left)
    return max(start, enrolled), end


def _covered_lines(db, since: dt.date, before: dt.date, patient_id: int | None = None):
    """(patient_id, cover_start, cover_until) of live lines collected in ``[since, before)``,
    with their recomputed cover (``line_cover``)."""
    sql = "SELECT c.patient_id, c.cover_start, c.cover_until FROM line_cover c WHERE c.date >= ? AND c.date < ?"
    args = [since.isoformat(), before.isoformat()]
    if patient_id is not None:
        sql = sql.replace("WHERE c.date", "WHERE c.patient_id = ? AND c.date")
        args.insert(0, patient_id)
    return db.execute(sql, args)


def _adherence(covered, events, today: dt.date) -> adh.Adherence:
    start, end = adherence_window(today, events)
    stays = adh.hospital_stays([(day, kind) for day, kind, _ in events], end)
    return adh.pdc(covered, stays, start, end)


WINDOW_EVENTS = (ps.ENROL, ps.ADMITTED, ps.DISCHARGED, ps.LEAVE)


def adherence_for(db, patient_id: int, today: dt.date) -> adh.Adherence:
    """The patient's proportion of days covered over the last ``ADHERENCE_MONTHS`` months (from
    enrolment if later; hospital stays left out) — for the patient page (``adherence.label``)."""
    events = _events(db, WINDOW_EVENTS, ids=[patient_id]).get(patient_id, [])
    start, end = adherence_window(today, events)
    covered = [(dt.date.fromisoformat(a), dt.date.fromisoformat(b))
               for _, a, b in _covered_lines(db, start - dt.timedelta(days=LOOKBACK_DAYS), end,
                                             patient_id)]
    return _adherence(covered, events, today)


def adherence_list(db, today: dt.date, threshold: int | None = None,
                   min_days: int = ADHERENCE_MIN_DAYS) -> list[dict]:
    """Enrolled patients whose adherence (``adherence_for``) is below ``threshold`` percent
    (setting ``adherence_threshold_percent`` when ``None``), lowest first. Patients with fewer than
    ``min_days`` days at home in the window (enrolled lately, or mostly in hospital) are left out:
    too soon to judge.

    Keys: ``PERSON_KEYS`` + ``percent`` (rounded down), ``label`` (``72%（有药 262/365 天）``),
    ``covered_days``, ``eligible_days``, ``uncovered_days``, ``hospital_days``, ``window_start``,
    ``window_end`` (first day after the window: today), ``last_collection``, ``cover_until``,
    ``cover_last_day``."""
    if threshold is None:
        threshold = settings.get(db, "adherence_threshold_percent")
    enrolled = _approved(db, (ps.ENROLLED,))
    events = _events(db, WINDOW_EVENTS)
    earliest = add_months(today, -ADHERENCE_MONTHS) - dt.timedelta(days=LOOKBACK_DAYS)
    covered = defaultdict(list)
    for pid, a, b in _covered_lines(db, earliest, today):
        if pid in enrolled:
            covered[pid].append((dt.date.fromisoformat(a), dt.date.fromisoformat(b)))
    results = {}
    for pid in enrolled:
        result = _adherence(covered.get(pid, []), events.get(pid, []), today)
        if result.eligible_days >= min_days and adh.below(result, threshold):
            results[pid] = result
    people = _people(db, ids=results)
    cover = covers(db, ids=results)
    rows = []
    for pid, result in results.items():
        c = cover.get(pid)
        rows.append({**people[pid], "percent": adh.percent(result), "label": adh.label(result),
                     "covered_days": result.covered_days, "eligible_days": result.eligible_days,
                     "uncovered_days": result.uncovered_days, "hospital_days": result.hospital_days,
                     "window_start": _iso(result.start), "window_end": _iso(result.end),
                     "last_collection": _iso(c["last_collection"]) if c else None,
                     "cover_until": _iso(c["cover_until"]) if c else None,
                     "cover_last_day": cover_rules.last_day_text(c["cover_until"]) if c else None})
    rows.sort(key=lambda r: (r["percent"], -r["uncovered_days"], r["_order"]))
    return [_public(r) for r in rows]
