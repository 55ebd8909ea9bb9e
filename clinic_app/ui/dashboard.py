"""统计图表: collections and patients per month, money by fund per month, the quarter so far
against its pre-allocated programme money, and patients by status — with the monthly figures in
a table underneath, to be read exactly and compared with the quarterly ledger.

The figures are read on a pool thread with a read connection of its own (never the UI thread's
connection), so the window stays usable while a large database is counted.
"""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDialog, QGridLayout, QGroupBox,
                               QHeaderView, QLabel, QPushButton, QSplitter, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

from ..domain.money import yuan
from ..domain.months import add_months
from ..storage import clock
from ..storage import dashboard as figures
from ..storage.db import connect
from .charts import (BLUE, GREEN, NEUTRAL, ORANGE, PURPLE, BarLineChart, HorizontalBars, ProgressGauge,
                     StackedBarChart, count_units, money_units)
from .style import set_role
from .widgets import busy_bar, window_header
from .worker import refresh_on_change, run_in_background

RANGES = ((6, "近 6 个月"), (12, "近 12 个月"), (24, "近 24 个月"))
DEFAULT_MONTHS = 12
FUND_NAMES = (("insurance_fen", "医保特病"), ("relief_fen", "民政救助"), ("disability_fen", "残联"),
              ("programme_fen", "项目资金"))
FUND_COLORS = (BLUE, ORANGE, GREEN, PURPLE)
COLUMNS = ("月份", "领药人次", "服务患者", "总金额", *(name for _key, name in FUND_NAMES))
MONEY_KEYS = ("total_fen", *(key for key, _name in FUND_NAMES))
TOTAL_ROW = "合计"


def load_figures(db_path, today: dt.date, months: int) -> dict:
    """Everything the window shows, read on a connection of its own (runs on a pool thread)."""
    db = connect(db_path)
    try:
        return {"today": today, "months": months,
                "monthly": figures.monthly(db, today, months),
                "quarter": figures.quarter_to_date(db, today),
                "statuses": figures.patients_by_status(db)}
    finally:
        db.conn.close()


def month_title(key: str) -> str:
    year, month = key.split("-")
    return f"{year}年{int(month)}月"


def month_axis_label(key: str) -> str:
    """'2026-01' → '1月\\n2026': the chart writes the year only where it changes."""
    year, month = key.split("-")
    return f"{int(month)}月\n{year}"


def quarter_elapsed(quarter: dict) -> float:
    """How much of the quarter has passed by its 'to' day (counting that day), 0–1."""
    first = dt.date.fromisoformat(quarter["from"])
    to = dt.date.fromisoformat(quarter["to"])
    last = add_months(first, 3) - dt.timedelta(days=1)
    return min(1.0, ((to - first).days + 1) / ((last - first).days + 1))


def table_rows(monthly: list[dict]) -> list[tuple]:
    """The table's rows: one per month and a 合计 row (patients per month cannot be added up)."""
    rows = [(month_title(m["month"]), m["collections"], m["patients"], *(m[k] for k in MONEY_KEYS))
            for m in monthly]
    rows.append((TOTAL_ROW, sum(m["collections"] for m in monthly), None,
                 *(sum(m[k] for m in monthly) for k in MONEY_KEYS)))
    return rows


class DashboardWindow(QDialog):
    loaded = Signal()

    def __init__(self, session, parent=None, today: dt.date | None = None):
        super().__init__(parent)
        self.session = session
        self._today = today
        self._generation = 0
        self.loading = False
        self.data: dict | None = None
        self.setWindowTitle("统计图表")
        self.setWindowFlag(Qt.WindowMaximizeButtonHint, True)
        self.resize(1200, 780)

        self.range = QComboBox()
        for months, text in RANGES:
            self.range.addItem(text, months)
        self.range.setCurrentIndex(self.range.findData(DEFAULT_MONTHS))
        self.refresh_button = QPushButton("刷新")
        self.refresh_button.setShortcut("F5")
        self.refresh_button.setToolTip("重新统计（F5）")
        self.busy = busy_bar()
        self.status = QLabel("")
        set_role(self.status, "hint")

        self.activity = BarLineChart()
        self.funds = StackedBarChart()
        self.gauge = ProgressGauge()
        self.statuses = HorizontalBars()
        self.activity_box = self._box("每月领药人次与服务患者", self.activity)
        self.funds_box = self._box("每月金额（按资金来源）", self.funds)
        self.gauge_box = self._box("本季度项目资金使用", self.gauge)
        self.statuses_box = self._box("患者项目状态", self.statuses)
        self.table = self._make_table()
        self._lay_out()

        self.range.currentIndexChanged.connect(lambda _i: self.reload())
        self.refresh_button.clicked.connect(self.reload)
        for button in self.findChildren(QPushButton):
            button.setAutoDefault(False)
        self.reload()
        refresh_on_change(self, self.reload)   # the counts follow every collection and status change

    # --- building ----------------------------------------------------------------------------
    @staticmethod
    def _box(title: str, chart) -> QGroupBox:
        box = QGroupBox(title)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(6, 8, 6, 6)
        layout.addWidget(chart)
        return box

    @staticmethod
    def _make_table() -> QTableWidget:
        table = QTableWidget(0, len(COLUMNS))
        table.setHorizontalHeaderLabels(list(COLUMNS))
        table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectRows)
        table.setAlternatingRowColors(True)
        table.verticalHeader().setVisible(False)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
        table.setMinimumHeight(130)   # the header, two months and the 合计 row stay readable
        table.horizontalHeaderItem(1).setToolTip("当月领药次数（不含作废）")
        table.horizontalHeaderItem(2).setToolTip("当月领过药的患者人数；各月有重复，不能相加")
        table.horizontalHeaderItem(3).setToolTip("当月净额：作废在作废当月冲减，与季度台账一致")
        return table

    def _lay_out(self) -> None:
        bar = window_header("统计图表", self.session, self.busy, self.status, "统计范围", self.range,
                            self.refresh_button)

        charts = QWidget()
        grid = QGridLayout(charts)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(8)
        grid.addWidget(self.activity_box, 0, 0)
        grid.addWidget(self.funds_box, 0, 1)
        grid.addWidget(self.gauge_box, 1, 0)
        grid.addWidget(self.statuses_box, 1, 1)
        for index in range(2):
            grid.setRowStretch(index, 1)
            grid.setColumnStretch(index, 1)

        below = QWidget()
        below_layout = QVBoxLayout(below)
        below_layout.setContentsMargins(0, 0, 0, 0)
        below_layout.addWidget(self.table)
        note = QLabel("金额为当月净额（元）：作废在作废当月冲减，与季度台账的算法相同。服务患者为当月领药人数，各月不相加。")
        note.setWordWrap(True)
        set_role(note, "hint")
        below_layout.addWidget(note)

        self.splitter = QSplitter(Qt.Vertical)
        self.splitter.addWidget(charts)
        self.splitter.addWidget(below)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([480, 210])

        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.splitter, 1)

    # --- loading -----------------------------------------------------------------------------
    def months(self) -> int:
        return int(self.range.currentData())

    def today(self) -> dt.date:
        return self._today or clock.today()

    def reload(self) -> None:
        """Count again in the background; the newest request wins if several overlap."""
        self._generation += 1
        generation, db_path, today, months = self._generation, self.session.db_path, self.today(), self.months()
        self._set_busy(True)
        run_in_background(lambda: (generation, load_figures(db_path, today, months)),
                          on_done=self._loaded, on_error=self._failed)

    def _set_busy(self, busy: bool) -> None:
        self.loading = busy
        self.busy.setVisible(busy)
        if busy:
            set_role(self.status, "hint")
            self.status.setText("正在统计…")

    def _loaded(self, result) -> None:
        generation, data = result
        if generation != self._generation:
            return
        self._set_busy(False)
        self.status.setText(f"统计至 {data['today'].isoformat()}")
        self.show_figures(data)
        self.loaded.emit()

    def _failed(self, exc: Exception) -> None:
        self._set_busy(False)
        set_role(self.status, "error")
        self.status.setText(f"统计失败：{getattr(exc, 'message', None) or exc}")
        self.loaded.emit()

    # --- showing -----------------------------------------------------------------------------
    def show_figures(self, data: dict) -> None:
        self.data = data
        monthly = data["monthly"]
        keys = [m["month"] for m in monthly]
        titles = [month_title(k) for k in keys]
        axis = [month_axis_label(k) for k in keys]
        self.activity.set_data(titles, ("领药人次", [m["collections"] for m in monthly]),
                               ("服务患者", [m["patients"] for m in monthly]),
                               units=count_units("人次"), line_units=None, axis_labels=axis)
        series = [(name, [m[key] for m in monthly]) for key, name in FUND_NAMES]
        self.funds.set_data(titles, series, units=money_units([m["total_fen"] for m in monthly]),
                            axis_labels=axis, colors=FUND_COLORS, total_name="总金额")
        quarter = data["quarter"]
        self.gauge_box.setTitle(f"本季度项目资金使用（{quarter['quarter']}）")
        first, to = dt.date.fromisoformat(quarter["from"]), dt.date.fromisoformat(quarter["to"])
        self.gauge.set_data(quarter["programme_fen"], quarter["allocated_fen"],
                            caption=f"{first.month}月{first.day}日至{to.month}月{to.day}日，项目资金对比预拨金额",
                            elapsed=quarter_elapsed(quarter), spent_name="已用项目资金",
                            allocated_name="预拨金额")
        statuses = data["statuses"]
        self.statuses.set_data([(s["label"], s["count"]) for s in statuses], units=count_units("人"),
                               colors=[NEUTRAL if s["status"] is None else BLUE for s in statuses])
        self._fill_table(monthly)

    def _fill_table(self, monthly: list[dict]) -> None:
        rows = table_rows(monthly)
        self.table.setRowCount(len(rows))
        bold = QFont(self.table.font())
        bold.setBold(True)
        for r, row in enumerate(rows):
            is_total = r == len(rows) - 1
            month = None if is_total else monthly[r]
            for c, value in enumerate(row):
                if value is None:
                    text = "—"
                elif c >= 3:
                    text = yuan(value)
                else:
                    text = str(value)
                item = QTableWidgetItem(text)
                item.setTextAlignment((Qt.AlignLeft if c == 0 else Qt.AlignRight) | Qt.AlignVCenter)
                if is_total:
                    item.setFont(bold)
                    if c == 2:
                        item.setToolTip("各月服务患者有重复，不能相加")
                elif c == 1 and month["voids"]:
                    item.setToolTip(f"另有作废 {month['voids']} 次，其金额已在当月冲减")
                self.table.setItem(r, c, item)
        self.table.scrollToBottom()

    def table_values(self) -> list[list[str]]:
        return [[self.table.item(r, c).text() for c in range(self.table.columnCount())]
                for r in range(self.table.rowCount())]
