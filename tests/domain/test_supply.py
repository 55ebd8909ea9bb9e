"""The three-month limit on one collection (五、(三)2: 每次限领3个月服用量)."""
import datetime as dt
from fractions import Fraction

import pytest
from hypothesis import given, strategies as st

from clinic_app.domain.errors import ValidationError
from clinic_app.domain.supply import (PriorLine, check_line, cover_start, days_of_supply,
                                      format_dose, limit_date, parse_dose)

D = dt.date.fromisoformat
RISPERIDONE, OLANZAPINE = 7, 8


def check(collection="2027-01-01", packs=1, units_per_pack=10, dose="1", prior=(), drug=RISPERIDONE):
    return check_line(D(collection), drug, units_per_pack, packs, parse_dose(dose), list(prior))


# --- the limit date ----------------------------------------------------------------------------

@pytest.mark.parametrize("collection, limit", [
    ("2027-01-01", "2027-04-01"),
    ("2026-11-30", "2027-02-28"),   # month end clamped
    ("2027-11-30", "2028-02-29"),   # 2028 is a leap year
    ("2027-08-31", "2027-11-30"),
    ("2027-10-31", "2028-01-31"),   # across a year end
    ("2027-12-15", "2028-03-15"),
])
def test_the_limit_is_three_calendar_months_with_month_ends_clamped(collection, limit):
    assert limit_date(D(collection)) == D(limit)


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 1, 1)))
def test_the_limit_is_always_89_to_92_days_later(day):
    assert 89 <= (limit_date(day) - day).days <= 92


# --- a 90-day collection and a 100-day one -----------------------------------------------------

def test_a_ninety_day_collection_is_accepted():
    line = check("2027-01-01", packs=9, units_per_pack=10, dose="1")   # 2027-01-01 → 04-01: 90 days
    assert line.ok and line.message() is None
    assert (line.days, line.cover_until, line.limit) == (90, D("2027-04-01"), D("2027-04-01"))
    assert (line.max_units, line.max_packs) == (90, 9)


def test_a_hundred_day_collection_is_refused_with_the_most_that_may_be_collected():
    line = check("2027-01-01", packs=10, units_per_pack=10, dose="1")
    assert not line.ok
    assert line.days == 100 and line.cover_until == D("2027-04-11")
    message = line.message("片", "盒")
    assert "超过三个月用量" in message
    assert "本次最多可领 9 盒（90 片）" in message
    # the last day with drug on both sides (issue 8, point 8): 04-11 and 04-01 are the first days without
    assert "可用至（含当日）2027-04-10" in message and "不得超过 2027-03-31" in message


def test_the_message_uses_the_units_it_is_given():
    line = check("2027-01-01", packs=2, units_per_pack=100, dose="1")
    assert "最多可领 0 瓶（90 粒）" in line.message("粒", "瓶")


# --- earlier collections -----------------------------------------------------------------------

def test_left_over_cover_of_the_same_drug_shortens_what_may_be_collected():
    prior = [PriorLine(RISPERIDONE, D("2027-01-31"))]   # 30 days still in hand
    line = check("2027-01-01", packs=9, units_per_pack=10, dose="1", prior=prior)
    assert line.start == D("2027-01-31") and line.left_over_days == 30
    assert (line.max_units, line.max_packs) == (60, 6)
    assert not line.ok
    assert "最多可领 6 盒（60 片）" in line.message()
    assert check("2027-01-01", packs=6, units_per_pack=10, dose="1", prior=prior).ok


def test_the_latest_of_several_earlier_covers_counts():
    prior = [PriorLine(RISPERIDONE, D("2027-01-10")), PriorLine(RISPERIDONE, D("2027-02-10")),
             PriorLine(RISPERIDONE, D("2026-12-20"))]
    assert cover_start(D("2027-01-01"), RISPERIDONE, prior) == D("2027-02-10")


def test_cover_that_ran_out_before_the_collection_does_not_count():
    prior = [PriorLine(RISPERIDONE, D("2026-12-01"))]
    line = check("2027-01-01", packs=9, units_per_pack=10, prior=prior)
    assert line.start == D("2027-01-01") and line.left_over_days == 0 and line.ok


def test_another_drugs_cover_is_ignored():
    prior = [PriorLine(OLANZAPINE, D("2027-03-01"))]
    line = check("2027-01-01", packs=9, units_per_pack=10, dose="1", prior=prior, drug=RISPERIDONE)
    assert line.start == D("2027-01-01") and line.ok and line.max_packs == 9


def test_cover_reaching_the_limit_leaves_nothing_to_collect():
    prior = [PriorLine(RISPERIDONE, D("2027-04-01"))]
    line = check("2027-01-01", packs=1, prior=prior)
    assert (line.max_units, line.max_packs) == (0, 0) and not line.ok


# --- doses -------------------------------------------------------------------------------------

@pytest.mark.parametrize("units, dose, days", [
    (20, "1", 20),
    (20, "1.5", 14),     # 13⅓ days: a part-day counts as a day
    (20, "1/2", 40),
    (20, "0.5", 40),
    (30, "2", 15),
    (7, "2", 4),
    (0, "1", 0),
])
def test_days_of_supply_round_a_part_day_up(units, dose, days):
    assert days_of_supply(units, parse_dose(dose)) == days


def test_a_fractional_dose_sets_the_maximum_exactly():
    line = check("2027-01-01", packs=1, units_per_pack=20, dose="1.5")   # 90 days × 1.5 = 135 units
    assert (line.max_units, line.max_packs) == (135, 6)
    assert check("2027-01-01", packs=6, units_per_pack=20, dose="1.5").ok
    assert not check("2027-01-01", packs=7, units_per_pack=20, dose="1.5").ok


def test_half_a_tablet_a_day_allows_half_as_many_tablets():
    line = check("2027-01-01", packs=1, units_per_pack=20, dose="1/2")
    assert (line.max_units, line.max_packs, line.days) == (45, 2, 40)


@pytest.mark.parametrize("raw, value", [
    ("1", Fraction(1)), ("1.5", Fraction(3, 2)), ("0.5", Fraction(1, 2)), ("1/2", Fraction(1, 2)),
    ("１．５", Fraction(3, 2)), (" 2 ", Fraction(2)), ("1。5", Fraction(3, 2)), (3, Fraction(3)),
    (Fraction(1, 3), Fraction(1, 3)), ("100", Fraction(100)),
])
def test_doses_are_read_exactly(raw, value):
    assert parse_dose(raw) == value


@pytest.mark.parametrize("raw, words", [
    ("", "请填写每日用量"), (None, "请填写每日用量"), ("abc", "应为数字"), ("1/0", "应为数字"),
    ("0", "应大于0"), ("-1", "应大于0"), ("101", "不应超过"),
])
def test_bad_doses_are_refused_in_chinese(raw, words):
    with pytest.raises(ValidationError) as info:
        parse_dose(raw)
    assert words in info.value.message


@pytest.mark.parametrize("dose, text", [
    (Fraction(1), "1"), (Fraction(3, 2), "1.5"), (Fraction(1, 4), "0.25"), (Fraction(1, 3), "1/3"),
    (Fraction(1, 16), "1/16"),
])
def test_doses_are_written_as_staff_would(dose, text):
    assert format_dose(dose) == text


@given(st.fractions(min_value=Fraction(1, 1000), max_value=100, max_denominator=1000))
def test_a_written_dose_reads_back_the_same(dose):
    assert parse_dose(format_dose(dose)) == dose


# --- bad lines ---------------------------------------------------------------------------------

@pytest.mark.parametrize("packs, units_per_pack, words", [(-1, 10, "负数"), (1, 0, "大于0")])
def test_impossible_lines_are_refused(packs, units_per_pack, words):
    with pytest.raises(ValidationError) as info:
        check(packs=packs, units_per_pack=units_per_pack)
    assert words in info.value.message


# --- the maximum is exactly the maximum --------------------------------------------------------

collection_days = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2030, 12, 31))
doses = st.fractions(min_value=Fraction(1, 4), max_value=12, max_denominator=4)
pack_sizes = st.integers(min_value=1, max_value=100)


@given(collection_days, doses, pack_sizes)
def test_max_packs_is_allowed_and_one_more_is_not(collection, dose, units_per_pack):
    allowed = check_line(collection, RISPERIDONE, units_per_pack, 0, dose, [])
    assert check_line(collection, RISPERIDONE, units_per_pack, allowed.max_packs, dose, []).ok
    assert not check_line(collection, RISPERIDONE, units_per_pack, allowed.max_packs + 1, dose, []).ok


@given(collection_days, doses, pack_sizes, st.integers(min_value=0, max_value=92))
def test_max_packs_holds_with_left_over_cover(collection, dose, units_per_pack, left_over):
    prior = [PriorLine(RISPERIDONE, min(collection + dt.timedelta(days=left_over), limit_date(collection)))]
    allowed = check_line(collection, RISPERIDONE, units_per_pack, 0, dose, prior)
    assert check_line(collection, RISPERIDONE, units_per_pack, allowed.max_packs, dose, prior).ok
    refused = check_line(collection, RISPERIDONE, units_per_pack, allowed.max_packs + 1, dose, prior)
    assert not refused.ok and f"最多可领 {allowed.max_packs} 盒" in refused.message()


@given(collection_days, doses, pack_sizes, st.integers(min_value=0, max_value=40))
def test_an_accepted_line_never_reaches_past_the_limit(collection, dose, units_per_pack, packs):
    line = check_line(collection, RISPERIDONE, units_per_pack, packs, dose, [])
    assert line.ok == (line.cover_until <= limit_date(collection))
    assert line.ok == (packs <= line.max_packs)
