"""The three boxes across the top of the ledger window: 结账与上报 (state, export and closing
buttons, export progress), 本季度合计 (per fund, patients served) and 项目资金 (the allocation
against spending). A part of ``LedgerWindow``: the widgets are its attributes and the buttons
call its actions."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QGridLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QProgressBar, QPushButton,
                               QVBoxLayout)

from ..domain.ledger import FUND_LABELS, FUNDS
from .style import set_role
from .widgets import error_label

VALUE_STYLE = "font-weight: bold;"


class LedgerPanels:
    """Builds the boxes onto the window (mixed into ``LedgerWindow``)."""

    def _state_box(self) -> QGroupBox:
        box = QGroupBox("结账与上报")
        layout = QVBoxLayout(box)
        layout.setSpacing(4)
        self.period_label = QLabel("")
        self.period_label.setStyleSheet(VALUE_STYLE)
        self.state_label = QLabel("")
        self.state_label.setWordWrap(True)
        self.export_label = QLabel("")
        self.export_label.setWordWrap(True)
        self.export_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.close_hint = QLabel("")
        self.close_hint.setWordWrap(True)
        set_role(self.close_hint, "hint")
        self.export_button = QPushButton("导出上报文件…")
        self.export_button.setProperty("primary", True)
        self.export_button.setToolTip("把本季度台账（Excel、CSV、PDF 和校验清单）写入U盘，交项目办公室")
        self.export_button.clicked.connect(self.export_package)
        self.print_button = QPushButton("打印台账…")
        self.print_button.setObjectName("print_ledger")
        self.print_button.setShortcut("Ctrl+P")
        self.print_button.setToolTip("本季度台账（与上报文件中的 PDF 相同）先预览，再打印或另存为 PDF（Ctrl+P）")
        self.print_button.clicked.connect(self.print_ledger)
        self.close_button = QPushButton("结账")
        self.close_button.clicked.connect(self.close_quarter)
        self.reopen_button = QPushButton("重新开账…")
        self.reopen_button.clicked.connect(self.reopen_quarter)
        buttons = QHBoxLayout()
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.reopen_button)
        buttons.addStretch(1)
        self.export_bar = QProgressBar()
        self.export_bar.setRange(0, 100)
        self.export_bar.setFormat("%p%")
        self.export_bar.setMaximumHeight(20)
        self.export_bar.hide()
        self.export_result = QLabel("")
        self.export_result.setWordWrap(True)
        self.export_result.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.export_result.hide()
        for widget in (self.period_label, self.state_label, self.export_label, self.close_hint):
            layout.addWidget(widget)
        layout.addStretch(1)
        layout.addLayout(buttons)
        layout.addWidget(self.export_bar)
        layout.addWidget(self.export_result)
        return box

    def _totals_box(self) -> QGroupBox:
        box = QGroupBox("本季度合计")
        grid = QGridLayout(box)
        grid.setVerticalSpacing(3)
        self.fund_values: dict[str, QLabel] = {}
        for row, key in enumerate(FUNDS):
            value = QLabel("—")
            value.setAlignment(Qt.AlignRight | Qt.AlignVCenter)
            if key == "programme":
                value.setStyleSheet(VALUE_STYLE)
            grid.addWidget(QLabel(FUND_LABELS[key]), row, 0)
            grid.addWidget(value, row, 1)
            self.fund_values[key] = value
        self.patients_value = QLabel("—")
        self.patients_value.setAlignment(Qt.AlignRight | Qt.AlignVCenter)
        self.counts_label = QLabel("")
        set_role(self.counts_label, "hint")
        grid.addWidget(QLabel("服药患者"), len(FUNDS), 0)
        grid.addWidget(self.patients_value, len(FUNDS), 1)
        grid.addWidget(self.counts_label, len(FUNDS) + 1, 0, 1, 2)
        grid.setColumnStretch(1, 1)
        return box

    def _money_box(self) -> QGroupBox:
        box = QGroupBox("项目资金：预拨与支出")
        grid = QGridLayout(box)
        grid.setVerticalSpacing(4)
        self.allocation = QLineEdit()
        self.allocation.setPlaceholderText("如 102720.00")
        self.allocation.setAlignment(Qt.AlignRight)
        self.allocation.setMaximumWidth(150)
        self.allocation.returnPressed.connect(self.save_allocation)
        self.allocation_button = QPushButton("保存")
        self.allocation_button.clicked.connect(self.save_allocation)
        self.allocation_error = error_label()
        self.allocation_error.hide()
        editor = QHBoxLayout()
        editor.addWidget(self.allocation)
        editor.addSpacing(2)
        editor.addWidget(QLabel("元"))
        editor.addSpacing(6)
        editor.addWidget(self.allocation_button)
        editor.addStretch(1)
        self.spent_value = QLabel("—")
        self.balance_value = QLabel("—")
        for label in (self.spent_value, self.balance_value):
            label.setStyleSheet(VALUE_STYLE)
        self.allocation_hint = QLabel("预拨额度由区卫生健康委审批，项目办公室拨付（五、(五)）")
        self.allocation_hint.setWordWrap(True)
        set_role(self.allocation_hint, "hint")
        grid.addWidget(QLabel("预拨经费"), 0, 0)
        grid.addLayout(editor, 0, 1)
        grid.addWidget(self.allocation_error, 1, 0, 1, 2)
        grid.addWidget(QLabel("项目资金支出"), 2, 0)
        grid.addWidget(self.spent_value, 2, 1)
        grid.addWidget(QLabel("结余"), 3, 0)
        grid.addWidget(self.balance_value, 3, 1)
        grid.addWidget(self.allocation_hint, 4, 0, 1, 2)
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(5, 1)
        return box
