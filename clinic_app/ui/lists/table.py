"""One work list on screen: a count, a sortable read-only table, 打开 and 导出Excel….

Enter or a double-click opens the patient; the export writes the rows in the order shown, off the
UI thread, and records the export in the audit trail once the file is written.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (QAbstractItemView, QFileDialog, QHBoxLayout, QHeaderView, QLabel,
                               QPushButton, QTableView, QVBoxLayout, QWidget)

from ...exchange.lists_xlsx import write_list_xlsx
from ...storage import audit
from .. import messages
from ..style import set_role
from ..worker import run_in_background
from .content import DUE_SOON, OVERDUE, ListContent

PATIENT_ROLE = Qt.UserRole
SORT_ROLE = Qt.UserRole + 1
ROW_ROLE = Qt.UserRole + 2  # index into ListContent.rows
_OPEN_KEYS = (Qt.Key_Return, Qt.Key_Enter)

STATE_TEXT = {OVERDUE: QColor("#c62828"), DUE_SOON: QColor("#b25e00")}
STATE_BACKGROUND = {OVERDUE: QColor("#fdecea"), DUE_SOON: QColor("#fff3e0")}


def _sortable(value):
    """Sort keys of one column must compare: numbers as numbers, the rest as text."""
    return value if isinstance(value, (int, float)) else str(value)


class ListTab(QWidget):
    """Shows one ``ListContent``. ``loader()`` returns it afresh on each refresh."""

    patient_opened = Signal(int)
    exported = Signal(object)  # the path, once written and audited

    def __init__(self, session, loader, parent=None, open_patient=None, hint: str = ""):
        super().__init__(parent)
        self.session = session
        self.loader = loader
        self.open_patient_fn = open_patient
        self.content: ListContent | None = None
        self.exporting = False
        self._build(hint)

    # --- building ------------------------------------------------------------------------
    def _build(self, hint: str) -> None:
        self.hint_label = QLabel(hint)
        self.hint_label.setWordWrap(True)
        self.hint_label.setVisible(bool(hint))
        set_role(self.hint_label, "hint")
        self.count_label = QLabel()
        self.open_button = QPushButton("打开患者")
        self.open_button.setToolTip("打开所选患者（回车或双击）")
        self.open_button.clicked.connect(self.open_selected)
        self.export_button = QPushButton("导出Excel…")
        self.export_button.setToolTip("把当前清单按显示顺序导出为Excel文件（身份证号已遮蔽，将记入审计记录）")
        self.export_button.clicked.connect(self.export)
        for button in (self.open_button, self.export_button):
            button.setAutoDefault(False)
        top = QHBoxLayout()
        top.addWidget(self.count_label, 1)
        top.addWidget(self.open_button)
        top.addWidget(self.export_button)
        self.top_layout = top

        self.model = QStandardItemModel(self)
        self.model.setSortRole(SORT_ROLE)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.Interactive)
        header.setStretchLastSection(True)
        header.setSortIndicator(-1, Qt.AscendingOrder)  # keep the list's own order (most urgent first)
        self.table.setSortingEnabled(True)
        self.table.doubleClicked.connect(lambda _index: self.open_selected())
        self.table.installEventFilter(self)

        layout = QVBoxLayout(self)
        layout.addWidget(self.hint_label)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)

    # --- loading -------------------------------------------------------------------------
    def refresh(self) -> None:
        self.show_content(self.loader())

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
        self.count_label.setText(content.count_text)
        has_rows = bool(content.rows)
        self.open_button.setEnabled(has_rows and self.open_patient_fn is not None)
        self.export_button.setEnabled(has_rows and not self.exporting)
        if selected is not None:
            self.select_patient(selected)

    # --- what is shown -------------------------------------------------------------------
    def row_count(self) -> int:
        return self.model.rowCount()

    def visible_rows(self) -> list[list]:
        """The rows in the order on screen (after any sorting by a header click), as exported:
        numbers stay numbers."""
        rows = self.content.rows if self.content else []
        return [list(rows[self.model.item(r, 0).data(ROW_ROLE)].cells) for r in range(self.model.rowCount())]

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

    # --- export --------------------------------------------------------------------------
    def default_export_name(self) -> str:
        return f"{self.content.title}_{dt.date.today():%Y%m%d}.xlsx"

    def choose_export_path(self) -> Path | None:
        """Ask where to save; tests replace this."""
        path, _filter = QFileDialog.getSaveFileName(self, f"导出“{self.content.title}”",
                                                    self.default_export_name(), "Excel 文件 (*.xlsx)")
        if not path:
            return None
        path = Path(path)
        return path if path.suffix.lower() == ".xlsx" else path.with_suffix(".xlsx")

    def export(self) -> None:
        if not self.content or not self.content.rows or self.exporting:
            return
        path = self.choose_export_path()
        if path is None:
            return
        title, headers = self.content.title, list(self.content.headers)
        rows = self.visible_rows()
        patient_ids = [self.patient_id_at(r) for r in range(self.model.rowCount())]
        subtitle = (f"单位：{self.session.clinic.get('name', '')}　导出人：{self.session.user['display_name']}"
                    f"　导出时间：{dt.datetime.now():%Y-%m-%d %H:%M}")
        self.exporting = True
        self.export_button.setEnabled(False)
        self.export_button.setText("正在导出…")
        run_in_background(lambda: write_list_xlsx(path, title, headers, rows, subtitle),
                          lambda _result: self._exported(path, title, patient_ids),
                          self._export_failed)

    def _export_done(self) -> None:
        self.exporting = False
        self.export_button.setText("导出Excel…")
        self.export_button.setEnabled(bool(self.content and self.content.rows))

    def _exported(self, path: Path, title: str, patient_ids: list[int]) -> None:
        self._export_done()
        audit.record(self.session.db, audit.EXPORT, "work_list", title,
                     f"导出工作清单“{title}”（{len(patient_ids)} 名）：{path.name}",
                     detail={"file": str(path), "patient_ids": patient_ids}, user=self.session.user)
        self.exported.emit(path)
        self._show_info("导出完成", f"已导出 {len(patient_ids)} 名到：\n{path}")

    def _export_failed(self, exc) -> None:
        self._export_done()
        self._show_error("导出失败", f"无法写入文件：{getattr(exc, 'strerror', None) or exc}")

    def _show_info(self, title: str, text: str) -> None:
        messages.info(self, title, text)

    def _show_error(self, title: str, text: str) -> None:
        messages.error(self, title, text)
