"""Agreement renewal, rescue card loss, risk and worsening, the 2027 calendar fallback, the
read-only role and the panel on the patient page."""
from __future__ import annotations

import pytest

from clinic_app.domain import risk as risk_rules
from clinic_app.storage import agreements, applications, audit, cards
from clinic_app.storage import risk as risk_store
from clinic_app.ui.enrolment import EnrolmentPanel
from clinic_app.ui.enrolment.common import table_text
from clinic_app.ui.patients import PatientPage

from tests.ui.print_support import save_previews_to

from .enrolment_support import Panel, application, dated, eligible, fix_today, through_approval


@pytest.fixture(autouse=True)
def today(monkeypatch):
    fix_today(monkeypatch)


@pytest.fixture
def enrolled(qtbot, session, make_patient):
    pid = eligible(make_patient, "张三", "19800101", "123")
    panel = Panel(qtbot, session, pid)
    through_approval(panel)
    return panel


@pytest.fixture
def enrolled_2025(qtbot, session, make_patient):
    """Enrolled on 2025-03-18: an agreement is never signed before the enrolment."""
    pid = eligible(make_patient, "张三", "19800101", "123")
    panel = Panel(qtbot, session, pid)
    through_approval(panel, "2025-03-10", "2025-03-12", "2025-03-13", "2025-03-18")
    return panel


def sign_on(date: str, clinic: str | None = None):
    def fill(dialog):
        if clinic:
            dialog.choose_clinic(clinic)
        dialog.signed.setText(date)
    return fill


def test_renewal_needs_a_passed_annual_review(enrolled_2025, session):
    panel = enrolled_2025
    panel.act("agreement", sign_on("2025-11-25", "jingshenkangfuyuan"))
    text = panel.widget.agreement.text()
    assert "定点医院：江津区精神康复院" in text
    assert "签订 2025-11-25　有效期至 2026-11-24（4天后到期）" in text
    assert panel.widget.buttons["agreement"].text() == "续签…"

    dialog = panel.act("agreement", sign_on("2026-11-20"))
    assert dialog.windowTitle().startswith("续签服务协议")
    assert dialog.clinic.currentData() == "jingshenkangfuyuan"  # the previous choice by default
    assert not dialog.accepted_ok
    assert dialog.error_text("previous").startswith("续签前需完成年度资格审核")

    def passed(dialog):
        dialog.date.setText("2026-11-18")
        dialog.choose_eligible(True)
    panel.act("annual", passed)
    dialog = panel.act("agreement", sign_on("2026-11-20"))
    assert dialog.accepted_ok
    assert agreements.latest(session.db, panel.widget.patient_id)["valid_until"] == "2027-11-19"
    assert [r[3] for r in table_text(panel.widget.agreements_table)] == ["签订", "续签"]


def test_expired_agreement_is_marked(enrolled_2025):
    enrolled_2025.act("agreement", sign_on("2025-03-20"))
    assert "有效期至 2026-03-19（已过期）" in enrolled_2025.widget.agreement.text()


# --- printing the agreement is not signing it ---------------------------------------------------

def test_printing_the_agreement_records_nothing_and_cancelling_leaves_nothing(qtbot, enrolled, session, tmp_path,
                                                                              monkeypatch):
    pid = enrolled.widget.patient_id
    dialog = enrolled.act("agreement", sign_on("2026-11-20"), confirm=False)
    assert dialog.ok_button.text() == "双方已签字"
    out = tmp_path / "待签字.pdf"
    save_previews_to(monkeypatch, out)
    dialog.print_agreement()
    qtbot.waitUntil(lambda: dialog.printed_path is not None, timeout=30000)
    assert out.exists() and agreements.latest(session.db, pid) is None
    assert "尚未登记为已签订" in dialog.print_state.text()
    row = audit.recent(session.db, 1)[0]
    assert (row["action"], row["entity"]) == (audit.PRINT, "agreement")
    assert row["summary"].startswith("打印服务协议（待签字，未登记为已签订）：张三")
    dialog.reject()  # the patient refused to sign
    assert agreements.latest(session.db, pid) is None
    enrolled.widget.reload()
    assert "尚未签订服务协议" in enrolled.widget.agreement.text()
    assert "print_agreement" not in enrolled.enabled()


def test_the_signing_date_may_not_be_in_the_future_nor_before_enrolment(enrolled, session):
    pid = enrolled.widget.patient_id
    dialog = enrolled.act("agreement", sign_on("2026-11-21"))  # today is 2026-11-20
    assert not dialog.accepted_ok
    assert dialog.error_text("signed") == "签字日期不能晚于今天：双方签字后再登记"
    dialog.signed.setText("2026-03-17")
    dialog.accept()
    assert dialog.error_text("signed") == "签字日期不能早于纳入免费服药日期（2026-03-18）"
    dialog.signed.setText("2026-03-18")
    dialog.accept()
    assert dialog.accepted_ok
    assert agreements.latest(session.db, pid)["signed_date"] == "2026-03-18"


def test_reprinting_a_signed_agreement_is_audited_as_a_reprint(qtbot, enrolled, session, tmp_path,
                                                               monkeypatch):
    enrolled.act("agreement", sign_on("2026-11-20"))
    dialog = enrolled.act("print_agreement", confirm=False)
    assert dialog.print_button.text() == "补打协议（一式两份）"
    out = tmp_path / "补打.pdf"
    save_previews_to(monkeypatch, out)
    dialog.print_agreement()
    qtbot.waitUntil(lambda: dialog.printed_path is not None, timeout=30000)
    row = audit.recent(session.db, 1)[0]
    assert row["action"] == audit.PRINT and row["summary"] == "补打服务协议：张三（2026-11-20 签订，一式两份）"
    assert len(agreements.history(session.db, enrolled.widget.patient_id)) == 1


def test_lost_card_is_void_and_a_new_number_issued(enrolled, session):
    panel = enrolled
    pid = panel.widget.patient_id
    dialog = panel.act("lost", dated("2026-03-01"))
    assert dialog.info.text() == "编号 油溪镇 0001，2026-03-18 发放"
    assert dialog.error_text("date") == "挂失日期不能早于发卡日期"
    dialog.date.setText("2026-06-01")
    dialog.accept()
    assert "编号 油溪镇 0001 已于 2026-06-01 挂失，待补发" in panel.widget.card.text()
    assert {"reissue"} <= panel.enabled() and "lost" not in panel.enabled()
    dialog = panel.act("reissue", dated("2026-06-03"))
    assert dialog.info.text() == "原编号 油溪镇 0001，2026-06-01 挂失（已作废）"
    assert cards.current(session.db, pid)["number"] == "0002"
    assert table_text(panel.widget.cards_table) == [
        ["油溪镇 0001", "2026-03-18", "已挂失（作废）", "2026-06-01"],
        ["油溪镇 0002", "2026-06-03", "有效", "—"]]


def test_risk_dialog_shows_every_definition_and_records(qtbot, enrolled, session):
    panel = enrolled
    def look(dialog):
        assert sorted(dialog.levels) == [0, 1, 2, 3, 4, 5]
        for level, text in risk_rules.LEVELS.items():
            assert dialog.definitions[level].text() == text
            assert dialog.levels[level].text() == f"{level}级"
        assert dialog.assessor.text() == "测试员"
        dialog.date.setText("2026-11-10")
    dialog = panel.act("risk", look)
    assert dialog.error_text("level") == "请选择危险性等级（0–5级）"
    dialog.definitions[3].mousePressEvent(_click())  # the text picks its level too
    assert dialog.levels[3].isChecked()
    dialog.date.setText("2026-12-01")
    dialog.accept()
    assert "晚于今天" in dialog.error_text("date")
    dialog.date.setText("2026-11-10")
    dialog.accept()
    assert dialog.accepted_ok
    assert panel.widget.risk.text().startswith("3级：明显打砸行为")
    assert table_text(panel.widget.risk_table) == [["2026-11-10", "3级", "测试员", "—"]]


def _click():
    from PySide6.QtCore import QEvent, QPointF, Qt
    from PySide6.QtGui import QMouseEvent

    return QMouseEvent(QEvent.MouseButtonPress, QPointF(2, 2), QPointF(2, 2), Qt.LeftButton, Qt.LeftButton,
                       Qt.NoModifier)


def test_worsening_flag_and_clearing(enrolled, session):
    panel = enrolled
    pid = panel.widget.patient_id
    panel.act("flag", dated("2026-11-02", "医师报告病情波动"))
    assert "⚠ 病情加重（2026-11-02 起，已 18 天）：医师报告病情波动" in panel.widget.flags.text()
    assert [f["patient_id"] for f in risk_store.open_flags(session.db)] == [pid]
    assert "flag" not in panel.enabled() and "clear_flag" in panel.enabled()
    dialog = panel.act("clear_flag", dated("2026-11-01", "已送治"))
    assert dialog.error_text("date") == "解除日期 2026-11-01 早于标记日期 2026-11-02"
    dialog.date.setText("2026-11-15")
    dialog.accept()
    assert risk_store.open_flags(session.db) == []
    assert panel.widget.flags.text() == "无未解除的病情加重标记"
    assert table_text(panel.widget.flags_table) == [["2026-11-02", "医师报告病情波动", "2026-11-15", "已送治"]]


def test_2027_received_date_shows_the_fallback_note(qtbot, session, make_patient, monkeypatch):
    fix_today(monkeypatch, __import__("datetime").date(2027, 3, 15))
    pid = eligible(make_patient, "李四", "19800101", "123")
    panel = Panel(qtbot, session, pid)
    dialog = panel.act("apply", application("2027-03-10"), confirm=False)
    application("2027-03-10")(dialog)
    assert "初审截止 2027-03-17" in dialog.schedule.text()
    assert not dialog.fallback.isHidden()
    assert dialog.fallback.text() == "2027年的法定节假日尚未收录，按周末和管理员维护的节假日表计算"
    dialog.accept()
    assert dialog.accepted_ok
    rounds = panel.widget.rounds.text()
    assert "⚠ 2027年的法定节假日尚未收录" in rounds
    assert "初审截止 2027-03-17（即将到期）" in rounds
    dialog = panel.act("initial", lambda d: (d.choose("passed"), d.date.setText("2027-03-12")))
    assert dialog.accepted_ok
    assert applications.latest(session.db, pid)["state"] == "awaiting_final"


def test_read_only_user_sees_everything_and_changes_nothing(qtbot, session, readonly_session, make_patient):
    pid = eligible(make_patient, "王五", "19800101", "123")
    Panel(qtbot, session, pid).act("apply", application("2026-03-10"))
    panel = EnrolmentPanel(readonly_session, pid)
    qtbot.addWidget(panel)
    assert all(not b.isEnabled() for b in panel.buttons.values())
    assert panel.buttons["initial"].toolTip() == "只读账户不能修改"
    assert "第 1 轮　受理 2026-03-10　状态：待初审" in panel.rounds.text()
    assert panel.eligibility.text().startswith("符合申请条件")
    panel.open_dialog = lambda dialog: pytest.fail("no dialog for a read-only user")
    assert panel.run("initial") is False


def test_panel_on_the_patient_page(qtbot, session, make_patient):
    pid = eligible(make_patient, "赵六", "19800101", "123")
    page = PatientPage(session, pid)
    qtbot.addWidget(page)
    assert [page.tabs.tabText(i) for i in range(page.tabs.count())] == ["基本信息", "免费服药项目", "领药记录"]
    assert page.programme_label.text() == "免费服药项目：未纳入"
    panel = page.enrolment
    panel._inform = lambda title, text: None
    helper = Panel.__new__(Panel)
    helper.widget = panel
    through_approval(helper)
    assert page.programme_label.text() == "免费服药项目：在册服药　救助卡编号：油溪镇 0001"
    rows = audit.recent(session.db, entity="patient", entity_id=pid)
    views = [r for r in rows if r["action"] == audit.VIEW]
    assert len(views) == 1  # reloading after an action is not another look


def test_application_dialog_says_when_the_received_date_is_not_the_application_day(session):
    import datetime as dt

    from clinic_app.ui.enrolment.application_dialogs import schedule_text

    on_day, _ = schedule_text(session.db, dt.date(2026, 11, 10))
    off_day, _ = schedule_text(session.db, dt.date(2026, 11, 12))
    assert "本月申请日" not in on_day
    assert "本月申请日为 2026-11-10" in off_day


def test_an_application_received_after_the_application_day_is_accepted_and_the_note_stays_on_the_page(
        qtbot, session, make_patient):
    pid = eligible(make_patient, "钱七", "19800101", "123")
    panel = Panel(qtbot, session, pid)
    dialog = panel.act("apply", application("2026-11-12"), confirm=False)
    shown = dialog.schedule.text()
    assert shown.count("本月申请日为 2026-11-10") == 1 and "晚于申请日" in shown and "可以受理" in shown
    dialog.accept()
    assert dialog.accepted_ok
    app = applications.latest(session.db, pid)
    assert app["state"] == "submitted" and app["received_date"] == "2026-11-12"
    from clinic_app.ui.enrolment.panel import round_text
    import datetime as dt

    text = round_text(session.db, app, dt.date(2026, 11, 20))
    assert ("本月申请日为 2026-11-10（每月10日，遇节假日顺延至下一个工作日）；本申请于 2026-11-12 受理，晚于申请日"
            in text)
    page_text = "\n".join(label.text() for label in panel.widget.findChildren(type(dialog.schedule)))
    assert "本申请于 2026-11-12 受理，晚于申请日" in page_text
