"""An agreement gives one year of free medication: from the signing day to the day before its
anniversary, and a whole year even when signed on 29 February."""
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clinic_app.domain.agreement_terms import anniversary, format_period, valid_until


@pytest.mark.parametrize("signed, until", [
    (dt.date(2024, 5, 10), dt.date(2025, 5, 9)),
    (dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
    (dt.date(2024, 12, 31), dt.date(2025, 12, 30)),
    (dt.date(2024, 2, 29), dt.date(2025, 2, 28)),  # no 29 February in 2025
    (dt.date(2023, 2, 28), dt.date(2024, 2, 27)),
    (dt.date(2023, 3, 1), dt.date(2024, 2, 29)),  # the year runs through a leap day
    (dt.date(2028, 2, 29), dt.date(2029, 2, 28)),
])
def test_valid_until(signed, until):
    assert valid_until(signed) == until


def test_anniversary_of_a_leap_day_is_1_march():
    assert anniversary(dt.date(2024, 2, 29)) == dt.date(2025, 3, 1)


def test_format_period():
    assert format_period(dt.date(2024, 2, 29)) == "2024年02月29日至2025年02月28日"


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 12, 31)))
def test_the_term_is_a_year_and_the_next_one_starts_the_day_after(signed):
    until = valid_until(signed)
    assert 364 <= (until - signed).days <= 365
    following = until + dt.timedelta(days=1)
    assert following.year == signed.year + 1 and (following.month, following.day) in (
        (signed.month, signed.day), (3, 1))
