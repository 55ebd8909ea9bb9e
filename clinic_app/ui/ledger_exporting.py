"""Exporting the report package from the ledger window: the folder (a USB stick from the list of
sticks plugged in, or another folder), asking before
an older package is replaced, writing on a pool thread with its progress relayed to the UI
thread, recording the export back on the UI thread, and saying in Chinese what was written — or
that nothing was, naming the stick or folder written. A part of ``LedgerWindow``: it asks through
the window's overridable ``_choose_folder``, ``_volumes``, ``_confirm``, ``_show_error`` and
``_open_folder``."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox

from ..domain import roles
from ..domain.errors import ClinicError
from ..domain.money import yuan
from ..services import exports
from ..storage import settings
from ..storage.errors import StorageError
from .drives import describe, removable_drives
from .ledger_jobs import QuarterData, write_export
from .style import set_role
from .widgets import OK_STYLE
from .worker import run_in_background

NOTHING_WRITTEN = "没有写入任何文件，所选文件夹中原有的文件保持不变。"


class _Relay(QObject):
    """Carries the export's progress from the pool thread to the UI thread (a queued signal)."""
    step = Signal(str, float)


class LedgerExporting:
    """The export flow (mixed into ``LedgerWindow``)."""

    def export_package(self) -> bool:
        """Ask for the folder (the USB stick) and write the package there in the background."""
        if self.data is None or self.exporting or self.loading:
            return False
        refused = roles.refusal(self.session.role, "ledger.export")  # asked before a file is written
        if refused:
            self._show_error("台账未能导出", refused)
            return False
        folder = self._choose_folder()
        if not folder:
            return False
        folder = Path(folder)
        self.export_target = describe(str(folder), removable_drives(self._volumes()))
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
            exports.record_ledger_export(self.session.db, self.session.user, job, package)
        except ClinicError as exc:  # a refusal of the right as well: the files stay, the export is not recorded
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
        self.export_result.setText(f"已导出到{self.export_target}：{package.path}\n{summary}")
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
                          f"{self.data.quarter.label if self.data else ''}的上报文件已写入{self.export_target}，"
                          "并读回校验无误。",
                          QMessageBox.NoButton, self)
        box.setInformativeText(f"{package.path}\n\n{summary}\n\n请把整个文件夹“{package.path.name}”"
                               "交给免费服药项目办公室。")
        open_button = box.addButton("打开文件夹", QMessageBox.ActionRole)
        box.addButton("关闭", QMessageBox.AcceptRole)
        open_button.clicked.connect(lambda: self._open_folder(package.path))
        self.export_box = box
        self.open_folder_button = open_button
        box.open()
