"""The main path through the programme on the patient page: apply, two reviews, enrolment with
card 0001, agreement signed and printed, admitted and discharged, leaving, the next in line enrolled."""
from __future__ import annotations

import pytest
from pypdf import PdfReader

from clinic_app.domain import programme_status as ps
from clinic_app.storage import agreements, audit, cards, programme
from clinic_app.ui.enrolment.common import table_text

from tests.ui.print_support import save_previews_to

from .enrolment_support import (Panel, application, dated, eligible, final, fix_today, initial, send,
                                through_approval)


@pytest.fixture(autouse=True)
def today(monkeypatch):
    fix_today(monkeypatch)


def test_whole_main_path(qtbot, session, make_patient, tmp_path, monkeypatch):
    zhang = eligible(make_patient, "张三", "19800101", "123")
    panel = Panel(qtbot, session, zhang)
    w = panel.widget

    # eligibility: every criterion with its mark, the summary
    text = w.eligibility.text()
    assert "符合申请条件（公安机关列管）" in text
    assert "✔ 在本区居住3个月以上：自 2020-01-01 起居住" in text
    assert "✔ 公安机关列管：已列管" in text and "✘ 贫困" in text and "✘ 无监护或弱监护" in text
    assert "尚缺" not in text
    assert w.status.text().startswith("未纳入")
    assert panel.enabled() == {"apply", "admit", "risk", "flag"}  # a stay is recorded whatever the place

    # 受理申请: the schedule follows the received date
    dialog = panel.act("apply", application("2026-03-10"), confirm=False)
    application("2026-03-10")(dialog)
    assert "初审截止 2026-03-17" in dialog.schedule.text() and "报送截止 2026-03-20" in dialog.schedule.text()
    assert dialog.fallback.isHidden()
    dialog.received.setText("2026-09-30")  # National Day week lies in the five working days
    assert "初审截止 2026-10-13" in dialog.schedule.text()  # 10-10 is a working Saturday
    dialog.received.setText("2026-03-10")
    assert dialog.documents_state.text() == "材料齐全"
    assert panel.changes == 0

    panel.act("apply", application("2026-03-10"))
    assert "第 1 轮　受理 2026-03-10　状态：待初审" in w.rounds.text()
    assert "初审截止 2026-03-17" in w.rounds.text()
    assert panel.enabled() >= {"initial"} and "apply" not in panel.enabled()

    dialog = panel.act("initial", initial("2026-03-12"))
    assert dialog.reviewer.text() == "测试员"  # the logged-in user by default
    assert "初审：通过　初审人 测试员　2026-03-12" in w.rounds.text()
    assert {"send", "final"} <= panel.enabled()

    panel.act("send", send("2026-03-13"))
    assert "报送复审：2026-03-13" in w.rounds.text()
    assert "send" not in panel.enabled()

    panel.act("final", final("2026-03-18"))
    assert panel.informed[-1] == "已纳入免费服药，救助卡编号 油溪镇 0001"
    assert cards.current(session.db, zhang)["number"] == "0001"
    assert w.status.text().startswith("在册服药")
    assert "救助卡编号：油溪镇 0001" in w.status.text()
    assert "复审：同意　复审人 区精卫中心 周主任　2026-03-18" in w.rounds.text()
    assert "编号 油溪镇 0001（有效，2026-03-18 发放）" in w.card.text()
    assert [r[1] for r in table_text(w.history)] == ["复审通过", "纳入免费服药"]
    assert table_text(w.history)[0][4] == "测试员"
    assert {"admit", "annual", "leave", "agreement", "lost"} <= panel.enabled()
    assert w.buttons["agreement"].text() == "签订协议…"

    # 签订协议 and print it, off the UI thread
    def sign(dialog):
        assert dialog.clinic.currentData() == "youxi"  # the clinic holding the file
        dialog.signed.setText("2026-03-20")
        assert dialog.period.text().startswith("2026年03月20日至2027年03月19日")
    dialog = panel.act("agreement", sign, confirm=False)
    out = tmp_path / "协议.pdf"
    save_previews_to(monkeypatch, out)
    dialog.print_agreement()  # printing is not signing: a copy to sign, nothing recorded
    qtbot.waitUntil(lambda: dialog.printed_path is not None, timeout=30000)
    assert agreements.latest(session.db, zhang) is None
    assert out.exists()
    pdf_text = "".join(page.extract_text() for page in PdfReader(str(out)).pages)
    assert "张三" in pdf_text
    printed = audit.recent(session.db, entity="agreement")
    assert printed[0]["action"] == audit.PRINT and printed[0]["username"] == "tester"
    assert printed[0]["summary"].startswith("打印服务协议（待签字，未登记为已签订）")
    assert dialog.ok_button.text() == "双方已签字"
    dialog.accept()  # both parties signed on paper
    assert agreements.latest(session.db, zhang)["valid_until"] == "2027-03-19"
    w.reload()
    assert "签订 2026-03-20　有效期至 2027-03-19" in w.agreement.text()
    assert w.buttons["agreement"].text() == "续签…"
    assert "print_agreement" in panel.enabled()

    # 住院 pauses, 出院 resumes
    panel.act("admit", dated("2026-05-06", "区精神卫生中心住院"))
    assert programme.status(session.db, zhang) == ps.PAUSED
    assert w.status.text().startswith("住院暂停")
    assert "discharge" in panel.enabled() and "admit" not in panel.enabled()
    assert "✘ 居家（未住院）" in w.eligibility.text()
    panel.act("discharge", dated("2026-06-01"))
    assert programme.status(session.db, zhang) == ps.ENROLLED

    # a second patient approved while no place is free waits; zhang leaves; the place goes to him
    from clinic_app.storage import settings
    settings.put(session.db, "places", 1)
    li = eligible(make_patient, "李四", "19820202", "135")
    li_panel = Panel(qtbot, session, li)
    through_approval(li_panel, "2026-06-10", "2026-06-12", "2026-06-15", "2026-06-18")
    assert li_panel.informed[-1] == "名额已满，已列入候补名单第 1 位"
    assert "候补名单第 1 位" in li_panel.widget.status.text()

    w.reload()
    def leave(dialog):
        dialog.date.setText("2026-07-01")
        dialog.choose_reason("moved")
        dialog.note.setText("迁往永川")
    panel.act("leave", leave)
    assert panel.asked == ["是否将候补第一位 李四 纳入？"]
    assert programme.status(session.db, zhang) == ps.LEFT
    assert programme.status(session.db, li) == ps.ENROLLED
    assert cards.current(session.db, li)["number"] == "0002"
    assert panel.informed[-1] == "已将 李四 纳入免费服药，救助卡编号 油溪镇 0002"
    last = table_text(w.history)[-1]
    assert last == ["2026-07-01", "退出项目", "迁出本区", "迁往永川", "测试员"]
    assert w.status.text().startswith("已退出")
    assert "apply" in panel.enabled()  # may apply again later
    assert panel.changes > 0


def test_no_one_enrolled_when_the_offer_is_declined(qtbot, session, make_patient):
    from clinic_app.storage import settings
    settings.put(session.db, "places", 1)
    a = eligible(make_patient, "赵一", "19800101", "123")
    b = eligible(make_patient, "钱二", "19810101", "135")
    first = Panel(qtbot, session, a, answer_yes=False)
    through_approval(first)
    second = Panel(qtbot, session, b)
    through_approval(second, "2026-04-10", "2026-04-13", "2026-04-14", "2026-04-20")
    def failed_review(dialog):
        dialog.date.setText("2026-05-01")
        dialog.choose_eligible(False)
    first.act("annual", failed_review)
    assert first.asked == ["是否将候补第一位 钱二 纳入？"]
    assert programme.status(session.db, a) == ps.LEFT
    assert programme.status(session.db, b) == ps.WAITING
    second.widget.reload()
    assert "enrol" in second.enabled()
    second.act("enrol", dated("2026-05-02"))
    assert programme.status(session.db, b) == ps.ENROLLED
    assert second.informed[-1] == "已纳入免费服药，救助卡编号 油溪镇 0002"


def test_annual_review_shows_the_eligibility_check(qtbot, session, make_patient):
    pid = eligible(make_patient, "孙三", "19800101", "123")
    panel = Panel(qtbot, session, pid)
    through_approval(panel)
    def look(dialog):
        dialog.date.setText("2026-10-08")
        assert "符合申请条件（公安机关列管）" in dialog.eligibility_hint.text()
        assert "✔ 公安机关列管：已列管" in dialog.eligibility_hint.text()
    dialog = panel.act("annual", look)
    assert not dialog.accepted_ok and dialog.error_text("eligible") == "请选择审核结论"
    def passed(dialog):
        dialog.date.setText("2026-10-08")
        dialog.choose_eligible(True)
    panel.act("annual", passed)
    assert programme.status(session.db, pid) == ps.ENROLLED
    assert table_text(panel.widget.history)[-1][1:3] == ["年度资格审核", "仍符合条件"]
