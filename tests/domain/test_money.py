"""Money is integer fen; yuan are only typed and shown."""
import pytest
from hypothesis import given, strategies as st

from clinic_app.domain.errors import ValidationError
from clinic_app.domain.money import parse_yuan, yuan, yuan_grouped

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
                                 "1e3", "1000000000"])
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


@pytest.mark.parametrize("raw", ["12,5", "1,2,3", "12,50", "1,23", "1234,567", "0,123", ",123", "123,",
                                 "1,,234", "1,234,56", "1,234.5,6", "12，5", "1，2，3", "1.234,5"])
def test_comma_not_in_three_digit_groups_is_refused_saying_how_to_write_it(raw):
    with pytest.raises(ValidationError) as info:
        parse_yuan(raw)
    message = info.value.message
    assert f"金额“{raw}”无法识别" in message
    assert "小数点请用“.”" in message and "千位分隔须每三位一组，如 1,234.50" in message


def test_decimal_comma_is_never_read_as_a_bigger_amount():
    for raw in ("12,5", "1,2,3", "12,50"):
        with pytest.raises(ValidationError):
            parse_yuan(raw)


@pytest.mark.parametrize("raw, fen", [
    ("1,234.50", 123450), ("12,345", 1234500), ("1,234,567.8", 123456780), ("999,999,999.99", MAX_FEN),
    ("1，234.50", 123450), ("１，２３４．５", 123450), ("12,345元", 1234500),
])
def test_thousands_separators_in_proper_groups_are_read(raw, fen):
    assert parse_yuan(raw) == fen


@pytest.mark.parametrize("raw, fen", [
    ("１２．５元", 1250), ("12.5 元", 1250), ("¥12.50", 1250), ("￥12.50", 1250), ("¥ 12.50", 1250),
    ("￥1,234.50元", 123450), ("\u300012.5\u3000", 1250),
])
def test_full_width_digits_currency_sign_and_yuan_suffix_keep_working(raw, fen):
    assert parse_yuan(raw) == fen


@pytest.mark.parametrize("raw", ["1.234", "0.001", "12.505", "1,234.567"])
def test_more_than_two_decimals_is_refused_naming_the_decimals(raw):
    with pytest.raises(ValidationError) as info:
        parse_yuan(raw)
    assert info.value.message.startswith(f"金额“{raw}”应为不超过两位小数的非负数")
    assert "位小数，最多两位小数，只能到分" in info.value.message


@pytest.mark.parametrize("raw", ["12 5", "1 234", "1元2", "元12", "12元元", "12¥", "元", "¥", "12。5",
                                 "１２、５", "١٢"])
def test_amounts_with_inner_spaces_or_misplaced_signs_are_refused(raw):
    with pytest.raises(ValidationError) as info:
        parse_yuan(raw)
    assert info.value.message.startswith(f"金额“{raw}”") and "如 12.50" in info.value.message


def test_refusal_quotes_the_text_as_typed():
    with pytest.raises(ValidationError) as info:
        parse_yuan(" １２，５ ")
    assert "金额“１２，５”" in info.value.message


@given(st.integers(min_value=0, max_value=MAX_FEN))
def test_every_amount_written_with_thousands_groups_reads_back_the_same(fen):
    assert parse_yuan(yuan_grouped(fen)) == fen
    assert parse_yuan(yuan(fen)) == fen
    assert parse_yuan(yuan_grouped(fen) + "元") == fen


_digit_groups = st.lists(st.text("0123456789", min_size=1, max_size=5), min_size=2, max_size=5)


@given(_digit_groups, st.sampled_from([",", "，"]), st.sampled_from(["", ".5", ".50"]))
def test_any_comma_not_in_three_digit_groups_is_refused(groups, comma, tail):
    proper = (1 <= len(groups[0]) <= 3 and groups[0][0] != "0"
              and all(len(g) == 3 for g in groups[1:]))
    raw = comma.join(groups) + tail
    if proper and len("".join(groups)) <= 9:
        assert parse_yuan(raw) == int("".join(groups)) * 100 + int((tail[1:] or "0").ljust(2, "0"))
    elif not proper:
        with pytest.raises(ValidationError) as info:
            parse_yuan(raw)
        assert "千位分隔须每三位一组" in info.value.message
