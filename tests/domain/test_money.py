"""Money is integer fen; yuan are only typed and shown."""
import pytest
from hypothesis import given, strategies as st

from clinic_app.domain.errors import ValidationError
from clinic_app.domain.money import parse_yuan, yuan

MAX_FEN = 999_999_999_99   # parse_yuan takes at most nine digits of whole yuan


@pytest.mark.parametrize("fen, text", [
    (0, "0.00"), (1, "0.01"), (10, "0.10"), (100, "1.00"), (12345, "123.45"), (-5, "-0.05"),
    (-12345, "-123.45"),
])
def test_yuan_shows_two_decimals_and_keeps_the_sign(fen, text):
    assert yuan(fen) == text


@pytest.mark.parametrize("raw, fen", [
    ("123.45", 12345), ("123.4", 12340), ("123", 12300), ("0.01", 1), ("0", 0), ("12.50元", 1250),
    ("1,234.50", 123450), ("1，234", 123400), (" 8.8 ", 880), ("１２．５", 1250), (7, 700),
    ("", 0), (None, 0), ("999999999.99", MAX_FEN),
])
def test_parse_yuan_reads_what_staff_type(raw, fen):
    assert parse_yuan(raw) == fen


@pytest.mark.parametrize("raw", ["1.234", "0.001", "-1", "-0.01", "abc", "12a", "1.2.3", ".5", "5.",
                                 "1e3", "1000000000", "¥5"])
def test_parse_yuan_refuses_what_is_not_an_amount(raw):
    with pytest.raises(ValidationError) as info:
        parse_yuan(raw)
    assert "不超过两位小数的非负数" in info.value.message


@given(st.integers(min_value=0, max_value=MAX_FEN))
def test_yuan_and_parse_yuan_round_trip(fen):
    assert parse_yuan(yuan(fen)) == fen


@given(st.integers(min_value=0, max_value=999_999_999), st.integers(min_value=0, max_value=99))
def test_typed_yuan_and_fen_become_exact_fen(whole, cents):
    assert parse_yuan(f"{whole}.{cents:02d}") == whole * 100 + cents
