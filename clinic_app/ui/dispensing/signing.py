"""Signing a collection (五、(三)2: 拿药记录必须由医师、监护人、发药人签字确认): the psychiatrist
and the dispenser sign with their passwords, the guardian on the signature pad — or the patient,
with the reason, when there is no guardian. "确认发药" checks the passwords off the UI thread
(argon2 is slow by design), then writes the entry; a refusal is shown at the field it concerns
and nothing typed is lost. Afterwards ``done_page.DonePage`` offers the prints.
"""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import (QCheckBox, QComboBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit,
                               QPushButton, QVBoxLayout, QWidget)

from ...domain.packs import pack_unit
from ...domain import roles
from ...domain.cover import LAST_DAY_LABEL
from ...domain.money import yuan
from ...domain.supply import format_dose
from ...domain.errors import ClinicError
from ...services import dispensing as dispensing_services
from ...storage import accounts, dispensing
from ..keyboard import focus_first, set_tab_order
from ..widgets import error_label, row_of, with_error
from ..worker import query_op
from .signature_pad import SignaturePad

# a refusal's field (storage names the parts of ``Signatures``) -> the row it is shown at; the
# psychiatrist's and the dispenser's refusals are named by their rows' own keys
FIELD_ROWS = {"guardian_png": "pad", "self_sign_reason": "reason", "signer": "reason"}


@dataclass
class Order:
    """What the prescription page hands to signing."""
    date: str
    psychiatrist_id: int
    psychiatrist_name: str
    lines: list[dict]
    insurance_fen: int
    relief_fen: int
    next_appointment: str | None
    quote: object


def dispensers(db) -> list[dict]:
    return [u for u in accounts.list_users(db) if u["role"] in dispensing.DISPENSER_ROLES and u["active"]]


def _password() -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.Password)
    field.setPlaceholderText("本人输入登录密码以签名")
    field.setMinimumWidth(230)
    return field


def order_text(order: Order) -> str:
    quote = order.quote
    lines = [f"领药日期 {order.date}　开方精神科医师 {order.psychiatrist_name}"]
    for planned in quote.lines:
        lines.append(f"· {planned.spec['label']} {planned.packs}{pack_unit(planned.spec)}，"
                     f"每日 {text_dose(planned)}，可用 {planned.check.days} 天（{LAST_DAY_LABEL}{planned.check.last_day.isoformat()}），"
                     f"{yuan(planned.total_fen)} 元")
    split = quote.split
    lines.append(f"领药总金额 {yuan(split.total)} 元 = 医保特病 {yuan(split.insurance)} + 民政救助 {yuan(split.relief)}"
                 f" + 残联 {yuan(split.disability)} + 免费服药项目 {yuan(split.programme)}；个人支付 0.00 元")
    if order.next_appointment:
        lines.append(f"约定下次取药：{order.next_appointment}")
    return "\n".join(lines)


def text_dose(planned) -> str:
    return f"{format_dose(planned.daily_dose)} {planned.spec['unit']}"


class SigningPage(QWidget):
    def __init__(self, dialog):
        super().__init__()
        self.dialog = dialog
        self.session = dialog.session
        self.db = dialog.db
        self.patient = dialog.patient
        self.order: Order | None = None
        self.busy = False
        self._signals = None
        self.errors: dict[str, QLabel] = {}
        column = QVBoxLayout(self)

        self.summary = QLabel("")
        self.summary.setObjectName("order_summary")
        self.summary.setWordWrap(True)
        box = QGroupBox("本次领药")
        QVBoxLayout(box).addWidget(self.summary)
        column.addWidget(box)

        staff = QGroupBox("医师和发药人签名（输入本人密码）")
        form = QFormLayout(staff)
        self.psychiatrist_name = QLabel("")
        self.psychiatrist_password = _password()
        self.psychiatrist_password.setObjectName("psychiatrist_password")
        form.addRow("精神科医师", self._field("psychiatrist", row_of(self.psychiatrist_name, self.psychiatrist_password)))
        self.dispenser = QComboBox()
        self.dispenser.setMinimumWidth(180)
        for user in dispensers(self.db):
            self.dispenser.addItem(f"{user['display_name']}（{roles.LABELS[user['role']]}）", user["id"])
        me = self.session.user
        if me["role"] in dispensing.DISPENSER_ROLES and self.dispenser.findData(me["id"]) >= 0:
            self.dispenser.setCurrentIndex(self.dispenser.findData(me["id"]))
        self.dispenser_password = _password()
        self.dispenser_password.setObjectName("dispenser_password")
        form.addRow("发药人", self._field("dispenser", row_of(self.dispenser, self.dispenser_password)))
        column.addWidget(staff)

        guardian = QGroupBox("监护人签名")
        inner = QVBoxLayout(guardian)
        name = self.patient.get("guardian_name")
        self.guardian_label = QLabel(f"监护人 {name} 在下方签名" if name else
                                     "该患者未登记监护人：由患者本人签名，并写明原因")
        inner.addWidget(self.guardian_label)
        self.pad = SignaturePad()
        self.pad.setMaximumWidth(760)
        inner.addWidget(self._field("pad", self.pad))
        self.self_sign = QCheckBox("患者本人签名")
        self.self_sign.setObjectName("self_sign")
        self.reason = QLineEdit()
        self.reason.setObjectName("self_sign_reason")
        self.reason.setPlaceholderText("原因，如：无监护人 / 监护人外出务工")
        self.reason.setMinimumWidth(360)
        self.self_sign.toggled.connect(self._self_sign_toggled)
        inner.addWidget(self._field("reason", row_of(self.self_sign, self.reason)))
        column.addWidget(guardian)
        column.addStretch(1)
        if not name:
            self.self_sign.setChecked(True)
            self.self_sign.setEnabled(False)
        self._self_sign_toggled(self.self_sign.isChecked())

        self.message = error_label()
        self.message.setObjectName("signing_message")
        self.message.hide()
        column.addWidget(self.message)
        self.back_button = QPushButton("返回修改")
        self.back_button.setAutoDefault(False)
        self.back_button.clicked.connect(dialog.back_to_form)
        self.confirm_button = QPushButton("确认发药")
        self.confirm_button.setObjectName("confirm_dispense")
        self.confirm_button.setProperty("primary", True)
        self.confirm_button.setAutoDefault(False)
        self.confirm_button.clicked.connect(self.confirm)
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.confirm_button)
        column.addLayout(buttons)
        set_tab_order([*self.fields(), self.confirm_button, self.back_button])

    def fields(self) -> list[QWidget]:
        """What is typed on this page, in reading order (the pad is signed with the pen)."""
        return [self.psychiatrist_password, self.dispenser, self.dispenser_password, self.self_sign, self.reason]

    def focus_first(self) -> None:
        """The psychiatrist signs first; a field a refusal named takes the cursor instead."""
        focus_first(self.fields())

    def _field(self, key: str, widget: QWidget) -> QWidget:
        error = error_label()
        error.setObjectName(f"error_{key}")
        self.errors[key] = error
        return with_error(widget, error)

    def _self_sign_toggled(self, checked: bool) -> None:
        self.reason.setEnabled(checked)
        self.pad.hint = "请患者本人在此处签名" if checked else "请监护人在此处签名"
        self.pad.update()

    # --- errors ----------------------------------------------------------------------------------
    def clear_errors(self) -> None:
        for label in (*self.errors.values(), self.message):
            label.setText("")
            label.hide()

    def show_error(self, key: str | None, message: str) -> None:
        label = self.errors.get(key) if key else None
        label = label or self.message
        label.setText(message)
        label.show()

    def error_text(self, key: str | None = None) -> str:
        return (self.errors[key] if key else self.message).text()

    def place_of_error(self, exc: Exception) -> str | None:
        """The row the refusal's ``field`` names, or ``None`` for the message line below."""
        field = getattr(exc, "field", None)
        key = FIELD_ROWS.get(field, field) if field else None
        return key if key in self.errors else None

    # --- signing ---------------------------------------------------------------------------------
    def prepare(self, order: Order) -> None:
        self.order = order
        self.summary.setText(order_text(order))
        self.psychiatrist_name.setText(order.psychiatrist_name)
        self.clear_errors()

    def signatures(self) -> dispensing.Signatures:
        own = self.self_sign.isChecked()
        return dispensing.Signatures(
            psychiatrist_id=self.order.psychiatrist_id, psychiatrist_password=self.psychiatrist_password.text(),
            dispenser_id=self.dispenser.currentData(), dispenser_password=self.dispenser_password.text(),
            guardian_png=self.pad.to_png() or None,
            signer=dispensing.PATIENT_SELF if own else dispensing.GUARDIAN,
            self_sign_reason=self.reason.text().strip() if own else "")

    def _missing(self) -> dict[str, str]:
        missing = {}
        if not self.psychiatrist_password.text():
            missing["psychiatrist"] = "请精神科医师输入密码签名"
        if self.dispenser.currentData() is None:
            missing["dispenser"] = "没有可作为发药人的账户（精防人员或管理员）"
        elif not self.dispenser_password.text():
            missing["dispenser"] = "请发药人输入密码签名"
        if self.pad.is_empty():
            missing["pad"] = "请患者本人在签名板上签名" if self.self_sign.isChecked() else "请监护人在签名板上签名"
        if self.self_sign.isChecked() and not self.reason.text().strip():
            missing["reason"] = "患者本人签名时，请写明原因（如：无监护人）"
        return missing

    def confirm(self) -> bool:
        """Check the signatures in the background; ``False`` when refused at once."""
        if self.busy or self.order is None:
            return False
        self.clear_errors()
        missing = self._missing()
        if missing:
            for key, message in missing.items():
                self.show_error(key, message)
            return False
        signatures = self.signatures()
        patient_id = self.dialog.patient_id
        self._busy(True)
        self._signals = query_op(self.session.db_path,
                                 lambda db: dispensing.verify_signatures(db, patient_id, signatures),
                                 self._verified, self._refused)
        return True

    def _busy(self, busy: bool) -> None:
        self.busy = busy
        self.confirm_button.setEnabled(not busy)
        self.back_button.setEnabled(not busy)
        self.confirm_button.setText("正在核对签名…" if busy else "确认发药")

    def _verified(self, signed) -> None:
        order = self.order
        try:
            entry = dispensing_services.record_collection(
                self.db, self.session.user, self.dialog.patient_id, order.date, order.lines, signed,
                order.insurance_fen, order.relief_fen, order.next_appointment)
        except ClinicError as exc:
            self._refused(exc)
            return
        self._busy(False)
        self.dialog.dispensed_ok(entry)

    def _refused(self, exc: Exception) -> None:
        self._busy(False)
        message = getattr(exc, "message", None) or str(exc)
        self.show_error(self.place_of_error(exc), message)
