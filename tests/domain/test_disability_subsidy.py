"""Who gets the 残联 free-medication subsidy: mental-disability certificates (category 6) by
default; the administrator may widen the categories."""
import pytest
from hypothesis import given, strategies as st

from clinic_app.domain import disability
from clinic_app.domain.errors import ValidationError

ID = "500381198001011238"   # any 18 characters: the subsidy reads only the category digit


def cert(category: str, level: str = "2") -> str:
    return ID + category + level


def test_a_mental_disability_certificate_gets_the_subsidy_by_default():
    decision = disability.subsidy_eligibility(cert("6"))
    assert decision.applies and decision.reason == "残疾证类别为精神残疾（类别6），享受残联免费服药补助"


def test_a_physical_disability_certificate_gets_no_subsidy_by_default_saying_why():
    decision = disability.subsidy_eligibility(cert("4"), "6")
    assert not decision.applies
    assert decision.reason == "残疾证类别为肢体残疾（类别4），残联免费服药补助仅适用于精神残疾（类别6）"


@pytest.mark.parametrize("category", ["1", "2", "3", "4", "5", "7"])
def test_every_other_category_gets_no_subsidy_by_default(category):
    assert not disability.subsidy_eligibility(cert(category)).applies


def test_no_certificate_gets_no_subsidy_saying_why():
    for number in (None, "", "  "):
        decision = disability.subsidy_eligibility(number)
        assert not decision.applies and decision.reason.startswith("未登记残疾证")


def test_a_number_whose_category_cannot_be_read_gets_no_subsidy():
    for number in ("12345", ID + "8" + "2", ID):
        decision = disability.subsidy_eligibility(number, disability.ALL_CATEGORIES)
        assert not decision.applies and "无法读出残疾类别" in decision.reason


def test_the_administrator_may_widen_the_subsidy_to_other_categories_or_all():
    assert disability.subsidy_eligibility(cert("7"), "6,7").applies
    assert not disability.subsidy_eligibility(cert("4"), "6,7").applies
    assert "精神残疾（类别6）、多重残疾（类别7）" in disability.subsidy_eligibility(cert("4"), "6,7").reason
    assert disability.subsidy_eligibility(cert("4"), "全部").applies


@pytest.mark.parametrize("raw, stored", [
    ("6", "6"), (" 6 ", "6"), ("6,7", "6,7"), ("7，6", "6,7"), ("6、7", "6,7"), ("６", "6"), ("7 6", "6,7"),
    ("全部", "全部"), ("所有类别", "全部"), ("all", "全部"), ("1,2,3,4,5,6,7", "全部"),
])
def test_the_category_setting_is_read_and_stored_in_one_form(raw, stored):
    assert disability.normalize_subsidy_categories(raw) == stored


@pytest.mark.parametrize("raw, fragment", [("", "请填写"), ("8", "“8”无法识别"), ("6,0", "“0”无法识别"),
                                           ("66", "“66”无法识别"), ("精神", "“精神”无法识别")])
def test_a_category_setting_that_is_not_categories_is_refused(raw, fragment):
    with pytest.raises(ValidationError) as info:
        disability.parse_subsidy_categories(raw)
    assert fragment in info.value.message


@given(st.sampled_from(sorted(disability.CATEGORIES)), st.sets(st.sampled_from(sorted(disability.CATEGORIES)),
                                                               min_size=1), st.sampled_from("1234"))
def test_the_subsidy_applies_exactly_when_the_category_is_named(category, named, level):
    setting = "、".join(sorted(named))
    decision = disability.subsidy_eligibility(cert(category, level), setting)
    assert decision.applies == (category in named)
    assert disability.CATEGORIES[category] in decision.reason
