"""The monthly backstop cap counted in calendar months of cover, adding up across collections."""
from __future__ import annotations

import datetime as dt
import math
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from clinic_app.domain import backstop
from clinic_app.domain.backstop import Collection, ceiling, charges, check, format_months, month_fractions

D = dt.date


def months(*intervals) -> Fraction:
    return backstop.months_of_cover(month_fractions(intervals))


# --- counting months -----------------------------------------------------------------------------

def test_a_whole_calendar_month_of_cover_is_one_month():
    assert months((D(2026, 10, 1), D(2026, 11, 1))) == 1


def test_first_of_september_to_end_of_november_is_three_months():
    assert months((D(2026, 9, 1), D(2026, 12, 1))) == 3


def test_a_part_month_counts_by_its_days():
    assert months((D(2026, 10, 16), D(2026, 11, 1))) == Fraction(16, 31)
    assert month_fractions([(D(2026, 9, 16), D(2026, 11, 16))]) == {
        (2026, 9): Fraction(15, 30), (2026, 10): Fraction(1), (2026, 11): Fraction(15, 30)}


def test_thirty_days_across_two_months_is_not_a_whole_month_each():
    # 15 October – 13 November: 17/31 + 13/30, a little under one month, not two
    assert months((D(2026, 10, 15), D(2026, 11, 14))) == Fraction(17, 31) + Fraction(13, 30)


def test_february_of_a_leap_year_is_one_month_of_29_days():
    assert months((D(2028, 2, 1), D(2028, 3, 1))) == 1
    assert month_fractions([(D(2028, 2, 15), D(2028, 3, 1))]) == {(2028, 2): Fraction(15, 29)}


def test_two_drugs_taken_together_fill_a_day_once():
    both = [(D(2026, 10, 1), D(2026, 11, 1)), (D(2026, 10, 1), D(2026, 10, 20))]
    assert months(*both) == 1
    touching = [(D(2026, 10, 1), D(2026, 10, 11)), (D(2026, 10, 11), D(2026, 11, 1))]
    assert months(*touching) == 1


def test_the_ceiling_is_rounded_in_the_programmes_favour():
    assert ceiling(50000, Fraction(16, 31)) == 25806   # 25806.45… fen
    assert ceiling(50000, Fraction(3)) == 150000


def test_months_are_shown_with_two_decimals_or_whole():
    assert format_months(Fraction(3)) == "3"
    assert format_months(Fraction(16, 31)) == "0.52"
    assert format_months(2 + Fraction(818, 840)) == "2.97"


# --- charging months -------------------------------------------------------------------------------

def test_a_collection_is_charged_to_its_months_by_their_share_of_cover():
    fractions = month_fractions([(D(2026, 9, 1), D(2026, 12, 1))])
    assert charges(150001, fractions) == {(2026, 9): 50001, (2026, 10): 50000, (2026, 11): 50000}


@given(st.integers(0, 10 ** 8), st.dates(D(2024, 1, 1), D(2030, 12, 31)), st.integers(1, 200))
def test_charges_always_add_up_to_the_programme_fund(fen, start, days):
    fractions = month_fractions([(start, start + dt.timedelta(days=days))])
    assert sum(charges(fen, fractions).values()) == fen


# --- the check ---------------------------------------------------------------------------------------

OCTOBER = (D(2026, 10, 1), D(2026, 11, 1))


def test_a_month_of_cover_within_the_cap_passes():
    assert check([OCTOBER], 50000, [], 50000).refusals() == []


def test_three_whole_months_may_use_three_caps():
    assert check([(D(2026, 9, 1), D(2026, 12, 1))], 150000, [], 50000).refusals() == []
    assert check([(D(2026, 9, 1), D(2026, 12, 1))], 150001, [], 50000).refusals()


def test_a_part_month_over_its_share_is_refused_saying_how_it_was_counted():
    result = check([(D(2026, 10, 16), D(2026, 11, 1))], 30000, [], 50000)
    (message,) = result.refusals()
    assert message.startswith("超过每月最大免费服药兜底限额：本次项目资金 300.00 元")
    assert "按 0.52 个月计（2026年10月 16/31天" in message and "不足整月按天数折算" in message
    assert "上限 258.06 元（每月 500.00 元）" in message


def test_what_earlier_collections_charged_to_the_month_counts_against_it():
    earlier = [Collection((OCTOBER,), 40000)]
    result = check([(D(2026, 10, 15), D(2026, 11, 14))], 30000, earlier, 50000)
    messages = result.refusals()
    assert len(messages) == 1
    october = next(u for u in result.uses if u.month == (2026, 10))
    assert october.used == 40000 and october.adds > 10000
    assert messages[0] == (
        f"超过每月最大免费服药兜底限额：2026年10月 限额 500.00 元，其他领药已计入 400.00 元，"
        f"本次将再计入 {october.adds // 100}.{october.adds % 100:02d} 元，"
        f"合计 {(40000 + october.adds) // 100}.{(40000 + october.adds) % 100:02d} 元，"
        f"超出 {(october.adds - 10000) // 100}.{(october.adds - 10000) % 100:02d} 元")


def test_earlier_collections_in_other_months_do_not_count():
    earlier = [Collection(((D(2026, 8, 1), D(2026, 9, 1)),), 50000)]
    assert check([OCTOBER], 50000, earlier, 50000).refusals() == []


def test_no_cap_set_refuses_nothing():
    assert check([OCTOBER], 10 ** 9, [Collection((OCTOBER,), 10 ** 9)], 0).refusals() == []


def test_the_summary_names_the_months_and_the_ceiling():
    summary = check([(D(2026, 11, 20), D(2027, 2, 18))], 0, [], 10000).summary()
    assert summary == ("每月最大免费服药兜底限额 100.00 元；本次按 2.97 个月计"
                       "（2026年11月 11/30天、12月 整月、2027年1月 整月、2月 17/28天），项目资金上限 297.38 元")


intervals = st.builds(lambda start, days: (start, start + dt.timedelta(days=days)),
                      st.dates(D(2025, 1, 1), D(2028, 12, 31)), st.integers(1, 120))


@given(st.lists(intervals, min_size=1, max_size=3), st.integers(1, 10 ** 6))
def test_a_collection_alone_within_its_ceiling_is_never_refused(covers, cap):
    allowed = ceiling(cap, months(*covers))
    assert check(covers, allowed, [], cap).refusals() == []
    assert check(covers, allowed + 1, [], cap).refusals()


@given(st.lists(intervals, min_size=1, max_size=2), st.integers(0, 10 ** 6),
       st.lists(st.tuples(st.lists(intervals, min_size=1, max_size=2), st.integers(0, 10 ** 6)), max_size=3),
       st.integers(1, 10 ** 6))
def test_refused_exactly_when_the_ceiling_or_a_month_is_passed(covers, fen, others, cap):
    earlier = [Collection(tuple(c), f) for c, f in others]
    result = check(covers, fen, earlier, cap)
    over = fen > math.floor(cap * months(*covers)) or any(
        u.used and u.used + u.adds > cap for u in result.uses)
    assert bool(result.refusals()) == over
    assert sum(u.adds for u in result.uses) == fen
