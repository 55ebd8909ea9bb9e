"""Normalising input from Chinese input methods."""
import pytest
from hypothesis import given, strategies as st

from clinic_app.domain.text import squeeze, to_halfwidth


@pytest.mark.parametrize("raw, half", [
    ("０１２３４５６７８９", "0123456789"),
    ("ＡＢＣｘｙｚ", "ABCxyz"),
    ("（１）", "(1)"),
    ("０２３－４７５２１２３４", "023-47521234"),
    ("张三\u3000李四", "张三 李四"),
    ("张三", "张三"),
    ("", ""),
    ("abc 123", "abc 123"),
])
def test_full_width_ascii_becomes_plain_and_chinese_is_untouched(raw, half):
    assert to_halfwidth(raw) == half


@given(st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E)))
def test_full_width_form_of_any_ascii_text_converts_back(text):
    assert to_halfwidth("".join(chr(ord(c) + 0xFEE0) for c in text)) == text


@given(st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)))
def test_chinese_characters_are_never_changed(text):
    assert to_halfwidth(text) == text


@pytest.mark.parametrize("raw, squeezed", [
    (" 500381 19800101\t123X\n", "50038119800101123X"),
    ("５００３８１\u3000１９８０", "5003811980"),
    ("\u00a0138\u00a00013 8000", "13800138000"),
    (None, ""),
    ("", ""),
    (12345, "12345"),
])
def test_squeeze_removes_every_kind_of_whitespace(raw, squeezed):
    assert squeeze(raw) == squeezed


@given(st.text())
def test_squeezed_text_holds_no_whitespace_and_squeezing_again_changes_nothing(text):
    once = squeeze(text)
    assert not any(c.isspace() for c in once)
    assert squeeze(once) == once
