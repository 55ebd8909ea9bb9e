"""The prescription table of the dispensing dialog: one row per specification, and as each row is
typed, its units, days covered, cover end and the most that may be collected (from
``dispensing.plan_line``). A quantity above the maximum turns red with its reason — it is never
cut down behind the user's back."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
                               QSpinBox, QTableWidget, QTableWidgetItem, QToolButton, QWidget)

from ...domain.packs import pack_unit
from ...domain.cover import LAST_DAY_LABEL, last_day_text
from ...domain.errors import ValidationError
from ...domain.money import yuan
from ...storage import catalogue, dispensing
from ...storage.errors import StorageError
from ..keyboard import cells_take_tab_order

COLUMNS = ("药品及规格", "数量", "每日用量", "合计", "可用天数", LAST_DAY_LABEL, "最多可领", "单价（元）", "金额（元）",
           "支付", "")
SPEC, PACKS, DOSE, UNITS, DAYS, UNTIL, MAX, PRICE, TOTAL, FUND, REMOVE = range(len(COLUMNS))
SELF_PAID_SHORT = "自费，项目不支付"
RED = QColor("#c62828")
PLACEHOLDER = "请选择药品…"
MAX_PACKS = 999
BAD_SPIN = "QSpinBox { border: 1px solid #c62828; background: #fff5f5; }"


class LineRow:
    """The widgets of one row and what was typed in them."""

    def __init__(self, specs: list[dict]):
        self.spec = QComboBox()
        self.spec.addItem(PLACEHOLDER, None)
        for spec in specs:
            self.spec.addItem(spec["label"], spec["id"])
        self._specs = {s["id"]: s for s in specs}
        self.packs = QSpinBox()
        self.packs.setRange(0, MAX_PACKS)
        self.packs.setValue(1)
        self.packs.setSuffix(" 盒")
        self.packs.setToolTip("领取的包装数；超过最多可领时标红，不会自动改小")
        self.dose = QLineEdit()
        self.dose.setPlaceholderText("如 1.5")
        self.dose.setToolTip("每日服用的最小单位数，可写 1、1.5、0.5 或 1/2")
        self.dose_unit = QLabel("片/日")
        self.dose_cell = QWidget()
        row = QHBoxLayout(self.dose_cell)
        row.setContentsMargins(2, 0, 2, 0)
        row.addWidget(self.dose, 1)
        row.addWidget(self.dose_unit)
        self.remove = QToolButton()
        self.remove.setText("删除")
        self.remove.setToolTip("删除这一行（光标在行内时按 Ctrl+Shift+Delete）")
        self.remove.setFocusPolicy(Qt.NoFocus)  # Tab goes from 每日用量 straight to the next line
        self.planned = None
        self.issue = ""
        self.payer: tuple[bool, str] | None = None   # (programme pays, the words) on the collection's day

    @property
    def spec_id(self) -> int | None:
        return self.spec.currentData()

    @property
    def spec_row(self) -> dict | None:
        return self._specs.get(self.spec_id)

    def choose(self, spec_id: int | None) -> None:
        index = self.spec.findData(spec_id)
        self.spec.setCurrentIndex(max(index, 0))

    def values(self) -> dict:
        return {"spec_id": self.spec_id, "packs": self.packs.value(), "daily_dose": self.dose.text().strip()}

    def widgets(self):
        return (self.spec, self.packs, self.dose, self.remove)

    def inputs(self):
        """What staff type into, in the order Tab visits them."""
        return (self.spec, self.packs, self.dose)

    def holds(self, widget) -> bool:
        return any(widget is w or (w.isAncestorOf(widget) if widget is not None else False)
                   for w in (*self.inputs(), self.dose_cell))


class LinesTable(QTableWidget):
    """Tab walks the typed columns — 药品及规格, 数量, 每日用量 — line after line; the computed
    cells are read-only and never take the focus (``rows_changed`` asks the dialog to set the
    Tab order again when a line comes or goes)."""

    changed = Signal()
    rows_changed = Signal()

    def __init__(self, specs: list[dict], parent=None):
        super().__init__(0, len(COLUMNS), parent)
        self.specs = specs
        self.rows: list[LineRow] = []
        self.setObjectName("lines")
        self.setHorizontalHeaderLabels(list(COLUMNS))
        self.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.NoSelection)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(34)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeToContents)
        header.setSectionResizeMode(SPEC, QHeaderView.Stretch)
        header.setSectionResizeMode(DOSE, QHeaderView.Fixed)
        self.setColumnWidth(DOSE, 110)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarAsNeeded)
        cells_take_tab_order(self)
        self._fit()

    def _fit(self) -> None:
        """As tall as its rows (at least two, at most six), so the dialog does not scroll."""
        shown = min(max(self.rowCount(), 2), 6)
        self.setFixedHeight(self.horizontalHeader().sizeHint().height() + shown * 34 + 2 * self.frameWidth() + 2)

    # --- rows -------------------------------------------------------------------------------
    def add_row(self) -> LineRow:
        row = LineRow(self.specs)
        index = self.rowCount()
        self.insertRow(index)
        self.setCellWidget(index, SPEC, row.spec)
        self.setCellWidget(index, PACKS, row.packs)
        self.setCellWidget(index, DOSE, row.dose_cell)
        self.setCellWidget(index, REMOVE, row.remove)
        for column in (UNITS, DAYS, UNTIL, MAX, PRICE, TOTAL, FUND):
            item = QTableWidgetItem("")
            item.setTextAlignment(Qt.AlignVCenter | (Qt.AlignRight if column in (PRICE, TOTAL) else Qt.AlignLeft))
            self.setItem(index, column, item)
        self.rows.append(row)
        row.spec.currentIndexChanged.connect(lambda _i, r=row: self._spec_changed(r))
        row.packs.valueChanged.connect(lambda _v: self.changed.emit())
        row.dose.textChanged.connect(lambda _t: self.changed.emit())
        row.remove.clicked.connect(lambda _c=False, r=row: self.remove_row(r))
        self._fit()
        self.rows_changed.emit()
        self.changed.emit()
        return row

    def remove_row(self, row: LineRow) -> None:
        index = self.rows.index(row)
        self.rows.pop(index)
        self.removeRow(index)
        self._fit()
        self.rows_changed.emit()
        self.changed.emit()

    def row_holding(self, widget) -> LineRow | None:
        """The line whose input has the focus, if any."""
        return next((row for row in self.rows if row.holds(widget)), None)

    def inputs(self) -> list:
        return [widget for row in self.rows for widget in row.inputs()]

    def _spec_changed(self, row: LineRow) -> None:
        spec = row.spec_row
        row.packs.setSuffix(f" {pack_unit(spec)}")
        row.dose_unit.setText(f"{(spec or {}).get('unit') or '片'}/日")
        self.changed.emit()

    def cell_text(self, index: int, column: int) -> str:
        item = self.item(index, column)
        return item.text() if item else ""

    def cell_is_red(self, index: int, column: int) -> bool:
        item = self.item(index, column)
        return bool(item) and item.foreground().color() == RED

    # --- planning ---------------------------------------------------------------------------
    def plan(self, db, patient_id: int, date: str | None) -> None:
        """Fill the computed cells of every row for a collection on ``date``."""
        for index, row in enumerate(self.rows):
            row.planned, row.issue, row.payer = None, "", None
            spec = row.spec_row
            if spec is not None and date is not None:
                row.payer = catalogue.payer_on(db, spec["id"], date)
            if spec is None:
                row.issue = "请选择药品"
            elif date is None:
                row.issue = "请先填写领药日期"
            else:
                try:
                    row.planned = dispensing.plan_line(db, patient_id, date, spec["id"], row.packs.value(),
                                                       row.dose.text())
                except (ValidationError, StorageError) as exc:
                    row.issue = exc.message
            self._show(index, row)

    def _show(self, index: int, row: LineRow) -> None:
        planned = row.planned
        texts = dict.fromkeys((UNITS, DAYS, UNTIL, MAX, PRICE, TOTAL), "")
        over = False
        if planned is not None:
            spec = planned.spec
            unit, packs_in = spec["unit"], pack_unit(spec)
            check = planned.check
            over = not check.ok
            texts.update({
                UNITS: f"{planned.units} {unit}", DAYS: f"{check.days} 天", UNTIL: check.last_day.isoformat(),
                MAX: f"最多可领 {check.max_packs} {packs_in}", PRICE: yuan(planned.price_fen),
                TOTAL: yuan(planned.total_fen)})
            tip = check.message(unit, packs_in) or (
                f"从 {check.start.isoformat()} 起可用 {check.days} 天，{LAST_DAY_LABEL}{check.last_day.isoformat()}，"
                f"三个月用量最多用至 {last_day_text(check.limit)}")
        else:
            tip = row.issue
        for column, text in texts.items():
            item = self.item(index, column)
            item.setText(text)
            item.setToolTip(tip)
            item.setForeground(RED if over and column in (UNITS, DAYS, UNTIL, MAX) else QColor("#1f2933"))
        row.packs.setStyleSheet(BAD_SPIN if over else "")
        row.packs.setToolTip(tip or "领取的包装数")
        self._show_fund(index, row.payer)

    def _show_fund(self, index: int, payer: tuple[bool, str] | None) -> None:
        """Which fund pays the line: the programme, or 自费 in red with the full refusal as its tip
        (the same words are in the problems under the table)."""
        item = self.item(index, FUND)
        pays, words = payer if payer is not None else (True, "")
        item.setText(words if pays else SELF_PAID_SHORT)
        item.setToolTip(words)
        item.setForeground(QColor("#1f2933") if pays else RED)

    def fund_text(self, index: int) -> str:
        """The full words for who pays line ``index`` (the cell shows the short form for 自费)."""
        item = self.item(index, FUND)
        return item.toolTip() if item else ""

    def lines(self) -> list[dict]:
        return [row.values() for row in self.rows]

    def complete(self) -> bool:
        return bool(self.rows) and all(row.spec_id is not None for row in self.rows)

    def planned(self) -> list:
        """The rows planned so far (``dispensing.PlannedLine``), for the default appointment."""
        return [row.planned for row in self.rows if row.planned is not None]

    def shortest_days(self) -> int | None:
        days = [row.planned.check.days for row in self.rows if row.planned and row.planned.check.days > 0]
        return min(days) if days else None

    def set_enabled(self, enabled: bool) -> None:
        for row in self.rows:
            for widget in row.widgets():
                widget.setEnabled(enabled)
