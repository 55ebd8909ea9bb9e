"""Pinyin search keys: initials (zs finds 张三), full pinyin, every reading of polyphonic names."""
import pytest
from hypothesis import given, strategies as st

from clinic_app.domain import pinyin
from clinic_app.domain.synthetic import FEMALE_CHARS, MALE_CHARS, SURNAMES


def variants(keys: str) -> list[str]:
    assert keys.startswith(" ") and keys.endswith(" ")
    return keys.split()


@pytest.mark.parametrize("name, initials", [
    ("张三", "zs"), ("王小明", "wxm"), ("李秀英", "lxy"), ("欧阳娜娜", "oynn"), ("刘 洋", "ly"),
])
def test_initials_of_a_name_are_searchable(name, initials):
    assert initials in variants(pinyin.search_initials(name))


def test_zs_finds_zhang_san_by_prefix_match():
    keys = pinyin.search_initials("张三")
    assert " zs" in keys and " zs " in keys


@pytest.mark.parametrize("name, full", [("张三", "zhangsan"), ("王小明", "wangxiaoming"),
                                        ("陈", "chen")])
def test_full_pinyin_is_searchable(name, full):
    assert full in variants(pinyin.search_pinyin(name))


@pytest.mark.parametrize("name, readings", [
    ("曾小明", {"zxm", "cxm"}),
    ("单田芳", {"stf", "dtf"}),
    ("解放", {"xf", "jf"}),
    ("仇红", {"qh", "ch"}),
    ("区伟", {"ow", "qw"}),
    ("查理", {"zl", "cl"}),
    ("翟敏", {"zm", "dm"}),
])
def test_polyphonic_surnames_give_both_readings(name, readings):
    assert readings <= set(variants(pinyin.search_initials(name)))


@pytest.mark.parametrize("name, readings", [
    ("曾行长", {"zxz", "cxz", "zhz", "zxc"}),
    ("单乐乐", {"sll", "dll", "cll"}),
])
def test_surname_readings_survive_a_polyphonic_given_name(name, readings):
    """The variant cap must not drop the surname's second reading (it once did)."""
    assert readings <= set(variants(pinyin.search_initials(name)))


def test_full_pinyin_of_a_polyphonic_surname_has_both_readings():
    full = set(variants(pinyin.search_pinyin("曾行长")))
    assert {"zengxingzhang", "cengxingzhang"} <= full


def test_most_common_reading_comes_first():
    initials, full = pinyin.name_keys("张三")
    assert (initials, full) == (["zs"], ["zhangsan"])


@given(st.text(alphabet="曾单行长乐重朝解仇区查翟", min_size=1, max_size=30))
def test_variants_are_capped_and_distinct_however_long_the_name(name):
    initials, full = pinyin.name_keys(name)
    for found in (initials, full):
        assert 1 <= len(found) <= pinyin.MAX_VARIANTS
        assert len(set(found)) == len(found)


@given(st.text(alphabet="".join(SURNAMES), min_size=1, max_size=1),
       st.text(alphabet="".join(MALE_CHARS + FEMALE_CHARS), min_size=1, max_size=2))
def test_every_variant_is_lowercase_ascii_with_one_letter_per_character(surname, given_name):
    name = surname + given_name
    for initials in variants(pinyin.search_initials(name)):
        assert initials.isascii() and initials.islower() and len(initials) == len(name)


@pytest.mark.parametrize("name", ["", None, "   "])
def test_blank_names_give_empty_keys(name):
    assert pinyin.name_keys(name) == ([], [])
    assert pinyin.search_initials(name).strip() == ""


def test_latin_letters_in_a_name_are_kept_lowercase():
    assert "abc" in variants(pinyin.search_initials("ABC"))
