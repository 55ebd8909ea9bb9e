"""Closing (结账) and reopening a quarter from the ledger window: why closing is not possible yet,
the confirmation, and the reason a reopening needs. ``storage.quarters`` decides; this only asks
and shows its answer. A part of ``LedgerWindow``: it asks through the window's overridable
``_confirm``, ``_ask_reason`` and ``_show_error``."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QLineEdit, QVBoxLayout

from ..domain.errors import ClinicError
from ..services import quarters as quarter_services
from ..storage import quarters
from .worker import run_and_wait
from .widgets import dialog_buttons, error_label, with_error

CLOSE_EXPLANATION = "结账后，该季度的领药记录不能再新增、修改或作废；补登和更正记入当前季度。"


class ReasonDialog(QDialog):
    """重新开账: the reason is required, and goes into the quarter's events and the audit trail."""

    def __init__(self, label: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle("重新开账")
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        intro = QLabel(f"重新开账后，{label}的领药记录又可以新增、修改或作废，已上报的台账可能与之不符；"
                       "更正完成后请重新导出上报文件并结账。")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addWidget(QLabel("重新开账的原因（记入操作记录和审计记录）："))
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("如：发现漏登的领药记录，需补登")
        self.error = error_label()
        layout.addWidget(with_error(self.reason, self.error))
        layout.addWidget(dialog_buttons(self.accept, self.reject, "重新开账"))

    def accept(self) -> None:
        if not self.reason.text().strip():
            self.error.setText("请写明重新开账的原因")
            self.error.show()
            self.reason.setFocus()
            return
        super().accept()

    def value(self) -> str:
        return self.reason.text().strip()


class LedgerClosing:
    """Closing and reopening (mixed into ``LedgerWindow``)."""

    def close_refusal(self) -> str | None:
        """Why 结账 is not possible now (said under the buttons), or None."""
        data = self.data
        if data is None:
            return None
        q = data.quarter
        if data.info["closed"]:
            if self.can_reopen():
                return "本季度已结账。如确需补登或更正本季度的领药，可重新开账（需写明原因）。"
            return "本季度已结账；只有管理员可以重新开账。"
        if not self.can_manage():
            return "只有管理员、精防人员可以结账。"
        reason = quarters.close_refusal(self.session.db, q.code, data.fingerprint)
        return f"{reason}。" if reason else None

    # --- closing and reopening -----------------------------------------------------------------
    def close_quarter(self) -> bool:
        if self.data is None or self.loading or self.exporting:
            return False
        q = self.data.quarter
        if not self._confirm("结账", f"确定为{q.label}结账吗？\n\n{CLOSE_EXPLANATION}\n\n"
                             "如确需更改已结账季度的记录，须由管理员重新开账并写明原因。"):
            return False
        QApplication.setOverrideCursor(Qt.WaitCursor)
        self.status.setText(f"正在为{q.label}结账（核对台账）…")
        user = self.session.user
        try:   # the ledger is read again to compare with the export: off the UI thread
            run_and_wait(self.session.db_path, lambda db: quarter_services.close(db, user, q.code), what="quarter")
        except ClinicError as exc:
            QApplication.restoreOverrideCursor()
            self._show_error("不能结账", exc.message)
            self._refresh_state()
            return False
        QApplication.restoreOverrideCursor()
        self._refresh_state()
        self.status.setText(f"{q.label}已结账")
        return True

    def reopen_quarter(self) -> bool:
        if self.data is None or self.loading or self.exporting:
            return False
        q = self.data.quarter
        reason = self._ask_reason(q.label)
        if reason is None:
            return False
        try:
            quarter_services.reopen(self.session.db, self.session.user, q.code, reason)
        except ClinicError as exc:
            self._show_error("不能重新开账", exc.message)
            return False
        self._refresh_state()
        self.status.setText(f"{q.label}已重新开账")
        return True
