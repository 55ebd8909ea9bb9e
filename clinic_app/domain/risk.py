"""Risk assessment (危险性评估): the six levels of the national management norm.

《严重精神障碍管理治疗工作规范（2018年版）》 grades a patient's danger to others from 0 to 5. The
register (Attachment 8) has one column for it; staff write it as "3", "3级", "三级" or "３".
"""
from __future__ import annotations

import re

from .errors import ValidationError
from .text import squeeze

MIN_LEVEL, MAX_LEVEL = 0, 5

LEVELS: dict[int, str] = {
    0: "无符合以下1–5级中的任何行为",
    1: "口头威胁，喊叫，但没有打砸行为",
    2: "打砸行为，局限在家里，针对财物，能被劝说制止",
    3: "明显打砸行为，不分场合，针对财物，不能接受劝说而停止",
    4: "持续的打砸行为，不分场合，针对财物或人，不能接受劝说而停止（包括自伤、自杀）",
    5: "持械针对人的任何暴力行为，或者纵火、爆炸等行为，无论在家里还是公共场合",
}

SOURCE = "《严重精神障碍管理治疗工作规范（2018年版）》"

_CHINESE_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
_PATTERN = re.compile(r"^(?:危险性)?(?:评估)?(?:等级)?[:：]?(\d+|[零〇一二两三四五六七八九十]+)(?:\.0+)?级?$")
REFUSAL = "危险性评估应为0–5级，如“3”或“3级”"


def label(level: int) -> str:
    """``3级``"""
    return f"{level}级"


def describe(level: int) -> str:
    """``3级：明显打砸行为，…``; an unknown level raises ``ValidationError``."""
    if not is_level(level):
        raise ValidationError(REFUSAL)
    return f"{label(level)}：{LEVELS[level]}"


def is_level(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and MIN_LEVEL <= value <= MAX_LEVEL


def parse_level(text) -> int:
    """"3", "3级", "三级", "３", " 3 ", or a spreadsheet number 3 / 3.0 → 3; anything else is refused."""
    if isinstance(text, bool):
        raise ValidationError(REFUSAL)
    if isinstance(text, int):
        if is_level(text):
            return text
        raise ValidationError(REFUSAL)
    if isinstance(text, float):
        if text.is_integer() and is_level(int(text)):
            return int(text)
        raise ValidationError(REFUSAL)
    cleaned = squeeze(text)
    if not cleaned:
        raise ValidationError("请填写危险性评估（0–5级）")
    match = _PATTERN.match(cleaned)
    if not match:
        raise ValidationError(f"危险性评估“{cleaned}”无法识别：{REFUSAL}")
    word = match.group(1)
    if word.isdigit():
        level = int(word)
    elif len(word) == 1 and word in _CHINESE_DIGITS:
        level = _CHINESE_DIGITS[word]
    else:
        level = -1
    if not is_level(level):
        raise ValidationError(f"危险性评估“{cleaned}”超出范围：{REFUSAL}")
    return level
