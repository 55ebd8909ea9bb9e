"""Who may join the programme (section 三、(一)): every one of the base conditions, and at least
one of police-managed, poor, or no/weak guardianship. The result names each criterion, whether it
holds and why, so the patient page can say exactly what is missing."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from . import choices, idnumber
from .months import add_months
from .programme_status import PAUSED

RESIDENCE_MONTHS = 3
GUARDIAN_AGE_LIMIT = 65  # 监护人年龄大于65岁: 66 completed years or more
HOUSEHOLD_PATIENTS = 2


@dataclass(frozen=True)
class Criterion:
    key: str
    label: str
    held: bool
    detail: str


@dataclass
class Eligibility:
    base: list[Criterion] = field(default_factory=list)
    any_of: list[Criterion] = field(default_factory=list)

    @property
    def eligible(self) -> bool:
        return all(c.held for c in self.base) and any(c.held for c in self.any_of)

    @property
    def missing(self) -> list[str]:
        """Chinese sentences, one per unmet requirement."""
        out = [f"{c.label}：{c.detail}" for c in self.base if not c.held]
        if not any(c.held for c in self.any_of):
            out.append("不符合任何一项帮扶条件（公安机关列管、贫困、无监护或弱监护）："
                       + "；".join(c.detail for c in self.any_of))
        return out

    @property
    def summary(self) -> str:
        if self.eligible:
            held = "、".join(c.label for c in self.any_of if c.held)
            return f"符合申请条件（{held}）"
        return "不符合申请条件"


def _residence(patient: dict, on: dt.date) -> Criterion:
    label = f"在本区居住{RESIDENCE_MONTHS}个月以上"
    since = patient.get("residence_since")
    if not since:
        return Criterion("residence", label, False, "未填写在本区居住起始日期")
    start = dt.date.fromisoformat(since)
    reached = add_months(start, RESIDENCE_MONTHS)
    if on >= reached:
        return Criterion("residence", label, True, f"自 {start.isoformat()} 起居住")
    return Criterion("residence", label, False,
                     f"自 {start.isoformat()} 起居住，到 {reached.isoformat()} 才满{RESIDENCE_MONTHS}个月")


def _at_home(status: str | None, admitted_on: str | None) -> Criterion:
    """三、(一) asks for home-dwelling patients; an inpatient not in the programme applies after
    discharge (五、(一)6(2)). The admission date is named so staff know which stay is meant."""
    label = "居家（未住院）"
    if admitted_on and status == PAUSED:
        return Criterion("at_home", label, False, f"自 {admitted_on} 起住院治疗，暂停领药，出院后恢复")
    if admitted_on:
        return Criterion("at_home", label, False, f"自 {admitted_on} 起住院治疗，出院后方可申请")
    if status == PAUSED:
        return Criterion("at_home", label, False, "目前住院治疗，出院后方可继续")
    return Criterion("at_home", label, True, "居家治疗")


def _diagnosis(patient: dict) -> Criterion:
    label = "6种严重精神障碍之一，并有诊断机构"
    diagnosis = patient.get("diagnosis")
    if diagnosis not in choices.DIAGNOSES:
        return Criterion("diagnosis", label, False, "未填写6种严重精神障碍之一的诊断")
    if not (patient.get("diagnosing_institution") or "").strip():
        return Criterion("diagnosis", label, False, f"{diagnosis}：未填写诊断机构名称")
    return Criterion("diagnosis", label, True, f"{diagnosis}（{patient['diagnosing_institution']}）")


def _police(patient: dict) -> Criterion:
    held = bool(patient.get("police_managed"))
    return Criterion("police", "公安机关列管", held, "已列管" if held else "未列管")


def _poverty(patient: dict) -> Criterion:
    statuses = [s for s in patient.get("poverty_statuses") or [] if s in choices.POVERTY_STATUSES]
    if statuses:
        return Criterion("poverty", "贫困", True, "、".join(statuses))
    return Criterion("poverty", "贫困", False, "非建档立卡贫困户、低保户或特困人员")


def guardian_age(guardian_id_number: str | None, on: dt.date) -> int | None:
    if not guardian_id_number:
        return None
    try:
        info = idnumber.parse(guardian_id_number, on)
    except idnumber.ValidationError:
        return None
    return idnumber.age_on(info.birth_date, on)


def _guardianship(patient: dict, household_patients: int, on: dt.date) -> Criterion:
    label = "无监护或弱监护"
    if not (patient.get("guardian_name") or "").strip():
        return Criterion("guardianship", label, True, "无监护人")
    if household_patients >= HOUSEHOLD_PATIENTS:
        return Criterion("guardianship", label, True, f"一户有{household_patients}名严重精神障碍患者")
    age = guardian_age(patient.get("guardian_id_number"), on)
    if age is not None and age > GUARDIAN_AGE_LIMIT:
        return Criterion("guardianship", label, True, f"监护人{age}岁，大于{GUARDIAN_AGE_LIMIT}岁")
    if age is None:
        detail = "一户仅1名患者，监护人身份证号未填写，无法计算年龄"
    else:
        detail = f"一户仅1名患者，监护人{age}岁"
    return Criterion("guardianship", label, False, detail)


def assess(patient: dict, on: dt.date, household_patients: int = 1,
           status: str | None = None, admitted_on: str | None = None) -> Eligibility:
    """``patient`` as ``storage.patients.get`` returns it; ``on`` is the application date;
    ``admitted_on`` the admission date of a stay in hospital open on that day."""
    return Eligibility(
        base=[_residence(patient, on), _at_home(status, admitted_on), _diagnosis(patient)],
        any_of=[_police(patient), _poverty(patient), _guardianship(patient, household_patients, on)],
    )
