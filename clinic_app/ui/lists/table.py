"""One work list on screen: what it is, a count, a sortable read-only table, 打开患者, 打印… and
导出Excel….

Enter or a double-click opens the patient. A list may load off the UI thread (``background=True``:
the loader gets a connection of the worker's own, opened and closed there — the UI thread's
connection is never used from a worker). Printing and the export write the rows in the order
shown, off the UI thread with a busy bar, and record themselves in the audit trail on the UI
thread once the file is written.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QEvent, Qt, QUrl, Signal
from PySide6.QtGui import QBrush, QColor, QDesktopServices, QFont, QKeySequence, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (QHBoxLayout, QHeaderView, QLabel,
                               QProgressBar, QPushButton, QTableView, QVBoxLayout, QWidget)

from ...domain import roles
from ...exchange.lists_xlsx import write_list_xlsx
from ...services import printing
from ...storage import audit
from ...storage.db import connect
from .. import file_dialogs, messages
from ..style import set_role
from ..widgets import read_only_rows
from ..worker import run_in_background
from .content import DUE_SOON, OVERDUE, ListContent

PATIENT_ROLE = Qt.UserRole
SORT_ROLE = Qt.UserRole + 1
ROW_ROLE = Qt.UserRole + 2  # index into ListContent.rows
MAX_COLUMN_WIDTH = 320  # px: the full text is in the tooltip
_OPEN_KEYS = (Qt.Key_Return, Qt.Key_Enter)

STATE_TEXT = {OVERDUE: QColor("#c62828"), DUE_SOON: QColor("#b25e00")}
STATE_BACKGROUND = {OVERDUE: QColor("#fdecea"), DUE_SOON: QColor("#fff3e0")}


EXPORT_TEXT, PRINT_TEXT = "导出Excel…", "打印…"


def load_on_own_connection(db_path, loader) -> ListContent:
    """``loader(db)`` on a connection opened for it and closed after (runs on a pool thread)."""
    db = connect(db_path)
    try:
        return loader(db)
    finally:
        db.conn.close()


def write_list_pdf(path: Path, title: str, subtitle: str, headers, rows, exchange: bool = False) -> Path:
    """The list as a landscape A4 table, with the exchange notice when it goes to 综治办 and 派出所
    (reportlab is imported here, on the worker thread)."""
    from ...documents.followup_pdf import EXCHANGE_NOTICE, render_list_pdf

    render_list_pdf(path, title, subtitle, headers, rows, notice=EXCHANGE_NOTICE if exchange else None)
    return path


def _sortable(value):
    """Sort keys of one column must compare: numbers as numbers, the rest as text."""
    return value if isinstance(value, (int, float)) else str(value)


class ListTab(QWidget):
    """Shows one ``ListContent``, loaded afresh on each refresh: ``loader()`` on the UI thread, or
    with ``background=True`` ``loader(db)`` on a worker thread with a connection of its own."""

    patient_opened = Signal(int)
    exported = Signal(object)  # the path, once written and audited
    printed = Signal(object)  # the PDF's path, once written and audited
    loaded = Signal()  # new content is shown (or loading failed)

    def __init__(self, session, loader, parent=None, open_patient=None, hint: str = "", *,
                 background: bool = False):
        super().__init__(parent)
        self.session = session
        self.loader = loader
        self.background = background
        self.open_patient_fn = open_patient
        self.content: ListContent | None = None
        self.loading = False
        self.exporting = False
        self.printing = False
        self.load_error: Exception | None = None
        self._generation = 0
        self._build(hint)

    # --- building ------------------------------------------------------------------------
    def _build(self, hint: str) -> None:
        self.heading_label = QLabel()
        self.heading_label.setWordWrap(True)
        self.heading_label.setVisible(False)
        self.heading_label.setStyleSheet("font-weight: bold;")
        self.hint_label = QLabel(hint)
        self.hint_label.setWordWrap(True)
        self.hint_label.setVisible(bool(hint))
        set_role(self.hint_label, "hint")
        self.count_label = QLabel()
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)  # "working", no percentage
        self.busy.setTextVisible(False)
        self.busy.setFixedWidth(110)
        self.busy.setMaximumHeight(14)
        self.busy.setVisible(False)
        self.state_label = QLabel()
        set_role(self.state_label, "hint")
        self.open_button = QPushButton("打开患者")
        self.open_button.setToolTip("打开所选患者（回车或双击）")
        self.open_button.clicked.connect(self.open_selected)
        self.print_button = QPushButton(PRINT_TEXT)
        self.print_button.setToolTip("把当前清单按显示顺序生成A4横向打印件，先预览再打印或另存为 PDF（Ctrl+P；身份证号已遮蔽，将记入审计记录；"
                                     "放不下的长列不打印，完整内容请导出Excel）")
        self.print_button.clicked.connect(self.print_list)
        self.print_button.setShortcut(QKeySequence(QKeySequence.StandardKey.Print))
        self.export_button = QPushButton(EXPORT_TEXT)
        self.export_button.setToolTip("把当前清单按显示顺序导出为Excel文件（身份证号已遮蔽，将记入审计记录）")
        self.export_button.clicked.connect(self.export)
        for button in (self.open_button, self.print_button, self.export_button):
            button.setAutoDefault(False)
        top = QHBoxLayout()
        top.addWidget(self.count_label)
        top.addWidget(self.busy)
        top.addWidget(self.state_label, 1)
        top.addWidget(self.open_button)
        top.addWidget(self.print_button)
        top.addWidget(self.export_button)
        self.top_layout = top

        self.model = QStandardItemModel(self)
        self.model.setSortRole(SORT_ROLE)
        self.table = QTableView()
        self.table.setModel(self.model)
        read_only_rows(self.table)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.Interactive)
        header.setStretchLastSection(True)
        header.setSortIndicator(-1, Qt.AscendingOrder)  # keep the list's own order (most urgent first)
        self.table.setSortingEnabled(True)
        self.table.doubleClicked.connect(lambda _index: self.open_selected())
        self.table.installEventFilter(self)

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading_label)
        layout.addWidget(self.hint_label)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        self._enable()

    # --- loading -------------------------------------------------------------------------
    def refresh(self) -> None:
        """Load the list again; in the background the newest request wins if several overlap."""
        if not self.background:
            self.show_content(self.loader())
            self.loaded.emit()
            return
        self._generation += 1
        generation, db_path, loader = self._generation, self.session.db_path, self.loader

        def job():
            try:
                return generation, load_on_own_connection(db_path, loader), None
            except Exception as exc:  # shown in the tab, not raised on the pool thread
                return generation, None, exc

        self.loading = True
        self._enable()
        run_in_background(job, self._loaded)

    def _loaded(self, result) -> None:
        generation, content, error = result
        if generation != self._generation:
            return  # a newer refresh is on its way
        self.loading = False
        self.load_error = error
        if error is None:
            self.show_content(content)
        else:
            self._enable()
        self.loaded.emit()

    def show_content(self, content: ListContent) -> None:
        selected = self.selected_patient_id()
        self.content = content
        self.table.setSortingEnabled(False)
        self.model.clear()
        self.model.setHorizontalHeaderLabels(list(content.headers))
        bold = QFont()
        bold.setBold(True)
        for index, row in enumerate(content.rows):
            items = []
            for column, value in enumerate(row.cells):
                text = "" if value is None else str(value)
                item = QStandardItem(text)
                item.setToolTip(text)  # long notes and addresses are cut off in the cell
                item.setData(_sortable(row.sort_key(column)), SORT_ROLE)
                item.setData(row.patient_id, PATIENT_ROLE)
                item.setData(index, ROW_ROLE)
                if isinstance(value, (int, float)):
                    item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                if row.state in STATE_BACKGROUND:
                    item.setBackground(QBrush(STATE_BACKGROUND[row.state]))
                    if column == content.state_column:
                        item.setForeground(QBrush(STATE_TEXT[row.state]))
                        item.setFont(bold)
                items.append(item)
            self.model.appendRow(items)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.resizeColumnsToContents()
        header = self.table.horizontalHeader()
        for column in range(self.model.columnCount()):  # a long address or note is not a whole screen
            header.resizeSection(column, min(header.sectionSize(column), MAX_COLUMN_WIDTH))
        self.heading_label.setText(content.heading)
        self.heading_label.setVisible(bool(content.heading))
        self.count_label.setText(content.count_text)
        self._enable()
        if selected is not None:
            self.select_patient(selected)

    def _enable(self) -> None:
        """Buttons, the busy bar and the state line follow what is going on."""
        has_rows = bool(self.content and self.content.rows)
        self.open_button.setEnabled(has_rows and self.open_patient_fn is not None)
        self.export_button.setEnabled(has_rows and not self.exporting and not self.loading)
        self.print_button.setEnabled(self.content is not None and not self.printing and not self.loading)
        self.export_button.setText("正在导出…" if self.exporting else EXPORT_TEXT)
        self.print_button.setText("正在生成…" if self.printing else PRINT_TEXT)
        self.busy.setVisible(self.loading or self.exporting or self.printing)
        if self.loading:
            state, role = "正在读取清单…", "hint"
        elif self.load_error is not None:
            state, role = f"读取失败：{getattr(self.load_error, 'message', None) or self.load_error}", "error"
        elif self.printing:
            state, role = "正在生成打印文件…", "hint"
        elif self.exporting:
            state, role = "正在导出…", "hint"
        else:
            state, role = "", "hint"
        self.state_label.setText(state)
        set_role(self.state_label, role)
        if self.content is None:
            self.count_label.setText("")

    # --- what is shown -------------------------------------------------------------------
    def row_count(self) -> int:
        return self.model.rowCount()

    def visible_rows(self) -> list[list]:
        """The rows in the order on screen (after any sorting by a header click), as exported:
        numbers stay numbers."""
        rows = self.content.rows if self.content else []
        return [list(rows[self.model.item(r, 0).data(ROW_ROLE)].cells) for r in range(self.model.rowCount())]

    def visible_patient_ids(self) -> list[int]:
        return [self.patient_id_at(r) for r in range(self.model.rowCount())]

    def cell_text(self, row: int, column: int) -> str:
        return self.model.item(row, column).text()

    def cell_colour(self, row: int, column: int) -> QColor:
        return self.model.item(row, column).foreground().color()

    def patient_id_at(self, row: int) -> int:
        return self.model.item(row, 0).data(PATIENT_ROLE)

    def selected_patient_id(self) -> int | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return self.patient_id_at(index.row())

    def select_patient(self, patient_id: int) -> None:
        for r in range(self.model.rowCount()):
            if self.patient_id_at(r) == patient_id:
                self.table.selectRow(r)
                return

    # --- opening -------------------------------------------------------------------------
    def eventFilter(self, watched, event) -> bool:  # noqa: N802
        if watched is self.table and event.type() == QEvent.KeyPress and event.key() in _OPEN_KEYS:
            self.open_selected()
            return True
        return super().eventFilter(watched, event)

    def open_selected(self):
        patient_id = self.selected_patient_id()
        if patient_id is None and self.row_count():
            patient_id = self.patient_id_at(0)
        if patient_id is None or self.open_patient_fn is None:
            return None
        self.patient_opened.emit(patient_id)
        return self.open_patient_fn(patient_id)

    # --- the file's header line ----------------------------------------------------------
    def _subtitle(self, who: str, when: str | None = None, between: str = "　") -> str:
        """What the list is, then whose, as of when, how many, and who wrote the file."""
        content = self.content
        parts = [f"单位：{self.session.clinic.get('name', '')}"]
        if content.as_of:
            parts.append(f"截至 {content.as_of}")
        parts += [f"共 {self.row_count()} 名", f"{who}：{self.session.user['display_name']}"]
        if when:
            parts.append(f"{when}：{dt.datetime.now():%Y-%m-%d %H:%M}")
        return between.join(p for p in (content.heading, "　".join(parts)) if p)

    def _audit(self, action: str, verb: str, path: Path, title: str, patient_ids: list[int]) -> None:
        """The print or export is recorded through its use case (``verb`` is its wording there)."""
        printing.record_work_list(self.session.db, self.session.user, action, path, title, patient_ids)

    # --- export --------------------------------------------------------------------------
    def default_export_name(self) -> str:
        return f"{self.content.title}_{dt.date.today():%Y%m%d}.xlsx"

    def choose_export_path(self) -> Path | None:
        """Ask where to save; tests replace this."""
        path, _filter = file_dialogs.save_file(self, file_dialogs.WORK_LIST, f"导出“{self.content.title}”",
                                                    self.default_export_name(), "Excel 文件 (*.xlsx)")
        if not path:
            return None
        path = Path(path)
        return path if path.suffix.lower() == ".xlsx" else path.with_suffix(".xlsx")

    def export(self) -> None:
        if not self.content or not self.content.rows or self.exporting or self.loading:
            return
        refused = roles.refusal(self.session.role, "lists.print")  # asked before a file is written
        if refused:
            self._show_error("无法导出", refused)
            return
        path = self.choose_export_path()
        if path is None:
            return
        title, headers = self.content.title, list(self.content.headers)
        rows = self.visible_rows()
        patient_ids = self.visible_patient_ids()
        subtitle = self._subtitle("导出人", "导出时间")
        self.exporting = True
        self._enable()
        run_in_background(lambda: write_list_xlsx(path, title, headers, rows, subtitle),
                          lambda _result: self._exported(path, title, patient_ids),
                          self._export_failed)

    def _exported(self, path: Path, title: str, patient_ids: list[int]) -> None:
        self.exporting = False
        self._enable()
        self._audit(audit.EXPORT, "导出", path, title, patient_ids)
        self.exported.emit(path)
        self._show_info("导出完成", f"已导出 {len(patient_ids)} 名到：\n{path}")

    def _export_failed(self, exc) -> None:
        self.exporting = False
        self._enable()
        self._show_error("导出失败", f"无法写入文件：{getattr(exc, 'strerror', None) or exc}")

    # --- printing ------------------------------------------------------------------------
    def default_print_name(self) -> str:
        return f"{self.content.title}_{dt.date.today():%Y%m%d}.pdf"

    def _print_flow(self):
        """The print preview for this tab, its messages shown the tab's way."""
        if getattr(self, "print_flow", None) is None:
            from ..printing.flow import PrintFlow

            flow = PrintFlow(self, self.session)
            flow.show_error = lambda title, text: self._show_error(title, text)
            flow.confirm = lambda title, text: self._confirm(title, text)
            flow.open_file = lambda path: self._open_file(path)
            self.print_flow = flow
        return self.print_flow

    def print_list(self) -> bool:
        """Draw the list as shown to a PDF on a worker thread and open the print preview (打印 or
        另存为 PDF); False when nothing was started. The print or the saved file is audited."""
        if self.content is None or self.printing or self.loading:
            return False
        refused = roles.refusal(self.session.role, "lists.print")  # asked before a file is written
        if refused:
            self._show_error("无法打印", refused)
            return False
        content = self.content
        title, exchange = content.title, content.exchange
        headers, rows = content.printed(list(content.headers), self.visible_rows())
        patient_ids = self.visible_patient_ids()
        subtitle = self._subtitle("打印人", between="\n")  # the print time is in every page's footer
        flow = self._print_flow()
        started = flow.start("lists", title, self.default_print_name(),
                             fn=lambda out: write_list_pdf(out, title, subtitle, headers, rows, exchange),
                             on_failed=self._print_failed)
        if not started:
            return False
        self.printing = True
        self._enable()
        flow.finished.connect(lambda outcome, _doc: self._printed(outcome, title, patient_ids),
                              type=Qt.ConnectionType.SingleShotConnection)
        return True

    def _printed(self, outcome: str, title: str, patient_ids: list[int]) -> None:
        from ..printing.flow import PRINTED, SAVED

        self.printing = False
        self._enable()
        if outcome == SAVED:
            path = self.print_flow.last_saved
        elif outcome == PRINTED:
            path = Path(self.print_flow.last_printer or self.default_print_name())
        else:
            return
        self._audit(audit.PRINT, "打印", path, title, patient_ids)
        self.printed.emit(path)

    def _print_failed(self, message) -> None:
        self._show_error("打印失败", f"打印文件没有生成：{getattr(message, 'strerror', None) or message}")

    # --- dialogs (tests replace these) ---------------------------------------------------
    def _open_file(self, path: Path) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def _confirm(self, title: str, text: str) -> bool:
        return messages.confirm(self, title, text)

    def _show_info(self, title: str, text: str) -> None:
        messages.info(self, title, text)

    def _show_error(self, title: str, text: str) -> None:
        messages.error(self, title, text)
