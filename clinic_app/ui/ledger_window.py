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
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QFont
from PySide6.QtWidgets import (QAbstractItemView, QApplication, QComboBox, QDialog, QFileDialog, QGridLayout,
                               QGroupBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QMessageBox,
                               QProgressBar, QPushButton, QTableView, QTabWidget, QVBoxLayout)

from ..domain import quarters as dq
from ..domain.errors import ValidationError
from ..domain.ledger import COLUMNS, FUND_LABELS, FUNDS, Ledger
from ..domain.money import parse_yuan, yuan
from ..exchange import ledger_export
from ..storage import clock, quarters, settings
from ..storage import ledger as ledger_storage
from ..storage.db import connect
from ..storage.errors import StorageError
from . import messages
from .history_table import fill, scroll_table
from .ledger_model import (DRUG_COLUMNS, DRUG_NUMBER_COLUMNS, EVENT_COLUMNS, LedgerTableModel, drug_rows,
                           event_rows, header_text, moment, quarter_choices)
from .style import set_role
from .widgets import OK_STYLE, dialog_buttons, error_label, with_error
from .worker import run_in_background

CLOSE_EXPLANATION = "结账后，该季度的领药记录不能再新增、修改或作废；补登和更正记入当前季度。"
OVER_STYLE = "color: #c62828; font-weight: bold;"
VALUE_STYLE = "font-weight: bold;"
STATE_OPEN_STYLE = "font-size: 13pt; font-weight: bold; color: #b25e00;"
STATE_CLOSED_STYLE = "font-size: 13pt; font-weight: bold; color: #2e7d32;"
PX_PER_MM = 5.2  # the ledger's printed column widths, scaled to the screen
NOTHING_WRITTEN = "没有写入任何文件，所选文件夹中原有的文件保持不变。"


@dataclass
class QuarterData:
    """One quarter as the window shows it, read in one go."""
    ledger: Ledger
    info: dict            # storage.quarters.get
    events: list[dict]    # storage.quarters.events, oldest first
    latest_export: dict | None
    fingerprint: str      # of the ledger as shown: an export with another one is out of date

    @property
    def quarter(self) -> dq.Quarter:
        return self.ledger.quarter


def load_quarter(db_path, code: str) -> QuarterData:
    """Everything the window shows of a quarter, on a connection of its own (runs on a pool thread)."""
    db = connect(db_path)
    try:
        result = ledger_storage.ledger(db, code)
        result.text_rows  # the cells as text, worked out here rather than on the UI thread
        return QuarterData(result, quarters.get(db, code), quarters.events(db, code),
                           quarters.latest_export(db, code), result.fingerprint())
    finally:
        db.conn.close()


def write_export(db_path, code: str, out_dir: Path, replace: bool, progress) -> tuple:
    """Read the quarter's ledger (a connection of its own, closed at once) and write its package
    (files only). Runs on a pool thread; the export is recorded afterwards on the UI thread."""
    progress("读取台账", 0.0)
    db = connect(db_path)
    try:
        job = ledger_export.gather(db, code)
    finally:
        db.conn.close()
    package = ledger_export.write_package(job, out_dir, progress, replace)
    return job, package


class _Relay(QObject):
    """Carries the export's progress from the pool thread to the UI thread (a queued signal)."""
    step = Signal(str, float)


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


class LedgerWindow(QDialog):
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
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setTextVisible(False)
        self.busy.setFixedWidth(120)
        self.busy.setMaximumHeight(14)
        self.status = QLabel("")
        set_role(self.status, "hint")

        bar = QHBoxLayout()
        title = QLabel("季度台账与上报")
        set_role(title, "title")
        clinic = self.session.clinic.get("name", "") if isinstance(self.session.clinic, dict) else ""
        where = QLabel(clinic)
        set_role(where, "hint")
        bar.addWidget(title)
        bar.addWidget(where)
        bar.addStretch(1)
        bar.addWidget(self.busy)
        bar.addWidget(self.status)
        bar.addSpacing(12)
        bar.addWidget(QLabel("季度"))
        bar.addWidget(self.quarter_box)
        bar.addWidget(self.refresh_button)

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

    def _state_box(self) -> QGroupBox:
        box = QGroupBox("结账与上报")
        layout = QVBoxLayout(box)
        layout.setSpacing(4)
        self.period_label = QLabel("")
        self.period_label.setStyleSheet(VALUE_STYLE)
        self.state_label = QLabel("")
        self.state_label.setWordWrap(True)
        self.export_label = QLabel("")
        self.export_label.setWordWrap(True)
        self.export_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.close_hint = QLabel("")
        self.close_hint.setWordWrap(True)
        set_role(self.close_hint, "hint")
        self.export_button = QPushButton("导出上报文件…")
        self.export_button.setProperty("primary", True)
        self.export_button.setToolTip("把本季度台账（Excel、CSV、PDF 和校验清单）写入U盘，交项目办公室")
        self.export_button.clicked.connect(self.export_package)
        self.close_button = QPushButton("结账")
        self.close_button.clicked.connect(self.close_quarter)
        self.reopen_button = QPushButton("重新开账…")
        self.reopen_button.clicked.connect(self.reopen_quarter)
        buttons = QHBoxLayout()
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.reopen_button)
        buttons.addStretch(1)
        self.export_bar = QProgressBar()
        self.export_bar.setRange(0, 100)
        self.export_bar.setFormat("%p%")
        self.export_bar.setMaximumHeight(20)
        self.export_bar.hide()
        self.export_result = QLabel("")
        self.export_result.setWordWrap(True)
        self.export_result.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.export_result.hide()
        for widget in (self.period_label, self.state_label, self.export_label, self.close_hint):
            layout.addWidget(widget)
        layout.addStretch(1)
        layout.addLayout(buttons)
        layout.addWidget(self.export_bar)
        layout.addWidget(self.export_result)
        return box

    def _totals_box(self) -> QGroupBox:
        box = QGroupBox("本季度合计")
        grid = QGridLayout(box)
        grid.setVerticalSpacing(3)
        self.fund_values: dict[str, QLabel] = {}
        for row, key in enumerate(FUNDS):
            value = QLabel("—")
            value.setAlignment(Qt.AlignRight | Qt.AlignVCenter)
            if key == "programme":
                value.setStyleSheet(VALUE_STYLE)
            grid.addWidget(QLabel(FUND_LABELS[key]), row, 0)
            grid.addWidget(value, row, 1)
            self.fund_values[key] = value
        self.patients_value = QLabel("—")
        self.patients_value.setAlignment(Qt.AlignRight | Qt.AlignVCenter)
        self.counts_label = QLabel("")
        set_role(self.counts_label, "hint")
        grid.addWidget(QLabel("服药患者"), len(FUNDS), 0)
        grid.addWidget(self.patients_value, len(FUNDS), 1)
        grid.addWidget(self.counts_label, len(FUNDS) + 1, 0, 1, 2)
        grid.setColumnStretch(1, 1)
        return box

    def _money_box(self) -> QGroupBox:
        box = QGroupBox("项目资金：预拨与支出")
        grid = QGridLayout(box)
        grid.setVerticalSpacing(4)
        self.allocation = QLineEdit()
        self.allocation.setPlaceholderText("如 102720.00")
        self.allocation.setAlignment(Qt.AlignRight)
        self.allocation.setMaximumWidth(150)
        self.allocation.returnPressed.connect(self.save_allocation)
        self.allocation_button = QPushButton("保存")
        self.allocation_button.clicked.connect(self.save_allocation)
        self.allocation_error = error_label()
        self.allocation_error.hide()
        editor = QHBoxLayout()
        editor.addWidget(self.allocation)
        editor.addSpacing(2)
        editor.addWidget(QLabel("元"))
        editor.addSpacing(6)
        editor.addWidget(self.allocation_button)
        editor.addStretch(1)
        self.spent_value = QLabel("—")
        self.balance_value = QLabel("—")
        for label in (self.spent_value, self.balance_value):
            label.setStyleSheet(VALUE_STYLE)
        self.allocation_hint = QLabel("预拨额度由区卫生健康委审批，项目办公室拨付（五、(五)）")
        self.allocation_hint.setWordWrap(True)
        set_role(self.allocation_hint, "hint")
        grid.addWidget(QLabel("预拨经费"), 0, 0)
        grid.addLayout(editor, 0, 1)
        grid.addWidget(self.allocation_error, 1, 0, 1, 2)
        grid.addWidget(QLabel("项目资金支出"), 2, 0)
        grid.addWidget(self.spent_value, 2, 1)
        grid.addWidget(QLabel("结余"), 3, 0)
        grid.addWidget(self.balance_value, 3, 1)
        grid.addWidget(self.allocation_hint, 4, 0, 1, 2)
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(5, 1)
        return box

    def _fill_quarters(self, wanted) -> None:
        today = self.today()
        current = dq.quarter_of(today)
        closed = set(quarters.closed_quarters(self.session.db))
        self.quarter_box.blockSignals(True)
        for q in quarter_choices(self.session.db, today):
            self.quarter_box.addItem(self._quarter_text(q, q.code in closed, current), q.code)
        default = dq.parse(wanted).code if wanted else current.previous().code  # the last ended quarter
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
        if q.last_day >= self.today():
            return f"{q.label}尚未结束（至 {q.last_day.isoformat()} 止），季度结束后才能结账。"
        if data.latest_export is None:
            return f"请先导出{q.label}的上报文件，核对无误后再结账。"
        if data.latest_export["detail"].get("fingerprint") != data.fingerprint:
            return "导出之后台账又有变动，请重新导出后再结账。"
        return None

    def _update_actions(self) -> None:
        idle = not self.loading and not self.exporting and self.data is not None
        closed = bool(self.data and self.data.info["closed"])
        refusal = self.close_refusal()
        self.quarter_box.setEnabled(not self.exporting)
        self.refresh_button.setEnabled(not self.exporting)
        self.export_button.setEnabled(idle and self.can_manage())
        self.export_button.setToolTip("" if self.can_manage() else "只有管理员、精防人员可以导出上报文件")
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
            quarters.set_allocation(self.session.db, self.data.quarter.code, fen, self.session.user)
        except StorageError as exc:
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

    # --- exporting -----------------------------------------------------------------------------
    def export_package(self) -> bool:
        """Ask for the folder (the USB stick) and write the package there in the background."""
        if self.data is None or self.exporting or self.loading:
            return False
        folder = self._choose_folder()
        if not folder:
            return False
        folder = Path(folder)
        q = self.data.quarter
        code = settings.get(self.session.db, "clinic_code") or ""
        target = folder / f"{code}_{q.code}"
        replace = False
        if code and target.exists():
            if not self._confirm("替换已有的上报文件",
                                 f"{target}\n已经存在（之前导出的{q.label}上报文件）。\n\n"
                                 "要用这次导出的台账替换它吗？新文件写好并校验无误后才替换，"
                                 "写入失败时原有文件保持不变。"):
                return False
            replace = True
        self.progress_values = []
        self.export_result.hide()
        self._set_exporting(True)
        db_path, relay = self.session.db_path, self._relay
        run_in_background(lambda: write_export(db_path, q.code, folder, replace, relay.step.emit),
                          on_done=self._exported, on_error=self._export_failed)
        return True

    def _set_exporting(self, busy: bool) -> None:
        self.exporting = busy
        self.export_bar.setVisible(busy)
        if busy:
            self.rows_view.setFocus()  # not onto the allocation when the focused button is disabled
            self.export_bar.setValue(0)
            self.export_bar.setFormat("正在导出… %p%")
        self._update_actions()

    def _export_progress(self, step: str, fraction: float) -> None:
        value = max(0, min(100, round(fraction * 100)))
        self.progress_values.append(value)
        self.export_bar.setValue(value)
        self.export_bar.setFormat(f"{step} %p%")

    def _exported(self, result) -> None:
        job, package = result
        self._set_exporting(False)
        self.last_package = package
        try:
            ledger_export.record(self.session.db, job, package, self.session.user)
        except StorageError as exc:
            self._show_error("未能记录这次导出",
                             f"上报文件已写入并校验无误：\n{package.path}\n\n但未能记入导出记录：{exc.message}\n"
                             "结账前请重新导出。")
        if self.data is not None and self.data.quarter == job.ledger.quarter:
            fingerprint = job.ledger.fingerprint()
            if fingerprint != self.data.fingerprint:  # what was exported is newer than what is shown
                self._show(QuarterData(job.ledger, self.data.info, self.data.events, self.data.latest_export,
                                       fingerprint))
            self._refresh_state()
        manifest = package.manifest
        summary = self.export_summary(manifest)
        self.export_result.setText(f"已导出：{package.path}\n{summary}")
        self.export_result.setStyleSheet(OK_STYLE)
        self.export_result.show()
        self._show_export_result(package, summary)
        self.export_finished.emit(package)

    @staticmethod
    def export_summary(manifest: dict) -> str:
        totals = manifest["totals_fen"]
        return (f"共 {manifest['row_count']} 行；项目资金合计 {yuan(totals['programme'])} 元"
                f"（领药总金额 {yuan(totals['total'])} 元，服药患者 {manifest['patients_served']} 人）")

    def _export_failed(self, exc: Exception) -> None:
        self._set_exporting(False)
        message = getattr(exc, "message", None) or str(exc)
        if isinstance(exc, StorageError):
            text = message if "未留下" in message else f"{message}\n\n{NOTHING_WRITTEN}"
        else:
            text = f"台账未能导出：{message}\n\n{NOTHING_WRITTEN}"
        self.export_result.setText(f"导出失败：{text}")
        set_role(self.export_result, "error")
        self.export_result.setStyleSheet("")
        self.export_result.show()
        self._show_error("台账未能导出", text)
        self.export_finished.emit(None)

    def _show_export_result(self, package, summary: str) -> None:
        """A box that does not block: where the package is, its totals, and 打开文件夹."""
        box = QMessageBox(QMessageBox.Information, "上报文件已导出",
                          f"{self.data.quarter.label if self.data else ''}的上报文件已写入并读回校验无误。",
                          QMessageBox.NoButton, self)
        box.setInformativeText(f"{package.path}\n\n{summary}\n\n请把整个文件夹“{package.path.name}”"
                               "交给免费服药项目办公室。")
        open_button = box.addButton("打开文件夹", QMessageBox.ActionRole)
        box.addButton("关闭", QMessageBox.AcceptRole)
        open_button.clicked.connect(lambda: self._open_folder(package.path))
        self.export_box = box
        self.open_folder_button = open_button
        box.open()

    # --- closing and reopening -----------------------------------------------------------------
    def close_quarter(self) -> bool:
        if self.data is None or self.loading or self.exporting:
            return False
        q = self.data.quarter
        if not self._confirm("结账", f"确定为{q.label}结账吗？\n\n{CLOSE_EXPLANATION}\n\n"
                             "如确需更改已结账季度的记录，须由管理员重新开账并写明原因。"):
            return False
        QApplication.setOverrideCursor(Qt.WaitCursor)
        try:
            quarters.close(self.session.db, q.code, self.session.user)
        except StorageError as exc:
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
            quarters.reopen(self.session.db, q.code, reason, self.session.user)
        except StorageError as exc:
            self._show_error("不能重新开账", exc.message)
            return False
        self._refresh_state()
        self.status.setText(f"{q.label}已重新开账")
        return True

    # --- asking (overridden in tests) ----------------------------------------------------------
    def _choose_folder(self) -> str | None:
        folder = QFileDialog.getExistingDirectory(self, "选择U盘（保存上报文件的文件夹）")
        return folder or None

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
