"""Importing an existing patient register (Attachment 8): check first, see every row, then import.

Checking never writes. Reading and writing run off the UI thread, each on its own database
connection, so the window stays responsive and nothing else's writes land in the import's
transaction. Rows in error are listed with the reason so staff can fix the spreadsheet and check
again; the report saved next to the file says the same, row by row.
"""
from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QColor, QDesktopServices
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QDialog, QHBoxLayout,
                               QHeaderView, QLabel, QProgressBar, QPushButton, QTableWidget,
                               QTableWidgetItem, QVBoxLayout)

from ..domain import privacy, roles
from ..exchange import register_import as ri
from ..services import register
from . import file_dialogs, messages
from .style import set_role
from .widgets import error_label
from .worker import run_in_background

COLUMNS = ("行号", "状态", "姓名", "身份证号", "说明")
STATUS_COLUMN, NOTE_COLUMN = 1, 4
FILE_FILTER = "登记名单 (*.xlsx *.xlsm *.csv *.txt);;Excel 文件 (*.xlsx *.xlsm);;CSV 文件 (*.csv *.txt)"
INTRO = ("选择已有的《江津区免费服用第二代抗精神病药患者登记名单》（附件8），支持 Excel（.xlsx）和 CSV。"
         "先检查每一行，不写入任何数据；确认后再导入可导入的行。")
_FULL_ID = re.compile(r"\d{17}[\dX]")
# background, text
STATUS_COLOURS = {
    ri.OK: ("#e3f4e6", "#1b5e20"),
    ri.IMPORTED_LABEL: ("#c8ebcd", "#1b5e20"),
    ri.ERROR: ("#fbe0e0", "#b71c1c"),
    ri.DUPLICATE: ("#fff0cc", "#8a5a00"),
}


class ImportRegisterDialog(QDialog):
    checked = Signal()  # a file was checked (``parsed`` is set) or could not be read (``error``)
    imported = Signal(int)  # rows written

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self.path: Path | None = None
        self.parsed: ri.ParsedRegister | None = None
        self.result: ri.ImportResult | None = None
        self.error = ""
        self.busy = False
        self.setWindowTitle("导入患者登记名单")
        self.resize(1040, 640)
        self._build()
        self._update_buttons()

    # --- building ------------------------------------------------------------------------
    def _build(self) -> None:
        intro = QLabel(INTRO)
        intro.setWordWrap(True)
        set_role(intro, "hint")

        self.file_label = QLabel("尚未选择文件")
        self.file_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.browse_button = QPushButton("选择文件…")
        self.browse_button.clicked.connect(self.browse)
        self.recheck_button = QPushButton("重新检查")
        self.recheck_button.setToolTip("改好表格并保存后，再检查一次")
        self.recheck_button.clicked.connect(self.recheck)
        file_row = QHBoxLayout()
        file_row.addWidget(QLabel("文件："))
        file_row.addWidget(self.file_label, 1)
        file_row.addWidget(self.browse_button)
        file_row.addWidget(self.recheck_button)

        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # busy, no percentage
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(10)
        self.busy_label = QLabel("")
        set_role(self.busy_label, "hint")
        busy_row = QHBoxLayout()
        busy_row.addWidget(self.busy_label)
        busy_row.addWidget(self.progress, 1)
        self.progress.hide()
        self.busy_label.hide()

        self.counts_label = QLabel("")
        self.counts_label.setStyleSheet("font-weight: bold;")
        self.problems_only = QCheckBox("只显示有问题的行")
        self.problems_only.toggled.connect(self._apply_filter)
        counts_row = QHBoxLayout()
        counts_row.addWidget(self.counts_label, 1)
        counts_row.addWidget(self.problems_only)

        self.notes_label = QLabel("")
        self.notes_label.setWordWrap(True)
        set_role(self.notes_label, "warning")
        self.notes_label.hide()

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(True)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        for column in range(len(COLUMNS) - 1):
            header.setSectionResizeMode(column, QHeaderView.ResizeToContents)
        header.setSectionResizeMode(NOTE_COLUMN, QHeaderView.Stretch)

        self.error = ""
        self.error_label = error_label()
        self.error_label.hide()
        self.result_label = QLabel("")
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.result_label.hide()

        self.open_folder_button = QPushButton("打开报告所在文件夹")
        self.open_folder_button.clicked.connect(self.open_report_folder)
        self.open_folder_button.hide()
        self.import_button = QPushButton("导入")
        self.import_button.setProperty("primary", True)
        self.import_button.clicked.connect(self.import_rows)
        close = QPushButton("关闭")
        close.clicked.connect(self.reject)
        for button in (self.browse_button, self.recheck_button, self.open_folder_button, close):
            button.setAutoDefault(False)  # Enter never opens a file dialog by surprise
        self.import_button.setDefault(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_folder_button)
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        buttons.addWidget(close)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(file_row)
        layout.addLayout(busy_row)
        layout.addLayout(counts_row)
        layout.addWidget(self.notes_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(self.result_label)
        layout.addLayout(buttons)

    # --- choosing and checking -----------------------------------------------------------
    def choose_file(self) -> str | None:
        """Ask for a file; tests replace this."""
        path, _filter = file_dialogs.open_file(self, file_dialogs.REGISTER_IMPORT, "选择登记名单", FILE_FILTER)
        return path or None

    def browse(self) -> None:
        path = self.choose_file()
        if path:
            self.load(path)

    def recheck(self) -> None:
        if self.path:
            self.load(self.path)

    def load(self, path) -> None:
        """Check the file in the background; the table fills when it is done."""
        if self.busy:
            return
        self.path = Path(path)
        self.file_label.setText(str(self.path))
        self.parsed = self.result = None
        self._show_error("")
        self.result_label.hide()
        self.open_folder_button.hide()
        self._fill_table([])
        self.counts_label.setText("")
        self._set_busy("正在检查每一行，请稍候…")
        db_path = self.session.db_path
        path = self.path
        run_in_background(lambda: self._with_connection(db_path, lambda db: register.check_register(db, path)),
                          on_done=self._checked, on_error=self._check_failed)

    def _checked(self, parsed: ri.ParsedRegister) -> None:
        self._set_busy("")
        self.parsed = parsed
        self._show_rows(parsed.rows, imported=False)
        self._show_counts()
        self.checked.emit()

    def _check_failed(self, exc: Exception) -> None:
        self._set_busy("")
        self._show_error(getattr(exc, "message", None) or f"无法读取该文件：{exc}")
        self.counts_label.setText("")
        self.checked.emit()

    # --- importing -----------------------------------------------------------------------
    def importable(self) -> int:
        if self.parsed is None or self.result is not None:
            return 0
        return self.parsed.ok_count

    def import_rows(self) -> None:
        count = self.importable()
        if self.busy or not count or not self._can_import():
            return
        if not self._confirm("导入登记名单", f"将导入 {count} 名患者。错误和重复的行不会导入。\n"
                                         f"全部成功才写入，任何一行出错都不写入。是否继续？"):
            return
        self._show_error("")
        self._set_busy(f"正在导入 {count} 行…")
        db_path, path, user = self.session.db_path, self.path, self.session.user
        run_in_background(
            lambda: self._with_connection(db_path, lambda db: register.import_register(db, user, path)),
            on_done=self._imported, on_error=self._import_failed)

    def _imported(self, result: ri.ImportResult) -> None:
        self._set_busy("")
        self.result = result
        self.parsed = result.parsed
        self._show_rows(result.rows, imported=True)
        self._show_counts()
        text = f"已导入 {result.imported} 行。"
        if result.report_path:
            text += f"导入报告已保存到：{result.report_path}"
            self.open_folder_button.show()
        else:
            text += result.report_error
        if self.parsed.error_count or self.parsed.duplicate_count:
            text += "\n有问题的行没有导入：请按“说明”改好表格后点“重新检查”，再导入。"
        self.result_label.setText(text)
        self.result_label.show()
        self._update_buttons()
        self.imported.emit(result.imported)

    def _import_failed(self, exc: Exception) -> None:
        self._set_busy("")
        self._show_error(getattr(exc, "message", None) or f"导入失败，没有写入任何患者：{exc}")

    def report_path(self) -> Path | None:
        return self.result.report_path if self.result else None

    def open_report_folder(self) -> None:
        if self.report_path():
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.report_path().parent)))

    # --- helpers -------------------------------------------------------------------------
    @staticmethod
    def _with_connection(db_path, work):
        """Run ``work(db)`` on a connection of its own (this runs on a pool thread)."""
        from ..storage.db import connect

        db = connect(db_path)
        try:
            return work(db)
        finally:
            db.conn.close()

    def _can_import(self) -> bool:
        return roles.may(self.session.role, "register.import")

    def _confirm(self, title: str, text: str) -> bool:
        return messages.confirm(self, title, text)

    def _show_error(self, text: str) -> None:
        self.error = text
        self.error_label.setText(text)
        self.error_label.setVisible(bool(text))

    def _set_busy(self, text: str) -> None:
        self.busy = bool(text)
        self.busy_label.setText(text)
        self.busy_label.setVisible(self.busy)
        self.progress.setVisible(self.busy)
        self.setCursor(Qt.BusyCursor if self.busy else Qt.ArrowCursor)
        self._update_buttons()

    def _update_buttons(self) -> None:
        count = self.importable()
        self.import_button.setText(f"导入 {count} 行")
        allowed = self._can_import()
        self.import_button.setEnabled(not self.busy and count > 0 and allowed)
        self.import_button.setToolTip("" if allowed else "只读账户不能导入患者")
        self.browse_button.setEnabled(not self.busy)
        self.recheck_button.setEnabled(not self.busy and self.path is not None)

    def _show_counts(self) -> None:
        parsed = self.parsed
        if parsed is None:
            return
        text = parsed.summary()
        if self.result is not None:
            text = f"已导入 {self.result.imported} 行，错误 {parsed.error_count} 行，重复 {parsed.duplicate_count} 行"
        self.counts_label.setText(text)
        self.notes_label.setText("\n".join(parsed.notes))
        self.notes_label.setVisible(bool(parsed.notes))

    def _show_rows(self, rows: list[ri.RowResult], imported: bool) -> None:
        self._fill_table([(r, ri.report_status(r, imported)) for r in rows])

    def _fill_table(self, rows) -> None:
        self.table.setRowCount(len(rows))
        for index, (result, label) in enumerate(rows):
            key = ri.IMPORTED_LABEL if label == ri.IMPORTED_LABEL else result.status
            cells = (str(result.row), label, result.values.get("name") or "",
                     shown_id(result), masked("；".join(result.messages)))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == 0:
                    item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                if column == STATUS_COLUMN:
                    background, foreground = STATUS_COLOURS[key]
                    item.setBackground(QColor(background))
                    item.setForeground(QColor(foreground))
                    item.setTextAlignment(Qt.AlignCenter)
                if column == NOTE_COLUMN and text:
                    item.setToolTip(masked("\n".join(result.messages)))
                item.setData(Qt.UserRole, result.status)
                self.table.setItem(index, column, item)
        self._apply_filter()
        self.table.resizeRowsToContents()
        self._update_buttons()

    def _apply_filter(self) -> None:
        only_problems = self.problems_only.isChecked()
        for row in range(self.table.rowCount()):
            status = self.table.item(row, STATUS_COLUMN).data(Qt.UserRole)
            self.table.setRowHidden(row, only_problems and status == ri.OK)

    # --- for tests and the main window ---------------------------------------------------
    def status_of(self, spreadsheet_row: int) -> str | None:
        """The 状态 shown for a spreadsheet row, or None when the row is not listed."""
        for row in range(self.table.rowCount()):
            if self.table.item(row, 0).text() == str(spreadsheet_row):
                return self.table.item(row, STATUS_COLUMN).text()
        return None


def masked(text: str) -> str:
    """Full ID numbers inside a message (a suggested 18-digit conversion) are masked on screen too."""
    return _FULL_ID.sub(lambda m: privacy.id_shown(m.group(0), privacy.LIST), text)


def shown_id(result: ri.RowResult) -> str:
    """The ID number masked; a number Excel rounded (5.00381E+17) as Excel shows it, since its last
    digits are gone anyway and staff look for exactly that in the sheet."""
    number = result.values.get("id_number")
    if number:
        return privacy.id_shown(number, privacy.LIST)
    typed = result.values.get("id_number_text") or ""
    if "E+" in typed:
        return typed
    return privacy.id_shown(typed, privacy.LIST)
