"""Risk assessment levels (《严重精神障碍管理治疗工作规范（2018年版）》): definitions and parsing."""
import pytest
from hypothesis import given, strategies as st

from clinic_app.domain import risk
from clinic_app.domain.errors import ValidationError


def refusal(raw) -> str:
    with pytest.raises(ValidationError) as info:
        risk.parse_level(raw)
    return info.value.message


def test_six_levels_word_for_word():
    assert sorted(risk.LEVELS) == [0, 1, 2, 3, 4, 5]
    assert risk.LEVELS[0] == "无符合以下1–5级中的任何行为"
    assert risk.LEVELS[1] == "口头威胁，喊叫，但没有打砸行为"
    assert risk.LEVELS[2] == "打砸行为，局限在家里，针对财物，能被劝说制止"
    assert risk.LEVELS[3] == "明显打砸行为，不分场合，针对财物，不能接受劝说而停止"
    assert risk.LEVELS[4] == "持续的打砸行为，不分场合，针对财物或人，不能接受劝说而停止（包括自伤、自杀）"
    assert risk.LEVELS[5] == "持械针对人的任何暴力行为，或者纵火、爆炸等行为，无论在家里还是公共场合"


def test_describe():
    assert risk.describe(3) == "3级：明显打砸行为，不分场合，针对财物，不能接受劝说而停止"
    assert risk.describe(0).startswith("0级：")
    with pytest.raises(ValidationError):
        risk.describe(6)


@pytest.mark.parametrize("raw, level", [
    ("3", 3), ("3级", 3), ("三级", 3), ("３", 3), (" 3 ", 3), ("３级", 3), ("3 级", 3),
    ("0", 0), ("0级", 0), ("零级", 0), ("〇级", 0), ("五级", 5), ("5", 5), ("二", 2),
    ("危险性评估：2级", 2), (3, 3), (3.0, 3), (0, 0), ("4.0", 4),
])
def test_accepted_spellings(raw, level):
    assert risk.parse_level(raw) == level


@pytest.mark.parametrize("raw", ["6", "6级", "六级", "-1", "3.5", 3.5, 7, -1, "高", "三级半", "33",
                                 "十级", "3级4级", "x", True])
def test_refused_with_a_chinese_reason(raw):
    message = refusal(raw)
    assert "0–5级" in message


def test_blank_asks_for_a_level():
    assert refusal("") == "请填写危险性评估（0–5级）"
    assert refusal(None) == "请填写危险性评估（0–5级）"


@given(st.integers(min_value=0, max_value=5), st.sampled_from(["{}", "{}级", " {} ", "{}级 "]),
       st.booleans())
def test_every_level_round_trips(level, template, fullwidth):
    text = template.format(level)
    if fullwidth:
        text = text.translate({ord(d): ord(d) + 0xFEE0 for d in "0123456789"})
    assert risk.parse_level(text) == level
    assert risk.describe(level).startswith(risk.label(level))


@given(st.integers().filter(lambda n: not 0 <= n <= 5))
def test_no_other_integer_is_a_level(n):
    with pytest.raises(ValidationError):
        risk.parse_level(str(n))
    with pytest.raises(ValidationError):
        risk.parse_level(n)
