"""The patient list: search as you type, a sortable table, open and new."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QSortFilterProxyModel, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (QHBoxLayout, QHeaderView, QLabel, QLineEdit,
                               QPushButton, QTableView, QVBoxLayout, QWidget)

from ...domain import roles
from ...storage import patients
from ..widgets import read_only_rows
from .list_model import SORT_ROLE, PatientTableModel

SEARCH_DELAY_MS = 150
SEARCH_PLACEHOLDER = "搜索：姓名、拼音首字母、身份证号、卡号或电话"
NEW_SHORTCUT = "Ctrl+N"
_OPEN_KEYS = (Qt.Key_Return, Qt.Key_Enter)


class PatientListWidget(QWidget):
    patient_opened = Signal(int)

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self.current_dialog = None
        self._shortcut_installed = False
        self._columns_sized = False
        self._build()
        self.refresh()
        from ..worker import refresh_on_change

        refresh_on_change(self, lambda: self.refresh(select_id=self.selected_patient_id()), skip_own=True)

    # --- building ------------------------------------------------------------------------
    def _build(self) -> None:
        self.search = QLineEdit()
        self.search.setPlaceholderText(SEARCH_PLACEHOLDER)
        self.search.setClearButtonEnabled(True)
        self.search.installEventFilter(self)
        self.search.textChanged.connect(self._schedule_search)
        self.search.returnPressed.connect(self.open_selected)
        self._timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.search_now)

        self.count_label = QLabel()
        self.new_button = QPushButton("新建患者")
        self.new_button.setToolTip(f"新建患者（{NEW_SHORTCUT}）")
        self.new_button.setProperty("primary", True)
        self.new_button.setEnabled(roles.can_edit_patients(self.session.role))
        self.new_button.clicked.connect(self.new_patient)
        self.open_button = QPushButton("打开")
        self.open_button.setToolTip("打开所选患者（回车或双击）")
        self.open_button.clicked.connect(self.open_selected)

        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.count_label)
        top.addWidget(self.open_button)
        top.addWidget(self.new_button)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self._build_table(), 1)

    def _build_table(self) -> QTableView:
        self.model = PatientTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        read_only_rows(self.table)
        header = self.table.horizontalHeader()
        header.setSortIndicator(-1, Qt.AscendingOrder)  # keep the search's best-first order
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.Interactive)
        self.table.setSortingEnabled(True)
        self.table.doubleClicked.connect(lambda _index: self.open_selected())
        self.table.installEventFilter(self)
        return self.table

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        self._install_new_shortcut()

    def _install_new_shortcut(self) -> None:
        """Ctrl+N, unless the window around us already owns it (the main window's menu does)."""
        if self._shortcut_installed:
            return
        self._shortcut_installed = True
        wanted = QKeySequence(NEW_SHORTCUT)
        if any(a.shortcut() == wanted for a in self.window().findChildren(QAction)):
            return
        shortcut = QShortcut(wanted, self, context=Qt.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self.new_patient)

    # --- searching -----------------------------------------------------------------------
    def _schedule_search(self) -> None:
        self._timer.start()

    def search_now(self) -> None:
        self._timer.stop()
        self.refresh()

    def refresh(self, select_id: int | None = None) -> None:
        query = self.search.text()
        rows = patients.search(self.session.db, query)
        self.model.set_rows(rows)
        if rows and not self._columns_sized:  # once, so columns do not jump about while typing
            self.table.resizeColumnsToContents()
            self._columns_sized = True
        self._update_count(query, len(rows))
        if select_id is not None:
            self.select_patient(select_id)
        elif rows:
            self.table.selectRow(0)

    def _update_count(self, query: str, shown: int) -> None:
        if query.strip():
            text = f"找到 {shown} 名"
            if shown >= patients.DEFAULT_LIMIT:
                text += f"（仅显示前 {patients.DEFAULT_LIMIT} 名）"
        else:
            total = patients.count(self.session.db)
            text = f"共 {total} 名患者"
            if total > shown:
                text += f"（显示最近 {shown} 名）"
        self.count_label.setText(text)

    # --- selection -----------------------------------------------------------------------
    def row_count(self) -> int:
        return self.proxy.rowCount()

    def patient_id_at(self, view_row: int) -> int:
        source = self.proxy.mapToSource(self.proxy.index(view_row, 0))
        return self.model.patient_id(source.row())

    def selected_patient_id(self) -> int | None:
        index = self.table.currentIndex()
        if not index.isValid():
            rows = self.table.selectionModel().selectedRows()
            if not rows:
                return None
            index = rows[0]
        return self.patient_id_at(index.row())

    def select_patient(self, patient_id: int) -> None:
        source_row = self.model.row_of(patient_id)
        if source_row is None:
            return
        view_row = self.proxy.mapFromSource(self.model.index(source_row, 0)).row()
        self.table.selectRow(view_row)
        self.table.scrollTo(self.proxy.index(view_row, 0))

    # --- keyboard ------------------------------------------------------------------------
    def eventFilter(self, watched, event) -> bool:  # noqa: N802
        if event.type() != QEvent.KeyPress:
            return super().eventFilter(watched, event)
        if watched is self.search and event.key() == Qt.Key_Down and self.row_count():
            self.table.setFocus()
            if not self.table.currentIndex().isValid():
                self.table.selectRow(0)
            return True
        if watched is self.table and event.key() in _OPEN_KEYS:
            self.open_selected()
            return True
        return super().eventFilter(watched, event)

    # --- opening -------------------------------------------------------------------------
    def open_selected(self) -> None:
        patient_id = self.selected_patient_id()
        if patient_id is None and self.row_count():
            patient_id = self.patient_id_at(0)
        if patient_id is not None:
            self.open_patient(patient_id)

    def open_patient(self, patient_id: int):
        from .page import PatientPage

        page = PatientPage(self.session, patient_id, parent=self)
        page.finished.connect(lambda _result: self.refresh(select_id=patient_id))
        self.patient_opened.emit(patient_id)
        return self._show_dialog(page)

    def new_patient(self):
        if not roles.can_edit_patients(self.session.role):
            return None
        from .form import PatientForm

        form = PatientForm(self.session, parent=self)
        form.accepted.connect(lambda: self._after_new(form))
        return self._show_dialog(form)

    def _after_new(self, form) -> None:
        self.search.clear()
        self._timer.stop()
        self.refresh(select_id=form.saved_patient_id)

    def _show_dialog(self, dialog):
        """Window-modal but non-blocking, so nothing waits in a nested event loop."""
        self.current_dialog = dialog
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.open()
        return dialog
