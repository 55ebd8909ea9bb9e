"""Proportion of days covered: merged supplies, carried-over cover, hospital days left out."""
from __future__ import annotations

import datetime as dt
from fractions import Fraction

from hypothesis import given, strategies as st

from clinic_app.domain import adherence as adh
from clinic_app.domain.adherence import pdc

D0 = dt.date(2026, 1, 1)


def d(n: int) -> dt.date:
    return D0 + dt.timedelta(days=n)


def iv(a: int, b: int) -> tuple[dt.date, dt.date]:
    return d(a), d(b)


# --- examples -------------------------------------------------------------------------------

def test_full_cover_is_one_and_no_cover_is_zero():
    assert pdc([iv(0, 30)], [], d(0), d(30)).ratio == 1
    result = pdc([], [], d(0), d(30))
    assert (result.ratio, result.covered_days, result.eligible_days) == (0, 0, 30)


def test_overlapping_supplies_count_each_day_once():
    # two drugs taken together, and an early collection overlapping the previous one
    result = pdc([iv(0, 20), iv(10, 30), iv(5, 15)], [], d(0), d(40))
    assert result.covered_days == 30
    assert result.ratio == Fraction(3, 4)


def test_cover_from_before_the_window_counts_inside_it_only():
    result = pdc([iv(-30, 10)], [], d(0), d(20))
    assert (result.days_in_window, result.covered_days, result.ratio) == (20, 10, Fraction(1, 2))


def test_cover_reaching_past_the_window_is_cut_at_its_end():
    assert pdc([iv(10, 90)], [], d(0), d(20)).covered_days == 10


def test_intervals_are_half_open():
    # cover_until is the first day without drug; the discharge day is a day at home
    result = pdc([iv(0, 10), iv(10, 20)], [iv(20, 25)], d(0), d(30))
    assert result.covered_days == 20
    assert result.hospital_days == 5
    assert result.eligible_days == 25
    assert result.ratio == Fraction(20, 25)


def test_hospital_days_leave_numerator_and_denominator():
    # 30 days; drug on days 0–19; in hospital on days 10–19 (covered) and 25–29 (not covered)
    result = pdc([iv(0, 20)], [iv(10, 20), iv(25, 30)], d(0), d(30))
    assert (result.days_in_window, result.hospital_days, result.eligible_days, result.covered_days) == (
        30, 15, 15, 10)
    assert result.ratio == Fraction(2, 3)
    assert result.uncovered_days == 5


def test_all_in_hospital_or_empty_window_has_no_ratio():
    assert pdc([iv(0, 30)], [iv(-5, 40)], d(0), d(30)).ratio is None
    assert pdc([iv(0, 30)], [], d(5), d(5)).ratio is None
    assert pdc([iv(0, 30)], [], d(5), d(1)).days_in_window == 0
    assert adh.percent(pdc([], [], d(5), d(5))) is None


def test_window_is_kept_on_the_result():
    result = pdc([], [], d(0), d(10))
    assert (result.start, result.end) == (d(0), d(10))


def test_percent_rounds_down_so_below_the_line_never_shows_as_on_it():
    almost = adh.Adherence(1000, 0, 1000, 799, Fraction(799, 1000))
    assert adh.percent(almost) == 79
    assert adh.below(almost, 80)
    exactly = adh.Adherence(10, 0, 10, 8, Fraction(8, 10))
    assert adh.percent(exactly) == 80 and not adh.below(exactly, 80)
    assert not adh.below(adh.Adherence(0, 0, 0, 0, None), 80)


def test_labels():
    assert adh.label(pdc([iv(0, 15)], [], d(0), d(20))) == "75%（有药 15/20 天）"
    assert adh.label(pdc([iv(0, 15)], [iv(15, 20)], d(0), d(30))) == "60%（有药 15/25 天，住院 5 天不计）"
    assert adh.label(pdc([], [iv(0, 30)], d(0), d(30))) == "无可计算天数（期间住院 30 天）"
    assert adh.label(pdc([], [], d(0), d(0))) == "无可计算天数"
    assert adh.percent_text(pdc([], [], d(0), d(0))) == "—"
    assert adh.percent_text(pdc([iv(0, 1)], [], d(0), d(3))) == "33%"


def test_hospital_stays_from_status_events():
    events = [(d(0), "enrolled"), (d(10), "admitted"), (d(20), "discharged"), (d(25), "annual_review"),
              (d(40), "admitted")]
    assert adh.hospital_stays(events, d(50)) == [iv(10, 20), iv(40, 50)]
    assert adh.hospital_stays([(d(5), "admitted")], d(5)) == []
    assert adh.hospital_stays([], d(5)) == []


def test_merge_drops_empty_and_joins_touching_intervals():
    assert adh.merge([iv(5, 5), iv(9, 3), iv(0, 2), iv(2, 4)]) == [iv(0, 4)]
    assert adh.merge([iv(0, 10)], d(2), d(8)) == [iv(2, 8)]


# --- properties -----------------------------------------------------------------------------

offsets = st.integers(min_value=-60, max_value=160)
intervals = st.lists(st.tuples(offsets, st.integers(min_value=0, max_value=95)).map(
    lambda t: iv(t[0], t[0] + t[1])), max_size=12)
windows = st.tuples(st.integers(min_value=-20, max_value=60), st.integers(min_value=0, max_value=120)).map(
    lambda t: (d(t[0]), d(t[0] + t[1])))


def days_of(spans) -> set[dt.date]:
    return {a + dt.timedelta(days=k) for a, b in spans for k in range(max((b - a).days, 0))}


@given(intervals, intervals, windows)
def test_matches_counting_day_by_day(covered, hospital, window):
    start, end = window
    window_days = days_of([window])
    home = window_days - days_of(hospital)
    result = pdc(covered, hospital, start, end)
    assert result.days_in_window == len(window_days)
    assert result.hospital_days == len(window_days) - len(home)
    assert result.eligible_days == len(home)
    assert result.covered_days == len(home & days_of(covered))
    assert result.ratio == (Fraction(result.covered_days, len(home)) if home else None)


@given(intervals, intervals, windows)
def test_ratio_between_zero_and_one(covered, hospital, window):
    result = pdc(covered, hospital, *window)
    assert result.hospital_days + result.eligible_days == result.days_in_window
    assert 0 <= result.covered_days <= result.eligible_days
    if result.ratio is not None:
        assert 0 <= result.ratio <= 1
        assert 0 <= adh.percent(result) <= 100


@given(intervals, intervals, windows, st.randoms(use_true_random=False))
def test_order_and_duplicates_do_not_matter(covered, hospital, window, rnd):
    result = pdc(covered, hospital, *window)
    shuffled_cover, shuffled_stays = list(covered), list(hospital)
    rnd.shuffle(shuffled_cover)
    rnd.shuffle(shuffled_stays)
    assert pdc(shuffled_cover, shuffled_stays, *window) == result
    assert pdc(covered + covered, hospital + hospital, *window) == result
    assert pdc(adh.merge(covered), adh.merge(hospital), *window) == result


@given(intervals, intervals, windows, st.integers(min_value=0, max_value=95))
def test_splitting_a_supply_in_two_changes_nothing(covered, hospital, window, cut):
    if not covered:
        return
    a, b = covered[0]
    middle = min(a + dt.timedelta(days=cut), b)
    split = [(a, middle), (middle, b)] + covered[1:]
    assert pdc(split, hospital, *window) == pdc(covered, hospital, *window)


@given(intervals, intervals, windows, intervals)
def test_more_supply_never_lowers_adherence(covered, hospital, window, extra):
    before = pdc(covered, hospital, *window)
    after = pdc(covered + extra, hospital, *window)
    assert after.eligible_days == before.eligible_days
    assert after.covered_days >= before.covered_days
    if before.ratio is not None:
        assert after.ratio >= before.ratio


@given(intervals, intervals, windows, intervals)
def test_a_hospital_stay_never_adds_days_without_drug(covered, hospital, window, stays):
    """What really holds for an added stay: fewer (or as many) eligible days, covered days and
    days at home without drug. The ratio itself may go either way — a stay over covered days
    lowers it (see below) — so it is not asserted."""
    before = pdc(covered, hospital, *window)
    after = pdc(covered, hospital + stays, *window)
    assert after.eligible_days <= before.eligible_days
    assert after.covered_days <= before.covered_days
    assert after.uncovered_days <= before.uncovered_days
    assert after.hospital_days >= before.hospital_days


def test_a_stay_over_covered_days_can_lower_the_ratio():
    # 2 of 4 days covered; a stay over one covered day leaves 1 of 3
    assert pdc([iv(0, 2)], [], d(0), d(4)).ratio == Fraction(1, 2)
    assert pdc([iv(0, 2)], [iv(1, 2)], d(0), d(4)).ratio == Fraction(1, 3)


@given(intervals, intervals, windows, intervals)
def test_a_stay_over_days_without_drug_never_lowers_the_ratio(covered, hospital, window, stays):
    """A stay that falls only on days without drug (the usual case: admitted because drugs ran
    out) can only raise adherence."""
    uncovered = days_of(stays) - days_of(covered)
    stay_days = [(day, day + dt.timedelta(days=1)) for day in sorted(uncovered)]
    before = pdc(covered, hospital, *window)
    after = pdc(covered, hospital + stay_days, *window)
    assert after.covered_days == before.covered_days
    if after.ratio is not None:
        assert after.ratio >= before.ratio


@given(intervals, intervals, windows, st.integers(min_value=0, max_value=120))
def test_windows_add_up(covered, hospital, window, cut):
    start, end = window
    middle = min(start + dt.timedelta(days=cut), end)
    whole = pdc(covered, hospital, start, end)
    first, second = pdc(covered, hospital, start, middle), pdc(covered, hospital, middle, end)
    for field in ("days_in_window", "hospital_days", "eligible_days", "covered_days"):
        assert getattr(whole, field) == getattr(first, field) + getattr(second, field)
