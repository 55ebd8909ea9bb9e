"""Taking an application and its two reviews (五、(一)2–4): 受理申请, 初审, 报送复审, 登记复审结果."""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (QCheckBox, QDialogButtonBox, QGridLayout, QHBoxLayout, QHeaderView,
                               QLineEdit, QTableWidget, QTableWidgetItem, QWidget)

from ...domain import applications as ap
from ...domain import choices
from ...domain import programme_status as ps
from ...domain import workcalendar as wc
from ...services import enrolment as enrolment_services
from ...storage import applications, cards, clock, patients, programme
from ..keyboard import cells_take_tab_order, set_tab_order
from ..style import set_role
from .common import ActionDialog, DateField, FieldError, decision_buttons, hint_label, stack

DOC_COLUMNS = ("材料（一式两份）", "原件已核", "复印件已收", "备注")


def schedule_text(db, received: dt.date | None) -> tuple[str, str | None]:
    """(``初审截止 … 报送截止 …``, the calendar's fallback note or ``None``) for a received date."""
    if received is None:
        return "请填写受理日期", None
    plan = applications.schedule(db, {"received_date": received.isoformat()})
    text = (f"初审截止 {plan.initial_review_due.isoformat()}（受理后{wc.INITIAL_REVIEW_DAYS}个工作日内）　"
            f"报送截止 {plan.office_deadline.isoformat()}（每月{wc.OFFICE_DAY}日前报送区精神卫生中心）")
    off_day = applications.application_day_note(db, received)
    if off_day:
        text += f"\n{off_day}（可以受理，此说明随申请保存）"
    return text, plan.note


def outcome_text(db, patient_id: int) -> str:
    """What a final approval led to, in the words staff expect."""
    status = programme.status(db, patient_id)
    if status == ps.ENROLLED:
        card = cards.current(db, patient_id)
        number = f"，救助卡编号 {cards.display_number(card)}" if card else ""
        return f"已纳入免费服药{number}"
    if status == ps.WAITING:
        ids = [row["id"] for row in programme.waiting_list(db)]
        position = ids.index(patient_id) + 1 if patient_id in ids else len(ids)
        if programme.places_summary(db)["free"] <= 0:
            return f"名额已满，已列入候补名单第 {position} 位"
        return f"候补名单中尚有先复审通过的患者，已列入候补名单第 {position} 位"
    return f"复审已登记（{ps.STATUS_LABELS[status]}）"


class DocumentsTable(QTableWidget):
    """The six documents of 五、(一)3 with 原件已核 / 复印件已收 ticks and a note each. A document
    not asked of this applicant (``requirements``, decided in storage/domain) can't be ticked and
    says 不适用; one handed in only when he has it says 如有."""

    def __init__(self, checklist: dict | None = None, parent=None, requirements: dict | None = None):
        super().__init__(len(ap.DOCUMENTS), len(DOC_COLUMNS), parent)
        self.requirements = requirements or ap.document_requirements()
        self.setObjectName("documents")
        self.setHorizontalHeaderLabels(list(DOC_COLUMNS))
        self.verticalHeader().setVisible(False)
        self.setSelectionMode(QTableWidget.NoSelection)
        self.setEditTriggers(QTableWidget.NoEditTriggers)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.setWordWrap(True)
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.Fixed)
        self.setColumnWidth(3, 170)
        self.boxes: dict[str, tuple[QCheckBox, QCheckBox, QLineEdit]] = {}
        for row, (key, label) in enumerate(ap.DOCUMENTS):
            need = self.requirements.get(key, ap.REQUIRED)
            suffix = f"（{ap.REQUIREMENT_LABELS[ap.NOT_APPLICABLE]}）" if need == ap.NOT_APPLICABLE else ""
            item = QTableWidgetItem(f"{'①②③④⑤⑥'[row]} {label}{suffix}")
            item.setToolTip(label)
            self.setItem(row, 0, item)
            original, copy = QCheckBox(), QCheckBox()
            original.setObjectName(f"original_{key}")
            copy.setObjectName(f"copy_{key}")
            for col, box in ((1, original), (2, copy)):
                self.setCellWidget(row, col, _centred(box))
            note = QLineEdit()
            note.setObjectName(f"note_{key}")
            if key in ap.OPTIONAL_DOCUMENTS:
                note.setPlaceholderText("没有此证可写“无”")
            if need == ap.NOT_APPLICABLE:
                for box in (original, copy, note):
                    box.setEnabled(False)
                note.setPlaceholderText(ap.NOT_APPLICABLE_REASONS.get(key, "不适用"))
            self.setCellWidget(row, 3, note)
            self.boxes[key] = (original, copy, note)
        cells_take_tab_order(self)   # Tab goes tick, tick, note, row after row — never onto a cell
        set_tab_order([w for boxes in self.boxes.values() for w in boxes])
        self.set_checklist(checklist or ap.empty_checklist())
        self.resizeRowsToContents()
        height = self.horizontalHeader().sizeHint().height() + 2 * self.frameWidth() + 2
        self.setFixedHeight(height + sum(max(self.rowHeight(r), 30) for r in range(self.rowCount())))
        for r in range(self.rowCount()):
            self.setRowHeight(r, max(self.rowHeight(r), 30))

    def applies(self, key: str) -> bool:
        return self.requirements.get(key) != ap.NOT_APPLICABLE

    def set_checklist(self, checklist: dict) -> None:
        for key, (original, copy, note) in self.boxes.items():
            item = (checklist.get(key) or {}) if self.applies(key) else {}
            original.setChecked(bool(item.get("original_seen")))
            copy.setChecked(bool(item.get("copy_received")))
            note.setText(item.get("note") or "")

    def checklist(self) -> dict:
        return {key: {"original_seen": o.isChecked(), "copy_received": c.isChecked(),
                      "note": n.text().strip()}
                for key, (o, c, n) in self.boxes.items()}

    def tick(self, key: str, original: bool = True, copy: bool = True, note: str | None = None) -> None:
        """Tick one document; a document not asked of this applicant is never ticked."""
        if not self.applies(key):
            return
        o, c, n = self.boxes[key]
        o.setChecked(original)
        c.setChecked(copy)
        if note is not None:
            n.setText(note)

    def tick_all(self) -> None:
        for key in self.boxes:
            self.tick(key)

    def connect_changed(self, slot) -> None:
        for o, c, n in self.boxes.values():
            o.toggled.connect(slot)
            c.toggled.connect(slot)
            n.textChanged.connect(slot)


def _centred(box: QCheckBox) -> QWidget:
    holder = QWidget()
    row = QHBoxLayout(holder)
    row.setContentsMargins(0, 0, 0, 0)
    row.setAlignment(Qt.AlignCenter)
    row.addWidget(box)
    return holder


def missing_text(checklist: dict, requirements: dict | None = None) -> tuple[str, str]:
    missing = ap.missing_documents(checklist, requirements)
    if missing:
        return "初审通过前尚需核验：" + "；".join(missing), "warning"
    return "材料齐全", "hint"


# --- 受理申请 --------------------------------------------------------------------------------------

class ApplicationDialog(ActionDialog):
    """受理申请 / 重新申请: documents, village committee opinion, subsidies, and the deadlines the
    received date sets — refused for an ineligible patient, with what is missing."""

    OK_TEXT = "受理"
    FIELD_ROWS = {"received_date": "received"}

    def __init__(self, session, patient_id: int, parent=None):
        self.patient = patients.get(session.db, patient_id)
        previous = applications.latest(session.db, patient_id)
        self.round = (previous["round"] + 1) if previous else 1
        resubmit = bool(previous and previous["state"] in ap.REJECTED)
        title = f"{'重新申请' if resubmit else '受理申请'}（第 {self.round} 轮）：{self.patient['name']}"
        super().__init__(session, patient_id, title, parent)
        if resubmit:
            self.body.insertWidget(0, hint_label(
                f"第 {previous['round']} 轮申请{ap.STATE_LABELS[previous['state']]}，本次为重新申请。", "warning"))

        self.received = self.add_row("received", "受理日期", DateField(clock.today()))
        self.schedule = hint_label()
        self.schedule.setObjectName("schedule")
        self.fallback = hint_label(role="warning")
        self.fallback.setObjectName("fallback")
        self.add_row("schedule", "审核期限", stack(self.schedule, self.fallback))
        self.documents = DocumentsTable(requirements=applications.document_requirements(self.db, patient_id))
        self.documents_state = hint_label()
        self.add_row("documents", "申请材料", stack(self.documents, self.documents_state))
        self.village_opinion = QLineEdit()
        self.village_opinion.setPlaceholderText("如：情况属实，同意申请")
        self.village_opinion.setMaxLength(200)
        self.add_row("village_opinion", "村（居）委会意见", self.village_opinion)
        self.village_date = self.add_row("village_date", "意见日期", DateField())
        self.village_date.setPlaceholderText("村（居）委会签署日期（可空）")
        self.subsidies = self._subsidy_boxes()
        self.add_row("subsidies", "享受何种政府补贴", self.subsidies)
        self.eligibility = hint_label(role="error")
        self.eligibility.hide()
        self.add_row("eligibility", "", self.eligibility)
        self.set_row_visible("eligibility", False)
        self.finish_layout()

        self.print_button = self.buttons.addButton("打印审批表…", QDialogButtonBox.ButtonRole.ActionRole)
        self.print_button.setObjectName("print_application")
        self.print_button.setAutoDefault(False)
        self.print_button.setShortcut(QKeySequence.StandardKey.Print)
        self.print_button.setToolTip("按填写的内容打印服药审批表（附件4）和申请材料清单，交申请人签字；"
                                     "打印不保存申请（Ctrl+P）")
        self.print_button.clicked.connect(self.print_form)
        from ..printing.flow import PrintFlow

        self.print_flow = PrintFlow(self, session)

        self.received.dateChanged.connect(self._update_schedule)
        self.documents.connect_changed(self._update_documents)
        self._update_schedule(self.received.date_or_none())
        self._update_documents()
        self.resize(820, 720)

    def _subsidy_boxes(self) -> QWidget:
        holder = QWidget()
        grid = QGridLayout(holder)
        grid.setContentsMargins(0, 0, 0, 0)
        ticked = set(self.patient.get("subsidies") or [])
        self.subsidy_boxes = []
        for i, label in enumerate(choices.SUBSIDIES):
            box = QCheckBox(label)
            box.setChecked(label in ticked)
            box.setEnabled(False)
            grid.addWidget(box, i // 2, i % 2)
            self.subsidy_boxes.append(box)
        note = hint_label("取自患者基本信息；如需更改请在“编辑”中修改")
        grid.addWidget(note, 3, 0, 1, 2)
        return holder

    def _update_schedule(self, received: dt.date | None) -> None:
        text, note = schedule_text(self.db, received)
        self.schedule.setText(text)
        self.fallback.setText(note or "")
        self.fallback.setVisible(bool(note))

    def _update_documents(self, *_args) -> None:
        text, role = missing_text(self.documents.checklist(), self.documents.requirements)
        self.documents_state.setText(text)
        set_role(self.documents_state, role)

    def place_of_error(self, exc) -> str | None:
        """The eligibility row is hidden until there is a refusal to show in it."""
        if exc.field == "eligibility":
            return "eligibility"
        return super().place_of_error(exc)

    def show_error(self, key, text) -> None:
        if key == "eligibility":
            self.set_row_visible("eligibility", True)
            self.eligibility.setText(text)
            self.eligibility.show()
            return
        super().show_error(key, text)

    def clear_errors(self) -> None:
        super().clear_errors()
        if "eligibility" in self._rows:
            self.eligibility.setText("")
            self.set_row_visible("eligibility", False)

    def error_text(self, key=None) -> str:
        if key == "eligibility":
            return self.eligibility.text()
        return super().error_text(key)

    def all_errors(self) -> str:
        return "\n".join(t for t in (super().all_errors(), self.eligibility.text()) if t)

    def draft(self) -> dict:
        """The application as typed so far, for the printed form (nothing is stored)."""
        received = self.received.date_or_none()
        village_date = self.village_date.date_or_none() if self.village_date.text().strip() else None
        return {"round": self.round, "received_date": received.isoformat() if received else None,
                "documents": self.documents.checklist(), "village_opinion": self.village_opinion.text().strip(),
                "village_opinion_date": village_date.isoformat() if village_date else None,
                "subsidies": list(self.patient.get("subsidies") or [])}

    def print_form(self) -> bool:
        from .printouts import print_application_form

        return print_application_form(self.print_flow, self.session, self.patient_id, self.draft())

    def save(self):
        received = self.date_of("received", self.received)
        village_date = None
        if self.village_date.text().strip():
            village_date = self.date_of("village_date", self.village_date)
        return enrolment_services.submit_application(
            self.db, self.session.user, self.patient_id, received, self.documents.checklist(),
            village_opinion=self.village_opinion.text().strip(), village_opinion_date=village_date)


# --- 初审 ------------------------------------------------------------------------------------------

class InitialReviewDialog(ActionDialog):
    """The clinic's initial review within 5 working days; the materials are checked here once more."""

    OK_TEXT = "登记初审"

    def __init__(self, session, patient_id: int, application: dict, parent=None):
        self.application = application
        name = patients.get(session.db, patient_id)["name"]
        super().__init__(session, patient_id, f"初审（第 {application['round']} 轮）：{name}", parent)
        self.plan = applications.schedule(self.db, application)
        info = (f"受理日期 {application['received_date']}　初审截止 {self.plan.initial_review_due.isoformat()}"
                f"（受理后{wc.INITIAL_REVIEW_DAYS}个工作日内）")
        self.add_row("info", "申请", stack(hint_label(info), *(
            [hint_label(self.plan.note, "warning")] if self.plan.note else [])))
        self.documents = DocumentsTable(application["documents"],
                                        requirements=applications.requirements_of(self.db, application))
        self.documents_state = hint_label()
        self.add_row("documents", "材料核验", stack(self.documents, self.documents_state))
        holder, self.decision_group, self.decisions = decision_buttons(ap.INITIAL_DECISIONS)
        self.add_row("decision", "初审结论", holder)
        self.reviewer = QLineEdit(session.user.get("display_name") or "")
        self.reviewer.setMaxLength(30)
        self.add_row("reviewer", "初审人", self.reviewer)
        self.date = self.add_row("date", "初审日期", DateField(clock.today()))
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("不通过时必填")
        self.reason.setMaxLength(200)
        self.add_row("reason", "理由", self.reason)
        self.late_reason = QLineEdit()
        self.late_reason.setPlaceholderText("已超过初审期限，请写明原因")
        self.late_reason.setMaxLength(200)
        self.add_row("late_reason", "逾期原因", self.late_reason)
        self.finish_layout()
        self.date.dateChanged.connect(self._update_late)
        self.documents.connect_changed(self._update_documents)
        self._update_late(self.date.date_or_none())
        self._update_documents()
        self.resize(820, 640)

    def _update_late(self, day: dt.date | None) -> None:
        self.set_row_visible("late_reason", bool(day and day > self.plan.initial_review_due))

    def _update_documents(self, *_args) -> None:
        text, role = missing_text(self.documents.checklist(), self.documents.requirements)
        self.documents_state.setText(text)
        set_role(self.documents_state, role)

    def choose(self, decision: str) -> None:
        self.decisions[decision].setChecked(True)

    def save(self):
        decision = next((k for k, r in self.decisions.items() if r.isChecked()), "")
        if not decision:
            raise FieldError("decision", "请选择初审结论")
        date = self.date_of("date", self.date)
        checklist = self.documents.checklist()
        if checklist != self.application["documents"]:
            self.application = enrolment_services.update_documents(
                self.db, self.session.user, self.application["id"], checklist,
                self.application.get("village_opinion") or "", self.application.get("village_opinion_date"))
        late = self.late_reason.text() if self.row_visible("late_reason") else ""
        return enrolment_services.initial_review(
            self.db, self.session.user, self.application["id"], decision, self.reviewer.text(), date,
            reason=self.reason.text(), late_reason=late)


# --- 报送复审 --------------------------------------------------------------------------------------

class SendToOfficeDialog(ActionDialog):
    OK_TEXT = "登记报送"

    def __init__(self, session, patient_id: int, application: dict, parent=None):
        self.application = application
        name = patients.get(session.db, patient_id)["name"]
        super().__init__(session, patient_id, f"报送复审（第 {application['round']} 轮）：{name}", parent)
        self.plan = applications.schedule(self.db, application)
        self.add_row("info", "报送截止", stack(
            hint_label(f"{self.plan.office_deadline.isoformat()}（每月{wc.OFFICE_DAY}日前将一份材料报送区精神卫生中心复审，"
                       f"另一份存入患者档案）"),
            *([hint_label(self.plan.note, "warning")] if self.plan.note else [])))
        self.date = self.add_row("date", "报送日期", DateField(clock.today()))
        self.late = hint_label(role="warning")
        self.late.setObjectName("late")
        self.add_row("late", "", self.late)
        self.finish_layout()
        self.date.dateChanged.connect(self._update_late)
        self._update_late(self.date.date_or_none())
        self.resize(560, 240)

    def _update_late(self, day) -> None:
        late = bool(day and day > self.plan.office_deadline)
        self.late.setText(f"晚于报送截止日 {self.plan.office_deadline.isoformat()}" if late else "")
        self.set_row_visible("late", late)

    def save(self):
        date = self.date_of("date", self.date)
        return enrolment_services.send_to_office(self.db, self.session.user, self.application["id"], date)


# --- 登记复审结果 ----------------------------------------------------------------------------------

class FinalReviewDialog(ActionDialog):
    """The programme office's answer; an approval enrols at once or puts on the waiting list."""

    OK_TEXT = "登记复审结果"

    def __init__(self, session, patient_id: int, application: dict, parent=None):
        self.application = application
        self.outcome = ""
        name = patients.get(session.db, patient_id)["name"]
        super().__init__(session, patient_id, f"登记复审结果（第 {application['round']} 轮）：{name}", parent)
        sent = application.get("sent_to_office_date") or "（未登记报送日期，按初审日期计）"
        self.add_row("info", "申请", hint_label(
            f"初审通过 {application['initial_date']}（{application['initial_reviewer']}）　报送 {sent}"))
        holder, self.decision_group, self.decisions = decision_buttons(ap.FINAL_DECISIONS)
        self.add_row("decision", "复审结论", holder)
        self.reviewer = QLineEdit()
        self.reviewer.setPlaceholderText("区精神卫生中心（免费服药项目办公室）复审人")
        self.reviewer.setMaxLength(30)
        self.add_row("reviewer", "复审人", self.reviewer)
        self.date = self.add_row("date", "复审日期", DateField(clock.today()))
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("不同意时必填")
        self.reason.setMaxLength(200)
        self.add_row("reason", "理由", self.reason)
        places = programme.places_summary(self.db)
        self.add_row("places", "名额", hint_label(
            f"共 {places['places']} 个，已用 {places['occupied']}，空余 {places['free']}，候补 {places['waiting']} 人；"
            "同意后有空名额即纳入，否则列入候补名单"))
        self.finish_layout()
        self.resize(600, 320)

    def choose(self, decision: str) -> None:
        self.decisions[decision].setChecked(True)

    def save(self):
        decision = next((k for k, r in self.decisions.items() if r.isChecked()), "")
        if not decision:
            raise FieldError("decision", "请选择复审结论")
        result = enrolment_services.final_review(
            self.db, self.session.user, self.application["id"], decision, self.reviewer.text(),
            self.date_of("date", self.date), reason=self.reason.text())
        if decision == "approved":
            self.outcome = outcome_text(self.db, self.patient_id)
        return result
