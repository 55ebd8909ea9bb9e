"""药品目录与价格: the 26 drugs of Attachment 3 with the specifications this clinic hands out,
their dated prices and the history of every change.

Administrators edit; everyone else may look (the dispensing screen depends on it). Prices are
typed in yuan and stored in fen; a new price takes effect on its date and never changes what was
already dispensed.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QCheckBox, QDialog, QFormLayout, QGroupBox, QHBoxLayout, QHeaderView, QLabel,
                               QLineEdit, QPushButton, QSplitter, QTabWidget, QTreeWidget, QTreeWidgetItem,
                               QVBoxLayout, QWidget)

from ..domain.packs import pack_unit
from ..domain import roles
from ..domain.errors import ClinicError, ValidationError
from ..domain.money import yuan
from ..services import catalogue as catalogue_services
from ..storage import catalogue, clock, reference
from .enrolment.common import DateField, hint_label
from .history_table import fill, scroll_table
from .keyboard import set_tab_order
from .keyed_tree import (current_key, find_item, keyed_item, keyed_tree, refill, select_key, set_bold, tint,
                         tree_items)
from .spec_dialog import (PACK_UNITS, PAYS, UNITS, SpecDialog, combo, count_box, pays_combo, price_fen,
                          set_pays)
from .style import set_role
from .widgets import error_label

COLUMNS = ("药品 / 规格", "医保类别", "支付", "现行价格（元）", "状态")
PAYS_COLUMN, PRICE_COLUMN, STATE_COLUMN = 2, 3, 4
PRICE_COLUMNS = ("生效日期", "价格（元）", "说明", "录入人", "录入时间")
CHANGE_COLUMNS = ("日期", "项目", "原为", "改为", "修改人", "录入时间")
RETIRED = QColor("#9aa5b1")
SELF_PAY = QColor("#b25e00")
HINT = ("依据附件3《免费第二代抗精神病药目录》。价格为零差价采购价，按生效日期使用；"
        "已发药记录的价格不会因调价而改变。")


def _form_group(title: str, rows, message: QLabel, buttons) -> QGroupBox:
    """A titled form with its message line and its buttons under it, all kept at the top."""
    group = QGroupBox(title)
    form = QFormLayout()
    for label, widget in rows:
        form.addRow(label, widget)
    row = QHBoxLayout()
    for button in buttons:
        row.addWidget(button)
    row.addStretch(1)
    layout = QVBoxLayout(group)
    layout.addLayout(form)
    layout.addWidget(message)
    layout.addLayout(row)
    layout.addStretch(1)
    return group


# --- the catalogue -------------------------------------------------------------------------------

class CatalogueDialog(QDialog):
    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self.db = session.db
        self.can_edit = roles.may(session.role, "catalogue.edit")
        self.specs: dict[int, dict] = {}
        self.drugs: dict[int, dict] = {}
        self.setWindowTitle("药品目录与价格")
        self.setWindowFlag(Qt.WindowMaximizeButtonHint, True)
        self.resize(1280, 760)

        self.show_retired = QCheckBox("显示已停用规格")
        self.tree = self._make_tree()
        self.add_button = QPushButton("新增规格…")
        self.status = hint_label()
        close = QPushButton("关闭")
        close.clicked.connect(self.accept)

        self.heading = QLabel("")
        self.heading.setWordWrap(True)
        set_role(self.heading, "title")
        self.drug_line = hint_label()
        self.edit_group = self._make_edit_group()
        self.price_group = self._make_price_group()
        self.history = QTabWidget()
        self.price_table = scroll_table(PRICE_COLUMNS)
        self.change_table = scroll_table(CHANGE_COLUMNS)
        self.history.addTab(self.price_table, "价格记录")
        self.history.addTab(self.change_table, "变更记录")

        self._lay_out(close)
        for button in self.findChildren(QPushButton):
            button.setAutoDefault(False)   # Enter in a field must not retire a spec or close the dialog
        self.tree.itemSelectionChanged.connect(self.show_selected)
        self.show_retired.toggled.connect(lambda _on: self.reload())
        self.add_button.clicked.connect(self.open_add_spec)
        self._apply_permissions()
        set_tab_order([self.show_retired, self.add_button, self.tree, *self.edit_fields(), self.save_button,
                       self.active_button, *self.price_fields(), self.price_button, self.history, close])
        self.tree.setFocus()
        self.reload()

    def edit_fields(self) -> list[QWidget]:
        return [self.name, self.strength, self.unit, self.units_per_pack, self.pack_unit, self.pays,
                self.change_date]

    def price_fields(self) -> list[QWidget]:
        return [self.price, self.price_date, self.price_note]

    def keyPressEvent(self, event) -> None:  # noqa: N802
        """Enter in the specification's fields saves them (保存修改), in the price's fields sets the
        price (设定价格); elsewhere it does nothing, so it never retires a spec or closes the window."""
        if event.key() in (Qt.Key_Return, Qt.Key_Enter):
            focus = self.focusWidget()
            if focus is not None and self.edit_group.isAncestorOf(focus) and self.save_button.isEnabled():
                self.save_changes()
            elif focus is not None and self.price_group.isAncestorOf(focus) and self.price_button.isEnabled():
                self.set_price()
            return
        super().keyPressEvent(event)

    # --- building ------------------------------------------------------------------------------

    def _make_tree(self) -> QTreeWidget:
        tree = keyed_tree(COLUMNS)
        header = tree.header()
        header.setSectionResizeMode(1, QHeaderView.Interactive)   # "片剂甲类，针剂自费" would push the rest out
        header.resizeSection(1, 90)
        tree.setTextElideMode(Qt.ElideRight)
        return tree

    def _make_edit_group(self) -> QGroupBox:
        self.name = QLineEdit()
        self.strength = QLineEdit()
        self.unit = combo(UNITS)
        self.units_per_pack = count_box()
        self.pack_unit = combo(PACK_UNITS)
        self.pays = pays_combo()
        self.pays.setToolTip("免费服药项目是否支付本规格；附件3列为自费的药品默认不支付，管理员可改为项目支付")
        self.pays_hint = hint_label()
        self.pays_hint.setObjectName("pays_hint")
        self.pays.currentIndexChanged.connect(lambda _i: self._show_pays_hint())
        self.change_date = DateField(clock.today())
        self.save_button = QPushButton("保存修改")
        self.save_button.setProperty("primary", True)
        self.active_button = QPushButton("停用")
        self.edit_message = error_label()
        self.save_button.clicked.connect(self.save_changes)
        self.active_button.clicked.connect(self.toggle_active)
        return _form_group("规格", (("品名", self.name), ("规格", self.strength), ("最小单位", self.unit),
                                  ("每包装数量", self.units_per_pack), ("包装单位", self.pack_unit),
                                  ("支付", self.pays), ("", self.pays_hint), ("变更日期", self.change_date)),
                           self.edit_message, (self.save_button, self.active_button))

    def _make_price_group(self) -> QGroupBox:
        self.current_price = QLabel("")
        self.price = QLineEdit()
        self.price.setPlaceholderText("元/包装，如 18.50")
        self.price_date = DateField(clock.today())
        self.price_note = QLineEdit()
        self.price_note.setPlaceholderText("如 2027年集中采购价")
        self.price_button = QPushButton("设定价格")
        self.price_message = error_label()
        self.price_button.clicked.connect(self.set_price)
        return _form_group("设定价格", (("现行价格", self.current_price), ("新价格（元）", self.price),
                                      ("生效日期", self.price_date), ("说明", self.price_note)),
                           self.price_message, (self.price_button,))

    def _lay_out(self, close: QPushButton) -> None:
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.addWidget(self.show_retired)
        top.addStretch(1)
        top.addWidget(self.add_button)
        left_layout.addLayout(top)
        left_layout.addWidget(self.tree, 1)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.heading)
        right_layout.addWidget(self.drug_line)
        groups = QHBoxLayout()
        groups.addWidget(self.edit_group, 1)
        groups.addWidget(self.price_group, 1)
        right_layout.addLayout(groups)
        right_layout.addWidget(self.history, 1)

        splitter = QSplitter(Qt.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([650, 610])

        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(hint_label(HINT))
        layout.addWidget(splitter, 1)
        layout.addLayout(bottom)

    def _apply_permissions(self) -> None:
        if not self.can_edit:
            self.add_button.setEnabled(False)
            self.status.setText("仅管理员可修改药品目录与价格")

    def _set_editable(self, spec: dict | None) -> None:
        editable = self.can_edit and spec is not None
        for widget in (self.name, self.strength, self.unit, self.units_per_pack, self.pack_unit, self.pays,
                       self.change_date, self.save_button, self.active_button, self.price, self.price_date,
                       self.price_note, self.price_button):
            widget.setEnabled(editable)
        self.add_button.setEnabled(self.can_edit and (spec is not None or self.selected_drug() is not None))

    # --- showing -------------------------------------------------------------------------------

    def reload(self, select_spec: int | None = None) -> None:
        """Re-read drugs and specifications; keep (or move to) the selected one."""
        if select_spec is None:
            current = self.selected_spec()
            select_spec = current["id"] if current else None
        drug_before = self.selected_drug()
        self.drugs = {d["id"]: d for d in reference.drugs(self.db)}
        all_specs = catalogue.specs(self.db, active_only=not self.show_retired.isChecked())
        self.specs = {s["id"]: s for s in all_specs}
        by_drug: dict[int, list[dict]] = {}
        for spec in all_specs:
            by_drug.setdefault(spec["drug_id"], []).append(spec)
        groups = []
        for drug in self.drugs.values():
            specs = by_drug.get(drug["id"], [])
            groups.append((self._drug_item(drug, specs), [self._spec_item(spec) for spec in specs]))
        refill(self.tree, groups)
        if select_spec is not None:
            target = find_item(self.tree, ("spec", select_spec))
        else:   # no specification to keep: stay on the drug
            target = find_item(self.tree, ("drug", drug_before["id"]) if drug_before else None)
        if target is not None:
            self.tree.setCurrentItem(target)
            self.tree.scrollToItem(target)
        self.show_selected()

    def _drug_item(self, drug: dict, specs: list[dict]) -> QTreeWidgetItem:
        count = f"{len(specs)} 个规格" if specs else "未设规格"
        item = keyed_item([f"{drug['seq']}. {drug['name']}（{drug['dosage_form']}）", drug["insurance_class"],
                           "", "", count], ("drug", drug["id"]))
        item.setToolTip(0, f"{drug['name']}：{drug['dosage_form']}，{drug['drug_class']}，医保{drug['insurance_class']}")
        item.setToolTip(1, drug["insurance_class"])
        set_bold(item)
        if not specs:
            item.setForeground(STATE_COLUMN, QBrush(RETIRED))
        return item

    def _spec_item(self, spec: dict) -> QTreeWidgetItem:
        price = yuan(spec["price_fen"]) if spec["price_fen"] is not None else "未定价"
        item = keyed_item([spec["label"], "", self._pays_text(spec), price,
                           "启用" if spec["active"] else "已停用"], ("spec", spec["id"]))
        item.setTextAlignment(PRICE_COLUMN, Qt.AlignRight | Qt.AlignVCenter)
        if not spec["active"]:
            tint(item, len(COLUMNS), RETIRED)
        elif not catalogue.programme_pays_on(self.db, spec["id"], clock.today()):
            item.setForeground(PAYS_COLUMN, QBrush(SELF_PAY))
        if spec["price_fen"] is None:
            item.setForeground(PRICE_COLUMN, QBrush(SELF_PAY))
        return item

    def _pays_text(self, spec: dict) -> str:
        """Who pays today, and a change of 支付 still to come with its date."""
        today = clock.today()
        text = PAYS[catalogue.programme_pays_on(self.db, spec["id"], today)]
        pending = catalogue.pays_change_pending(self.db, spec["id"], today)
        if pending is not None:
            text += f"（{pending[0]} 起{PAYS[pending[1]]}）"
        return text

    def _show_pays_hint(self) -> None:
        """What the 支付 choice means for the selected specification, in the plan's words."""
        spec = self.selected_spec()
        if spec is None:
            self.pays_hint.setText("")
            return
        chosen = self.pays.currentData()
        default = catalogue.default_programme_pays(spec, spec["name"])
        if chosen:
            text = "由免费服药项目资金支付（领药时先医保、民政、残联，余额由项目兜底）"
            if not default:
                text += "；附件3列为自费，此为管理员设定"
        else:
            text = "自费：不在免费服药项目支付范围，发药时拒绝" + ("（附件3列为自费）" if not default else "")
        pending = catalogue.pays_change_pending(self.db, spec["id"], clock.today())
        if pending is not None:
            text += f"；自 {pending[0]} 起{PAYS[pending[1]]}"
        self.pays_hint.setText(text + "。修改按变更日期生效，记入变更记录。")

    def selected_spec(self) -> dict | None:
        key = current_key(self.tree)
        return self.specs.get(key[1]) if key and key[0] == "spec" else None

    def selected_drug(self) -> dict | None:
        key = current_key(self.tree)
        if not key:
            return None
        if key[0] == "drug":
            return self.drugs.get(key[1])
        spec = self.specs.get(key[1])
        return self.drugs.get(spec["drug_id"]) if spec else None

    def select_spec(self, spec_id: int) -> None:
        select_key(self.tree, ("spec", spec_id))

    def select_drug(self, drug_id: int) -> None:
        select_key(self.tree, ("drug", drug_id))

    def _items(self):
        return tree_items(self.tree)

    def show_selected(self) -> None:
        spec = self.selected_spec()
        self.edit_message.clear()
        self.price_message.clear()
        self._set_editable(spec)
        if spec is None:
            drug = self.selected_drug()
            self.heading.setText(f"{drug['name']}：请选择或新增规格" if drug else "请在左侧选择药品规格")
            self.drug_line.setText(f"目录药品：{drug['seq']}. {drug['name']}（{drug['dosage_form']}，"
                                   f"{drug['drug_class']}，医保{drug['insurance_class']}）" if drug else "")
            for widget in (self.name, self.strength, self.price, self.price_note):
                widget.clear()
            self.current_price.setText("")
            fill(self.price_table, [])
            fill(self.change_table, [])
            return
        self.heading.setText(spec["label"])
        self.drug_line.setText(f"目录药品：{spec['drug_seq']}. {spec['drug_name']}（{spec['dosage_form']}，"
                               f"{spec['drug_class']}，医保{spec['insurance_class']}）")
        self.name.setText(spec["name"])
        self.strength.setText(spec["strength"] or "")
        self.unit.setCurrentText(spec["unit"])
        self.units_per_pack.setValue(spec["units_per_pack"])
        self.pack_unit.setCurrentText(pack_unit(spec))
        set_pays(self.pays, spec["programme_pays"])
        self._show_pays_hint()
        self.active_button.setText("停用" if spec["active"] else "重新启用")
        price = spec["price_fen"]
        self.current_price.setText(f"{yuan(price)} 元/{pack_unit(spec)}" if price is not None else "未定价")
        set_role(self.current_price, "hint" if price is not None else "warning")
        history = catalogue.price_history(self.db, spec["id"])
        fill(self.price_table, [(p["effective_date"], yuan(p["price_fen"]), p["note"], p["created_by_name"],
                                 (p["created_at"] or "").replace("T", " ")) for p in reversed(history)])
        fill(self.change_table, [(c["date"], catalogue.FIELD_LABELS.get(c["field"], c["field"]), c["old"], c["new"],
                                  c["created_by_name"], (c["created_at"] or "").replace("T", " "))
                                 for c in reversed(catalogue.changes(self.db, spec["id"]))])

    # --- acting --------------------------------------------------------------------------------

    def _refuse(self, label: QLabel, field: QWidget | None, text: str) -> None:
        """Say why next to the form; what was typed stays for correcting."""
        label.setText(text)
        if field is not None:
            field.setFocus()

    def _date(self, field: DateField, label: QLabel) -> str | None:
        try:
            return field.date().isoformat()
        except ValidationError as exc:
            self._refuse(label, field, exc.message)
            return None

    def save_changes(self) -> None:
        spec = self.selected_spec()
        if spec is None or not self.can_edit:
            return
        self.edit_message.clear()
        day = self._date(self.change_date, self.edit_message)
        if day is None:
            return
        changes = {"name": self.name.text(), "strength": self.strength.text(), "unit": self.unit.currentText(),
                   "units_per_pack": self.units_per_pack.value(), "pack_unit": self.pack_unit.currentText(),
                   "programme_pays": self.pays.currentData()}
        try:
            updated = catalogue_services.update_spec(self.db, self.session.user, spec["id"], changes, day)
        except ClinicError as exc:
            field = {"units_per_pack": self.units_per_pack, "name": self.name,
                     "change_date": self.change_date}.get(exc.field)
            self._refuse(self.edit_message, field, exc.message)
            return
        self.status.setText(f"已保存：{updated['label']}")
        self.reload(updated["id"])

    def toggle_active(self) -> None:
        spec = self.selected_spec()
        if spec is None or not self.can_edit:
            return
        day = self._date(self.change_date, self.edit_message)
        if day is None:
            return
        action = catalogue.retire_spec if spec["active"] else catalogue.reactivate_spec
        try:
            updated = action(self.db, spec["id"], day, user=self.session.user)
        except ClinicError as exc:
            self._refuse(self.edit_message, None, exc.message)
            return
        if not updated["active"] and not self.show_retired.isChecked():
            self.show_retired.setChecked(True)   # keep it in view, so it can be re-enabled
        self.status.setText(f"已{'启用' if updated['active'] else '停用'}：{updated['label']}")
        self.reload(updated["id"])

    def set_price(self) -> None:
        spec = self.selected_spec()
        if spec is None or not self.can_edit:
            return
        self.price_message.clear()
        try:
            fen = price_fen(self.price.text())
        except ValidationError as exc:
            self._refuse(self.price_message, self.price, exc.message)
            return
        day = self._date(self.price_date, self.price_message)
        if day is None:
            return
        try:
            catalogue_services.set_price(self.db, self.session.user, spec["id"], fen, day, self.price_note.text())
        except ClinicError as exc:
            self._refuse(self.price_message, self.price_date if exc.field == "effective_date" else self.price,
                         exc.message)
            return
        self.price.clear()
        self.price_note.clear()
        self.status.setText(f"已设定价格：{spec['label']} 自 {day} 起 {yuan(fen)} 元")
        self.reload(spec["id"])

    def _run(self, dialog: QDialog) -> bool:
        """Separated so tests can fill the dialog without a modal loop."""
        return dialog.exec() == QDialog.Accepted

    def open_add_spec(self) -> dict | None:
        drug = self.selected_drug()
        if drug is None or not self.can_edit:
            return None
        dialog = SpecDialog(self.session, drug, self)
        if not self._run(dialog) or dialog.result_value is None:
            return None
        spec = dialog.result_value
        self.status.setText(f"已新增规格：{spec['label']}")
        self.reload(spec["id"])
        return spec
