"""Who pays for a collection: insurance, relief, disability subsidy, then the programme fund —
in fen, always adding up exactly."""
from fractions import Fraction

import pytest
from hypothesis import given, strategies as st

from clinic_app.domain.cost_split import PARTS, Split, allocate, disability_subsidy, split_collection
from clinic_app.domain.errors import ValidationError


def line_sums(lines: list[Split]) -> dict:
    return {part: sum(getattr(line, part) for line in lines) for part in ("total", *PARTS)}


# --- allocate ----------------------------------------------------------------------------------

@pytest.mark.parametrize("amount, weights, shares", [
    (100, [1, 1], [50, 50]),
    (100, [1, 1, 1], [34, 33, 33]),      # the first of equal remainders gets the extra fen
    (1, [1, 1, 1], [1, 0, 0]),
    (10, [3, 0, 7], [3, 0, 7]),
    (0, [5, 5], [0, 0]),
    (7, [], []),
    (1000, [2500, 1250, 1250], [500, 250, 250]),
])
def test_allocate_shares_in_proportion(amount, weights, shares):
    assert allocate(amount, weights) == shares


def test_allocate_refuses_weights_that_add_up_to_nothing():
    with pytest.raises(ValueError):
        allocate(10, [0, 0])


weights = st.lists(st.integers(min_value=0, max_value=1_000_000), min_size=1, max_size=8).filter(any)


@given(st.integers(min_value=0, max_value=10_000_000), weights)
def test_allocate_sums_exactly_and_stays_within_a_fen_of_the_exact_share(amount, weights):
    shares = allocate(amount, weights)
    assert sum(shares) == amount
    total = sum(weights)
    for share, weight in zip(shares, weights):
        exact = Fraction(amount * weight, total)
        assert share >= 0
        assert abs(share - exact) < 1
        if weight == 0:
            assert share == 0


# --- split_collection --------------------------------------------------------------------------

def test_the_programme_fund_pays_what_the_others_leave():
    collection, lines = split_collection([6000, 4000], insurance=5000, relief=1000, disability=500)
    assert collection.as_dict() == {"total": 10000, "insurance": 5000, "relief": 1000,
                                    "disability": 500, "programme": 3500}
    assert [line.as_dict() for line in lines] == [
        {"total": 6000, "insurance": 3000, "relief": 600, "disability": 300, "programme": 2100},
        {"total": 4000, "insurance": 2000, "relief": 400, "disability": 200, "programme": 1400},
    ]


def test_without_other_funds_the_programme_pays_everything():
    collection, lines = split_collection([1234, 1], 0, 0, 0)
    assert collection.programme == 1235
    assert [line.programme for line in lines] == [1234, 1]


def test_an_empty_collection_splits_into_nothing():
    collection, lines = split_collection([], 0, 0, 0)
    assert collection.as_dict() == {"total": 0, **{p: 0 for p in PARTS}} and lines == []


def test_other_funds_over_the_total_are_refused_with_the_amounts():
    with pytest.raises(ValidationError) as info:
        split_collection([5000, 5000], insurance=8000, relief=1500, disability=600)
    message = info.value.message
    assert "超过领药总金额" in message and "101.00" in message and "100.00" in message


@pytest.mark.parametrize("field, words", [("insurance", "医保特病资金"), ("relief", "民政救助资金"),
                                          ("disability", "残联免费服药资金")])
def test_a_negative_fund_is_refused(field, words):
    funds = {"insurance": 0, "relief": 0, "disability": 0, field: -1}
    with pytest.raises(ValidationError) as info:
        split_collection([100], **funds)
    assert words in info.value.message and "负数" in info.value.message


def test_rounding_never_leaves_a_line_with_a_negative_programme_part():
    # Each of three parts rounds up on the small line; it must not go below zero.
    collection, lines = split_collection([1, 1, 1], insurance=1, relief=1, disability=1)
    assert collection.programme == 0
    assert all(line.programme >= 0 for line in lines)
    assert line_sums(lines) == collection.as_dict()


def test_a_split_that_does_not_add_up_cannot_be_made():
    with pytest.raises(ValueError):
        Split(total=100, insurance=50, programme=40)
    with pytest.raises(ValueError):
        Split(total=100, insurance=110, programme=-10)


@st.composite
def collections(draw):
    totals = draw(st.lists(st.integers(min_value=0, max_value=500_000), min_size=1, max_size=6))
    total = sum(totals)
    insurance = draw(st.integers(min_value=0, max_value=total))
    relief = draw(st.integers(min_value=0, max_value=total - insurance))
    disability = draw(st.integers(min_value=0, max_value=total - insurance - relief))
    return totals, insurance, relief, disability


@given(collections())
def test_the_parts_always_add_up_per_collection_and_per_line(case):
    totals, insurance, relief, disability = case
    collection, lines = split_collection(totals, insurance, relief, disability)
    assert collection.total == sum(totals)
    assert (collection.insurance, collection.relief, collection.disability) == (insurance, relief, disability)
    assert collection.programme == collection.total - insurance - relief - disability
    assert [line.total for line in lines] == totals
    assert line_sums(lines) == collection.as_dict()
    for line in lines:
        assert all(getattr(line, part) >= 0 for part in PARTS)
        assert sum(getattr(line, part) for part in PARTS) == line.total


@given(st.lists(st.integers(min_value=0, max_value=500_000), min_size=1, max_size=6),
       st.integers(min_value=1, max_value=100_000))
def test_more_than_the_total_is_always_refused(totals, excess):
    with pytest.raises(ValidationError):
        split_collection(totals, sum(totals) + excess, 0, 0)


# --- the disability subsidy and the monthly cap ------------------------------------------------

@pytest.mark.parametrize("remaining, has_certificate, percent, cap, months, subsidy", [
    (10000, True, 50, 0, 1, 5000),
    (10000, False, 50, 0, 1, 0),
    (10000, True, 0, 0, 1, 0),
    (0, True, 50, 0, 1, 0),
    (10000, True, 50, 2000, 1, 2000),
    (10000, True, 50, 2000, 3, 5000),
    (999, True, 33, 0, 1, 329),           # rounded down to whole fen
])
def test_disability_subsidy(remaining, has_certificate, percent, cap, months, subsidy):
    assert disability_subsidy(remaining, has_certificate, percent, cap, months) == subsidy


def test_the_disability_cap_for_part_months_is_rounded_down():
    assert disability_subsidy(100000, True, 100, 50000, Fraction(16, 31)) == 25806
