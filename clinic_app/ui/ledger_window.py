"""季度台账与上报 (五、(五): 定点医院每季度上报登记台账; 七、(一): the programme fund pays what is
left after insurance and relief): one quarter's ledger as it will be reported — its rows, its
totals per fund and per drug, the patients served and the pre-allocated programme money against
what was spent — the export of the report package to a USB stick, and closing (结账) the quarter.

The ledger is read on a pool thread with a connection of its own, so a quarter of 30,000 lines
opens without freezing the window; its rows are shown through a table model. Exporting reads
the ledger and writes the package on a pool thread too (the package is written to files only),
its progress relayed to the UI thread by a signal; the export is recorded in the database back
on the UI thread. Closing, reopening and the allocation are decided by ``storage.quarters``:
this window only asks and shows its answer.

The window's parts: ``ledger_jobs`` (the work on pool threads), ``ledger_panels`` (the boxes
across the top), ``ledger_exporting`` (the export flow) and ``ledger_closing`` (结账 and
重新开账). Their public names are gathered here, so callers need only this module.
"""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QFont
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDialog, QHBoxLayout, QHeaderView, QLabel,
                               QMessageBox, QPushButton, QTableView, QTabWidget, QVBoxLayout)

from ..domain import quarters as dq
from ..domain.errors import ClinicError, ValidationError
from ..domain.ledger import COLUMNS, FUNDS
from ..domain.money import parse_yuan, yuan
from ..exchange import ledger_export
from ..services import quarters as quarter_services
from ..storage import clock, quarters
from . import messages
from .history_table import fill, scroll_table
from .ledger_closing import CLOSE_EXPLANATION, LedgerClosing, ReasonDialog
from .ledger_exporting import NOTHING_WRITTEN, LedgerExporting, _Relay
from .ledger_jobs import QuarterData, load_quarter, write_export
from .ledger_model import (DRUG_COLUMNS, DRUG_NUMBER_COLUMNS, EVENT_COLUMNS, LedgerTableModel, drug_rows,
                           event_rows, header_text, moment, quarter_choices)
from .ledger_panels import VALUE_STYLE, LedgerPanels
from .style import set_role
from .widgets import busy_bar, window_header
from .worker import refresh_on_change, run_in_background

__all__ = ["CLOSE_EXPLANATION", "NOTHING_WRITTEN", "OVER_STYLE", "PX_PER_MM", "STATE_CLOSED_STYLE", "STATE_OPEN_STYLE",
           "VALUE_STYLE", "LedgerWindow", "QuarterData", "ReasonDialog", "load_quarter", "write_export"]

OVER_STYLE = "color: #c62828; font-weight: bold;"
STATE_OPEN_STYLE = "font-size: 13pt; font-weight: bold; color: #b25e00;"
STATE_CLOSED_STYLE = "font-size: 13pt; font-weight: bold; color: #2e7d32;"
PX_PER_MM = 5.2  # the ledger's printed column widths, scaled to the screen


class LedgerWindow(LedgerPanels, LedgerExporting, LedgerClosing, QDialog):
    loaded = Signal()                  # a quarter was read (or failed to be)
    export_finished = Signal(object)   # the Package, or None when nothing was written

    def __init__(self, session, parent=None, today: dt.date | None = None, quarter=None):
        super().__init__(parent)
        self.session = session
        self._today = today
        self._generation = 0
        self.loading = False
        self.exporting = False
        self.data: QuarterData | None = None
        self.progress_values: list[int] = []
        self.last_package: ledger_export.Package | None = None
        self.export_box: QMessageBox | None = None
        self.export_target = ""   # where the last package went, in words (“U盘 KINGSTON (E:)”)
        self.balance_over = False
        self.setWindowTitle("季度台账与上报")
        self.setWindowFlag(Qt.WindowMaximizeButtonHint, True)
        self.resize(1240, 820)

        self._relay = _Relay(self)
        self._relay.step.connect(self._export_progress, Qt.QueuedConnection)
        self._build()
        self._fill_quarters(quarter)
        self.quarter_box.currentIndexChanged.connect(lambda _i: self.reload())
        self.refresh_button.clicked.connect(self.reload)
        for button in self.findChildren(QPushButton):
            button.setAutoDefault(False)
        self.reload()
        refresh_on_change(self, self._reload_unless_exporting, skip_own=True)

    def _reload_unless_exporting(self) -> None:
        """A change made elsewhere (a collection, a void) is read in — not while a package is
        being written from what was read."""
        if not self.exporting:
            self.reload()

    # --- who and when --------------------------------------------------------------------------
    def today(self) -> dt.date:
        return self._today or clock.today()

    def quarter(self) -> dq.Quarter:
        return dq.parse(self.quarter_box.currentData())

    @property
    def role(self) -> str:
        return self.session.user["role"]

    def can_manage(self) -> bool:
        return self.role in quarters.MANAGE_ROLES

    def can_reopen(self) -> bool:
        return self.role in quarters.REOPEN_ROLES

    # --- building ------------------------------------------------------------------------------
    def _build(self) -> None:
        self.quarter_box = QComboBox()
        self.quarter_box.setMinimumWidth(190)
        self.refresh_button = QPushButton("刷新")
        self.refresh_button.setShortcut("F5")
        self.refresh_button.setToolTip("重新读取台账（F5）")
        self.busy = busy_bar()
        self.status = QLabel("")
        set_role(self.status, "hint")

        bar = window_header("季度台账与上报", self.session, self.busy, self.status, "季度", self.quarter_box,
                            self.refresh_button)

        top = QHBoxLayout()
        top.addWidget(self._state_box(), 5)
        top.addWidget(self._totals_box(), 4)
        top.addWidget(self._money_box(), 4)

        self.rows_view = QTableView()
        self.rows_model = LedgerTableModel(self)
        self.rows_view.setModel(self.rows_model)
        self.rows_view.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.rows_view.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.rows_view.setAlternatingRowColors(True)
        self.rows_view.setWordWrap(False)
        vertical = self.rows_view.verticalHeader()
        vertical.setSectionResizeMode(QHeaderView.Fixed)
        vertical.setDefaultSectionSize(26)
        vertical.setVisible(False)
        header = self.rows_view.horizontalHeader()
        metrics = header.fontMetrics()
        for n, column in enumerate(COLUMNS):
            text = max(metrics.horizontalAdvance(part) for part in header_text(column.header).split("\n"))
            self.rows_view.setColumnWidth(n, max(round(column.width_mm * PX_PER_MM), text + 20))
        header.setStretchLastSection(True)
        self.drugs_table = scroll_table(DRUG_COLUMNS)
        self.events_table = scroll_table(EVENT_COLUMNS)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.rows_view, "台账明细")
        self.tabs.addTab(self.drugs_table, "按药品规格汇总")
        self.tabs.addTab(self.events_table, "导出与结账记录")

        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)

    def _fill_quarters(self, wanted) -> None:
        today = self.today()
        current = dq.quarter_of(today)
        closed = set(quarters.closed_quarters(self.session.db))
        self.quarter_box.blockSignals(True)
        for q in quarter_choices(self.session.db, today):
            self.quarter_box.addItem(self._quarter_text(q, q.code in closed, current), q.code)
        default = dq.parse(wanted).code if wanted else current.code  # the quarter staff are working in
        index = self.quarter_box.findData(default)
        self.quarter_box.setCurrentIndex(index if index >= 0 else 0)
        self.quarter_box.blockSignals(False)

    @staticmethod
    def _quarter_text(q: dq.Quarter, closed: bool, current: dq.Quarter) -> str:
        if q == current:
            return f"{q.label}（本季度）"
        return f"{q.label}（已结账）" if closed else q.label

    # --- loading -------------------------------------------------------------------------------
    def reload(self) -> None:
        """Read the chosen quarter in the background; the newest request wins if several overlap."""
        self._generation += 1
        generation, db_path, code = self._generation, self.session.db_path, self.quarter().code
        if self.data is not None and self.data.quarter.code != code:
            self._show(None)  # never another quarter's figures under this quarter's name
        self._set_loading(True)
        run_in_background(lambda: (generation, load_quarter(db_path, code)),
                          on_done=self._loaded, on_error=lambda exc: self._failed(generation, exc))

    def _set_loading(self, busy: bool) -> None:
        self.loading = busy
        self.busy.setVisible(busy)
        if busy:
            set_role(self.status, "hint")
            self.status.setText("正在读取台账…")
        self._update_actions()

    def _loaded(self, result) -> None:
        generation, data = result
        if generation != self._generation:
            return
        self._set_loading(False)
        self.status.setText(f"读取于 {clock.now()[11:16]}")
        self._show(data)
        self.loaded.emit()

    def _failed(self, generation: int, exc: Exception) -> None:
        if generation != self._generation:
            return
        self._set_loading(False)
        set_role(self.status, "error")
        self.status.setText(f"读取台账失败：{getattr(exc, 'message', None) or exc}")
        self.loaded.emit()

    # --- showing -------------------------------------------------------------------------------
    def _show(self, data: QuarterData | None) -> None:
        self.data = data
        self.rows_model.set_ledger(data.ledger if data else None)
        self.tabs.setTabText(0, f"台账明细（{len(data.ledger.rows)} 行）" if data else "台账明细")
        if data is None:
            for label in (*self.fund_values.values(), self.patients_value, self.spent_value, self.balance_value):
                label.setText("—")
            self.counts_label.setText("")
            self.drugs_table.setRowCount(0)
            self.events_table.setRowCount(0)
            self.allocation.clear()
            for label in (self.period_label, self.state_label, self.export_label, self.close_hint):
                label.setText("")
            self._update_actions()
            return
        ledger = data.ledger
        for key in FUNDS:
            self.fund_values[key].setText(f"{yuan(getattr(ledger.totals, key))} 元")
        self.patients_value.setText(f"{ledger.patients_served} 人")
        self.counts_label.setText(f"领药 {ledger.dispense_count} 次，作废 {ledger.void_count} 次，"
                                  f"台账 {len(ledger.rows)} 行；作废以负数冲减")
        fill(self.drugs_table, drug_rows(ledger))
        for r in range(self.drugs_table.rowCount()):
            for c in DRUG_NUMBER_COLUMNS:
                self.drugs_table.item(r, c).setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
        self._bold_last_row(self.drugs_table)
        self.allocation_error.hide()
        self._show_money()
        self._show_state()

    @staticmethod
    def _bold_last_row(table) -> None:
        last = table.rowCount() - 1
        if last < 0:
            return
        bold = QFont(table.font())
        bold.setBold(True)
        for column in range(table.columnCount()):
            item = table.item(last, column)
            if item is not None:
                item.setFont(bold)

    def _show_money(self) -> None:
        ledger = self.data.ledger
        self.allocation.setText(yuan(ledger.allocated_fen))
        self.spent_value.setText(f"{yuan(ledger.programme_spent_fen)} 元")
        balance = ledger.balance_fen
        if balance < 0:
            self.balance_value.setText(f"{yuan(balance)} 元（超支 {yuan(-balance)} 元）")
            self.balance_value.setStyleSheet(OVER_STYLE)
        else:
            self.balance_value.setText(f"{yuan(balance)} 元")
            self.balance_value.setStyleSheet(VALUE_STYLE)
        self.balance_over = balance < 0

    def _show_state(self) -> None:
        data = self.data
        q, info = data.quarter, data.info
        self.period_label.setText(f"{q.label}（{info['first_day']} 至 {info['last_day']}）")
        if info["closed"]:
            who = f"，{info['closed_by']}" if info.get("closed_by") else ""
            self.state_label.setText(f"已结账（{moment(info.get('closed_at'))}{who}）")
            self.state_label.setStyleSheet(STATE_CLOSED_STYLE)
        else:
            self.state_label.setText("未结账")
            self.state_label.setStyleSheet(STATE_OPEN_STYLE)
        export = data.latest_export
        if export is None:
            self.export_label.setText("尚未导出上报文件")
            set_role(self.export_label, "hint")
        else:
            who = export.get("display_name") or export.get("username") or ""
            text = f"最近导出：{moment(export['at'])} {who} → {export['detail'].get('path', '')}"
            stale = export["detail"].get("fingerprint") != data.fingerprint and not info["closed"]
            if stale:
                text += "\n导出之后台账又有变动，请重新导出。"
            self.export_label.setText(text)
            set_role(self.export_label, "warning" if stale else "")
        fill(self.events_table, event_rows(data.events))
        self.tabs.setTabText(2, f"导出与结账记录（{len(data.events)}）")
        self._update_actions()

    def print_ledger(self) -> bool:
        """The quarter's ledger PDF, drawn (and its print audited) on a worker thread, then the
        print preview; many pages get a progress dialog while they are drawn and printed."""
        if self.loading or self.exporting or self.data is None or not self.can_manage():
            return False
        from ..services import exports as export_services
        from .printing.flow import PrintFlow

        if getattr(self, "print_flow", None) is None:
            self.print_flow = PrintFlow(self, self.session)
            self.print_flow.finished.connect(lambda *_a: self._update_actions())
        quarter, user = self.quarter(), self.session.user
        started = self.print_flow.start("ledger", f"{quarter.label}台账", f"台账_{quarter.code}.pdf",
                                        op=lambda db, out: export_services.print_ledger(db, user, quarter.code, out),
                                        what="audit")
        self._update_actions()
        return started

    def _update_actions(self) -> None:
        idle = not self.loading and not self.exporting and self.data is not None
        closed = bool(self.data and self.data.info["closed"])
        refusal = self.close_refusal()
        self.quarter_box.setEnabled(not self.exporting)
        self.refresh_button.setEnabled(not self.exporting)
        self.export_button.setEnabled(idle and self.can_manage())
        self.export_button.setToolTip("" if self.can_manage() else "只有管理员、精防人员可以导出上报文件")
        printing_now = getattr(self, "print_flow", None) is not None and self.print_flow.busy
        self.print_button.setEnabled(idle and self.can_manage() and not printing_now)
        self.close_button.setEnabled(idle and refusal is None)
        self.close_button.setVisible(not closed)
        self.close_button.setToolTip(CLOSE_EXPLANATION if refusal is None else refusal)
        self.reopen_button.setVisible(closed)
        self.reopen_button.setEnabled(idle and closed and self.can_reopen())
        self.reopen_button.setToolTip("重新开账需写明原因" if self.can_reopen() else "只有管理员可以重新开账")
        editable = idle and self.can_manage() and not closed
        self.allocation.setReadOnly(not editable)
        self.allocation_button.setEnabled(editable)
        if self.data is None:
            self.close_hint.setText("")
        elif closed:
            self.close_hint.setText(refusal or "")
        else:
            self.close_hint.setText(f"{CLOSE_EXPLANATION}\n{refusal}" if refusal else
                                    f"{CLOSE_EXPLANATION}\n可以结账：台账已导出，导出后没有变动。")

    def _refresh_state(self) -> None:
        """After closing, reopening or a new allocation: the quarter's state read again here (a few
        small queries); the rows did not change."""
        if self.data is None:
            return
        db, code = self.session.db, self.data.quarter.code
        info = quarters.get(db, code)
        ledger = self.data.ledger
        changed = ledger.allocated_fen != info["allocated_fen"]
        ledger.allocated_fen, ledger.closed = info["allocated_fen"], info["closed"]
        if changed:
            self.data.fingerprint = ledger.fingerprint()
        self.data.info = info
        self.data.events = quarters.events(db, code)
        self.data.latest_export = quarters.latest_export(db, code)
        index = self.quarter_box.findData(code)
        if index >= 0:
            self.quarter_box.setItemText(index, self._quarter_text(self.data.quarter, info["closed"],
                                                                   dq.quarter_of(self.today())))
        self._show_money()
        self._show_state()

    # --- the allocation ------------------------------------------------------------------------
    def save_allocation(self) -> bool:
        if self.data is None or not self.allocation_button.isEnabled():
            return False
        try:
            fen = parse_yuan(self.allocation.text())
        except ValidationError as exc:
            return self._allocation_refused(exc.message)
        if fen == self.data.ledger.allocated_fen:
            self.allocation_error.hide()
            return True
        try:
            quarter_services.set_allocation(self.session.db, self.session.user, self.data.quarter.code, fen)
        except ClinicError as exc:
            return self._allocation_refused(exc.message)
        self.allocation_error.hide()
        self._refresh_state()
        self.status.setText(f"预拨经费已保存：{yuan(fen)} 元")
        return True

    def _allocation_refused(self, message: str) -> bool:
        self.allocation_error.setText(message)
        self.allocation_error.show()
        self.allocation.setFocus()
        return False

    # --- asking (overridden in tests) ----------------------------------------------------------
    def _choose_folder(self) -> str | None:
        from .usb_dialog import UsbTargetDialog

        dialog = UsbTargetDialog(self, self._volumes)
        return dialog.folder if dialog.exec() == QDialog.Accepted else None

    def _volumes(self) -> list:
        """This PC's mounted volumes, where the USB sticks are looked for (tests describe their own)."""
        from .drives import mounted_volumes

        return mounted_volumes()

    def _confirm(self, title: str, text: str) -> bool:
        return messages.confirm(self, title, text)

    def _show_error(self, title: str, text: str) -> None:
        messages.error(self, title, text)

    def _ask_reason(self, label: str) -> str | None:
        dialog = ReasonDialog(label, self)
        return dialog.value() if dialog.exec() else None

    def _open_folder(self, path) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    # --- not while exporting -------------------------------------------------------------------
    def reject(self) -> None:
        if self.exporting:
            self.status.setText("正在导出上报文件，请等导出完成后再关闭")
            return
        super().reject()

    def closeEvent(self, event) -> None:  # noqa: N802
        if self.exporting:
            self.status.setText("正在导出上报文件，请等导出完成后再关闭")
            event.ignore()
            return
        super().closeEvent(event)

    # --- for tests and screenshots -------------------------------------------------------------
    def shown_totals(self) -> dict[str, str]:
        return {key: label.text() for key, label in self.fund_values.items()}

    def shown_rows(self) -> int:
        return self.rows_model.rowCount()

    def shown_drugs(self) -> list[list[str]]:
        return [[self.drugs_table.item(r, c).text() for c in range(self.drugs_table.columnCount())]
                for r in range(self.drugs_table.rowCount())]

    def shown_events(self) -> list[list[str]]:
        return [[self.events_table.item(r, c).text() for c in range(self.events_table.columnCount())]
                for r in range(self.events_table.rowCount())]
