"""发药: one collection of drugs, in three steps on one dialog.

1. The prescription: date, prescribing psychiatrist, drug lines, amounts from the insurance and
   civil-affairs settlements, next appointment. Every rule is checked as it is typed through
   ``dispensing.quote``; what breaks one is shown red with its reason and blocks the next step.
2. Signing (``signing.SigningPage``): psychiatrist, dispenser and guardian sign.
3. Done: print the collection slip and the rescue card's new record rows.

No modal loop is needed to drive it: tests fill the widgets and call ``next_step()``/``confirm()``.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QComboBox, QDialog, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QPushButton,
                               QStackedWidget, QVBoxLayout, QWidget)

from ...domain import roles
from ...storage import accounts, cards, catalogue, clock, dispensing, patients, settings
from ...storage.subsidy import disability_note
from ..enrolment.common import DateField
from ..keyboard import focus_first, set_tab_order
from ..style import set_role
from ..widgets import WrappingLabel, error_label, row_of, with_error
from .costs import CostsBox
from .lines import LinesTable
from .done_page import DonePage
from .signing import Order, SigningPage

FORM, SIGNING, DONE = range(3)
# The app style sheet does not grey out disabled inputs; a refused patient's form must look locked.
DISABLED_STYLE = ("QLineEdit:disabled, QComboBox:disabled, QSpinBox:disabled, QToolButton:disabled "
                  "{ background: #eef1f4; color: #9aa5b1; }")
BANNER_STYLE = ("background: #fdecea; color: #b71c1c; border: 1px solid #e57373; border-radius: 4px; "
                "padding: 8px; font-size: 11pt; font-weight: bold;")


def psychiatrists(db) -> list[dict]:
    return [u for u in accounts.list_users(db) if u["role"] == roles.PSYCHIATRIST and u["active"]]


class DispensingDialog(QDialog):
    dispensed = Signal(dict)

    def __init__(self, session, patient_id: int, parent=None):
        super().__init__(parent)
        self.session = session
        self.db = session.db
        self.patient_id = patient_id
        self.patient = patients.get(self.db, patient_id)
        self.card = cards.current(self.db, patient_id)
        self.quote = None
        self.order: Order | None = None
        self.entry: dict | None = None
        self.refusal_text: str | None = None
        self._appointment_auto = True
        self._filling = False
        self.setWindowTitle(f"发药：{self.patient['name']}")
        self.setStyleSheet(DISABLED_STYLE)
        self.stack = QStackedWidget()
        self.stack.addWidget(self._build_form())
        self.signing = SigningPage(self)
        self.stack.addWidget(self.signing)
        self.done_page = DonePage(self)
        self.stack.addWidget(self.done_page)
        QVBoxLayout(self).addWidget(self.stack)
        self.add_line()
        self.refresh()
        self.resize(1120, 860)
        self.table.rows_changed.connect(self.set_tab_order)
        self.set_tab_order()
        remove = QShortcut(QKeySequence("Ctrl+Shift+Delete"), self)
        remove.activated.connect(self.remove_focused_line)
        focus_first([self.date])

    # --- the prescription page -------------------------------------------------------------
    def _build_form(self) -> QWidget:
        page = QWidget()
        column = QVBoxLayout(page)
        self.banner = WrappingLabel("")
        self.banner.setObjectName("refusal_banner")
        self.banner.setStyleSheet(BANNER_STYLE)
        self.banner.hide()
        column.addWidget(self.banner)
        card = cards.display_number(self.card) if self.card else "无有效救助卡"
        guardian = self.patient.get("guardian_name") or "未登记"
        header = QLabel(f"患者 {self.patient['name']}　救助卡 {card}　监护人 {guardian}")
        header.setStyleSheet("font-size: 12pt; font-weight: bold; color: #1d4f91;")
        column.addWidget(header)

        form = QFormLayout()
        self.date = DateField(clock.today())
        self.date.setMaximumWidth(200)
        self.date_error = error_label()
        form.addRow("领药日期", with_error(self.date, self.date_error))
        self.psychiatrist = QComboBox()
        self.psychiatrist.setMinimumWidth(200)
        for doctor in psychiatrists(self.db):
            self.psychiatrist.addItem(doctor["display_name"], doctor["id"])
        self.psychiatrist_error = error_label()
        form.addRow("开方精神科医师", with_error(row_of(self.psychiatrist), self.psychiatrist_error))
        column.addLayout(form)

        box = QGroupBox("处方药品（药品按月计划领取，每次限领 3 个月服用量）")
        inner = QVBoxLayout(box)
        # every active specification, 自费 ones too: the line then says who pays and why it is
        # refused, instead of the drug silently missing from the list
        specs = catalogue.specs(self.db)
        paid = [s for s in specs if s["programme_pays"]]
        self.table = LinesTable(specs)
        self.table.changed.connect(self.refresh)
        inner.addWidget(self.table)
        self.add_button = QPushButton("添加药品")
        self.add_button.setObjectName("add_line")
        self.add_button.setAutoDefault(False)
        self.add_button.clicked.connect(self.add_line_here)
        hint = WrappingLabel("数量超过“最多可领”时标红并说明原因，不会自动改小；请改为允许的数量。"
                             if paid else "药品目录中还没有免费服药项目支付的规格，请管理员先添加规格和价格。")
        set_role(hint, "hint" if paid else "error")
        add_row = QHBoxLayout()
        add_row.addWidget(self.add_button)
        add_row.addWidget(hint, 1)
        inner.addLayout(add_row)
        self.problems = error_label()
        self.problems.setObjectName("problems")
        inner.addWidget(self.problems)
        column.addWidget(box)

        self.costs = CostsBox()
        self.costs.changed.connect(self.refresh)
        column.addWidget(self.costs)

        appointment = QFormLayout()
        self.appointment = DateField()
        self.appointment.setMaximumWidth(200)
        self.appointment.textEdited.connect(self._appointment_typed)
        self.appointment.textChanged.connect(lambda _t: self.refresh())
        self.appointment_error = error_label()
        self.appointment_hint = QLabel("默认：最先用完的药品的最后一天（含上次剩余，遇节假日提前）；可修改")
        set_role(self.appointment_hint, "hint")
        appointment.addRow("约定下次取药", with_error(row_of(self.appointment, self.appointment_hint),
                                                        self.appointment_error))
        column.addLayout(appointment)
        column.addStretch(1)

        self.next_button = QPushButton("下一步：签名")
        self.next_button.setObjectName("next_step")
        self.next_button.setProperty("primary", True)
        self.next_button.setAutoDefault(False)
        self.next_button.clicked.connect(self.next_step)
        cancel = QPushButton("取消")
        cancel.setAutoDefault(False)
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.next_button)
        column.addLayout(buttons)
        self.date.dateChanged.connect(lambda _d: self.refresh())
        self.psychiatrist.currentIndexChanged.connect(lambda _i: self.refresh())
        return page

    def form_fields(self) -> list[QWidget]:
        """The prescription page's inputs in reading order, the table's line by line."""
        return [self.date, self.psychiatrist, *self.table.inputs(), self.add_button, self.costs.insurance,
                self.costs.relief, self.appointment]

    def set_tab_order(self) -> None:
        set_tab_order([*self.form_fields(), self.next_button])

    def remove_focused_line(self) -> bool:
        """Ctrl+Shift+Delete: remove the line the cursor is in, and go on in the line that takes its place."""
        row = self.table.row_holding(self.focusWidget())
        if row is None or not row.remove.isEnabled() or self.step != FORM:
            return False
        index = self.table.rows.index(row)
        self.table.remove_row(row)
        rows = self.table.rows
        (rows[min(index, len(rows) - 1)].spec if rows else self.add_button).setFocus(Qt.OtherFocusReason)
        return True

    def _appointment_typed(self, _text: str) -> None:
        self._appointment_auto = False

    # --- filling, for tests and callers --------------------------------------------------------
    def add_line(self, spec_id: int | None = None, packs: int | None = None, dose: str | None = None):
        return self._fill_line(self.table.add_row(), spec_id, packs, dose)

    def add_line_here(self):
        """添加药品 (the button, or Enter on it): a new line, the cursor in its drug list."""
        row = self.add_line()
        row.spec.setFocus(Qt.OtherFocusReason)
        return row

    def set_line(self, index: int, spec_id: int | None = None, packs: int | None = None,
                 dose: str | None = None):
        return self._fill_line(self.table.rows[index], spec_id, packs, dose)

    @staticmethod
    def _fill_line(row, spec_id: int | None, packs: int | None, dose: str | None):
        """Only what is given changes; the rest of the line stays as it was."""
        if spec_id is not None:
            row.choose(spec_id)
        if packs is not None:
            row.packs.setValue(packs)
        if dose is not None:
            row.dose.setText(dose)
        return row

    def choose_psychiatrist(self, user_id: int) -> None:
        self.psychiatrist.setCurrentIndex(self.psychiatrist.findData(user_id))

    # --- checking as it is typed ----------------------------------------------------------------
    def _date(self) -> str | None:
        day = self.date.date_or_none()
        self._field_error(self.date_error, "" if day else "请填写有效的领药日期，如 2026-03-10")
        return day.isoformat() if day else None

    @staticmethod
    def _field_error(label: QLabel, text: str) -> None:
        label.setText(text)
        label.setVisible(bool(text))

    def refresh(self) -> None:
        """Re-check everything typed so far and show it; enables the next step only when the
        collection may be signed."""
        if self._filling:
            return
        self._filling = True
        try:
            self._refresh()
        finally:
            self._filling = False

    def _refresh(self) -> None:
        date = self._date()
        self.refusal_text = dispensing.refusal(self.db, self.patient_id, date or clock.today().isoformat())
        self.banner.setText(f"不能领药：{self.refusal_text}" if self.refusal_text else "")
        self.banner.setVisible(bool(self.refusal_text))
        self.table.plan(self.db, self.patient_id, date)
        insurance, relief = self.costs.typed()
        self.quote = None
        problems = []
        if date and self.table.complete() and insurance is not None and relief is not None:
            self.quote = dispensing.quote(self.db, self.patient_id, date, self.table.lines(), insurance, relief)
            problems = [p for p in self.quote.problems if p != self.refusal_text]
        else:
            problems = [f"第{n}行：{row.issue}" for n, row in enumerate(self.table.rows, start=1) if row.issue]
            if not self.table.rows:
                problems.append("请至少开一种药品")
        if self.refusal_text:  # the banner says it all; the form is locked
            problems = []
        self.problems.setText("\n".join(problems))
        self.problems.setVisible(bool(problems))
        labels = [row.spec_row["label"] for row in self.table.rows if row.spec_row]
        self.costs.show_quote(self.quote, labels, settings.get(self.db, "monthly_cap_fen"))
        split = self.quote.split if self.quote is not None else None
        self.costs.show_disability_note(disability_note(self.db, self.patient_id,
                                                        split.disability if split else None))
        self._default_appointment(date)
        appointment_ok = self._check_appointment(date)
        doctor_ok = self.psychiatrist.currentData() is not None
        self._field_error(self.psychiatrist_error, "" if doctor_ok else
                          "没有启用的精神科医师账户：请管理员在“账户管理”中添加")
        allowed = self.refusal_text is None
        self.table.set_enabled(allowed)
        # the date stays open: the refusal is decided for the day typed (a back-dated entry)
        for widget in (self.add_button, self.psychiatrist, self.appointment):
            widget.setEnabled(allowed)
        self.costs.set_enabled(allowed)
        self.next_button.setEnabled(bool(allowed and self.quote is not None and self.quote.ok
                                         and appointment_ok and doctor_ok))

    def _default_appointment(self, date: str | None) -> None:
        """The storage's proposal (``dispensing.default_appointment``), until the user types one."""
        if not self._appointment_auto or date is None:
            return
        day = dispensing.default_appointment(self.db, date, self.table.planned())
        if day:
            self.appointment.setText(day)

    def _check_appointment(self, date: str | None) -> bool:
        text = self.appointment.text().strip()
        day = self.appointment.date_or_none()
        problem = ""
        if text and day is None:
            problem = "请填写有效日期，如 2026-03-10"
        elif day is not None and date is not None and day.isoformat() <= date:
            problem = "约定下次取药时间应晚于本次领药日期"
        self._field_error(self.appointment_error, problem)
        return not problem

    # --- steps ---------------------------------------------------------------------------------
    def next_step(self) -> bool:
        """To the signing page, when the prescription may be signed."""
        self.refresh()
        if not self.next_button.isEnabled():
            return False
        insurance, relief = self.costs.typed()
        day = self.appointment.date_or_none()
        self.order = Order(date=self.quote.date, psychiatrist_id=self.psychiatrist.currentData(),
                           psychiatrist_name=self.psychiatrist.currentText(), lines=self.table.lines(),
                           insurance_fen=insurance, relief_fen=relief,
                           next_appointment=day.isoformat() if day else None, quote=self.quote)
        self.signing.prepare(self.order)
        self.stack.setCurrentIndex(SIGNING)
        self.signing.focus_first()
        return True

    def back_to_form(self) -> None:
        self.stack.setCurrentIndex(FORM)
        self.refresh()
        focus_first(self.form_fields())

    def confirm(self) -> bool:
        """确认发药 on the signing page (the password checks run off the UI thread)."""
        return self.signing.confirm()

    def dispensed_ok(self, entry: dict) -> None:
        self.entry = entry
        self.done_page.show_entry(entry)
        self.stack.setCurrentIndex(DONE)
        finish = self.done_page.findChild(QPushButton, "finish")
        if finish is not None:
            finish.setFocus(Qt.OtherFocusReason)
        self.dispensed.emit(entry)

    @property
    def step(self) -> int:
        return self.stack.currentIndex()

    def reject(self) -> None:
        if self.entry is not None:  # saved: closing is finishing
            self.accept()
            return
        if self.signing.busy:
            return
        super().reject()

    def keyPressEvent(self, event) -> None:  # noqa: N802
        """Enter on a button presses it; elsewhere on the prescription it moves to the next field,
        and on the signing page it confirms, as 确认发药 does (``confirm`` refuses until every
        signature is there). Nothing is confirmed by an Enter in a field of the prescription."""
        if event.key() in (Qt.Key_Return, Qt.Key_Enter):
            if event.modifiers() & ~Qt.KeypadModifier:
                return
            focus = self.focusWidget()
            if isinstance(focus, QPushButton):
                if focus.isEnabled():
                    focus.click()
            elif self.step == FORM:
                self.focusNextChild()
            elif self.step == SIGNING:
                self.confirm()
            return
        super().keyPressEvent(event)
