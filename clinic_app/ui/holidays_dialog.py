"""The administrator's holiday table: official holidays for years the program does not know yet,
and local adjustments. A month grid shows at once what the deadlines will be counted with."""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QLocale, Qt
from PySide6.QtGui import QColor, QFont, QTextCharFormat
from PySide6.QtWidgets import (QAbstractItemView, QCalendarWidget, QComboBox, QDialog,
                               QHBoxLayout, QLabel, QLineEdit, QPushButton, QTableWidget,
                               QTableWidgetItem, QVBoxLayout)

from ..domain import roles
from ..domain import workcalendar as wc
from ..domain.dates import parse_date
from ..domain.errors import ClinicError, ValidationError
from ..services import holidays as holiday_services
from ..storage import clock, holidays
from . import messages
from .style import set_role
from .widgets import error_label

COLUMNS = ("日期", "类型", "说明")
FIRST_YEAR, LAST_YEAR = 2004, 2099

REST = QColor("#c62828")
ADJUSTED = QColor("#1d4f91")
PLAIN = QColor("#1f2933")
OVERRIDE_BACKGROUND = QColor("#fff3c4")
APPLICATION_BACKGROUND = QColor("#d7f0dc")
LEGEND = ('<span style="color:#c62828">■</span> 休息日（周末、节假日）　'
          '<span style="color:#1d4f91"><b>■</b></span> 调休上班日<br>'
          '<span style="color:#f0d060">■</span> 节假日表中的日期　'
          '<span style="color:#7cc68d">■</span> 每月申请日')


def coverage_text(year: int) -> tuple[str, str]:
    """(label text, style role) saying whether the official holidays of ``year`` are built in."""
    if wc.year_covered(year):
        return f"{year}年：已收录国家法定节假日", "hint"
    return f"{year}年：尚未收录，请在此表中录入法定节假日和调休上班日", "warning"


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(day: QDate) -> dt.date:
    return dt.date(day.year(), day.month(), day.day())


class HolidaysDialog(QDialog):
    """Editable by administrators; everyone else may look (the deadlines depend on it)."""

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self.can_edit = roles.may(session.role, "holidays.edit")
        self.rows: list[dict] = []
        self._formats: dict[tuple, QTextCharFormat] = {}
        self.setWindowTitle("节假日表")
        self.resize(900, 520)

        self.year = QComboBox()
        for year in range(FIRST_YEAR, LAST_YEAR + 1):
            self.year.addItem(f"{year}年", year)
        self.year.setMaxVisibleItems(15)
        self.coverage = QLabel("")
        self.coverage.setWordWrap(True)
        self.table = self._make_table()
        self.grid = self._make_grid()
        self.day_info = QLabel("")
        self.day_info.setWordWrap(True)
        set_role(self.day_info, "hint")
        self.application_days = QLabel("")
        self.application_days.setWordWrap(True)
        legend = QLabel(LEGEND)
        legend.setTextFormat(Qt.RichText)
        set_role(legend, "hint")

        self.date_edit = QLineEdit()
        self.date_edit.setPlaceholderText("如 2027-02-06")
        self.kind = QComboBox()
        for kind in wc.KINDS:
            self.kind.addItem(wc.KIND_LABELS[kind], kind)
        self.note = QLineEdit()
        self.note.setPlaceholderText("说明，如 春节")
        self.add_button = QPushButton("添加")
        self.add_button.setProperty("primary", True)
        self.remove_button = QPushButton("删除选中")
        self.message = error_label()
        self.status = QLabel("")
        set_role(self.status, "hint")
        close = QPushButton("关闭")

        self.set_year(clock.today().year)
        self.year.currentIndexChanged.connect(self.reload)
        self.add_button.clicked.connect(self.add_day)
        self.date_edit.returnPressed.connect(self.add_day)
        self.note.returnPressed.connect(self.add_day)
        self.date_edit.textEdited.connect(self._clear_error)
        self.remove_button.clicked.connect(self.remove_selected)
        self.grid.clicked.connect(self._grid_clicked)
        self.grid.currentPageChanged.connect(self._page_changed)
        close.clicked.connect(self.accept)

        self._lay_out(legend, close)
        self._apply_permissions()
        self.reload()

    # --- building ------------------------------------------------------------------------------

    def _make_table(self) -> QTableWidget:
        table = QTableWidget(0, len(COLUMNS))
        table.setHorizontalHeaderLabels(COLUMNS)
        table.setSelectionBehavior(QAbstractItemView.SelectRows)
        table.setSelectionMode(QAbstractItemView.SingleSelection)
        table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        table.setAlternatingRowColors(True)
        table.horizontalHeader().setStretchLastSection(True)
        table.verticalHeader().setVisible(False)
        return table

    def _make_grid(self) -> QCalendarWidget:
        grid = QCalendarWidget()
        grid.setLocale(QLocale(QLocale.Chinese, QLocale.China))  # 二〇二七年二月, 周一…
        grid.setGridVisible(True)
        grid.setVerticalHeaderFormat(QCalendarWidget.NoVerticalHeader)
        grid.setFirstDayOfWeek(Qt.Monday)
        grid.setDateRange(QDate(FIRST_YEAR, 1, 1), QDate(LAST_YEAR, 12, 31))
        rest = QTextCharFormat()
        rest.setForeground(REST)
        for weekend in (Qt.Saturday, Qt.Sunday):
            grid.setWeekdayTextFormat(weekend, rest)
        return grid

    def _lay_out(self, legend: QLabel, close: QPushButton) -> None:
        top = QHBoxLayout()
        top.addWidget(QLabel("年份"))
        top.addWidget(self.year)
        top.addWidget(self.coverage, 1)

        add_row = QHBoxLayout()
        add_row.addWidget(QLabel("日期"))
        add_row.addWidget(self.date_edit)
        add_row.addWidget(self.kind)
        add_row.addWidget(self.note, 1)
        add_row.addWidget(self.add_button)

        left = QVBoxLayout()
        left.addWidget(self.table, 1)
        left.addLayout(add_row)
        left.addWidget(self.message)

        right = QVBoxLayout()
        right.addWidget(self.grid)
        right.addWidget(legend)
        right.addWidget(self.day_info)
        right.addWidget(self.application_days)
        right.addStretch(1)

        middle = QHBoxLayout()
        middle.addLayout(left, 3)
        middle.addLayout(right, 2)

        bottom = QHBoxLayout()
        bottom.addWidget(self.remove_button)
        bottom.addWidget(self.status, 1)
        bottom.addWidget(close)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(middle, 1)
        layout.addLayout(bottom)

    def _apply_permissions(self) -> None:
        for widget in (self.date_edit, self.kind, self.note, self.add_button, self.remove_button):
            widget.setEnabled(self.can_edit)
        if not self.can_edit:
            self.status.setText("仅管理员可修改节假日表")

    # --- showing -------------------------------------------------------------------------------

    def selected_year(self) -> int:
        return self.year.currentData()

    def set_year(self, year: int) -> None:
        """Show ``year`` (clamped to the range the selector offers); reloads when it changes."""
        year = min(max(year, FIRST_YEAR), LAST_YEAR)
        self.year.setCurrentIndex(year - FIRST_YEAR)

    def reload(self) -> None:
        """Re-read the table and repaint everything for the selected year."""
        year = self.selected_year()
        self.calendar = holidays.calendar(self.session.db)
        self.rows = holidays.list_days(self.session.db, year)
        self._fill_table()
        text, role = coverage_text(year)
        self.coverage.setText(text)
        set_role(self.coverage, role)
        if self.grid.yearShown() != year:
            self.grid.setCurrentPage(year, self.grid.monthShown())
        self._paint_grid(year)
        self.application_days.setText(self._application_days_text(year))

    def _application_days_text(self, year: int) -> str:
        days = [self.calendar.application_day(year, m) for m in range(1, 13)]
        listed = [f"{d.month}月{d.day}日" for d in days]
        return f"{year}年申请日：\n" + "、".join(listed[:6]) + "\n" + "、".join(listed[6:])

    def _fill_table(self) -> None:
        self.table.setRowCount(len(self.rows))
        for r, row in enumerate(self.rows):
            day = dt.date.fromisoformat(row["date"])
            values = (f"{row['date']} {wc.WEEKDAY_NAMES[day.weekday()]}",
                      wc.KIND_LABELS.get(row["kind"], row["kind"]), row["note"] or "")
            for c, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setData(Qt.UserRole, row["date"])
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        for column, least in ((0, 150), (1, 80)):  # an empty year keeps readable headers
            self.table.setColumnWidth(column, max(self.table.columnWidth(column), least))

    def _paint_grid(self, year: int) -> None:
        """Colour the year the way the deadlines will count it.

        Weekends are red through the weekday format; only the exceptions (weekday holidays,
        adjusted working weekends, table days, application days) get a date format of their own,
        which keeps this to a few dozen calls per year.
        """
        self.grid.setDateTextFormat(QDate(), QTextCharFormat())  # forget the previous year
        application = {self.calendar.application_day(year, m) for m in range(1, 13)}
        day = dt.date(year, 1, 1)
        while day.year == year:
            key = self._day_key(day, day in application)
            if key is not None:
                self.grid.setDateTextFormat(_qdate(day), self._format(key))
            day += dt.timedelta(days=1)

    def _day_key(self, day: dt.date, is_application_day: bool) -> tuple | None:
        """(working, overridden, application day) for a day that differs from its weekday's look."""
        working = self.calendar.is_working_day(day)
        overridden = day in self.calendar.overrides
        weekend = day.weekday() >= 5
        ordinary = working != weekend  # a worked weekday or a rested weekend
        if ordinary and not overridden and not is_application_day:
            return None
        return working and weekend, working, overridden, is_application_day

    def _format(self, key: tuple) -> QTextCharFormat:
        """One shared format per kind of day, built once."""
        if key not in self._formats:
            adjusted, working, overridden, application = key
            fmt = QTextCharFormat()
            fmt.setForeground(ADJUSTED if adjusted else PLAIN if working else REST)
            if adjusted:
                fmt.setFontWeight(QFont.Bold)
            if overridden or application:
                fmt.setBackground(OVERRIDE_BACKGROUND if overridden else APPLICATION_BACKGROUND)
            self._formats[key] = fmt
        return self._formats[key]

    # --- reacting ------------------------------------------------------------------------------

    def _grid_clicked(self, qdate: QDate) -> None:
        """Say how the day counts, and offer it for adding — saves typing the date."""
        day = _pydate(qdate)
        self.day_info.setText(self.calendar.explain(day))
        if self.can_edit:
            self.date_edit.setText(day.isoformat())
            self._clear_error()

    def _page_changed(self, year: int, _month: int) -> None:
        if year != self.selected_year():
            self.set_year(year)

    def _clear_error(self, *_args) -> None:
        self.message.clear()
        self.date_edit.setProperty("invalid", False)
        self.date_edit.style().unpolish(self.date_edit)
        self.date_edit.style().polish(self.date_edit)

    def _show_error(self, text: str) -> None:
        """Next to the field, keeping what was typed so it can be corrected."""
        self.message.setText(text)
        self.date_edit.setProperty("invalid", True)
        self.date_edit.style().unpolish(self.date_edit)
        self.date_edit.style().polish(self.date_edit)
        self.date_edit.setFocus()

    def add_day(self) -> None:
        if not self.can_edit:
            return
        try:
            day = parse_date(self.date_edit.text())
        except ValidationError as exc:
            self._show_error(exc.message)
            return
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            self._show_error(f"年份应在{FIRST_YEAR}至{LAST_YEAR}之间")
            return
        kind = self.kind.currentData()
        try:
            holiday_services.set_day(self.session.db, self.session.user, day, kind, self.note.text())
        except ClinicError as exc:
            self._show_error(exc.message)
            return
        self._clear_error()
        self.date_edit.clear()
        self.note.clear()
        self.status.setText(f"已保存：{day.isoformat()} {wc.KIND_LABELS[kind]}")
        if day.year != self.selected_year():
            self.set_year(day.year)  # reloads
        else:
            self.reload()
        self._select(day.isoformat())

    def _select(self, iso: str) -> None:
        for r, row in enumerate(self.rows):
            if row["date"] == iso:
                self.table.selectRow(r)
                return

    def selected_row(self) -> dict | None:
        selected = self.table.selectionModel().selectedRows()
        return self.rows[selected[0].row()] if selected else None

    def _confirm(self, title: str, text: str) -> bool:
        """Separated so tests can answer without a modal loop."""
        return messages.confirm(self, title, text)

    def remove_selected(self) -> None:
        if not self.can_edit:
            return
        row = self.selected_row()
        if row is None:
            self.message.setText("请先在表中选中要删除的日期")
            return
        label = wc.KIND_LABELS.get(row["kind"], row["kind"])
        if not self._confirm("删除", f"从节假日表中删除 {row['date']}（{label}）？"):
            return
        try:
            holiday_services.remove_day(self.session.db, self.session.user, row["date"])
        except ClinicError as exc:
            self.message.setText(exc.message)
            return
        self.message.clear()
        self.status.setText(f"已删除：{row['date']} {label}")
        self.reload()
