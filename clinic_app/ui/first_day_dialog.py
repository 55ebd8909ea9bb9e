"""开始使用 (帮助 → 开始使用): the four things a new clinic does before its first dispensing —
accounts, drugs and prices, stock, the first patient — each ticked from what the database holds
(``storage.first_day``), each with the button that opens the dialog where it is done."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QDialog, QFrame, QGridLayout, QHBoxLayout, QLabel, QPushButton,
                               QVBoxLayout)

from ..domain import roles
from ..storage import first_day
from .style import set_role
from .worker import refresh_on_change

DONE_MARK, TODO_MARK = "✔", "○"
DONE_STYLE = "color: #2e7d32; font-size: 20pt; font-weight: bold;"
TODO_STYLE = "color: #9aa5b1; font-size: 20pt; font-weight: bold;"
INTRO = ("新单位开始发药前，请按顺序完成下面几步。已完成的步骤会自动打勾——依据数据库中已有的记录，"
         "而不是点过的按钮；以后随时可从“帮助 → 开始使用”再打开这里。")
BUTTONS = {
    first_day.ACCOUNTS: ("用户管理…", "users.manage"),
    first_day.CATALOGUE: ("药品目录与价格…", "catalogue.edit"),
    first_day.STOCK: ("药品入库…", "stock.edit"),
    first_day.PATIENT: ("新建患者…", "patient.edit"),
}
NOT_ALLOWED = {
    first_day.ACCOUNTS: "需由管理员完成",
    first_day.CATALOGUE: "需由管理员完成（其他人可查看）",
    first_day.STOCK: "需由精防人员或管理员完成",
    first_day.PATIENT: "只读账户不能新建患者",
}


class GettingStartedDialog(QDialog):
    """``window`` is the main window: the buttons open its dialogs, so they behave as from the menus."""

    def __init__(self, session, window, parent=None):
        super().__init__(parent or window)
        self.session = session
        self.window_ = window
        self.setWindowTitle("开始使用")
        self.setMinimumWidth(720)
        self.marks: dict[str, QLabel] = {}
        self.details: dict[str, QLabel] = {}
        self.buttons: dict[str, QPushButton] = {}
        self.steps: list[first_day.Step] = []

        title = QLabel("开始使用")
        set_role(title, "title")
        intro = QLabel(INTRO)
        intro.setWordWrap(True)
        set_role(intro, "hint")
        self.progress = QLabel("")
        self.progress.setObjectName("progress")
        grid = QGridLayout()
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(10)
        grid.setColumnStretch(1, 1)
        for row, key in enumerate(first_day.STEPS):
            self._add_step(grid, row, key)
        close = QPushButton("关闭")
        close.clicked.connect(self.accept)
        bottom = QHBoxLayout()
        bottom.addWidget(self.progress, 1)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addSpacing(6)
        layout.addLayout(grid)
        layout.addStretch(1)
        layout.addLayout(bottom)
        self.refresh()
        refresh_on_change(self, self.refresh)
        self._focus_next_step()

    def _add_step(self, grid: QGridLayout, row: int, key: str) -> None:
        mark = QLabel(TODO_MARK)
        mark.setObjectName(f"mark_{key}")
        mark.setAlignment(Qt.AlignCenter)
        mark.setFixedWidth(36)
        text = QLabel(f"{row + 1}. {first_day.TITLES[key]}")
        text.setStyleSheet("font-weight: bold; font-size: 12pt;")
        why = QLabel(first_day.WHY[key])
        why.setWordWrap(True)
        set_role(why, "hint")
        detail = QLabel("")
        detail.setObjectName(f"detail_{key}")
        detail.setWordWrap(True)
        column = QVBoxLayout()
        column.setSpacing(2)
        for label in (text, why, detail):
            column.addWidget(label)
        label, right = BUTTONS[key]
        button = QPushButton(label)
        button.setObjectName(f"open_{key}")
        button.setAutoDefault(False)
        allowed = roles.may(self.session.role, right) or key == first_day.CATALOGUE
        button.setEnabled(allowed)
        if not roles.may(self.session.role, right):
            button.setToolTip(NOT_ALLOWED[key])
        button.clicked.connect(lambda _c=False, key=key: self.open_step(key))
        line = QFrame()
        line.setFrameShape(QFrame.HLine)
        line.setStyleSheet("color: #d9e2ec;")
        grid.addWidget(mark, 2 * row, 0, Qt.AlignTop)
        grid.addLayout(column, 2 * row, 1)
        grid.addWidget(button, 2 * row, 2, Qt.AlignTop)
        grid.addWidget(line, 2 * row + 1, 0, 1, 3)
        self.marks[key], self.details[key], self.buttons[key] = mark, detail, button

    # --- showing -------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Ask the database again: a step is done when its records are there, whoever made them."""
        self.steps = first_day.steps(self.session.db)
        for step in self.steps:
            self.marks[step.key].setText(DONE_MARK if step.done else TODO_MARK)
            self.marks[step.key].setStyleSheet(DONE_STYLE if step.done else TODO_STYLE)
            self.details[step.key].setText(step.detail)
            set_role(self.details[step.key], "" if step.done else "warning")
            self.buttons[step.key].setProperty("primary", not step.done)
            self.buttons[step.key].style().unpolish(self.buttons[step.key])
            self.buttons[step.key].style().polish(self.buttons[step.key])
        done = sum(step.done for step in self.steps)
        self.progress.setText(f"已完成 {done} / {len(self.steps)} 步" + ("，可以开始发药了" if done == len(self.steps) else ""))

    def done_keys(self) -> list[str]:
        return [step.key for step in self.steps if step.done]

    def _focus_next_step(self) -> None:
        """The cursor on the first step still to do, so Enter or Space opens it."""
        for step in self.steps:
            if not step.done and self.buttons[step.key].isEnabled():
                self.buttons[step.key].setFocus(Qt.OtherFocusReason)
                return

    # --- acting --------------------------------------------------------------------------------
    def open_step(self, key: str):
        """Open the dialog where the step is done, as the main window's menu does."""
        window = self.window_
        if key == first_day.ACCOUNTS:
            opened = window.open_accounts()
        elif key == first_day.CATALOGUE:
            opened = window.open_catalogue()
        elif key == first_day.STOCK:
            opened = window.open_stock().open_receive()
        else:
            opened = window.patient_list.new_patient()
        self.refresh()
        return opened
