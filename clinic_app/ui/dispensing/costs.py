"""Who pays for the collection, as it is typed: the insurance and civil-affairs amounts are typed
in yuan from their settlements; the disability subsidy and the programme fund are computed by
``dispensing.quote`` (cost_split); the patient pays nothing."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QGridLayout, QGroupBox, QHBoxLayout,
                               QHeaderView, QLabel, QLineEdit, QTableWidget, QTableWidgetItem, QVBoxLayout)

from ...domain.cost_split import FUND_LABELS, FUNDS
from ...domain.errors import ValidationError
from ...domain.money import parse_yuan, yuan
from ..widgets import WrappingLabel, error_label, reserve_space

PARTS = tuple((key, FUND_LABELS[key]) for key in FUNDS)
SPLIT_COLUMNS = ("药品及规格", *(label for _key, label in PARTS))


def _yuan_field(placeholder: str) -> QLineEdit:
    field = QLineEdit()
    field.setPlaceholderText(placeholder)
    field.setFixedWidth(200)
    field.setAlignment(Qt.AlignRight)
    return field


class CostsBox(QGroupBox):
    changed = Signal()

    def __init__(self, parent=None):
        super().__init__("费用（元）：先医保特病报销，再民政救助、残联补助，余额由免费服药项目资金兜底", parent)
        self.insurance = _yuan_field("按特病卡结算单，如 120.50")
        self.insurance.setObjectName("insurance")
        self.relief = _yuan_field("按民政救助结算，如 30")
        self.relief.setObjectName("relief")
        self.insurance_error, self.relief_error = error_label(), error_label()
        for field in (self.insurance, self.relief):
            field.textChanged.connect(lambda _t: self.changed.emit())
        form = self._typed_fields()

        self.amounts: dict[str, QLabel] = {}
        grid = QGridLayout()
        for row, (key, label) in enumerate([*PARTS, ("patient", "个人支付")]):
            grid.addWidget(QLabel(label), row, 0)
            value = QLabel("—")
            value.setObjectName(f"amount_{key}")
            value.setAlignment(Qt.AlignRight | Qt.AlignVCenter)
            value.setMinimumWidth(90)
            self.amounts[key] = value
            grid.addWidget(value, row, 1)
        self.amounts["patient"].setText("0.00")
        self.amounts["patient"].setStyleSheet("font-weight: bold; color: #2e7d32;")
        self.amounts["programme"].setStyleSheet("font-weight: bold;")
        self.cap = WrappingLabel("")
        self.cap.setObjectName("cap")
        self.cap.setStyleSheet("color: #52606d;")
        self.disability_note = WrappingLabel("")   # why the 残联 subsidy is what it is (above all: why 0)
        self.disability_note.setObjectName("disability_note")
        self.disability_note.setStyleSheet("color: #52606d;")

        self.split = QTableWidget(0, len(SPLIT_COLUMNS))
        self.split.setObjectName("split")
        self.split.setHorizontalHeaderLabels(list(SPLIT_COLUMNS))
        self.split.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.split.setSelectionMode(QAbstractItemView.NoSelection)
        self.split.setFocusPolicy(Qt.NoFocus)
        self.split.verticalHeader().setVisible(False)
        header = self.split.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.Stretch)
        self.split.setMaximumHeight(130)

        top = QHBoxLayout()
        top.addLayout(form, 1)
        top.addLayout(grid)
        column = QVBoxLayout(self)
        column.addLayout(top)
        column.addWidget(self.cap)
        column.addWidget(self.disability_note)
        column.addWidget(self.split)

    def _typed_fields(self) -> QGridLayout:
        """Label, field, and the field's message on its own row under the field, its height kept
        while it is empty: the message never lies over a field, and nothing moves when it goes.
        A grid (not a form row) gives a message that wraps the height it needs."""
        grid = QGridLayout()
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(2)
        for row, (key, field, error) in enumerate((("insurance", self.insurance, self.insurance_error),
                                                    ("relief", self.relief, self.relief_error))):
            label = QLabel(FUND_LABELS[key])
            label.setBuddy(field)
            error.setObjectName(f"{key}_error")
            error.hide()
            grid.addWidget(label, 2 * row, 0, Qt.AlignRight | Qt.AlignVCenter)
            grid.addWidget(field, 2 * row, 1, Qt.AlignLeft)
            grid.addWidget(reserve_space(error), 2 * row + 1, 1)
        grid.setColumnStretch(1, 1)
        return grid

    # --- reading what was typed ---------------------------------------------------------------
    def _parse(self, field: QLineEdit, error: QLabel) -> int | None:
        try:
            value = parse_yuan(field.text())
        except ValidationError as exc:
            error.setText(exc.message)
            error.show()
            return None
        error.setText("")
        error.hide()
        return value

    def typed(self) -> tuple[int | None, int | None]:
        """(insurance, relief) in fen; ``None`` for a field whose text is not an amount (its
        error is shown under it)."""
        return self._parse(self.insurance, self.insurance_error), self._parse(self.relief, self.relief_error)

    # --- showing the split --------------------------------------------------------------------
    def show_quote(self, quote, labels: list[str], cap_fen: int) -> None:
        split = quote.split if quote is not None else None
        for key, _label in PARTS:
            self.amounts[key].setText(yuan(getattr(split, key)) if split else "—")
        if split and cap_fen > 0 and quote.cap is not None:
            self.cap.setText(quote.cap.summary())
        else:
            self.cap.setText("")
        rows = list(zip(labels, quote.line_splits)) if split else []
        self.split.setRowCount(len(rows) + (1 if rows else 0))
        for r, (label, line) in enumerate(rows):
            self._put_row(r, label, line)
        if rows:
            self._put_row(len(rows), "合计", split, bold=True)

    def _put_row(self, r: int, label: str, split, bold: bool = False) -> None:
        values = [label, *(yuan(getattr(split, key)) for key, _label in PARTS)]
        for c, text in enumerate(values):
            item = QTableWidgetItem(text)
            if c:
                item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
            if bold:
                font = item.font()
                font.setBold(True)
                item.setFont(font)
            self.split.setItem(r, c, item)

    def show_disability_note(self, text: str) -> None:
        self.disability_note.setText(f"残联免费服药资金：{text}" if text else "")

    def split_text(self) -> list[list[str]]:
        return [[self.split.item(r, c).text() for c in range(self.split.columnCount())]
                for r in range(self.split.rowCount())]

    def set_enabled(self, enabled: bool) -> None:
        self.insurance.setEnabled(enabled)
        self.relief.setEnabled(enabled)
