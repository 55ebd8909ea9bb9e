"""Disability certificate numbers (残疾人证号): the holder's ID number, category digit, level digit.

Issued certificates sometimes carry a reissue suffix such as ``(1)``; it is kept as typed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from . import idnumber
from .errors import ValidationError
from .text import squeeze, to_halfwidth

CATEGORIES = {
    "1": "视力残疾",
    "2": "听力残疾",
    "3": "言语残疾",
    "4": "肢体残疾",
    "5": "智力残疾",
    "6": "精神残疾",
    "7": "多重残疾",
}
LEVELS = {"1": "一级", "2": "二级", "3": "三级", "4": "四级"}
_SUFFIX = re.compile(r"^\((\d{1,2})\)$")


@dataclass(frozen=True)
class DisabilityCert:
    number: str
    id_number: str
    category: str
    level: str
    suffix: str

    @property
    def description(self) -> str:
        return f"{CATEGORIES[self.category]}{LEVELS[self.level]}"


def parse(raw: str | None, patient_id_number: str | None = None) -> DisabilityCert:
    n = squeeze(raw).upper()
    if len(n) < 20:
        raise ValidationError("残疾证号应为身份证号（18位）加残疾类别（1位）和等级（1位），共20位")
    head, category, level, suffix = n[:18], n[18], n[19], n[20:]
    try:
        idnumber.parse(head)
    except idnumber.FirstGenerationId:
        raise ValidationError("残疾证号的前18位应为18位身份证号") from None
    except ValidationError as exc:
        raise ValidationError("残疾证号的前18位不是有效身份证号：" + exc.message) from None
    if category not in CATEGORIES:
        raise ValidationError(f"残疾证号第19位是残疾类别，应为1–7，现为“{category}”")
    if level not in LEVELS:
        raise ValidationError(f"残疾证号第20位是残疾等级，应为1–4，现为“{level}”")
    if suffix and not _SUFFIX.match(suffix):
        raise ValidationError(f"残疾证号末尾“{suffix}”无法识别，补发标记应写作“(1)”")
    if patient_id_number:
        own = idnumber.normalize(patient_id_number)
        if len(own) == 18 and own != head:
            raise ValidationError("残疾证号的前18位与患者身份证号不一致")
    return DisabilityCert(number=n, id_number=head, category=category, level=level, suffix=suffix)


# --- who gets the 残联 free-medication subsidy ----------------------------------------------------
#
# The subsidy is the disabled persons' federation's (残联) free-medication money: by default it is for
# holders of a mental-disability certificate (category 6) only. The administrator may widen it to
# other categories (e.g. "6,7" adds 多重残疾) or to every category ("全部"); the setting is plain
# text, normalised here so storage, the cost panel and the settings dialog read it the same way.

MENTAL = "6"
ALL_CATEGORIES = "全部"
_ALL_WORDS = {"全部", "所有", "全部类别", "所有类别", "ALL", "*"}
_SEPARATORS = re.compile(r"[,，、;；/\s]+")


def category_name(category: str) -> str:
    """'6' → '精神残疾（类别6）', the way the cost panel and the settings name a category."""
    return f"{CATEGORIES[category]}（类别{category}）"


def parse_subsidy_categories(raw) -> frozenset[str]:
    """'6' / '6,7' / '6、7' / '全部' → the categories the subsidy applies to. Refuses an empty
    list or a digit that is not a category, saying how to write it."""
    text = to_halfwidth(str(raw if raw is not None else "")).strip().upper()
    if text in _ALL_WORDS:
        return frozenset(CATEGORIES)
    parts = [p for p in _SEPARATORS.split(text) if p]
    if not parts:
        raise ValidationError("请填写残联免费服药补助适用的残疾类别，如 6（精神残疾）；多个类别用逗号分隔，如 6,7；"
                              "所有类别填“全部”")
    bad = [p for p in parts if p not in CATEGORIES]
    if bad:
        raise ValidationError(f"残疾类别“{'、'.join(bad)}”无法识别：类别为1–7（6为精神残疾），多个类别用逗号分隔，"
                              "如 6,7；所有类别填“全部”")
    return frozenset(parts)


def normalize_subsidy_categories(raw) -> str:
    """The setting as stored: '全部', or the categories in order, comma-separated ('6,7')."""
    categories = parse_subsidy_categories(raw)
    if categories == frozenset(CATEGORIES):
        return ALL_CATEGORIES
    return ",".join(sorted(categories))


def describe_categories(categories) -> str:
    """'精神残疾（类别6）' or '精神残疾（类别6）、多重残疾（类别7）' or '所有类别的残疾'."""
    categories = frozenset(categories)
    if categories == frozenset(CATEGORIES):
        return "所有类别的残疾"
    return "、".join(category_name(c) for c in sorted(categories))


@dataclass(frozen=True)
class SubsidyEligibility:
    applies: bool
    reason: str   # shown in the cost panel: why the subsidy applies, or why it is 0


def category_of(cert_no: str | None) -> str | None:
    """The category digit (19th character) of a certificate number, or ``None`` when there is none.

    Deliberately lenient: whether the number's ID part checks out is for the patient form to say;
    the subsidy only needs the category, and a stored number with a mistyped check digit is still
    plainly a category-6 certificate."""
    n = squeeze(cert_no).upper()
    if len(n) >= 20 and n[18] in CATEGORIES:
        return n[18]
    return None


def subsidy_eligibility(cert_no: str | None, categories_setting=MENTAL) -> SubsidyEligibility:
    """Whether the 残联 free-medication subsidy applies to the holder of ``cert_no`` under the
    setting: only a certificate whose category the setting names counts. A number whose category
    can't be read gives no subsidy and says so, instead of paying on a guess."""
    categories = parse_subsidy_categories(categories_setting)
    scope = describe_categories(categories)
    if not squeeze(cert_no):
        return SubsidyEligibility(False, f"未登记残疾证，残联免费服药补助仅适用于{scope}证持证人")
    category = category_of(cert_no)
    if category is None:
        return SubsidyEligibility(False, "残疾证号无法读出残疾类别（第19位应为1–7），无残联免费服药补助；"
                                         "请核对患者信息中的残疾证号")
    held = category_name(category)
    if category not in categories:
        return SubsidyEligibility(False, f"残疾证类别为{held}，残联免费服药补助仅适用于{scope}")
    return SubsidyEligibility(True, f"残疾证类别为{held}，享受残联免费服药补助")
