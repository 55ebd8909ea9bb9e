"""Disability certificate numbers: holder's ID number + category (1–7) + level (1–4)."""
import pytest
from hypothesis import given, strategies as st

from clinic_app.domain import disability, idnumber
from clinic_app.domain.errors import ValidationError

FIRST17 = "50038119800101123"
ID = FIRST17 + idnumber.check_char(FIRST17)
OTHER17 = "50011619750505002"
OTHER_ID = OTHER17 + idnumber.check_char(OTHER17)


def refusal(raw, patient_id=None) -> str:
    with pytest.raises(ValidationError) as info:
        disability.parse(raw, patient_id)
    return info.value.message


@given(st.sampled_from(sorted(disability.CATEGORIES)), st.sampled_from(sorted(disability.LEVELS)))
def test_every_category_and_level_is_accepted(category, level):
    cert = disability.parse(ID + category + level, ID)
    assert (cert.id_number, cert.category, cert.level, cert.suffix) == (ID, category, level, "")


def test_psychiatric_disability_is_described_in_chinese():
    assert disability.parse(ID + "62").description == "精神残疾二级"


@pytest.mark.parametrize("suffix, stored", [("(1)", "(1)"), ("（1）", "(1)"), ("(12)", "(12)"),
                                            (" (2) ", "(2)")])
def test_reissue_suffix_is_tolerated_in_half_and_full_width(suffix, stored):
    cert = disability.parse(ID + "62" + suffix, ID)
    assert cert.suffix == stored and cert.number == ID + "62" + stored


@pytest.mark.parametrize("suffix", ["1", "(a)", "(123)", "()", "-1", "(1"])
def test_unknown_suffixes_are_refused(suffix):
    assert "补发标记" in refusal(ID + "62" + suffix)


@pytest.mark.parametrize("category", ["8", "9", "0", "A"])
def test_category_outside_one_to_seven_is_refused(category):
    assert "残疾类别，应为1–7" in refusal(ID + category + "2")


@pytest.mark.parametrize("level", ["5", "0", "9", "X"])
def test_level_outside_one_to_four_is_refused(level):
    assert "残疾等级，应为1–4" in refusal(ID + "6" + level)


def test_certificate_of_someone_else_is_refused():
    assert "与患者身份证号不一致" in refusal(OTHER_ID + "62", ID)


def test_patient_id_typed_with_lowercase_x_or_spaces_still_matches():
    first17 = next(f"500381198001011{d:02d}" for d in range(100)
                   if idnumber.check_char(f"500381198001011{d:02d}") == "X")
    holder = first17 + "X"
    assert disability.parse(holder.lower() + "62", " " + holder.lower()).id_number == holder


def test_without_a_patient_id_only_the_certificate_itself_is_checked():
    assert disability.parse(OTHER_ID + "62").id_number == OTHER_ID


def test_fifteen_digit_patient_id_is_not_compared():
    assert disability.parse(ID + "62", "500381800101123").id_number == ID


@pytest.mark.parametrize("raw, fragment", [
    ("", "共20位"),
    (None, "共20位"),
    (ID, "共20位"),
    (ID + "6", "共20位"),
    (FIRST17 + ("0" if ID[-1] != "0" else "1") + "62", "前18位不是有效身份证号"),
    ("50038119800230123462", "前18位不是有效身份证号"),
    ("500381800101123" + "62", "共20位"),
    ("500381800101123" + "62123", "前18位不是有效身份证号"),
])
def test_malformed_certificates_are_refused_with_a_reason(raw, fragment):
    assert fragment in refusal(raw)


def test_full_width_digits_are_converted():
    full = "".join(chr(ord(c) + 0xFEE0) for c in ID + "62")
    assert disability.parse(full, ID).number == ID + "62"
