"""Resident ID numbers: forgiving in form, strict in substance. All numbers are synthetic."""
import datetime as dt

import pytest
from hypothesis import given, strategies as st

from clinic_app.domain import idnumber
from clinic_app.domain.errors import ValidationError

TODAY = dt.date(2026, 6, 1)
CHECK_CHARS = "0123456789X"


def make(area="500381", born="19800101", order="12", sex_digit="3") -> str:
    first17 = f"{area}{born}{order}{sex_digit}"
    return first17 + idnumber.check_char(first17)


def ending_in_x() -> str:
    return next(n for n in (make(order=f"{i:02d}") for i in range(100)) if n.endswith("X"))


def refusal(raw, today=TODAY) -> str:
    with pytest.raises(ValidationError) as info:
        idnumber.parse(raw, today)
    return info.value.message


first17s = st.builds(
    lambda area, born, order: f"{area}{born:%Y%m%d}{order}",
    st.from_regex(r"\A[0-9]{6}\Z"),
    st.dates(min_value=dt.date(idnumber.EARLIEST_BIRTH_YEAR, 1, 1), max_value=TODAY),
    st.from_regex(r"\A[0-9]{3}\Z"),
)


@given(first17s)
def test_seventeen_digits_plus_their_check_char_is_accepted(first17):
    number = first17 + idnumber.check_char(first17)
    assert idnumber.parse(number, TODAY).number == number


@given(first17s, st.sampled_from(CHECK_CHARS))
def test_any_other_last_char_is_refused_as_a_check_digit_error(first17, last):
    if last == idnumber.check_char(first17):
        return
    assert "校验位" in refusal(first17 + last)


@given(first17s)
def test_the_refusal_does_not_give_away_the_expected_check_char(first17):
    """Staff would type the offered character in, and a number with a wrong digit elsewhere would
    then pass: the refusal says only that the check digit is wrong and to read the card again."""
    expected = idnumber.check_char(first17)
    wrong = next(c for c in CHECK_CHARS if c != expected)
    message = refusal(first17 + wrong)
    assert message == idnumber.CHECK_DIGIT_WRONG
    assert "校验位错误" in message and "对照身份证" in message
    assert not any(ch.isdigit() or ch in "Xx" for ch in message)


def test_check_char_matches_the_standard_worked_example():
    # GB 11643-1999 appendix example: 11010519491231002X
    assert idnumber.check_char("11010519491231002") == "X"


def test_lowercase_x_is_accepted_and_stored_uppercase():
    number = ending_in_x()
    assert idnumber.parse(number.lower(), TODAY).number == number


@pytest.mark.parametrize("spaced", [
    "500381 19800101 123{c}", " 500381198001011 23{c} ", "500381\u300019800101123{c}",
    "500381\t19800101123{c}",
])
def test_spaces_of_every_kind_are_stripped(spaced):
    number = make()
    assert idnumber.parse(spaced.format(c=number[-1]), TODAY).number == number


def test_full_width_digits_from_a_chinese_ime_are_converted():
    number = make()
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in number)
    assert idnumber.parse(full_width, TODAY).number == number


def test_full_width_x_is_converted():
    number = ending_in_x()
    assert idnumber.parse(number[:-1] + "ｘ", TODAY).number == number


def test_fifteen_digit_number_raises_first_generation_with_a_conversion_that_parses():
    with pytest.raises(idnumber.FirstGenerationId) as info:
        idnumber.parse("500381800101123", TODAY)
    converted = info.value.converted
    assert converted.startswith("50038119800101123") and len(converted) == 18
    assert idnumber.parse(converted, TODAY).birth_date == dt.date(1980, 1, 1)
    assert converted in info.value.message and "15位" in info.value.message


def test_first_generation_error_is_a_validation_error_so_callers_need_no_special_case():
    assert issubclass(idnumber.FirstGenerationId, ValidationError)


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(1999, 12, 31)),
       st.from_regex(r"\A[0-9]{3}\Z"))
def test_every_first_generation_number_converts_to_a_valid_one(born, order):
    number15 = f"500381{born:%y%m%d}{order}"
    converted = idnumber.convert_15_to_18(number15)
    assert idnumber.parse(converted, TODAY).birth_date == born


def test_fifteen_digits_with_an_impossible_date_are_refused_not_offered_for_conversion():
    message = refusal("500381800230123")
    assert "不是有效日期" in message


@pytest.mark.parametrize("born, fragment", [
    ("19800230", "1980-02-30 不是有效日期"),
    ("19810229", "1981-02-29 不是有效日期"),
    ("19801301", "不是有效日期"),
    ("19800100", "不是有效日期"),
    ("20260602", "晚于今天"),
    ("20990101", "晚于今天"),
    ("18991231", "出生年份 1899 不合理"),
])
def test_impossible_future_and_implausible_birth_dates_are_refused(born, fragment):
    assert fragment in refusal(make(born=born))


def test_leap_day_in_a_leap_year_is_a_real_date():
    assert idnumber.parse(make(born="20000229"), TODAY).birth_date == dt.date(2000, 2, 29)


def test_born_today_is_accepted():
    assert idnumber.parse(make(born=f"{TODAY:%Y%m%d}"), TODAY).birth_date == TODAY


@pytest.mark.parametrize("raw, fragment", [
    ("50038119800101123", "应为18位，现为17位"),
    ("5003811980010112345", "应为18位，现为19位"),
    ("5003", "现为4位"),
    ("50038119A00101123X", "前17位应全部为数字"),
    ("500381198001011-3X", "前17位应全部为数字"),
    ("50038119800101123Y", "最后一位应为数字或X"),
    ("", "请填写身份证号"),
    (None, "请填写身份证号"),
    ("   ", "请填写身份证号"),
])
def test_malformed_numbers_are_refused_with_a_specific_reason(raw, fragment):
    assert fragment in refusal(raw)


@pytest.mark.parametrize("sex_digit, sex", [
    ("1", "男"), ("3", "男"), ("5", "男"), ("7", "男"), ("9", "男"),
    ("0", "女"), ("2", "女"), ("4", "女"), ("6", "女"), ("8", "女"),
])
def test_sex_comes_from_the_seventeenth_digit(sex_digit, sex):
    assert idnumber.parse(make(sex_digit=sex_digit), TODAY).sex == sex


def test_parse_decodes_area_code_and_birth_date():
    info = idnumber.parse(make(area="500116", born="19751231"), TODAY)
    assert info.area_code == "500116"
    assert info.birth_date == dt.date(1975, 12, 31)


@pytest.mark.parametrize("raw, valid", [
    (make(), True), (make()[:-1] + ("0" if make()[-1] != "0" else "1"), False),
    ("500381800101123", False), ("", False), (None, False),
])
def test_is_valid_is_a_yes_no_view_of_parse(raw, valid):
    assert idnumber.is_valid(raw, TODAY) is valid


@pytest.mark.parametrize("raw, masked", [
    ("50038119800101123X", "500381********123X"),
    ("500381800101123", "500381*****1123"),
    ("1234567890", "12********"),
    ("12", "12"),
    ("", ""),
    (None, ""),
])
def test_mask_keeps_area_code_and_last_four(raw, masked):
    assert idnumber.mask(raw) == masked


@given(st.from_regex(r"\A[0-9]{17}[0-9X]\Z"))
def test_mask_never_reveals_the_birth_date(number):
    masked = idnumber.mask(number)
    assert len(masked) == 18 and masked[6:14] == "*" * 8


@pytest.mark.parametrize("born, on, age", [
    (dt.date(1980, 6, 1), dt.date(2026, 6, 1), 46),
    (dt.date(1980, 6, 2), dt.date(2026, 6, 1), 45),
    (dt.date(2000, 2, 29), dt.date(2026, 2, 28), 25),
    (dt.date(2000, 2, 29), dt.date(2026, 3, 1), 26),
])
def test_age_counts_whole_years_reached_by_the_birthday(born, on, age):
    assert idnumber.age_on(born, on) == age
