"""The follow-up lists on a real file, each with hand-built patients: collections through the real
dispensing API (signed, priced, from stock), admissions and discharges, reviews, agreements and
worsening flags."""
from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from clinic_app.domain import adherence as adh
from clinic_app.domain import programme_status as ps
from clinic_app.domain import roles
from clinic_app.storage import agreements, catalogue, programme, risk, settings, stock
from clinic_app.storage import dispensing as disp
from clinic_app.storage import followup as fu
from tests.dispensing_data import (ADMIN, DOCTOR, OFFICER, OLANZAPINE, RISPERIDONE, SIGNATURE,
                                   fast_passwords, fix_today, user)
from tests.enrolment_data import add_patient, approve

CLINIC = "youxi"


@pytest.fixture(autouse=True)
def _setup(monkeypatch):
    fast_passwords(monkeypatch)
    fix_today(monkeypatch)  # the clock says 2026-12-31: every collection below is in the past


def _days(day: str, n: int) -> str:
    return (dt.date.fromisoformat(day) + dt.timedelta(days=n)).isoformat()


class Clinic:
    """Staff, two specifications priced and stocked since 2025, and enrolled patients."""

    def __init__(self, db):
        self.db = db
        self.doctor = user(db, DOCTOR, roles.PSYCHIATRIST)
        self.officer = user(db, OFFICER, roles.OFFICER)
        self.admin = user(db, ADMIN, roles.ADMIN)
        settings.put(db, "places", 1000)
        self.risperidone = self._spec(RISPERIDONE, "利培酮片", "1mg", 20, 1850)  # 20 days a pack at 1/day
        self.olanzapine = self._spec(OLANZAPINE, "奥氮平片", "5mg", 14, 4620)  # 14 days a pack at 1/day

    def _spec(self, drug_id, name, strength, units, price_fen) -> dict:
        spec = catalogue.add_spec(self.db, drug_id, name, strength, "片", units)
        catalogue.set_price(self.db, spec["id"], price_fen, "2025-01-01", "招标价")
        stock.receive(self.db, spec["id"], f"B{spec['id']}", "2028-06-30", 500, "2025-01-01")
        return catalogue.spec(self.db, spec["id"])

    def patient(self, name: str, enrolled: str = "2026-11-19", agreement: bool = True, **values) -> int:
        pid = add_patient(self.db, name=name, **values)
        approve(self.db, pid, received=_days(enrolled, -9), initial=_days(enrolled, -7), final=enrolled)
        assert programme.status(self.db, pid) == ps.ENROLLED
        if agreement:
            agreements.sign(self.db, pid, CLINIC, enrolled)
        return pid

    def collect(self, pid: int, date: str, packs: int = 1, spec: dict | None = None, dose: str = "1",
                next_appointment: str | None = None, more: list[dict] = ()) -> dict:
        spec = spec or self.risperidone
        signatures = disp.Signatures(psychiatrist_id=self.doctor["id"], psychiatrist_password=DOCTOR[1],
                                     dispenser_id=self.officer["id"], dispenser_password=OFFICER[1],
                                     guardian_png=SIGNATURE)
        return disp.dispense(self.db, pid, date, [{"spec_id": spec["id"], "packs": packs, "daily_dose": dose}, *more],
                             signatures, next_appointment=next_appointment, user=self.officer)

    def void(self, entry: dict, date: str) -> dict:
        return disp.void(self.db, entry["id"], "数量录错", self.admin["id"], ADMIN[1], date=date,
                         user=self.admin)


@pytest.fixture
def clinic(fresh_db):
    return Clinic(fresh_db)


def by_name(rows: list[dict]) -> dict[str, dict]:
    return {r["name"]: r for r in rows}


def names(rows: list[dict]) -> list[str]:
    return [r["name"] for r in rows]


def check_person(row: dict) -> None:
    assert set(fu.PERSON_KEYS) <= set(row)
    assert not any(k.startswith("_") for k in row)


# --- due this month and overdue ---------------------------------------------------------------

TODAY = dt.date(2026, 12, 10)


@pytest.fixture
def cover_world(clinic):
    """On 2026-12-10: one patient runs out on 21 December, one on 1 January, one ran out on 5
    December, one has three months; one is in hospital; one was discharged on 8 December."""
    c = clinic
    ids = {
        "本月": c.patient("本月", guardian_name="王监护", guardian_phone="13800000001"),
        "下月": c.patient("下月"),
        "断药": c.patient("断药"),
        "三月": c.patient("三月"),
        "住院": c.patient("住院"),
        "出院": c.patient("出院"),
    }
    # 20 days → 12-21, and 14 days of olanzapine beside it → 12-15
    c.collect(ids["本月"], "2026-12-01", 1, next_appointment="2026-12-20",
              more=[{"spec_id": c.olanzapine["id"], "packs": 1, "daily_dose": "1"}])
    c.collect(ids["下月"], "2026-12-02", 1, dose="2/3")  # 30 days → 2027-01-01
    c.collect(ids["断药"], "2026-11-20", 1, dose="4/3")  # 15 days → 12-05
    c.collect(ids["三月"], "2026-12-01", 4)  # 80 days
    c.collect(ids["住院"], "2026-11-20", 1)  # → 12-10, but in hospital
    programme.admit(c.db, ids["住院"], "2026-12-01", note="区精神卫生中心")
    c.collect(ids["出院"], "2026-11-20", 1, dose="2")  # → 11-30
    programme.admit(c.db, ids["出院"], "2026-11-25")
    programme.discharge(c.db, ids["出院"], "2026-12-08")
    return ids


def test_due_this_month(clinic, cover_world):
    rows = fu.due_this_month(clinic.db, TODAY)
    # 断药 ran out 5 days ago (not overdue yet at 7 days); 出院 is due since the discharge
    assert names(rows) == ["断药", "出院", "本月"]
    due = by_name(rows)
    check_person(due["本月"])
    assert (due["本月"]["cover_until"], due["本月"]["due_date"], due["本月"]["days_left"]) == (
        "2026-12-21", "2026-12-21", 11)
    assert due["本月"]["drugs"] == "奥氮平 至 2026-12-14；利培酮 至 2026-12-20"  # last days with drug
    assert due["本月"]["next_appointment"] == "2026-12-20"
    assert due["本月"]["last_collection"] == "2026-12-01"
    assert (due["本月"]["guardian_name"], due["本月"]["guardian_phone"]) == ("王监护", "13800000001")
    assert due["本月"]["card_number"] == "油溪镇 0001"
    assert len(due["本月"]["id_number"]) == 18  # raw: the screen masks it
    assert (due["断药"]["days_left"], due["断药"]["due_reason"]) == (-5, fu.COVER)
    assert (due["出院"]["due_date"], due["出院"]["due_reason"], due["出院"]["due_reason_label"]) == (
        "2026-12-08", fu.DISCHARGED, "出院后未领药")
    assert due["出院"]["cover_until"] == "2026-11-30"


def test_cover_ending_on_the_first_of_next_month_is_next_months(clinic, cover_world):
    assert "下月" not in names(fu.due_this_month(clinic.db, TODAY))
    assert "下月" in names(fu.due_this_month(clinic.db, dt.date(2027, 1, 1)))


def test_overdue_follows_the_setting(clinic, cover_world):
    assert fu.overdue(clinic.db, TODAY) == []
    settings.put(clinic.db, "overdue_days", 3)
    rows = fu.overdue(clinic.db, TODAY)
    assert names(rows) == ["断药"]
    row = rows[0]
    check_person(row)
    assert (row["due_date"], row["days_overdue"], row["cover_until"], row["last_collection"]) == (
        "2026-12-05", 5, "2026-12-05", "2026-11-20")
    assert "断药" not in names(fu.due_this_month(clinic.db, TODAY))  # one list or the other


def test_overdue_counts_days_from_the_end_of_cover(clinic, cover_world):
    rows = by_name(fu.overdue(clinic.db, dt.date(2026, 12, 31)))
    assert rows["断药"]["days_overdue"] == 26
    assert rows["出院"]["days_overdue"] == 23
    assert rows["本月"]["days_overdue"] == 10
    assert "住院" not in rows  # paused: not expected to collect
    assert "三月" not in rows and "下月" not in rows
    assert list(rows) == ["断药", "出院", "本月"]  # longest overdue first


def test_enrolled_but_never_collected_is_overdue_from_enrolment(clinic):
    pid = clinic.patient("未领", enrolled="2026-11-19")
    row = by_name(fu.overdue(clinic.db, TODAY))["未领"]
    assert row["patient_id"] == pid
    assert (row["cover_until"], row["last_collection"], row["drugs"]) == (None, None, "")
    assert (row["due_date"], row["due_reason"], row["days_overdue"]) == ("2026-11-19", fu.ENROLLED, 21)


def test_voided_collections_are_ignored(clinic):
    pid = clinic.patient("作废")
    clinic.collect(pid, "2026-11-20", 1)  # → 12-10
    mistaken = clinic.collect(pid, "2026-12-09", 4)  # would cover to 2027-02-28
    today = dt.date(2026, 12, 20)
    assert fu.overdue(clinic.db, today) == []
    clinic.void(mistaken, "2026-12-09")
    row = by_name(fu.overdue(clinic.db, today))["作废"]
    assert (row["cover_until"], row["days_overdue"], row["last_collection"]) == ("2026-12-10", 10, "2026-11-20")


def test_covers_agree_with_prior_lines(clinic, cover_world):
    """The lists read only the latest three months of each patient; dispensing.prior_lines reads
    everything. They must agree."""
    pid = clinic.patient("长期", enrolled="2025-12-01")
    for day in ("2025-12-01", "2026-02-19", "2026-05-10", "2026-07-29", "2026-10-17"):
        clinic.collect(pid, day, 4)
    clinic.collect(pid, "2025-12-15", 2, clinic.olanzapine)
    covers = fu.covers(clinic.db, ps.HOLDS_PLACE)
    for patient_id in [*cover_world.values(), pid]:
        expected = {}
        for line in disp.prior_lines(clinic.db, patient_id):
            expected[line.drug_id] = max(expected.get(line.drug_id, line.cover_until), line.cover_until)
        assert covers[patient_id]["cover_until"] == max(expected.values())
        assert covers[patient_id]["by_drug"] == {d: u for d, u in expected.items()
                                                 if u >= covers[patient_id]["last_collection"]
                                                 - dt.timedelta(days=fu.LOOKBACK_DAYS)}
    assert covers[pid]["cover_until"] == dt.date(2027, 1, 5)
    assert fu.covers(clinic.db, ids=[pid]) == {pid: covers[pid]}


# --- annual review and agreement -------------------------------------------------------------

def test_annual_reviews_due(clinic):
    c = clinic
    c.patient("两项", enrolled="2025-12-20")  # enrolled 11+ months ago; agreement ends 12-19
    c.patient("新纳入", enrolled="2026-11-19")
    renewed = c.patient("已续签", enrolled="2025-12-20")
    programme.annual_review(c.db, renewed, "2026-11-25", True)
    agreements.renew(c.db, renewed, CLINIC, "2026-11-26")
    reviewed = c.patient("已审核", enrolled="2025-12-20")
    programme.annual_review(c.db, reviewed, "2026-11-25", True)
    c.patient("无协议", enrolled="2026-11-19", agreement=False)
    in_hospital = c.patient("住院", enrolled="2025-11-01")
    programme.admit(c.db, in_hospital, "2026-11-10")

    rows = by_name(fu.annual_reviews_due(c.db, dt.date(2026, 12, 1), days=30))
    assert set(rows) == {"两项", "已审核", "无协议", "住院"}
    check_person(rows["两项"])
    assert rows["两项"]["reasons"] == [fu.REVIEW, fu.AGREEMENT]
    assert (rows["两项"]["review_basis"], rows["两项"]["review_base_date"], rows["两项"]["review_due"],
            rows["两项"]["last_review"]) == ("enrolled", "2025-12-20", "2026-12-20", None)
    assert (rows["两项"]["agreement_until"], rows["两项"]["agreement_days_left"]) == ("2026-12-19", 18)
    assert rows["两项"]["reason_text"] == ("年度资格审核将到期（纳入 2025-12-20）；"
                                          "服务协议 2026-12-19 到期（剩 18 天）")
    assert rows["已审核"]["reasons"] == [fu.AGREEMENT]
    assert rows["已审核"]["last_review"] == "2026-11-25"
    assert rows["无协议"]["reasons"] == [fu.AGREEMENT]
    assert rows["无协议"]["reason_text"] == "未签服务协议"
    assert rows["住院"]["reasons"] == [fu.REVIEW, fu.AGREEMENT]  # paused patients are reviewed too
    assert "已逾期" in rows["住院"]["reason_text"] and "已于 2026-10-31 到期" in rows["住院"]["reason_text"]
    # no agreement at all first, then the earliest date
    assert list(rows) == ["无协议", "住院", "两项", "已审核"]


def test_agreement_window_is_a_parameter(clinic):
    clinic.patient("协议", enrolled="2026-01-20")  # agreement until 2027-01-19, review due from 12-20
    assert fu.annual_reviews_due(clinic.db, dt.date(2026, 12, 1), days=30) == []
    rows = fu.annual_reviews_due(clinic.db, dt.date(2026, 12, 1), days=60)
    assert [r["reasons"] for r in rows] == [[fu.AGREEMENT]]
    rows = fu.annual_reviews_due(clinic.db, dt.date(2026, 12, 20), days=10)
    assert [r["reasons"] for r in rows] == [[fu.REVIEW]]


# --- paused ------------------------------------------------------------------------------------

def test_paused_with_admission_date(clinic):
    c = clinic
    once = c.patient("一次")
    programme.admit(c.db, once, "2026-12-05", note="区精神卫生中心")
    twice = c.patient("两次")
    programme.admit(c.db, twice, "2026-11-20")
    programme.discharge(c.db, twice, "2026-11-28")
    programme.admit(c.db, twice, "2026-12-01", note="派出所送治")
    c.patient("在家")
    rows = fu.paused(c.db, dt.date(2026, 12, 20))
    assert names(rows) == ["两次", "一次"]
    check_person(rows[0])
    assert (rows[0]["admitted_date"], rows[0]["days_in_hospital"], rows[0]["admission_note"]) == (
        "2026-12-01", 19, "派出所送治")
    assert (rows[1]["admitted_date"], rows[1]["days_in_hospital"]) == ("2026-12-05", 15)
    assert rows[1]["programme_status"] == ps.PAUSED


# --- worsening ---------------------------------------------------------------------------------

def test_worsening_with_guardian_contact_and_latest_risk(clinic):
    c = clinic
    worse = c.patient("加重", guardian_name="李监护", guardian_phone="13900000002")
    alone = c.patient("独居", guardian_name=None, guardian_phone=None)
    settled = c.patient("已稳定")
    risk.record_assessment(c.db, worse, 1, "2026-10-01", "王医生")
    risk.record_assessment(c.db, worse, 3, "2026-12-01", "王医生")
    risk.flag_worsening(c.db, worse, "2026-12-02", "拒绝服药，打砸家具")
    risk.flag_worsening(c.db, alone, "2026-12-05")
    flag = risk.flag_worsening(c.db, settled, "2026-11-01")
    risk.clear_worsening(c.db, flag, "2026-11-20", "病情已稳定")
    rows = fu.worsening(c.db, dt.date(2026, 12, 10))
    assert names(rows) == ["加重", "独居"]
    check_person(rows[0])
    assert (rows[0]["guardian_name"], rows[0]["guardian_phone"]) == ("李监护", "13900000002")
    assert (rows[0]["risk_level"], rows[0]["risk_label"], rows[0]["flag_date"], rows[0]["days_open"]) == (
        3, "3级", "2026-12-02", 8)
    assert rows[0]["note"] == "拒绝服药，打砸家具"
    assert rows[0]["card_number"] == "油溪镇 0001"
    assert rows[0]["flag_id"]
    assert (rows[1]["guardian_name"], rows[1]["risk_level"], rows[1]["risk_label"]) == (None, None, "未评估")


# --- adherence -----------------------------------------------------------------------------------

YEAR_END = dt.date(2026, 12, 1)  # window [2025-12-01, 2026-12-01): 365 days


@pytest.fixture
def adherence_world(clinic):
    c = clinic
    ids = {name: c.patient(name, enrolled="2025-12-01") for name in ("全程", "断续", "作废", "住院", "八成")}
    for day in ("2025-12-01", "2026-02-19", "2026-05-10", "2026-07-29", "2026-10-17"):
        c.collect(ids["全程"], day, 4)  # 80 days each, one after the other: covered all year
    for name in ("断续", "作废"):
        c.collect(ids[name], "2025-12-01", 4)  # to 2026-02-19
        if name == "作废":
            c.void(c.collect(ids[name], "2026-02-19", 4), "2026-02-20")
        c.collect(ids[name], "2026-06-01", 4)  # to 2026-08-20: 160 of 365 days
    c.collect(ids["住院"], "2025-12-01", 4)  # to 2026-02-19, then in hospital until 11-01
    programme.admit(c.db, ids["住院"], "2026-02-19")
    programme.discharge(c.db, ids["住院"], "2026-11-01")
    c.collect(ids["住院"], "2026-11-01", 2)  # 40 days
    # exactly 292 of 365 days (80 %): risperidone, then olanzapine
    c.collect(ids["八成"], "2025-12-01", 4)
    c.collect(ids["八成"], "2026-02-19", 4)
    c.collect(ids["八成"], "2026-05-10", 1)
    c.collect(ids["八成"], "2026-05-30", 4, c.olanzapine)
    c.collect(ids["八成"], "2026-07-25", 4, c.olanzapine)  # to 2026-09-19
    c.patient("新人", enrolled="2026-11-19")  # too soon to judge
    return ids


def test_adherence_below_the_line_is_listed_and_at_or_above_it_not(clinic, adherence_world):
    rows = fu.adherence_list(clinic.db, YEAR_END)
    assert names(rows) == ["断续", "作废"]
    row = rows[0]
    check_person(row)
    assert (row["percent"], row["covered_days"], row["eligible_days"], row["uncovered_days"],
            row["hospital_days"]) == (43, 160, 365, 205, 0)
    assert (row["window_start"], row["window_end"]) == ("2025-12-01", "2026-12-01")
    assert (row["last_collection"], row["cover_until"]) == ("2026-06-01", "2026-08-20")
    assert row["label"] == "43%（有药 160/365 天）"


def test_adherence_threshold_defaults_to_the_setting(clinic, adherence_world):
    assert "八成" not in names(fu.adherence_list(clinic.db, YEAR_END))  # exactly 80 %: not below
    assert "八成" in names(fu.adherence_list(clinic.db, YEAR_END, threshold=81))
    settings.put(clinic.db, "adherence_threshold_percent", 81)
    assert names(fu.adherence_list(clinic.db, YEAR_END)) == ["断续", "作废", "八成"]
    settings.put(clinic.db, "adherence_threshold_percent", 40)
    assert fu.adherence_list(clinic.db, YEAR_END) == []


def test_adherence_leaves_hospital_days_out(clinic, adherence_world):
    result = fu.adherence_for(clinic.db, adherence_world["住院"], YEAR_END)
    assert (result.days_in_window, result.hospital_days, result.eligible_days, result.covered_days) == (
        365, 255, 110, 110)
    assert result.ratio == 1
    assert adh.label(result) == "100%（有药 110/110 天，住院 255 天不计）"
    assert "住院" not in names(fu.adherence_list(clinic.db, YEAR_END, threshold=100))


def test_adherence_for_the_patient_page(clinic, adherence_world):
    assert fu.adherence_for(clinic.db, adherence_world["全程"], YEAR_END).ratio == 1
    assert fu.adherence_for(clinic.db, adherence_world["八成"], YEAR_END).ratio == Fraction(4, 5)
    voided = fu.adherence_for(clinic.db, adherence_world["作废"], YEAR_END)
    assert voided == fu.adherence_for(clinic.db, adherence_world["断续"], YEAR_END)
    assert voided.covered_days == 160


def test_adherence_window_starts_at_enrolment(clinic, adherence_world):
    pid = clinic.patient("近期", enrolled="2026-10-01")
    clinic.collect(pid, "2026-10-01", 2)  # 40 of 61 days
    result = fu.adherence_for(clinic.db, pid, YEAR_END)
    assert (result.start, result.end, result.eligible_days, result.covered_days) == (
        dt.date(2026, 10, 1), YEAR_END, 61, 40)
    assert [r["percent"] for r in fu.adherence_list(clinic.db, YEAR_END) if r["name"] == "近期"] == [65]
    new = by_name(fu.adherence_list(clinic.db, dt.date(2026, 12, 31), min_days=1))["新人"]
    assert new["percent"] == 0  # listed once there is anything to judge


def test_adherence_of_a_patient_never_enrolled_is_not_measured(clinic):
    pid = add_patient(clinic.db, name="未纳入")
    result = fu.adherence_for(clinic.db, pid, YEAR_END)
    assert result.ratio is None and result.days_in_window == 0


def test_adherence_ends_when_the_patient_left(clinic):
    pid = clinic.patient("退出", enrolled="2026-10-01")
    clinic.collect(pid, "2026-10-01", 2)  # to 11-10
    programme.leave(clinic.db, pid, "2026-11-10", "moved")
    result = fu.adherence_for(clinic.db, pid, YEAR_END)
    assert (result.end, result.ratio) == (dt.date(2026, 11, 10), 1)


def test_empty_clinic_has_empty_lists(fresh_db):
    assert fu.due_this_month(fresh_db, TODAY) == []
    assert fu.overdue(fresh_db, TODAY) == []
    assert fu.annual_reviews_due(fresh_db, TODAY) == []
    assert fu.paused(fresh_db, TODAY) == []
    assert fu.worsening(fresh_db, TODAY) == []
    assert fu.adherence_list(fresh_db, TODAY) == []
