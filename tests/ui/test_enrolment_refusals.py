"""What the programme refuses, shown where it was typed, with nothing typed lost."""
from __future__ import annotations

import pytest

from clinic_app.domain import programme_status as ps
from clinic_app.domain.applications import DOCUMENTS
from clinic_app.storage import applications, programme, settings

from .conftest import make_id
from .enrolment_support import (Panel, application, dated, eligible, final, fix_today, initial, send,
                                through_approval)


@pytest.fixture(autouse=True)
def today(monkeypatch):
    fix_today(monkeypatch)


def test_ineligible_patient_is_refused_with_what_is_missing(qtbot, session, make_patient):
    pid = make_patient("周五", make_id("19800101", "123"), guardian_name="周父",
                       guardian_id_number=make_id("19700101", "222"))
    panel = Panel(qtbot, session, pid)
    text = panel.widget.eligibility.text()
    assert text.startswith("不符合申请条件")
    assert "✘ 在本区居住3个月以上：未填写在本区居住起始日期" in text
    assert "尚缺" in text and "未填写诊断机构名称" in text
    assert "apply" in panel.enabled()  # taking it is refused with the reasons, not hidden

    dialog = panel.act("apply", application("2026-03-10", opinion="待核实"))
    assert not dialog.accepted_ok
    refusal = dialog.error_text("eligibility")
    assert refusal.startswith("不符合申请条件：")
    assert "在本区居住3个月以上：未填写在本区居住起始日期" in refusal
    assert "6种严重精神障碍之一，并有诊断机构：精神分裂症：未填写诊断机构名称" in refusal
    assert "不符合任何一项帮扶条件" in refusal and "未列管" in refusal
    assert dialog.row_visible("eligibility")
    # nothing lost
    assert dialog.received.text() == "2026-03-10"
    assert dialog.village_opinion.text() == "待核实"
    assert dialog.documents.checklist()["form"]["original_seen"] is True
    assert applications.for_patient(session.db, pid) == []
    assert panel.changes == 0


def test_no_free_place_puts_the_second_on_the_waiting_list(qtbot, session, make_patient):
    settings.put(session.db, "places", 1)
    first = Panel(qtbot, session, eligible(make_patient, "吴一", "19800101", "123"))
    through_approval(first)
    assert first.informed == ["已纳入免费服药，救助卡编号 油溪镇 0001"]
    pid = eligible(make_patient, "郑二", "19810101", "135")
    second = Panel(qtbot, session, pid)
    dialog = through_approval(second, "2026-04-10", "2026-04-13", "2026-04-14", "2026-04-20")
    assert dialog.outcome == "名额已满，已列入候补名单第 1 位"
    assert second.informed == ["名额已满，已列入候补名单第 1 位"]
    assert programme.status(session.db, pid) == ps.WAITING
    status = second.widget.status.text()
    assert status.startswith("候补（等待名额）") and "候补名单第 1 位（共 1 人）" in status
    assert "本单位名额 1 个：已用 1，空余 0；候补 1 人" in status
    assert "enrol" not in second.enabled()
    assert {"leave", "agreement"} <= second.enabled()  # a waiting patient may sign or leave


def test_initial_review_after_the_deadline_needs_the_late_reason(qtbot, session, make_patient):
    pid = eligible(make_patient, "冯三", "19800101", "123")
    panel = Panel(qtbot, session, pid)
    panel.act("apply", application("2026-03-10"))
    def on_time(dialog):
        dialog.date.setText("2026-03-17")
        assert not dialog.row_visible("late_reason")
        dialog.date.setText("2026-03-18")
        assert dialog.row_visible("late_reason")
        dialog.choose("passed")
    dialog = panel.act("initial", on_time)
    assert not dialog.accepted_ok
    assert dialog.error_text("late_reason") == "已超过初审期限（2026-03-17，受理后5个工作日），请填写逾期原因"
    dialog.late_reason.setText("经办人外出培训")
    dialog.accept()
    assert dialog.accepted_ok
    panel.widget.reload()
    assert "理由：逾期原因：经办人外出培训" in panel.widget.rounds.text()


def test_initial_review_refuses_missing_documents_until_ticked(qtbot, session, make_patient):
    pid = eligible(make_patient, "陈四", "19800101", "123")
    panel = Panel(qtbot, session, pid)
    panel.act("apply", application("2026-03-10", all_documents=False))
    assert "材料：初审通过前尚需核验：" in panel.widget.rounds.text()
    dialog = panel.act("initial", initial("2026-03-11"))
    assert not dialog.accepted_ok
    assert dialog.error_text("documents").startswith("材料不齐，不能通过初审：")
    assert "精神疾病诊断证明书" in dialog.error_text("documents")
    assert "残疾人证" not in dialog.error_text("documents")  # optional when not handed in
    dialog.documents.tick_all()
    dialog.accept()
    assert dialog.accepted_ok
    stored = applications.latest(session.db, pid)
    assert stored["state"] == "awaiting_final" and stored["documents"]["diagnosis"]["copy_received"]


def test_rejected_application_can_be_resubmitted_and_both_rounds_show(qtbot, session, make_patient):
    pid = eligible(make_patient, "褚五", "19800101", "123")
    panel = Panel(qtbot, session, pid)
    panel.act("apply", application("2026-03-10"))
    dialog = panel.act("initial", initial("2026-03-11", decision="rejected"))
    assert dialog.error_text("reason") == "初审不通过时请写明理由"
    dialog.reason.setText("诊断证明书非专科机构出具")
    dialog.accept()
    assert dialog.accepted_ok
    assert "apply" not in panel.enabled() and "reapply" in panel.enabled()

    dialog = panel.act("reapply", application("2026-04-10"))
    assert dialog.windowTitle().startswith("重新申请（第 2 轮）")
    rounds = panel.widget.rounds.text()
    assert "第 1 轮　受理 2026-03-10　状态：初审未通过" in rounds
    assert "理由：诊断证明书非专科机构出具" in rounds
    assert "第 2 轮　受理 2026-04-10　状态：待初审" in rounds
    first_round = applications.for_patient(session.db, pid)[0]
    assert applications.latest(session.db, pid)["previous_id"] == first_round["id"]

    # the office may refuse too; the patient may apply a third time
    panel.act("initial", initial("2026-04-13"))
    panel.act("send", send("2026-04-14"))
    dialog = panel.act("final", final("2026-04-20", decision="rejected"))
    assert dialog.error_text("reason") == "复审不同意时请写明理由"
    dialog.reason.setText("非本区户籍且居住不满3个月")
    dialog.accept()
    assert panel.informed == []
    assert "状态：复审未通过" in panel.widget.rounds.text()
    assert "reapply" in panel.enabled()


def test_dates_are_checked_at_their_field(qtbot, session, make_patient):
    pid = eligible(make_patient, "卫六", "19800101", "123")
    panel = Panel(qtbot, session, pid)
    dialog = panel.act("apply", application("2026-02-30"))
    assert dialog.error_text("received") == "日期“2026-02-30”不存在"
    assert dialog.schedule.text() == "请填写受理日期"
    dialog.received.setText("2026年3月10日")
    assert "初审截止 2026-03-17" in dialog.schedule.text()
    dialog.village_date.setText("2026/3/9")
    dialog.accept()
    assert dialog.accepted_ok
    assert applications.latest(session.db, pid)["received_date"] == "2026-03-10"
    dialog = panel.act("initial", initial("2026-03-09"))
    assert dialog.error_text("date") == "初审日期不能早于受理日期"
    dialog = panel.act("initial", initial("2026-03-11", reviewer=" "))
    assert dialog.error_text("reviewer") == "请填写初审人"


def test_no_decision_no_review(qtbot, session, make_patient):
    pid = eligible(make_patient, "蒋七", "19800101", "123")
    panel = Panel(qtbot, session, pid)
    panel.act("apply", application("2026-03-10"))
    def undecided(dialog):
        dialog.date.setText("2026-03-11")
    dialog = panel.act("initial", undecided)
    assert dialog.error_text("decision") == "请选择初审结论"
    assert applications.latest(session.db, pid)["state"] == "submitted"


def test_final_review_cannot_predate_the_sending(qtbot, session, make_patient):
    pid = eligible(make_patient, "沈八", "19800101", "123")
    panel = Panel(qtbot, session, pid)
    panel.act("apply", application("2026-03-10"))
    panel.act("initial", initial("2026-03-11"))
    panel.act("send", send("2026-03-16"))
    dialog = panel.act("final", final("2026-03-13"))
    assert dialog.error_text("date") == "复审日期不能早于报送日期（2026-03-16）"
    assert programme.status(session.db, pid) is None
    dialog.date.setText("2026-03-18")
    dialog.accept()
    assert dialog.accepted_ok and panel.informed == ["已纳入免费服药，救助卡编号 油溪镇 0001"]


def test_date_field_steps_with_the_arrow_keys(qtbot, session, make_patient):
    from PySide6.QtCore import Qt

    pid = eligible(make_patient, "韩九", "19800101", "123")
    panel = Panel(qtbot, session, pid)
    dialog = panel.act("apply", confirm=False)
    dialog.received.setText("2026-03-10")
    qtbot.keyClick(dialog.received, Qt.Key_Up)
    assert dialog.received.text() == "2026-03-11"
    qtbot.keyClick(dialog.received, Qt.Key_Down)
    qtbot.keyClick(dialog.received, Qt.Key_Down)
    assert dialog.received.text() == "2026-03-09"
    assert "初审截止 2026-03-16" in dialog.schedule.text()


def test_a_patient_not_enrolled_admitted_shows_not_at_home_and_the_application_is_refused(
        qtbot, session, make_patient):
    pid = eligible(make_patient, "住院甲", "19800101", "123")
    panel = Panel(qtbot, session, pid)
    assert "admit" in panel.enabled() and "discharge" not in panel.enabled()
    dialog = panel.act("admit", dated("2026-10-01", "区精神卫生中心住院"))
    assert dialog.windowTitle() == "住院：住院甲"
    assert programme.in_hospital_since(session.db, pid) == "2026-10-01"
    text = panel.widget.eligibility.text()
    assert "✘ 居家（未住院）：自 2026-10-01 起住院治疗，出院后方可申请" in text
    assert "自 2026-10-01 起住院治疗，出院后方可申请" in panel.widget.status.text()
    assert {"discharge", "apply"} <= panel.enabled() and "admit" not in panel.enabled()

    dialog = panel.act("apply", application("2026-11-02"))
    assert not dialog.accepted_ok
    assert "居家（未住院）：自 2026-10-01 起住院治疗，出院后方可申请" in dialog.error_text("eligibility")
    assert applications.for_patient(session.db, pid) == []

    panel.act("discharge", dated("2026-11-05", "病情稳定出院"))
    assert "✔ 居家（未住院）" in panel.widget.eligibility.text()
    panel.act("apply", application("2026-11-10"))
    assert applications.latest(session.db, pid)["state"] == "submitted"


def test_a_place_freed_is_offered_to_the_next_at_home_saying_who_was_skipped(qtbot, session, make_patient):
    settings.put(session.db, "places", 1)
    first = Panel(qtbot, session, eligible(make_patient, "吴一", "19800101", "123"))
    through_approval(first)
    second_id = eligible(make_patient, "郑二", "19810101", "135")
    second = Panel(qtbot, session, second_id)
    through_approval(second, "2026-04-10", "2026-04-13", "2026-04-14", "2026-04-20")
    third_id = eligible(make_patient, "王三", "19820101", "146")
    third = Panel(qtbot, session, third_id)
    through_approval(third, "2026-05-11", "2026-05-12", "2026-05-13", "2026-05-20")
    second.widget.reload()
    second.act("admit", dated("2026-06-01"))
    assert programme.status(session.db, second_id) == ps.WAITING
    assert "自 2026-06-01 起住院治疗，出院后方可纳入" in second.widget.status.text()

    first.widget.reload()
    first.act("leave", lambda d: (d.date.setText("2026-07-01"), d.choose_reason("moved")))
    assert first.asked == ["是否将候补第 2 位 王三 纳入？\n"
                           "候补第 1 位 郑二 自 2026-06-01 起住院治疗，出院后方可纳入，本次跳过"]
    assert programme.status(session.db, third_id) == ps.ENROLLED
    assert programme.status(session.db, second_id) == ps.WAITING


def test_proof_of_poverty_is_not_applicable_for_a_patient_not_poor_and_required_of_a_poor_one(
        qtbot, session, make_patient):
    police = Panel(qtbot, session, eligible(make_patient, "公安甲", "19800101", "123"))
    dialog = police.act("apply", application("2026-03-10"))  # ticks every document it can
    assert dialog.accepted_ok
    stored = applications.latest(session.db, police.widget.patient_id)
    assert stored["documents"]["poverty"]["original_seen"] is False  # never a false tick
    dialog = police.act("initial", initial("2026-03-11"), confirm=False)
    row = [key for key, _ in DOCUMENTS].index("poverty")
    assert dialog.documents.item(row, 0).text().endswith("（不适用）")
    assert not dialog.documents.boxes["poverty"][0].isEnabled()
    assert dialog.documents_state.text() == "材料齐全"
    dialog.accept()
    assert dialog.accepted_ok

    poor_id = eligible(make_patient, "低保乙", "19810101", "135", police_managed=False,
                       poverty_statuses=["低保户"])
    poor = Panel(qtbot, session, poor_id)
    def all_but_poverty(dialog):
        application("2026-03-10")(dialog)
        dialog.documents.tick("poverty", original=False, copy=False)
    poor.act("apply", all_but_poverty)
    dialog = poor.act("initial", initial("2026-03-11"))
    assert not dialog.accepted_ok
    assert dialog.error_text("documents").startswith("材料不齐，不能通过初审：")
    assert "贫困证明" in dialog.error_text("documents")


def test_a_waiting_patient_discharged_is_offered_the_free_place(qtbot, session, make_patient):
    settings.put(session.db, "places", 1)
    first = Panel(qtbot, session, eligible(make_patient, "吴一", "19800101", "123"))
    through_approval(first)
    waiting_id = eligible(make_patient, "郑二", "19810101", "135")
    waiting = Panel(qtbot, session, waiting_id)
    through_approval(waiting, "2026-04-10", "2026-04-13", "2026-04-14", "2026-04-20")
    waiting.widget.reload()
    waiting.act("admit", dated("2026-06-01"))
    first.widget.reload()
    first.act("leave", lambda d: (d.date.setText("2026-07-01"), d.choose_reason("moved")))
    assert first.asked == []  # no one waiting at home
    waiting.widget.reload()
    assert "enrol" not in waiting.enabled()
    assert waiting.widget.buttons["enrol"].toolTip() == "自 2026-06-01 起住院治疗，出院后方可纳入"
    waiting.act("discharge", dated("2026-07-10"))
    assert waiting.asked == ["是否将候补第一位 郑二 纳入？"]
    assert programme.status(session.db, waiting_id) == ps.ENROLLED
