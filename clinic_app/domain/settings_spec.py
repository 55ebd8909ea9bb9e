"""Every setting declared once: key, type, default, Chinese label. Storage and the settings
dialog both read this list."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from . import disability


@dataclass(frozen=True)
class Setting:
    key: str
    label: str
    type: type
    default: object
    minimum: int | None = None
    maximum: int | None = None
    admin_only: bool = True
    kind: str = ""  # how the settings dialog edits it: "number", "money" (fen shown as yuan),
    #                 "choice", "text", "flag" (a checkbox, stored 1 or 0), or "" (kept by the
    #                 program, not shown)
    choices: tuple[str, ...] = ()
    # For text settings with a grammar: returns the stored form, raises ValidationError when wrong,
    # so storage refuses what the dialog refuses.
    normalize: Callable[[object], str] | None = None


SETTINGS: tuple[Setting, ...] = (
    Setting("clinic_code", "本单位", str, ""),
    Setting("idle_lock_minutes", "无操作自动锁屏（分钟）", int, 10, 1, 240, kind="number"),
    Setting("lockout_threshold", "连续输错密码次数上限", int, 5, 3, 20, kind="number"),
    Setting("lockout_minutes", "输错后锁定时长（分钟）", int, 15, 1, 1440, kind="number"),
    Setting("backup_keep", "保留备份份数", int, 10, 1, 100, kind="number"),
    Setting("last_backup_date", "上次自动备份日期", str, ""),
    Setting("places", "本单位免费服药名额", int, 100, 0, 100000, kind="number"),
    Setting("agreement_warning_days", "协议到期提醒（天）", int, 30, 1, 180, kind="number"),
    Setting("deadline_warning_days", "审核期限提醒（工作日）", int, 2, 0, 10, kind="number"),
    Setting("monthly_cap_fen", "每月最大免费服药兜底限额（元）", int, 50000, 0, 10_000_000, kind="money"),
    Setting("disability_subsidy_percent", "残联免费服药补助比例（%，适用类别的残疾证持证人）", int, 0, 0, 100, kind="number"),
    Setting("disability_subsidy_categories", "残联免费服药补助适用残疾类别（如 6 或 6,7 或 全部）",
            str, disability.MENTAL, kind="text", normalize=disability.normalize_subsidy_categories),
    Setting("disability_subsidy_monthly_cap_fen", "残联补助每月上限（元，0为不限）", int, 0, 0, 10_000_000,
            kind="money"),
    Setting("card_page_size", "救助卡纸张", str, "A5", kind="choice", choices=("A5", "A4", "B6")),
    Setting("card_offset_x_tenth_mm", "救助卡套打水平偏移（0.1毫米，正数向右）", int, 0, -300, 300, kind="number"),
    Setting("card_offset_y_tenth_mm", "救助卡套打垂直偏移（0.1毫米，正数向下）", int, 0, -300, 300, kind="number"),
    Setting("overdue_days", "逾期未领药天数", int, 7, 1, 60, kind="number"),
    Setting("ledger_whole_id_numbers", "台账中显示完整身份证号", int, 0, 0, 1, kind="flag"),
    Setting("adherence_threshold_percent", "服药依从性提示线（%）", int, 80, 1, 100, kind="number"),
)
BY_KEY = {s.key: s for s in SETTINGS}
