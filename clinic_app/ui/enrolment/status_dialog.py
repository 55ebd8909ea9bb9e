"""Changes of a patient's place in the programme (五、(一)6, 8): 纳入, 住院, 出院, 年度审核, 退出项目."""
from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLineEdit

from ...domain import programme_status as ps
from ...services import enrolment as enrolment_services
from ...storage import applications, clock, patients, programme
from .common import ActionDialog, DateField, FieldError, decision_buttons, hint_label

ENROL = ps.ENROL
KINDS = (ps.ADMITTED, ps.DISCHARGED, ps.ANNUAL_REVIEW, ps.LEAVE)
TITLES = {ps.ENROL: "纳入免费服药", ps.ADMITTED: "住院（暂停领药）", ps.DISCHARGED: "出院（恢复领药）",
          ps.ANNUAL_REVIEW: "年度资格审核", ps.LEAVE: "退出项目"}
HINTS = {
    ps.ENROL: "有空名额时按复审通过先后纳入，同时发放救助卡",
    ps.ADMITTED: "住院治疗期间暂停免费领药，保留名额，出院后恢复",
    ps.DISCHARGED: "出院后恢复免费领药",
    ps.ANNUAL_REVIEW: "每年审核一次资格；不再符合条件的患者退出项目",
    ps.LEAVE: "退出后名额空出，可纳入候补名单第一位",
}
# A stay of a patient who holds no place pauses nothing: it bars applying and enrolment instead.
STAY_TITLES = {ps.ADMITTED: "住院", ps.DISCHARGED: "出院"}
STAY_HINTS = {
    ps.ADMITTED: "未纳入或候补的患者住院期间不属于居家患者：出院后方可申请；候补的保留排序，出院后方可纳入",
    ps.DISCHARGED: "出院后可按照程序申请；候补的患者出院后可纳入",
}
STILL_ELIGIBLE = {"yes": "仍符合条件", "no": "不再符合条件（退出项目）"}


class StatusChangeDialog(ActionDialog):
    """One dated status change. After a leaving that freed a place, ``next_patient`` is the first
    patient on the waiting list (the panel offers to enrol him)."""

    def __init__(self, session, patient_id: int, kind: str, parent=None):
        self.kind = kind
        self.next_patient = None
        self.card = None
        name = patients.get(session.db, patient_id)["name"]
        holds_place = programme.status(session.db, patient_id) in ps.HOLDS_PLACE
        stay_only = kind in STAY_TITLES and not holds_place
        title = STAY_TITLES[kind] if stay_only else TITLES[kind]
        super().__init__(session, patient_id, f"{title}：{name}", parent)
        self.ok_button.setText("确定")
        self.add_row("info", "说明", hint_label(STAY_HINTS[kind] if stay_only else HINTS[kind]))
        self.date = self.add_row("date", "日期", DateField(clock.today()))
        if kind == ps.ANNUAL_REVIEW:
            holder, _group, self.eligible = decision_buttons(STILL_ELIGIBLE)
            self.add_row("eligible", "审核结论", holder)
            self.eligibility_hint = hint_label()
            self.eligibility_hint.setObjectName("eligibility_hint")
            self.add_row("hint", "资格核对", self.eligibility_hint)
            self.date.dateChanged.connect(self._update_hint)
            self._update_hint(self.date.date_or_none())
        if kind == ps.LEAVE:
            self.reason = QComboBox()
            self.reason.addItem("", None)
            for key, label in ps.LEAVE_REASONS.items():
                self.reason.addItem(label, key)
            self.add_row("reason", "退出原因", self.reason)
        if kind != ps.ENROL:
            self.note = QLineEdit()
            self.note.setMaxLength(200)
            self.note.setPlaceholderText({ps.ADMITTED: "如：区精神卫生中心住院（派出所送治）",
                                          ps.DISCHARGED: "如：病情稳定出院"}.get(kind, ""))
            self.add_row("note", "备注", self.note)
        self.finish_layout()
        self.resize(620, 300)

    def _update_hint(self, day) -> None:
        if day is None:
            self.eligibility_hint.setText("请填写审核日期")
            return
        result = applications.check_eligibility(self.db, self.patient_id, day, annual_review=True)
        lines = [result.summary]
        lines += [f"{'✔' if c.held else '✘'} {c.label}：{c.detail}" for c in result.base + result.any_of]
        if not result.eligible:
            lines.append("尚缺：" + "；".join(result.missing))
        self.eligibility_hint.setText("\n".join(lines))

    def choose_eligible(self, still: bool) -> None:
        self.eligible["yes" if still else "no"].setChecked(True)

    def choose_reason(self, reason: str) -> None:
        self.reason.setCurrentIndex(self.reason.findData(reason))

    def save(self):
        date = self.date_of("date", self.date)
        db, pid, user = self.db, self.patient_id, self.session.user
        note = self.note.text().strip() if self.kind != ps.ENROL else ""
        if self.kind == ps.ENROL:
            self.card = enrolment_services.enrol(db, user, pid, date)
        elif self.kind == ps.ADMITTED:
            enrolment_services.admit(db, user, pid, date, note)
        elif self.kind == ps.DISCHARGED:
            enrolment_services.discharge(db, user, pid, date, note)
        elif self.kind == ps.ANNUAL_REVIEW:
            if not any(r.isChecked() for r in self.eligible.values()):
                raise FieldError("eligible", "请选择审核结论")
            still = self.eligible["yes"].isChecked()
            self.next_patient = enrolment_services.annual_review(db, user, pid, date, still, note)
        elif self.kind == ps.LEAVE:
            reason = self.reason.currentData()
            if not reason:
                raise FieldError("reason", "请选择退出原因")
            self.next_patient = enrolment_services.leave(db, user, pid, date, reason, note)
        return programme.status(db, pid)

