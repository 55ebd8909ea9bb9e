"""How dispensing entries read on screen: drugs and quantities, status, who signed, cover left."""
from __future__ import annotations

import datetime as dt

from ...domain.packs import pack_unit
from ...domain.cost_split import FUND_LABELS, FUNDS
from ...domain.cover import LAST_DAY_LABEL, last_day_text
from ...domain.money import yuan
from ...storage import dispensing

VALID, VOIDED, VOID_ENTRY = "有效", "已作废", "作废记录"
AMOUNTS = tuple((f"{key}_fen", FUND_LABELS[key]) for key in FUNDS)


def spec_label(line: dict) -> str:
    """'利培酮片 1mg×20片/盒' from a stored line (joined with its specification)."""
    strength = (line.get("strength") or "").strip()
    size = f"{line['units_per_pack']}{line['unit']}/{pack_unit(line)}"
    return f"{line['spec_name']} {strength}×{size}" if strength else f"{line['spec_name']} {size}"


def line_text(line: dict) -> str:
    return f"{spec_label(line)} {line['packs']}{pack_unit(line)}"


def lines_text(entry: dict) -> str:
    return "；".join(line_text(line) for line in entry["lines"])


def status(entry: dict) -> str:
    if entry["kind"] == dispensing.VOID:
        return VOID_ENTRY
    return VOIDED if entry.get("voided_by") else VALID


def signer_text(entry: dict) -> str:
    if entry["kind"] == dispensing.VOID:
        return "—"
    if entry.get("guardian_signer") == dispensing.PATIENT_SELF:
        reason = entry.get("self_sign_reason") or ""
        return f"{entry['guardian_name']}（患者本人{('：' + reason) if reason else ''}）"
    return f"{entry.get('guardian_name') or ''}（监护人）"


def amounts(entry: dict) -> list[str]:
    return [yuan(entry[key]) for key, _label in AMOUNTS]


def summary(entry: dict) -> str:
    """A few lines describing one entry, for the void dialog and confirmations."""
    parts = [f"{entry['date']}　{status(entry)}", lines_text(entry),
             "　".join(f"{label} {yuan(entry[key])}" for key, label in AMOUNTS) + "（元）"]
    if entry["kind"] == dispensing.DISPENSE:
        parts.append(f"精神科医师 {entry.get('psychiatrist_name') or '—'}　发药人 {entry.get('dispenser_name') or '—'}"
                     f"　签名 {signer_text(entry)}")
    else:
        parts.append(f"作废原因：{entry.get('void_reason') or ''}　授权人 {entry.get('dispenser_name') or '—'}")
    return "\n".join(parts)


def cover_text(cover: dict) -> str:
    """'利培酮 还可用 23 天（可用至（含当日）2026-12-14）' — the last day with drug, as on the
    dialog and the slip."""
    last = last_day_text(cover["cover_until"])
    if cover["days_left"] > 0:
        return f"{cover['drug_name']} 还可用 {cover['days_left']} 天（{LAST_DAY_LABEL}{last}）"
    return f"{cover['drug_name']} 已用完（{LAST_DAY_LABEL}{last}）"


def appointment_text(date: str | None, today: dt.date) -> tuple[str, str]:
    """The next appointment and its style role (warning when it has passed)."""
    if not date:
        return "尚未约定下次取药时间", "hint"
    days = (dt.date.fromisoformat(date) - today).days
    if days < 0:
        return f"约定下次取药：{date}（已过 {-days} 天）", "warning"
    if days == 0:
        return f"约定下次取药：{date}（今天）", ""
    return f"约定下次取药：{date}（{days} 天后）", ""
