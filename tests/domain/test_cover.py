"""The one home of cover (domain.cover): recomputed from the live collections, so a void frees
what it caused and a back-dated collection slots in by its date; the last day with drug; the
default next appointment."""
import datetime as dt
from fractions import Fraction

from hypothesis import given, settings, strategies as st

from clinic_app.domain import cover
from clinic_app.domain.cover import Collected, compute, default_appointment, last_day, later_collections
from clinic_app.domain.supply import PriorLine, check_line
from clinic_app.domain.workcalendar import HOLIDAY, WorkCalendar

D = dt.date.fromisoformat
RISPERIDONE, OLANZAPINE = 7, 8


def ends(lines) -> dict[int, tuple[str, str]]:
    return {c.line_id: (c.start.isoformat(), c.until.isoformat()) for c in compute(lines)}


# --- the rule ------------------------------------------------------------------------------------

def test_cover_starts_when_what_is_left_of_the_same_drug_runs_out():
    lines = [Collected(1, 1, D("2026-11-20"), RISPERIDONE, 60),
             Collected(2, 2, D("2026-12-01"), RISPERIDONE, 30),
             Collected(3, 2, D("2026-12-01"), OLANZAPINE, 28)]
    assert ends(lines) == {1: ("2026-11-20", "2027-01-19"), 2: ("2027-01-19", "2027-02-18"),
                           3: ("2026-12-01", "2026-12-29")}  # another drug is not pushed


def test_lines_of_one_drug_in_one_collection_run_side_by_side():
    lines = [Collected(1, 1, D("2026-11-20"), RISPERIDONE, 30), Collected(2, 1, D("2026-11-20"), RISPERIDONE, 20),
             Collected(3, 2, D("2026-12-01"), RISPERIDONE, 10)]
    assert ends(lines) == {1: ("2026-11-20", "2026-12-20"), 2: ("2026-11-20", "2026-12-10"),
                           3: ("2026-12-20", "2026-12-30")}


def test_on_the_same_day_the_collection_entered_first_was_handed_out_first():
    lines = [Collected(5, 9, D("2026-11-20"), RISPERIDONE, 10), Collected(4, 8, D("2026-11-20"), RISPERIDONE, 30)]
    assert ends(lines) == {4: ("2026-11-20", "2026-12-20"), 5: ("2026-12-20", "2026-12-30")}


def test_voiding_the_earlier_collection_frees_the_later_ones_cover():
    first, second = Collected(1, 1, D("2026-11-20"), RISPERIDONE, 60), Collected(2, 2, D("2026-12-01"), RISPERIDONE, 30)
    assert ends([first, second])[2] == ("2027-01-19", "2027-02-18")
    assert ends([second])[2] == ("2026-12-01", "2026-12-31")


def test_supply_running_out_before_the_next_collection_leaves_nothing_over():
    lines = [Collected(1, 1, D("2026-11-20"), RISPERIDONE, 5), Collected(2, 2, D("2026-12-01"), RISPERIDONE, 30)]
    assert ends(lines)[2] == ("2026-12-01", "2026-12-31")


# --- properties ------------------------------------------------------------------------------------

BASE = dt.date(2027, 12, 1)  # spans a leap day (2028-02-29) and a year end
collections = st.lists(
    st.tuples(st.integers(0, 200),                                   # day offset
              st.lists(st.tuples(st.sampled_from([RISPERIDONE, OLANZAPINE]), st.integers(1, 95)),
                       min_size=1, max_size=3)),
    min_size=1, max_size=8)


def as_lines(spec, ids=None) -> list[Collected]:
    out, line_id = [], 0
    for n, (offset, drugs) in enumerate(spec):
        did = ids[n] if ids else n + 1
        for drug, days in drugs:
            line_id += 1
            out.append(Collected(did * 100 + line_id, did, BASE + dt.timedelta(days=offset), drug, days))
    return out


@settings(max_examples=150, deadline=None)
@given(collections)
def test_cover_equals_entering_the_collections_one_by_one_in_date_order(spec):
    """What the limit check saw at each collection (supply.check_line with the lines before it)
    is what the from-scratch recompute says."""
    lines = as_lines(spec)
    got = {c.line_id: c for c in compute(lines)}
    prior: list[PriorLine] = []
    for did in sorted({l.dispensing_id for l in lines}, key=lambda d: (min(l.date for l in lines if l.dispensing_id == d), d)):
        group = [l for l in lines if l.dispensing_id == did]
        checks = [(l, check_line(l.date, l.drug_id, 1, l.days, Fraction(1), prior)) for l in group]
        for l, check in checks:
            assert (got[l.line_id].start, got[l.line_id].until) == (check.start, check.cover_until)
        prior += [PriorLine(l.drug_id, check.cover_until) for l, check in checks]


@settings(max_examples=150, deadline=None)
@given(collections, st.data())
def test_voiding_never_lengthens_anyones_cover(spec, data):
    lines = as_lines(spec)
    voided = data.draw(st.sampled_from(sorted({l.dispensing_id for l in lines})))
    before = {c.line_id: c for c in compute(lines)}
    after = compute([l for l in lines if l.dispensing_id != voided])
    for c in after:
        assert c.start <= before[c.line_id].start and c.until <= before[c.line_id].until
        assert c.until - c.start == before[c.line_id].until - before[c.line_id].start  # the days stay


@settings(max_examples=150, deadline=None)
@given(collections, st.randoms(use_true_random=False))
def test_the_order_of_entry_does_not_matter_only_the_dates(spec, rng):
    days = [offset for offset, _ in spec]
    if len(set(days)) != len(days):
        spec = [(n * 7, drugs) for n, (_, drugs) in enumerate(spec)]  # distinct dates
    ids = list(range(1, len(spec) + 1))
    shuffled = ids[:]
    rng.shuffle(shuffled)
    by_date = lambda lines: {(c.date, c.drug_id, c.until - c.start): (c.start, c.until) for c in compute(lines)}
    assert by_date(as_lines(spec, ids)) == by_date(as_lines(spec, shuffled))


@settings(max_examples=150, deadline=None)
@given(collections)
def test_cover_never_starts_before_its_collection_and_lasts_its_days(spec):
    for line, c in zip(sorted(as_lines(spec), key=cover.order_key), compute(as_lines(spec))):
        assert c.line_id == line.line_id and c.start >= line.date and (c.until - c.start).days == line.days


# --- a back-dated collection (补录) -----------------------------------------------------------

def later_of(lines, drug, after):
    return later_collections(compute(lines), drug, D(after))


def test_a_back_dated_collection_that_pushes_a_later_one_past_its_limit_is_refused_naming_its_date():
    later = later_of([Collected(1, 1, D("2026-12-10"), RISPERIDONE, 80)], RISPERIDONE, "2026-11-25")
    # 30 days from 11-25: the later collection would run 12-25 → 2027-03-15, past 2027-03-10
    check = check_line(D("2026-11-25"), RISPERIDONE, 20, 3, Fraction(2), [], later)
    assert not check.ok and check.overrun.date == D("2026-12-10")
    assert check.message() == ("补录后，2026-12-10 的领药将超过三个月用量（可用至（含当日）2027-03-14，"
                               "不得超过 2027-03-09）：本次最多可领 2 盒（50 片）")
    assert check_line(D("2026-11-25"), RISPERIDONE, 20, 2, Fraction(2), [], later).ok


def test_a_back_dated_collection_of_another_drug_or_within_the_slack_is_accepted():
    lines = [Collected(1, 1, D("2026-12-10"), RISPERIDONE, 80)]
    assert later_of(lines, OLANZAPINE, "2026-11-25") == []
    later = later_of(lines, RISPERIDONE, "2026-11-25")
    assert check_line(D("2026-11-25"), RISPERIDONE, 10, 1, Fraction(1), [], later).ok  # ends 12-05


def test_a_later_collection_already_over_its_limit_is_not_blamed_on_the_new_one():
    lines = [Collected(1, 1, D("2026-12-10"), RISPERIDONE, 95)]  # older data: past 2027-03-10 already
    later = later_of(lines, RISPERIDONE, "2026-11-25")
    assert check_line(D("2026-11-25"), RISPERIDONE, 10, 1, Fraction(1), [], later).ok


def test_the_push_carries_through_a_chain_of_later_collections():
    lines = [Collected(1, 1, D("2026-12-01"), RISPERIDONE, 30), Collected(2, 2, D("2026-12-20"), RISPERIDONE, 79)]
    later = later_of(lines, RISPERIDONE, "2026-11-20")
    # the second later one starts 12-31 (after the first) and ends on its limit, 2027-03-20: any push
    # of the first past 12-01 pushes it over, though the first stays within its own limit
    check = check_line(D("2026-11-20"), RISPERIDONE, 10, 3, Fraction(1), [], later)
    assert check.overrun is not None and check.overrun.date == D("2026-12-20")
    assert check.max_units == 11  # 11-20 + 11 days = 12-01
    assert check_line(D("2026-11-20"), RISPERIDONE, 1, 11, Fraction(1), [], later).ok
    assert not check_line(D("2026-11-20"), RISPERIDONE, 1, 12, Fraction(1), [], later).ok


# --- the last day with drug -----------------------------------------------------------------------

def test_the_last_day_with_drug_is_the_day_before_the_first_day_without():
    assert last_day(D("2027-03-01")) == D("2027-02-28")
    assert last_day("2028-03-01") == D("2028-02-29")
    assert last_day(None) is None and cover.last_day_text(None) == ""
    assert cover.LAST_DAY_LABEL == "可用至（含当日）"


# --- the default next appointment ---------------------------------------------------------------

WEEKENDS = WorkCalendar()


def test_the_appointment_is_the_last_day_with_drug_of_the_line_that_runs_out_first():
    # 2027-01-17 and 2027-01-29 are the first days without: the last day of the first is Saturday 01-16
    assert default_appointment(D("2026-12-20"), [D("2027-01-29"), D("2027-01-17")]) == D("2027-01-16")
    assert default_appointment(D("2026-12-20"), [D("2027-01-29"), D("2027-01-17")], WEEKENDS) == D("2027-01-15")


def test_the_appointment_moves_back_over_an_official_holiday():
    # 2026-10-01..07 is the National Day holiday; 2026-10-08 is its first day back at work
    assert default_appointment(D("2026-09-01"), [D("2026-10-06")], WEEKENDS) == D("2026-09-30")


def test_the_appointment_follows_the_administrators_holiday_table():
    calendar = WorkCalendar({D("2027-01-15"): HOLIDAY})
    assert default_appointment(D("2026-12-20"), [D("2027-01-17")], calendar) == D("2027-01-14")


def test_the_appointment_is_never_on_or_before_the_collection_day():
    # one day of drug: its last day is the collection day itself, a Friday → the next working day
    assert default_appointment(D("2027-01-15"), [D("2027-01-16")], WEEKENDS) == D("2027-01-18")
    assert default_appointment(D("2027-01-15"), [D("2027-01-16")]) == D("2027-01-16")
    assert default_appointment(D("2027-01-15"), []) is None


@given(st.dates(dt.date(2020, 1, 1), dt.date(2030, 1, 1)), st.lists(st.integers(1, 92), min_size=1, max_size=4))
def test_the_appointment_is_after_the_collection_and_never_after_the_first_drug_runs_out(day, lengths):
    untils = [day + dt.timedelta(days=n) for n in lengths]
    got = default_appointment(day, untils, WEEKENDS)
    assert got > day and WEEKENDS.is_working_day(got)
    if got < min(untils):
        assert got <= min(untils) - dt.timedelta(days=1)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(
    st.tuples(st.just("collect"), st.integers(0, 120), st.sampled_from([RISPERIDONE, OLANZAPINE]),
              st.integers(1, 95)),
    st.tuples(st.just("void"), st.integers(0, 50))), min_size=1, max_size=14))
def test_whatever_is_entered_in_whatever_order_no_live_collection_goes_past_its_limit(steps):
    """Collections accepted only when check_line (what is in hand on their date, the later ones
    they push) says ok, and voids of any of them: the recomputed cover of every live line stays
    within its own three months."""
    lines: list[Collected] = []
    next_id = 1
    for step in steps:
        if step[0] == "void":
            ids = sorted({l.dispensing_id for l in lines})
            if ids:
                voided = ids[step[1] % len(ids)]
                lines = [l for l in lines if l.dispensing_id != voided]
            continue
        _, offset, drug, days = step
        day = BASE + dt.timedelta(days=offset)
        covers = compute(lines)
        prior = [PriorLine(c.drug_id, c.until) for c in covers if c.date <= day]
        check = check_line(day, drug, 1, days, Fraction(1), prior, later_collections(covers, drug, day))
        if check.ok:
            lines.append(Collected(next_id, next_id, day, drug, days))
        else:
            assert check.max_units < days  # what was refused was more than the most allowed
            if check.max_units > 0:
                assert check_line(day, drug, 1, check.max_units, Fraction(1), prior,
                                  later_collections(covers, drug, day)).ok
        next_id += 1
        for c in compute(lines):
            assert c.until <= cover.limit_date(c.date)


@settings(max_examples=150, deadline=None)
@given(collections, st.integers(0, 200))
def test_the_lines_from_a_day_on_recompute_alone_from_what_the_earlier_ones_left(spec, cut):
    lines = as_lines(spec)
    day = BASE + dt.timedelta(days=cut)
    before = compute([l for l in lines if l.date < day])
    left: dict[int, dt.date] = {}
    for c in before:
        left[c.drug_id] = max(left.get(c.drug_id, c.until), c.until)
    assert before + compute([l for l in lines if l.date >= day], left) == compute(lines)
