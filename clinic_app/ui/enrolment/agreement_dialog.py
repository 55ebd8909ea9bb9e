"""The service agreement (Attachment 7): choose the designated clinic, print two copies to sign on
paper, and record the agreement only when staff confirm 双方已签字 with the signing date."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QComboBox, QDialog, QPushButton

from ...documents import jobs
from ...services import printing
from ...domain import agreement_terms
from ...domain.errors import ClinicError
from ...services import enrolment as enrolment_services
from ...storage import agreements, clock, patients, reference
from ..keyboard import read_only_field
from ..style import set_role
from ..widgets import row_of
from ..printing.flow import PRINTED, SAVED, PrintFlow
from .common import ActionDialog, DateField, hint_label, stack

SIGN, RENEW, VIEW = "sign", "renew", "view"
TITLES = {SIGN: "签订服务协议", RENEW: "续签服务协议", VIEW: "服务协议"}
PRINT_TEXT = "打印协议（一式两份）"
REPRINT_TEXT = "补打协议（一式两份）"
SIGNED_TEXT = "双方已签字"
DRAFT_HINT = ("打印的协议供双方阅读、签字，打印不等于签订；双方在纸上签字后点“双方已签字”登记"
              "（签字日期不晚于今天、不早于纳入日期）。患者不同意签字时点“取消”，不登记任何协议。")


class AgreementDialog(ActionDialog):
    """``mode`` is ``sign`` (first agreement), ``renew`` (after a passed annual review) or ``view``
    (print the newest agreement again, audited as 补打). In ``sign`` and ``renew`` printing makes
    a copy to sign and records nothing; "双方已签字" records the agreement on the signing date."""

    FIELD_ROWS = {"clinic_code": "clinic", "signed_date": "signed", "annual_review": "previous"}
    printed = Signal(str)
    print_failed = Signal(str)

    def __init__(self, session, patient_id: int, mode: str = SIGN, parent=None):
        self.mode = mode
        self.patient = patients.get(session.db, patient_id)
        self.agreement = agreements.latest(session.db, patient_id) if mode == VIEW else None
        self.printed_path: str | None = None
        self._job = None
        super().__init__(session, patient_id, f"{TITLES[mode]}：{self.patient['name']}", parent)
        self.ok_button.setText({SIGN: SIGNED_TEXT, RENEW: SIGNED_TEXT, VIEW: "关闭"}[mode])
        previous = agreements.latest(self.db, patient_id)

        self.clinic = QComboBox()
        for clinic in reference.clinics(self.db):
            self.clinic.addItem(clinic["name"], clinic["code"])
        default = (previous or {}).get("designated_clinic_code") if mode != SIGN else None
        default = default or (session.clinic or {}).get("code")
        if default and self.clinic.findData(default) >= 0:
            self.clinic.setCurrentIndex(self.clinic.findData(default))
        self.add_row("clinic", "定点医院", self.clinic)
        self.add_row("clinic_hint", "", hint_label(
            "原则上选择患者档案所在基层卫生院；该院未设免费服药门诊的，可就近选择精神专科医院或设服药门诊的卫生院（附件6）"))
        signed = self.agreement["signed_date"] if self.agreement else clock.today()
        self.signed = self.add_row("signed", "签字日期", DateField(signed))
        self.period = hint_label()
        self.period.setObjectName("period")
        self.add_row("period", "协议期限", self.period)
        if mode == RENEW and previous:
            self.add_row("previous", "上一份协议", hint_label(
                f"{previous['signed_date']} 签订，有效期至 {previous['valid_until']}；续签前须年度资格审核通过"))
        if mode != VIEW:
            self.add_row("draft_hint", "", hint_label(DRAFT_HINT))
        self.print_button = QPushButton(REPRINT_TEXT if mode == VIEW else PRINT_TEXT)
        self.print_button.setObjectName("print_agreement")
        self.print_button.setAutoDefault(False)
        self.print_button.clicked.connect(self.print_agreement)
        self.print_button.setShortcut(QKeySequence.StandardKey.Print)
        self.print_button.setToolTip("打印预览，选择打印机打印，或另存为 PDF（Ctrl+P）")
        self.print_flow = PrintFlow(self, session)
        self.print_state = hint_label()
        self.print_state.setObjectName("print_state")
        self.add_row("print", "打印", stack(row_of(self.print_button), self.print_state),
                     focus=self.print_button)
        self.finish_layout()

        self.signed.dateChanged.connect(self._update_period)
        self._update_period(self.signed.date_or_none())
        if self.agreement:
            self._lock()
        self.resize(620, 340)

    def _update_period(self, day) -> None:
        self.period.setText(f"{agreement_terms.format_period(day)}（免费提供第二代抗精神病药一年）"
                            if day else "请填写签订日期")

    def _lock(self) -> None:
        """Once stored, the agreement is what it is: only printing and closing remain."""
        self.clinic.setEnabled(False)
        read_only_field(self.signed)
        self.ok_button.setText("关闭")
        self.buttons.button(self.buttons.StandardButton.Cancel).hide()

    def choose_clinic(self, code: str) -> None:
        self.clinic.setCurrentIndex(self.clinic.findData(code))

    # --- storing -----------------------------------------------------------------------------
    def save(self):
        if self.agreement is not None:
            return self.agreement
        signed = self.date_of("signed", self.signed)
        store = enrolment_services.renew_agreement if self.mode == RENEW else enrolment_services.sign_agreement
        self.agreement = store(self.db, self.session.user, self.patient_id, self.clinic.currentData(), signed)
        return self.agreement

    # --- printing ----------------------------------------------------------------------------
    def _default_name(self) -> str:
        return f"服务协议_{self.patient['name']}_{self.signed.text().strip()}.pdf"

    def _print_job(self):
        """A reprint of the stored agreement, or a copy to sign with what is typed so far (a
        refusal — a clinic not of Attachment 6, a patient who may not sign — shown at its field)."""
        if self.agreement is not None:
            return printing.gather_agreement(self.db, self.patient_id)
        try:
            return printing.gather_agreement_draft(self.db, self.patient_id, self.clinic.currentData(),
                                               self.signed.date_or_none())
        except ClinicError as exc:
            self.show_error(self.place_of_error(exc), exc.message)
            return None

    def print_agreement(self) -> bool:
        """Print only: nothing is recorded as signed (the print is audited). The PDF is drawn off
        the UI thread, then the print preview opens (打印 or 另存为 PDF)."""
        self.clear_errors()
        job = self._print_job()
        if job is None:
            return False
        started = self.print_flow.start(
            "agreement", "服务协议" if job.draft else "服务协议（补打）", self._default_name(),
            fn=lambda out: jobs.write_agreement(job, out),
            on_ready=lambda _document: printing.record_agreement_print(self.db, self.session.user, job),
            on_failed=self._print_failed)
        if started:
            self.print_button.setEnabled(False)
            self._say("正在生成 PDF…", "hint")
            self.print_flow.finished.connect(lambda outcome, _doc, j=job: self._printed(j, outcome),
                                             type=Qt.ConnectionType.SingleShotConnection)
        return started

    def _printed(self, job, outcome: str) -> None:
        self.print_button.setEnabled(True)
        if outcome not in (PRINTED, SAVED):
            self._say("未打印" if outcome != "failed" else self.print_state.text(),
                      "hint" if outcome != "failed" else "error")
            return
        where = str(self.print_flow.last_saved) if outcome == SAVED else "已送往打印机"
        self.printed_path = where
        if job.draft:
            self._say(f"待签字协议{'已保存：' + where if outcome == SAVED else where}（一式两份）。"
                      f"尚未登记为已签订：双方签字后请点“{SIGNED_TEXT}”", "warning")
        else:
            self._say(f"已补打：{where}（一式两份，双方各执一份）", "hint")
        self.printed.emit(where)

    def _print_failed(self, exc: Exception) -> None:
        self.print_button.setEnabled(True)
        message = getattr(exc, "message", None) or str(exc)
        self._say(f"打印失败：{message}", "error")
        self.print_failed.emit(message)

    def _say(self, text: str, role: str) -> None:
        self.print_state.setText(text)
        set_role(self.print_state, role)

    def accept(self) -> None:
        if self.agreement is not None:
            self.result_value = self.agreement
            QDialog.accept(self)
            return
        super().accept()
