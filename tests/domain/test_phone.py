"""Telephone numbers: mobiles, landlines with or without area code, extensions."""
import pytest
from hypothesis import given, strategies as st

from clinic_app.domain import phone
from clinic_app.domain.errors import ValidationError


def refusal(raw) -> str:
    with pytest.raises(ValidationError) as info:
        phone.normalize(raw)
    return info.value.message


@pytest.mark.parametrize("raw, canonical", [
    ("13800138000", "13800138000"),
    ("138 0013 8000", "13800138000"),
    ("138-0013-8000", "13800138000"),
    ("+8613800138000", "13800138000"),
    ("+86 138 0013 8000", "13800138000"),
    ("8613800138000", "13800138000"),
    ("(+86)13800138000", "13800138000"),
    ("１３８００１３８０００", "13800138000"),
    ("19912345678", "19912345678"),
])
def test_mobiles_are_stored_as_eleven_digits(raw, canonical):
    assert phone.normalize(raw) == canonical


@given(st.from_regex(r"\A1[3-9][0-9]{9}\Z"))
def test_every_well_formed_mobile_is_accepted_unchanged(number):
    assert phone.normalize(number) == number
    assert phone.is_mobile(number)


@pytest.mark.parametrize("raw, fragment", [
    ("1380013800", "手机号应为11位，现为10位"),
    ("138001380001", "手机号应为11位，现为12位"),
    ("12800138000", "手机号第二位应为3–9"),
    ("11012345678", "手机号第二位应为3–9"),
    ("12345678", "手机号应为11位，现为8位"),  # begins with 1: taken for a short mobile
])
def test_bad_mobiles_say_what_is_wrong(raw, fragment):
    assert fragment in refusal(raw)


@pytest.mark.parametrize("raw, canonical", [
    ("023-47521234", "023-47521234"),
    ("02347521234", "023-47521234"),
    ("(023)47521234", "023-47521234"),
    ("(023)4752-1234", "023-47521234"),
    ("023 4752 1234", "023-47521234"),
    ("010-62551234", "010-62551234"),
    ("0851-85551234", "0851-85551234"),
    ("085185551234", "0851-85551234"),
    ("0851-8555123", "0851-8555123"),
    ("47521234", "47521234"),
    ("4752123", "4752123"),
])
def test_landlines_with_three_and_four_digit_area_codes(raw, canonical):
    assert phone.normalize(raw) == canonical


@pytest.mark.parametrize("raw", [
    "0851-12345678",   # local numbers never begin with 1 …
    "023-07521234",    # … or 0
    "023-475212",      # 6-digit local number
    "023-475212345",   # 9-digit local number
])
def test_local_numbers_must_begin_with_two_to_nine_and_have_seven_or_eight_digits(raw):
    assert "格式不对" in refusal(raw)


@pytest.mark.parametrize("raw, canonical", [
    ("023-47521234-8001", "023-47521234转8001"),
    ("023-47521234转8001", "023-47521234转8001"),
    ("023-47521234ext12", "023-47521234转12"),
    ("023-47521234 ext 12", "023-47521234转12"),
    ("47521234-801", "47521234转801"),
    ("47521234转801", "47521234转801"),
    ("0851-85551234-6", "0851-85551234转6"),
])
def test_extensions_are_kept_after_zhuan(raw, canonical):
    assert phone.normalize(raw) == canonical


@pytest.mark.parametrize("raw, fragment", [
    ("", "请填写联系电话"),
    (None, "请填写联系电话"),
    ("   ", "请填写联系电话"),
    ("无", "应为数字"),
    ("abc", "应为数字"),
    ("138-abc-8000", "格式不对"),
    ("12ab34", "格式不对"),
    ("023-47521234-1234567", "格式不对"),   # no extension has seven digits
    ("47521234-13800138000", "格式不对"),    # two numbers run together
    ("023--47521234", "格式不对"),
])
def test_garbage_is_refused(raw, fragment):
    assert fragment in refusal(raw)


@given(st.text(max_size=20))
def test_normalize_either_returns_a_number_or_raises_a_chinese_reason(raw):
    try:
        result = phone.normalize(raw)
    except ValidationError as exc:
        assert exc.message
    else:
        assert result.replace("-", "").replace("转", "").isdigit()


@given(st.from_regex(r"\A[2-9][0-9]{7}\Z"), st.sampled_from(["023", "010", "0851", "0791"]))
def test_landline_normalisation_is_idempotent(local, area):
    once = phone.normalize(area + local)
    assert phone.normalize(once) == once
    assert not phone.is_mobile(once)


@pytest.mark.parametrize("raw", ["0", "00", "0-1", "02"])
def test_a_lone_zero_or_bare_area_code_is_refused_not_crashed(raw):
    with pytest.raises(ValidationError):
        phone.normalize(raw)
