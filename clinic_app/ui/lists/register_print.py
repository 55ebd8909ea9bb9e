"""打印患者登记名单… (Attachment 8 through the print preview) and 导出患者登记名单… (a PDF or an
Excel file to send on).

The rows are read on the UI thread (one query), the PDF (and the preview's pictures) or the file
is made on a worker thread with a busy indicator (20,000 rows take a while to lay out), and the
audit row is written back on the UI thread once the pages went to the printer or the file exists
— so nothing touches the database from two threads at once.
"""
from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from PySide6.QtCore import QObject, QUrl, Qt, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QProgressDialog

from ...documents import jobs
from ...domain import roles
from ...services import printing
from ...storage.errors import StorageError
from .. import file_dialogs, messages
from ..worker import run_in_background

PDF_FILTER = "PDF 文件（打印用） (*.pdf)"
XLSX_FILTER = "Excel 文件 (*.xlsx)"


class RegisterPrinter(QObject):
    finished = Signal(object)  # the path written, or None when it failed or was cancelled

    def __init__(self, session, parent_widget):
        super().__init__(parent_widget)
        self.session = session
        self.parent_widget = parent_widget
        self.progress: QProgressDialog | None = None
        self.busy = False

    def default_name(self) -> str:
        return f"{jobs.REGISTER_NAME}_{dt.date.today():%Y%m%d}.pdf"

    def choose_path(self) -> Path | None:
        """Ask where to save, PDF or Excel; tests replace this."""
        path, chosen = file_dialogs.save_file(self.parent_widget, file_dialogs.REGISTER_EXPORT, "导出患者登记名单",
                                              self.default_name(), f"{PDF_FILTER};;{XLSX_FILTER}")
        if not path:
            return None
        path = Path(path)
        if path.suffix.lower() not in jobs.REGISTER_FORMATS:
            path = path.with_suffix(jobs.XLSX if chosen == XLSX_FILTER else jobs.PDF)
        return path

    def start(self) -> bool:
        """The register drawn off the UI thread, then the print preview (打印 or 另存为 PDF);
        False when nothing was started."""
        if self.busy:
            return False
        refused = roles.refusal(self.session.role, "lists.print")
        if refused:
            self._show_error("无法打印登记名单", refused)
            return False
        try:
            job = printing.gather_register(self.session.db, self.session.user)
        except StorageError as exc:
            self._show_error("无法打印登记名单", exc.message)
            return False
        from ..printing.flow import PRINTED, SAVED, PrintFlow

        flow = self.flow = getattr(self, "flow", None) or PrintFlow(self.parent_widget, self.session)
        flow.show_error = lambda title, text: self._show_error(title, text)
        flow.confirm = lambda title, text: self._confirm(title, text)
        flow.open_file = lambda path: self._open_file(path)
        started = flow.start("register", jobs.REGISTER_NAME, self.default_name(),
                             fn=lambda out: printing.write_register(out, job))
        if not started:
            return False
        self.busy = True

        def closed(outcome: str, _document) -> None:
            self.busy = False
            if outcome in (PRINTED, SAVED):
                where = flow.last_saved if outcome == SAVED else io.BytesIO()  # to a printer: no file
                printing.record_register_print(self.session.db, self.session.user, where, job)
            self.finished.emit(flow.last_saved if outcome == SAVED else None)

        from PySide6.QtCore import Qt as _Qt

        flow.finished.connect(closed, type=_Qt.ConnectionType.SingleShotConnection)
        return True

    def export(self) -> bool:
        """Ask for the file (PDF or Excel) and start writing it; False when nothing was started."""
        if self.busy:
            return False
        refused = roles.refusal(self.session.role, "lists.print")  # asked before a file is written
        if refused:
            self._show_error("无法打印登记名单", refused)
            return False
        path = self.choose_path()
        if path is None:
            return False
        try:
            jobs.register_format(path)
            job = printing.gather_register(self.session.db, self.session.user)
        except StorageError as exc:
            self._show_error("无法打印登记名单", exc.message)
            return False
        self.busy = True
        self.progress = QProgressDialog(f"正在生成患者登记名单（{len(job.rows)} 名患者）…", "", 0, 0,
                                        self.parent_widget)
        self.progress.setWindowTitle("导出患者登记名单")
        self.progress.setCancelButton(None)
        self.progress.setWindowModality(Qt.WindowModal)
        self.progress.setMinimumDuration(0)
        self.progress.show()
        run_in_background(lambda: printing.write_register(path, job),
                          lambda _result: self._written(path, job), self._failed)
        return True

    def _stop_progress(self) -> None:
        self.busy = False
        if self.progress is not None:
            self.progress.close()
            self.progress.deleteLater()
            self.progress = None

    def _written(self, path: Path, job) -> None:
        from ..printing.memory import PrintMemory

        self._stop_progress()
        PrintMemory().remember_folder(Path(path).parent)
        printing.record_register_print(self.session.db, self.session.user, path, job)
        self.finished.emit(path)
        if self._confirm("登记名单已生成", f"已保存 {len(job.rows)} 名患者的登记名单到：\n{path}\n\n现在打开吗？"):
            self._open_file(path)

    def _failed(self, exc) -> None:
        self._stop_progress()
        self.finished.emit(None)
        message = exc.message if isinstance(exc, StorageError) else getattr(exc, "strerror", None) or str(exc)
        self._show_error("无法打印登记名单", f"文件没有生成：{message}")

    # --- dialogs (tests replace these) ---------------------------------------------------
    def _open_file(self, path: Path) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def _confirm(self, title: str, text: str) -> bool:
        return messages.confirm(self.parent_widget, title, text)

    def _show_error(self, title: str, text: str) -> None:
        messages.error(self.parent_widget, title, text)
