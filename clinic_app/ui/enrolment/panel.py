"""免费服药项目: one patient's way through the programme on the patient page — eligibility,
status and places, every application round with its deadlines, the status history, agreement,
rescue card, risk — and the actions the current state and the user's role allow.

The panel only reads storage and opens dialogs; the rules stay in domain/ and storage/.
"""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QGroupBox, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from ...domain import applications as ap
from ...domain import programme_status as ps
from ...domain import risk as risk_rules
from ...domain import roles
from ...domain import workcalendar as wc
from ...domain.errors import ClinicError
from ...services import enrolment as enrolment_services
from ...storage import agreements, applications, cards, clock, holidays, patients, programme, reference
from ...storage import risk as risk_store
from ...storage import settings
from .. import messages
from ..widgets import Lines
from .agreement_dialog import RENEW, SIGN, VIEW, AgreementDialog
from .application_dialogs import (ApplicationDialog, FinalReviewDialog, InitialReviewDialog,
                                  SendToOfficeDialog, missing_text, outcome_text)
from .card_dialog import LOST, REISSUE, CardDialog
from .common import BLANK, fill_table, make_table, shown
from .risk_dialogs import CLEAR, FLAG, RiskDialog, WorseningDialog
from .status_dialog import StatusChangeDialog

# action key -> button text, in the order they are laid out in their section
APPLICATION_ACTIONS = {"apply": "受理申请…", "reapply": "重新申请…", "initial": "初审…",
                       "send": "报送复审…", "final": "登记复审结果…"}
STATUS_ACTIONS = {"enrol": "纳入（有空名额时）", "admit": "住院…", "discharge": "出院…",
                  "annual": "年度审核…", "leave": "退出项目…"}
AGREEMENT_ACTIONS = {"agreement": "签订协议…", "print_agreement": "打印协议…"}
CARD_ACTIONS = {"lost": "挂失救助卡…", "reissue": "补发救助卡…"}
RISK_ACTIONS = {"risk": "危险性评估…", "flag": "标记病情加重…", "clear_flag": "解除病情加重…"}
STATUS_KINDS = {"enrol": ps.ENROL, "admit": ps.ADMITTED, "discharge": ps.DISCHARGED,
                "annual": ps.ANNUAL_REVIEW, "leave": ps.LEAVE}
IN_PROGRAMME = (ps.WAITING, ps.ENROLLED, ps.PAUSED)


def expiry_text(valid_until: str, today: dt.date) -> str:
    """``已过期`` / ``今天到期`` / ``N天后到期``."""
    days = (dt.date.fromisoformat(valid_until) - today).days
    if days < 0:
        return "已过期"
    if days == 0:
        return "今天到期"
    return f"{days}天后到期"


def round_text(db, app: dict, today: dt.date) -> str:
    """One application round as a few plain lines."""
    cal = holidays.calendar(db)
    plan = applications.schedule(db, app)
    lines = [f"第 {app['round']} 轮　受理 {app['received_date']}　状态：{ap.STATE_LABELS[app['state']]}"]
    if app.get("application_day_note"):
        lines.append(app["application_day_note"])
    due = f"初审截止 {plan.initial_review_due.isoformat()}"
    office = f"报送截止 {plan.office_deadline.isoformat()}"
    warn = settings.get(db, "deadline_warning_days")
    if app["state"] == ap.SUBMITTED:
        due += f"（{wc.deadline_label(cal.deadline_state(plan.initial_review_due, today, warn))}）"
    elif app["state"] == ap.AWAITING_FINAL and not app.get("sent_to_office_date"):
        office += f"（{wc.deadline_label(cal.deadline_state(plan.office_deadline, today, warn))}）"
    lines.append(f"{due}　{office}")
    if app["state"] == ap.SUBMITTED:
        lines.append("材料：" + missing_text(app["documents"], applications.requirements_of(db, app))[0])
    if app.get("village_opinion"):
        when = f"（{app['village_opinion_date']}）" if app.get("village_opinion_date") else ""
        lines.append(f"村（居）委会意见：{app['village_opinion']}{when}")
    if app.get("initial_decision"):
        lines.append(f"初审：{ap.INITIAL_DECISIONS[app['initial_decision']]}　初审人 {app['initial_reviewer']}　"
                     f"{app['initial_date']}" + _reason(app.get("initial_reason")))
    if app.get("sent_to_office_date"):
        lines.append(f"报送复审：{app['sent_to_office_date']}")
    if app.get("final_decision"):
        lines.append(f"复审：{ap.FINAL_DECISIONS[app['final_decision']]}　复审人 {app['final_reviewer']}　"
                     f"{app['final_date']}" + _reason(app.get("final_reason")))
    if plan.note:
        lines.append(f"⚠ {plan.note}")
    return "\n".join(lines)


def _reason(text: str | None) -> str:
    return f"　理由：{text}" if text else ""


def event_reason(event: dict) -> str:
    if event["kind"] == ps.LEAVE:
        return ps.LEAVE_REASONS.get(event.get("reason"), shown(event.get("reason")))
    if event["kind"] == ps.ANNUAL_REVIEW:
        return {"passed": "仍符合条件", "failed": "不再符合条件"}.get(event.get("reason"), BLANK)
    return BLANK


class EnrolmentPanel(QWidget):
    changed = Signal()

    def __init__(self, session, patient_id: int, parent=None):
        super().__init__(parent)
        self.session = session
        self.db = session.db
        self.patient_id = patient_id
        self.can_edit = roles.may(session.role, "enrolment.edit")
        self.buttons: dict[str, QPushButton] = {}
        self.last_dialog = None
        self._build()
        self.reload()

    # --- building ------------------------------------------------------------------------
    def _build(self) -> None:
        self.eligibility = Lines("eligibility")
        self.status = Lines("status")
        self.rounds = Lines("rounds")
        self.history = make_table(("日期", "变更", "原因", "备注", "登记人"), "history", (3,))
        self.agreement = Lines("agreement")
        self.agreements_table = make_table(("签订日期", "有效期至", "定点医院", "类型"), "agreements", (2,))
        self.card = Lines("card")
        self.cards_table = make_table(("编号", "发卡日期", "状态", "挂失日期"), "cards")
        self.risk = Lines("risk")
        self.risk_table = make_table(("评估日期", "等级", "评估人", "备注"), "risk_history", (3,))
        self.flags = Lines("flags")
        self.flags_table = make_table(("标记日期", "说明", "解除日期", "解除说明"), "flags", (1, 3))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.addWidget(self._section("项目状态与名额", [self.status], STATUS_ACTIONS, columns=3), 1)
        top.addWidget(self._section("申请条件（三、(一)）", [self.eligibility], {}), 1)
        layout.addLayout(top)
        layout.addWidget(self._section("申请与审核（五、(一)）", [self.rounds], APPLICATION_ACTIONS))
        layout.addWidget(self._section("状态变更记录", [self.history], {}))
        middle = QHBoxLayout()
        middle.addWidget(self._section("服务协议（附件7）", [self.agreement, self.agreements_table],
                                       AGREEMENT_ACTIONS), 1)
        middle.addWidget(self._section("救助卡（附件5）", [self.card, self.cards_table], CARD_ACTIONS), 1)
        layout.addLayout(middle)
        bottom = QHBoxLayout()
        bottom.addWidget(self._section("危险性评估", [self.risk, self.risk_table],
                                       {"risk": RISK_ACTIONS["risk"]}), 1)
        bottom.addWidget(self._section("病情加重", [self.flags, self.flags_table],
                                       {k: RISK_ACTIONS[k] for k in ("flag", "clear_flag")}), 1)
        layout.addLayout(bottom)
        layout.addStretch(1)

    def _section(self, title: str, widgets: list[QWidget], actions: dict[str, str],
                 columns: int = 0) -> QGroupBox:
        box = QGroupBox(title)
        column = QVBoxLayout(box)
        for widget in widgets:
            column.addWidget(widget)
        if actions:
            row = QHBoxLayout()
            for i, (key, text) in enumerate(actions.items()):
                if columns and i and i % columns == 0:
                    row.addStretch(1)
                    column.addLayout(row)
                    row = QHBoxLayout()
                button = QPushButton(text)
                button.setObjectName(f"action_{key}")
                button.setAutoDefault(False)
                button.clicked.connect(lambda _checked=False, k=key: self.run(k))
                self.buttons[key] = button
                row.addWidget(button)
            row.addStretch(1)
            column.addLayout(row)
        column.addStretch(1)
        return box

    # --- reading -------------------------------------------------------------------------
    def reload(self) -> None:
        db, pid = self.db, self.patient_id
        self.today = clock.today()
        self.record = patients.get(db, pid)
        self.current_status = programme.status(db, pid)
        self.admitted_on = programme.in_hospital_since(db, pid)
        self.rounds_data = applications.for_patient(db, pid)
        self.latest_application = self.rounds_data[-1] if self.rounds_data else None
        self.places = programme.places_summary(db)
        self.latest_agreement = agreements.latest(db, pid)
        self.current_card = cards.current(db, pid)
        self.lost_card = cards.awaiting_reissue(db, pid)
        self.flag_rows = risk_store.flags(db, pid)
        self.open_flag = next((f for f in self.flag_rows if not f["cleared_date"]), None)
        self._show_eligibility()
        self._show_status()
        self._show_rounds()
        self._show_history()
        self._show_agreement()
        self._show_card()
        self._show_risk()
        self._enable()

    def _show_eligibility(self) -> None:
        result = applications.check_eligibility(self.db, self.patient_id, self.today)
        lines = [(result.summary + f"（按 {self.today.isoformat()} 核对）", "ok" if result.eligible else "error"),
                 ("基本条件（须全部符合）：", "hint")]
        lines += [(f"{'✔' if c.held else '✘'} {c.label}：{c.detail}", "ok" if c.held else "error")
                  for c in result.base]
        lines.append(("帮扶条件（符合其一即可）：", "hint"))
        lines += [(f"{'✔' if c.held else '✘'} {c.label}：{c.detail}", "ok" if c.held else "")
                  for c in result.any_of]
        if not result.eligible:
            lines.append(("尚缺：\n" + "\n".join(f"· {m}" for m in result.missing), "error"))
        self.eligibility_result = result
        self.eligibility.set_lines(lines)

    def waiting_position(self) -> int | None:
        ids = [r["id"] for r in programme.waiting_list(self.db)]
        return ids.index(self.patient_id) + 1 if self.patient_id in ids else None

    def _show_status(self) -> None:
        status = self.current_status
        lines = [(ps.STATUS_LABELS[status], "status")]
        if status == ps.WAITING:
            lines.append((f"候补名单第 {self.waiting_position()} 位（共 {self.places['waiting']} 人）", "warning"))
        if self.admitted_on and status == ps.PAUSED:
            lines.append((f"自 {self.admitted_on} 起住院治疗，暂停领药，保留名额", "warning"))
        elif self.admitted_on:
            then = "出院后方可纳入" if status == ps.WAITING else "出院后方可申请"
            lines.append((f"自 {self.admitted_on} 起住院治疗，{then}", "warning"))
        if self.record.get("approved_date"):
            lines.append((f"复审通过日期：{self.record['approved_date']}", ""))
        if self.current_card:
            lines.append((f"救助卡编号：{cards.display_number(self.current_card)}", ""))
        p = self.places
        lines.append((f"本单位名额 {p['places']} 个：已用 {p['occupied']}，空余 {p['free']}；候补 {p['waiting']} 人",
                      "hint"))
        self.status.set_lines(lines)

    def _show_rounds(self) -> None:
        if not self.rounds_data:
            self.rounds.set_lines([("尚未申请", "hint")])
            return
        lines = []
        for app in self.rounds_data:
            role = "error" if app["state"] in ap.REJECTED else ("ok" if app["state"] == ap.APPROVED else "")
            lines.append((round_text(self.db, app, self.today), role))
        self.rounds.set_lines(lines)

    def _show_history(self) -> None:
        events = programme.events(self.db, self.patient_id)
        labels = ps.history_labels(ps.Event(e["kind"], e["date"]) for e in events)
        fill_table(self.history, [
            [e["date"], label, event_reason(e), e.get("note"), e.get("recorded_by_name")]
            for e, label in zip(events, labels)])

    def _show_agreement(self) -> None:
        latest = self.latest_agreement
        if latest is None:
            self.agreement.set_lines([("尚未签订服务协议", "hint")])
        else:
            clinic = reference.clinic(self.db, latest["designated_clinic_code"])
            expiry = expiry_text(latest["valid_until"], self.today)
            warn = settings.get(self.db, "agreement_warning_days")
            days = (dt.date.fromisoformat(latest["valid_until"]) - self.today).days
            role = "error" if days < 0 else ("warning" if days <= warn else "")
            self.agreement.set_lines([
                (f"定点医院：{clinic['name'] if clinic else latest['designated_clinic_code']}", ""),
                (f"签订 {latest['signed_date']}　有效期至 {latest['valid_until']}（{expiry}）", role)])
        fill_table(self.agreements_table, [
            [a["signed_date"], a["valid_until"], a["clinic_name"], "续签" if a["renewed_from_id"] else "签订"]
            for a in agreements.history(self.db, self.patient_id)])

    def _show_card(self) -> None:
        if self.current_card:
            card = self.current_card
            lines = [(f"编号 {cards.display_number(card)}（{cards.STATUS_LABELS[card['status']]}，"
                      f"{card['issued_date']} 发放）", "")]
        elif self.lost_card:
            lines = [(f"编号 {cards.display_number(self.lost_card)} 已于 {self.lost_card['lost_date']} 挂失，"
                      "待补发；挂失期间费用由患者自负", "warning")]
        else:
            lines = [("尚未发放救助卡（纳入免费服药时发放）", "hint")]
        self.card.set_lines(lines)
        fill_table(self.cards_table, [
            [cards.display_number(c), c["issued_date"], cards.STATUS_LABELS.get(c["status"], c["status"]),
             c.get("lost_date")] for c in cards.history(self.db, self.patient_id)])

    def _show_risk(self) -> None:
        rows = risk_store.assessments(self.db, self.patient_id)
        if rows:
            latest = rows[0]
            self.risk.set_lines([(risk_rules.describe(latest["level"]),
                                  "error" if latest["level"] >= 3 else ""),
                                 (f"{latest['date']} 评估，评估人 {latest['assessor']}", "hint")])
        else:
            self.risk.set_lines([("尚未评估", "hint")])
        fill_table(self.risk_table, [[r["date"], risk_rules.label(r["level"]), r["assessor"], r.get("note")]
                                     for r in rows])
        if self.open_flag:
            flag = self.open_flag
            days = risk_store.days_open(flag, self.today)
            self.flags.set_lines([(f"⚠ 病情加重（{flag['date']} 起，已 {days} 天）" +
                                   (f"：{flag['note']}" if flag.get("note") else ""), "error"),
                                  ("须报告综治办和派出所", "hint")])
        else:
            self.flags.set_lines([("无未解除的病情加重标记", "hint")])
        fill_table(self.flags_table, [[f["date"], f.get("note"), f.get("cleared_date"), f.get("cleared_note")]
                                      for f in self.flag_rows])

    # --- what may be done now --------------------------------------------------------------
    def allowed(self) -> dict[str, bool]:
        status, app = self.current_status, self.latest_application
        state = app["state"] if app else None
        in_programme = status in IN_PROGRAMME
        first = programme.next_in_line(self.db)
        return {
            "apply": not in_programme and (state is None or state == ap.APPROVED),
            "reapply": not in_programme and state in ap.REJECTED,
            "initial": state == ap.SUBMITTED,
            "send": state == ap.AWAITING_FINAL and not app.get("sent_to_office_date"),
            "final": state == ap.AWAITING_FINAL,
            "enrol": (status == ps.WAITING and self.places["free"] > 0
                      and first is not None and first["id"] == self.patient_id),
            "admit": self.admitted_on is None,  # whatever his place (三、(一) 居家)
            "discharge": self.admitted_on is not None,
            "annual": status in ps.HOLDS_PLACE,
            "leave": in_programme,
            "agreement": status in agreements.MAY_SIGN,
            "print_agreement": self.latest_agreement is not None,
            "lost": self.current_card is not None,
            "reissue": self.lost_card is not None and status in IN_PROGRAMME,
            "risk": True,
            "flag": self.open_flag is None,
            "clear_flag": self.open_flag is not None,
        }

    def _enable(self) -> None:
        allowed = self.allowed()
        self.buttons["agreement"].setText("续签…" if self.latest_agreement else "签订协议…")
        for key, button in self.buttons.items():
            button.setEnabled(self.can_edit and allowed[key])
        if not self.can_edit:
            for button in self.buttons.values():
                button.setToolTip("只读账户不能修改")
        elif self.current_status == ps.WAITING and self.admitted_on:
            self.buttons["enrol"].setToolTip(f"自 {self.admitted_on} 起住院治疗，出院后方可纳入")
        elif self.current_status == ps.WAITING and not allowed["enrol"]:
            self.buttons["enrol"].setToolTip("名额已满或候补名单中有先复审通过的患者")

    # --- doing -----------------------------------------------------------------------------
    def open_dialog(self, dialog: QDialog) -> bool:
        """Show ``dialog`` and say whether it was confirmed. Tests replace this to fill it in."""
        return dialog.exec() == QDialog.Accepted

    def _confirm(self, title: str, text: str) -> bool:
        return messages.confirm(self, title, text)

    def _inform(self, title: str, text: str) -> None:
        messages.info(self, title, text)

    def _show_error(self, title: str, text: str) -> None:
        messages.error(self, title, text)

    def _dialog_for(self, key: str):
        pid, s, app = self.patient_id, self.session, self.latest_application
        if key in ("apply", "reapply"):
            return ApplicationDialog(s, pid, self)
        if key == "initial":
            return InitialReviewDialog(s, pid, app, self)
        if key == "send":
            return SendToOfficeDialog(s, pid, app, self)
        if key == "final":
            return FinalReviewDialog(s, pid, app, self)
        if key in STATUS_KINDS:
            return StatusChangeDialog(s, pid, STATUS_KINDS[key], self)
        if key == "agreement":
            return AgreementDialog(s, pid, RENEW if self.latest_agreement else SIGN, self)
        if key == "print_agreement":
            return AgreementDialog(s, pid, VIEW, self)
        if key in ("lost", "reissue"):
            return CardDialog(s, pid, LOST if key == "lost" else REISSUE, self)
        if key == "risk":
            return RiskDialog(s, pid, self)
        if key == "flag":
            return WorseningDialog(s, pid, FLAG, parent=self)
        if key == "clear_flag":
            return WorseningDialog(s, pid, CLEAR, self.open_flag, parent=self)
        raise KeyError(key)

    def run(self, key: str) -> bool:
        """Open the dialog of action ``key``. Whenever it closes — however late, since a refused
        dialog stays open — the panel reloads and tells the page what changed."""
        if not (self.can_edit and self.allowed().get(key)):
            return False
        dialog = self._dialog_for(key)
        self.last_dialog = dialog
        dialog.finished.connect(lambda result, k=key, d=dialog: self._closed(k, d, result))
        return self.open_dialog(dialog)

    def _closed(self, key: str, dialog, result: int) -> None:
        accepted = result == QDialog.Accepted
        if accepted and key == "final" and dialog.outcome:
            self._inform("复审结果", dialog.outcome)
        if accepted and key == "enrol":
            self._inform("纳入免费服药", outcome_text(self.db, self.patient_id))
        if accepted and key in ("annual", "leave") and dialog.next_patient:
            self._offer_next(dialog.next_patient, dialog.date.date().isoformat())
        if accepted and key == "discharge" and programme.status(self.db, self.patient_id) == ps.WAITING:
            first = programme.next_in_line(self.db)  # discharged: he may be given a free place now
            if first and first["id"] == self.patient_id and programme.places_summary(self.db)["free"] > 0:
                self._offer_next(first, dialog.date.date().isoformat())
        self.reload()
        if accepted or getattr(dialog, "result_value", None) is not None:
            self.changed.emit()

    def _offer_next(self, first: dict, date: str) -> None:
        """A leaving freed a place: offer it to the first patient on the waiting list."""
        if not self._confirm("名额空出", programme.offer_text(first)):
            return
        try:
            card = enrolment_services.enrol(self.db, self.session.user, first["id"], date)
        except ClinicError as exc:
            self._show_error("纳入失败", exc.message)
            return
        self._inform("纳入免费服药", f"已将 {first['name']} 纳入免费服药，救助卡编号 {cards.display_number(card)}")
