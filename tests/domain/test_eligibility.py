import datetime as dt

import pytest

from clinic_app.domain.eligibility import GUARDIAN_AGE_LIMIT, assess
from clinic_app.domain.idnumber import check_char
from clinic_app.domain.programme_status import PAUSED

ON = dt.date(2026, 11, 10)


def guardian_id(birth: dt.date) -> str:
    first17 = f"500381{birth:%Y%m%d}011"
    return first17 + check_char(first17)


def patient(**overrides) -> dict:
    base = {"residence_since": "2020-01-01", "diagnosis": "精神分裂症",
            "diagnosing_institution": "区精神卫生中心", "police_managed": False,
            "poverty_statuses": [], "guardian_name": "张大山", "guardian_id_number": None}
    base.update(overrides)
    return base


def test_police_managed_patient_at_home_is_eligible_and_the_page_can_say_why():
    result = assess(patient(police_managed=True), ON)
    assert result.eligible and result.missing == []
    assert "公安机关列管" in result.summary


@pytest.mark.parametrize("status", ["低保户", "特困人员", "建档立卡贫困户"])
def test_each_poverty_status_qualifies(status):
    assert assess(patient(poverty_statuses=[status]), ON).eligible


def test_two_patients_in_one_household_is_weak_guardianship():
    assert not assess(patient(), ON, household_patients=1).eligible
    result = assess(patient(), ON, household_patients=2)
    assert result.eligible and "一户有2名" in result.any_of[2].detail


def test_no_guardian_at_all_qualifies():
    assert assess(patient(guardian_name=""), ON).eligible


@pytest.mark.parametrize("years_old, eligible", [(GUARDIAN_AGE_LIMIT, False), (GUARDIAN_AGE_LIMIT + 1, True)])
def test_guardian_older_than_65_on_the_application_date_from_the_guardian_id(years_old, eligible):
    born = dt.date(ON.year - years_old, ON.month, ON.day)  # birthday today: exactly years_old
    assert assess(patient(guardian_id_number=guardian_id(born)), ON).eligible is eligible


def test_guardian_turning_66_the_day_after_the_application_is_not_yet_older_than_65():
    born = dt.date(ON.year - 66, ON.month, ON.day + 1)
    assert not assess(patient(guardian_id_number=guardian_id(born)), ON).eligible


def test_residence_needs_three_calendar_months_with_month_ends_clamped():
    assert not assess(patient(police_managed=True, residence_since="2026-08-11"), ON).eligible
    assert assess(patient(police_managed=True, residence_since="2026-08-10"), ON).eligible
    # 30 November + 3 months = 28 February (no 30 February)
    on = dt.date(2027, 2, 28)
    assert assess(patient(police_managed=True, residence_since="2026-11-30"), on).eligible
    assert not assess(patient(police_managed=True, residence_since="2026-11-30"), on - dt.timedelta(days=1)).eligible


def test_ineligible_patient_is_told_exactly_what_is_missing():
    result = assess(patient(residence_since=None, diagnosing_institution="", guardian_id_number=None), ON,
                    status=PAUSED)
    assert not result.eligible
    text = "\n".join(result.missing)
    assert "未填写在本区居住起始日期" in text
    assert "目前住院治疗" in text
    assert "未填写诊断机构名称" in text
    assert "不符合任何一项帮扶条件" in text and "监护人身份证号未填写" in text


def test_a_disorder_outside_the_six_is_not_covered():
    result = assess(patient(police_managed=True, diagnosis="抑郁症"), ON)
    assert not result.eligible
    assert any("6种严重精神障碍" in m for m in result.missing)


def test_an_open_stay_fails_at_home_naming_the_admission_date():
    result = assess(patient(police_managed=True), ON, admitted_on="2026-10-01")
    at_home = next(c for c in result.base if c.key == "at_home")
    assert not at_home.held and not result.eligible
    assert at_home.detail == "自 2026-10-01 起住院治疗，出院后方可申请"
    assert "居家（未住院）：自 2026-10-01 起住院治疗，出院后方可申请" in result.missing
