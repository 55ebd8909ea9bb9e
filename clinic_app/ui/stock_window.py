"""药品库存: the programme stock per specification and batch (五、(三)1 药品出入库登记).

Expired batches are red and those expiring within 60 days orange, so they are used or returned in
time. Deliveries are booked in here and stock counts put right with a reason; issues and void
returns come from dispensing. A window of its own (not modal), to keep open beside the patients.
"""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QHBoxLayout, QLabel, QLineEdit, QPushButton,
                               QSpinBox, QSplitter, QTreeWidgetItem, QVBoxLayout, QWidget)

from ..domain.packs import DEFAULT_PACK_UNIT, pack_unit
from ..domain import roles
from ..services import stock as stock_services
from ..storage import catalogue, clock, stock
from .enrolment.common import ActionDialog, DateField, FieldError, hint_label
from .history_table import fill, scroll_table
from .keyed_tree import current_key, find_item, keyed_item, keyed_tree, refill, select_key, set_bold, tint
from .style import set_role
from .worker import refresh_on_change

STOCK_ROLES = roles.roles_with("stock.edit")   # those who dispense keep the stock
COLUMNS = ("规格 / 批号", "有效期至", "库存", "未过期", "入库日期", "供货单位")
MOVE_COLUMNS = ("日期", "类型", "批号", "数量", "结存", "操作人", "原因")
SUPPLIERS = (stock.DEFAULT_SUPPLIER, "区精神病康复院")
EXPIRED = QColor("#c62828")
EXPIRED_BACKGROUND = QColor("#fdecea")
EXPIRING = QColor("#b25e00")
EXPIRING_BACKGROUND = QColor("#fff3e0")
EMPTY = QColor("#9aa5b1")


def expiry_state(expiry: str, today: dt.date, days: int = stock.EXPIRY_WARNING_DAYS) -> str:
    """'expired', 'expiring' (within ``days``) or '' — one rule for colours and words."""
    left = (dt.date.fromisoformat(expiry) - today).days
    if left < 0:
        return "expired"
    return "expiring" if left <= days else ""


# --- dialogs -------------------------------------------------------------------------------------

class ReceiveDialog(ActionDialog):
    """入库: one delivered batch of one specification."""

    FIELD_ROWS = {"spec_id": "spec", "expiry_date": "expiry", "received_date": "received"}
    OK_TEXT = "入库"

    def __init__(self, session, spec_id: int | None = None, parent=None):
        super().__init__(session, None, "药品入库", parent)
        self.spec = self.add_row("spec", "药品规格", QComboBox())
        for spec in catalogue.specs(self.db):
            self.spec.addItem(spec["label"], spec["id"])
        if spec_id is not None and self.spec.findData(spec_id) >= 0:
            self.spec.setCurrentIndex(self.spec.findData(spec_id))
        self.batch_no = self.add_row("batch_no", "批号", QLineEdit())
        self.expiry = self.add_row("expiry", "有效期至", DateField())
        self.packs = self.add_row("packs", "数量", QSpinBox())
        self.packs.setRange(1, 100000)
        self.packs.setValue(1)
        self.pack_unit = QLabel("")
        self.received = self.add_row("received", "入库日期", DateField(clock.today()))
        self.supplier = self.add_row("supplier", "供货单位", QComboBox())
        self.supplier.setEditable(True)
        self.supplier.addItems(list(SUPPLIERS))
        self.note = self.add_row("note", "备注", QLineEdit())
        self.spec.currentIndexChanged.connect(self._show_unit)
        self._show_unit()
        self.finish_layout()
        self.setMinimumWidth(460)
        if not self.spec.count():
            self.show_error(None, "尚无启用的药品规格：请先在“药品目录与价格”中新增规格")
            self.ok_button.setEnabled(False)

    def _show_unit(self, *_args) -> None:
        spec_id = self.spec.currentData()
        unit = pack_unit(catalogue.spec(self.db, spec_id)) if spec_id is not None else DEFAULT_PACK_UNIT
        self.packs.setSuffix(f" {unit or DEFAULT_PACK_UNIT}")

    def save(self) -> dict:
        if self.spec.currentData() is None:
            raise FieldError("spec", "请选择药品规格")
        if not self.batch_no.text().strip():
            raise FieldError("batch_no", "请填写批号")
        expiry = self.date_of("expiry", self.expiry)
        received = self.date_of("received", self.received)
        return stock_services.receive(self.db, self.session.user, self.spec.currentData(), self.batch_no.text(),
                                      expiry, self.packs.value(), received, self.supplier.currentText(),
                                      self.note.text())


class AdjustDialog(ActionDialog):
    """盘点调整: the packs actually counted in one batch, and why they differ from the books."""

    FIELD_ROWS = {"counted_packs": "counted"}
    OK_TEXT = "保存盘点"

    def __init__(self, session, batch: dict, parent=None):
        super().__init__(session, None, "库存盘点调整", parent)
        self.batch = batch
        spec = catalogue.spec(self.db, batch["spec_id"])
        unit = pack_unit(spec)
        self.add_row("spec", "药品规格", QLabel(spec["label"]))
        self.add_row("batch", "批号", QLabel(f"{batch['batch_no']}（有效期至 {batch['expiry_date']}）"))
        self.add_row("books", "账面数量", QLabel(f"{batch['packs']} {unit}"))
        self.counted = self.add_row("counted", "实盘数量", QSpinBox())
        self.counted.setRange(0, 100000)
        self.counted.setSuffix(f" {unit}")
        self.counted.setValue(batch["packs"])
        self.date = self.add_row("date", "盘点日期", DateField(clock.today()))
        self.reason = self.add_row("reason", "调整原因", QLineEdit())
        self.reason.setPlaceholderText("如 破损、过期销毁、月末盘点")
        self.finish_layout()
        self.setMinimumWidth(420)

    def save(self) -> dict:
        day = self.date_of("date", self.date)
        if not self.reason.text().strip():
            raise FieldError("reason", "请写明调整原因")
        return stock_services.count(self.db, self.session.user, self.batch["id"], self.counted.value(), day,
                                    self.reason.text())


# --- the window ----------------------------------------------------------------------------------

class StockWindow(QDialog):
    def __init__(self, session, parent=None, today: dt.date | None = None):
        super().__init__(parent)
        self.session = session
        self.db = session.db
        self.today = today or clock.today()
        self.can_edit = session.role in STOCK_ROLES
        self.entries: dict[int, dict] = {}
        self.batches: dict[int, dict] = {}
        self.setWindowTitle("药品库存")
        self.setWindowFlag(Qt.WindowMaximizeButtonHint, True)
        self.resize(1200, 760)

        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        self.only_stocked = QCheckBox("只显示有库存的规格")
        self.tree = keyed_tree(COLUMNS)
        self.moves_title = QLabel("出入库记录")
        set_role(self.moves_title, "hint")
        self.moves_table = scroll_table(MOVE_COLUMNS)
        self.receive_button = QPushButton("入库…")
        self.adjust_button = QPushButton("盘点调整…")
        refresh = QPushButton("刷新")
        refresh.setShortcut("F5")
        refresh.setToolTip("重新读取库存（F5）")
        close = QPushButton("关闭")
        self.status = hint_label()
        self._lay_out(refresh, close)
        for button in self.findChildren(QPushButton):
            button.setAutoDefault(False)

        self.tree.itemSelectionChanged.connect(self.show_moves)
        self.only_stocked.toggled.connect(lambda _on: self.reload())
        self.receive_button.clicked.connect(self.open_receive)
        self.adjust_button.clicked.connect(self.open_adjust)
        refresh.clicked.connect(lambda: self.reload())
        close.clicked.connect(self.close)
        if not self.can_edit:
            self.receive_button.setEnabled(False)
            self.status.setText("仅精防人员（发药人）和管理员可入库或盘点")
        self.reload()
        refresh_on_change(self, self.reload, skip_own=True)   # a dispensing elsewhere issues from these batches

    def _lay_out(self, refresh: QPushButton, close: QPushButton) -> None:
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.only_stocked)
        top.addWidget(self.receive_button)
        top.addWidget(self.adjust_button)

        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.moves_title)
        lower_layout.addWidget(self.moves_table, 1)
        splitter = QSplitter(Qt.Vertical)
        splitter.addWidget(self.tree)
        splitter.addWidget(lower)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([440, 240])

        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(refresh)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        layout.addLayout(bottom)

    # --- showing -------------------------------------------------------------------------------

    def reload(self, select: tuple | None = None) -> None:
        """Re-read the stock; keep the selected row (``select`` = ('spec'|'batch', id) moves it)."""
        select = select or current_key(self.tree)
        old_batch = self.batches.get(select[1]) if select and select[0] == "batch" else None
        fallback = ("spec", old_batch["spec_id"]) if old_batch else None   # a batch counted to 0 goes
        entries = stock.on_hand(self.db, on=None)
        if self.only_stocked.isChecked():
            entries = [e for e in entries if e["packs"]]
        self.entries = {e["spec_id"]: e for e in entries}
        self.batches = {b["id"]: b for e in entries for b in e["batches"]}
        refill(self.tree, [(self._spec_item(e), [self._batch_item(b, e["pack_unit"]) for b in e["batches"]])
                           for e in entries])
        target = find_item(self.tree, select)
        if target is None:   # the batch is gone: stay on its specification
            target = find_item(self.tree, fallback)
        if target is not None:
            self.tree.setCurrentItem(target)
        self._show_summary()
        self.show_moves()

    def _spec_item(self, entry: dict) -> QTreeWidgetItem:
        unit = entry["pack_unit"]
        usable = entry["usable_packs"]
        item = keyed_item([entry["label"] + ("（已停用）" if not entry["active"] else ""), "",
                           f"{entry['packs']} {unit}", f"{usable} {unit}", "", ""], ("spec", entry["spec_id"]))
        set_bold(item)
        for column in (2, 3):
            item.setTextAlignment(column, Qt.AlignRight | Qt.AlignVCenter)
        if not entry["packs"]:
            tint(item, len(COLUMNS), EMPTY)
        return item

    def _batch_item(self, batch: dict, unit: str) -> QTreeWidgetItem:
        state = expiry_state(batch["expiry_date"], self.today)
        left = (dt.date.fromisoformat(batch["expiry_date"]) - self.today).days
        expiry = batch["expiry_date"] + {"expired": "（已过期）", "expiring": f"（{left} 天后到期）"}.get(state, "")
        usable = 0 if state == "expired" else batch["packs"]
        item = keyed_item([f"批号 {batch['batch_no']}", expiry, f"{batch['packs']} {unit}", f"{usable} {unit}",
                           batch["received_date"], batch["supplier"] or ""], ("batch", batch["id"]))
        for column in (2, 3):
            item.setTextAlignment(column, Qt.AlignRight | Qt.AlignVCenter)
        if state:
            colour, background = (EXPIRED, EXPIRED_BACKGROUND) if state == "expired" else (EXPIRING, EXPIRING_BACKGROUND)
            tint(item, len(COLUMNS), colour, background)
        return item

    def _show_summary(self) -> None:
        states = [expiry_state(b["expiry_date"], self.today) for b in self.batches.values()]
        expired, expiring = states.count("expired"), states.count("expiring")
        short = [e["label"] for e in self.entries.values() if e["active"] and not e["usable_packs"]]
        parts = []
        if expired:
            parts.append(f"已过期 {expired} 批（不能发放，请盘点处理）")
        if expiring:
            parts.append(f"{stock.EXPIRY_WARNING_DAYS} 天内到期 {expiring} 批")
        if short:
            parts.append(f"无可用库存的规格 {len(short)} 个")
        self.summary.setText(f"{self.today.isoformat()}：" + ("；".join(parts) if parts else "库存正常"))
        set_role(self.summary, "warning" if parts else "hint")

    def selected_spec_id(self) -> int | None:
        key = current_key(self.tree)
        if not key:
            return None
        return key[1] if key[0] == "spec" else self.batches[key[1]]["spec_id"]

    def selected_batch(self) -> dict | None:
        key = current_key(self.tree)
        return self.batches.get(key[1]) if key and key[0] == "batch" else None

    def select_spec(self, spec_id: int) -> None:
        select_key(self.tree, ("spec", spec_id))

    def select_batch(self, batch_id: int) -> None:
        select_key(self.tree, ("batch", batch_id))

    def show_moves(self) -> None:
        spec_id = self.selected_spec_id()
        self.adjust_button.setEnabled(self.can_edit and self.selected_batch() is not None)
        if spec_id is None:
            self.moves_title.setText("出入库记录：请在上方选择规格或批次")
            fill(self.moves_table, [])
            return
        entry = self.entries.get(spec_id)
        self.moves_title.setText(f"出入库记录：{entry['label'] if entry else ''}")
        rows = stock.moves(self.db, spec_id)
        fill(self.moves_table, [(m["date"], m["kind_label"], m["batch_no"], f"{m['packs']:+d}", m["balance"],
                                 m["created_by_name"] or "", m["reason"] or "") for m in reversed(rows)])

    # --- acting --------------------------------------------------------------------------------

    def _run(self, dialog: QDialog) -> bool:
        """Separated so tests can fill the dialog without a modal loop."""
        return dialog.exec() == QDialog.Accepted

    def open_receive(self) -> dict | None:
        if not self.can_edit:
            return None
        dialog = ReceiveDialog(self.session, self.selected_spec_id(), self)
        if not self._run(dialog) or dialog.result_value is None:
            return None
        batch = dialog.result_value
        spec = catalogue.spec(self.db, batch["spec_id"])
        self.status.setText(f"已入库：{spec['label']} 批号 {batch['batch_no']} {batch['packs_received']} "
                            f"{pack_unit(spec)}")
        self.reload(("batch", batch["id"]))
        return batch

    def open_adjust(self) -> dict | None:
        batch = self.selected_batch()
        if batch is None or not self.can_edit:
            return None
        dialog = AdjustDialog(self.session, batch, self)
        if not self._run(dialog) or dialog.result_value is None:
            return None
        move = dialog.result_value
        self.status.setText(f"已保存盘点：批号 {batch['batch_no']} 调整 {move['packs']:+d}")
        self.reload(("batch", batch["id"]))
        return move

