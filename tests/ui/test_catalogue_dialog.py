"""药品目录与价格 on real widgets: add a specification, price it in yuan, edit, retire, read-only."""
from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from clinic_app.storage import audit, catalogue, clock
from clinic_app.ui.catalogue_dialog import CatalogueDialog
from clinic_app.ui.spec_dialog import SpecDialog, default_name

from ..storage.test_catalogue import dispensed_line

TODAY = dt.date(2026, 12, 1)
RISPERIDONE, INVEGA = 7, 13


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: TODAY)


def _dialog(qtbot, session) -> CatalogueDialog:
    dialog = CatalogueDialog(session)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _risperidone(session, price_fen: int | None = 1850) -> dict:
    spec = catalogue.add_spec(session.db, RISPERIDONE, "利培酮片", "1mg", "片", 20, user=session.user)
    if price_fen:
        catalogue.set_price(session.db, spec["id"], price_fen, "2026-01-01", "招标价", user=session.user)
    return spec


def _item_texts(dialog, spec_id: int) -> list[str]:
    for item in dialog._items():
        if item.data(0, Qt.UserRole) == ("spec", spec_id):
            return [item.text(c) for c in range(item.columnCount())]
    raise AssertionError("spec not in the tree")


def _table(table) -> list[list[str]]:
    return [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]


def test_the_26_catalogue_drugs_are_listed_with_their_insurance_class(qtbot, session):
    dialog = _dialog(qtbot, session)
    tops = [dialog.tree.topLevelItem(i) for i in range(dialog.tree.topLevelItemCount())]
    assert len(tops) == 26
    assert (tops[6].text(0), tops[6].text(1), tops[6].text(4)) == ("7. 利培酮（片）", "乙类", "未设规格")
    assert tops[12].text(1) == "自费"


def test_adding_a_spec_with_its_first_price(qtbot, session, monkeypatch):
    dialog = _dialog(qtbot, session)
    dialog.select_drug(RISPERIDONE)

    def fill_in(spec_dialog: SpecDialog) -> bool:
        assert spec_dialog.name.text() == "利培酮片"
        spec_dialog.strength.setText("1mg")
        spec_dialog.units_per_pack.setValue(20)
        spec_dialog.price.setText("18.5")
        assert spec_dialog.preview.text() == "利培酮片 1mg×20片/盒"
        spec_dialog.accept()
        return spec_dialog.accepted_ok

    monkeypatch.setattr(dialog, "_run", fill_in)
    spec = dialog.open_add_spec()
    assert spec["label"] == "利培酮片 1mg×20片/盒"
    assert dialog.selected_spec()["id"] == spec["id"]
    assert _item_texts(dialog, spec["id"]) == ["利培酮片 1mg×20片/盒", "", "项目支付", "18.50", "启用"]
    assert catalogue.price_on(session.db, spec["id"], TODAY) == 1850
    assert dialog.current_price.text() == "18.50 元/盒"
    assert "已新增规格" in dialog.status.text()


def test_the_spec_dialog_defaults_to_self_pay_for_a_self_pay_drug(qtbot, session):
    drug = next(d for d in session.db["drugs"].rows if d["id"] == INVEGA)
    spec_dialog = SpecDialog(session, drug)
    qtbot.addWidget(spec_dialog)
    assert spec_dialog.name.text() == "善思达注射液"
    assert spec_dialog.pays.currentText() == "自费"


@pytest.mark.parametrize("drug, name", [
    ({"name": "利培酮", "dosage_form": "片"}, "利培酮片"),
    ({"name": "文拉法辛缓释片", "dosage_form": "片"}, "文拉法辛缓释片"),
    ({"name": "哈力多", "dosage_form": "针"}, "哈力多注射液"),
    ({"name": "苯二氮卓类", "dosage_form": "片"}, ""),
])
def test_default_name(drug, name):
    assert default_name(drug) == name


def test_the_spec_dialog_shows_refusals_at_the_field_and_keeps_the_input(qtbot, session):
    drug = next(d for d in session.db["drugs"].rows if d["id"] == RISPERIDONE)
    spec_dialog = SpecDialog(session, drug)
    qtbot.addWidget(spec_dialog)
    spec_dialog.strength.setText("1mg")
    spec_dialog.price.setText("18.555")
    spec_dialog.accept()
    assert "不超过两位小数" in spec_dialog.error_text("price")
    assert spec_dialog.price.text() == "18.555" and spec_dialog.strength.text() == "1mg"
    assert session.db["drug_specs"].count == 0          # nothing half-written
    spec_dialog.price.clear()
    spec_dialog.name.clear()
    spec_dialog.accept()
    assert spec_dialog.error_text("name") == "请填写品名"
    assert not spec_dialog.accepted_ok


def test_setting_a_dated_price_in_yuan(qtbot, session):
    spec = _risperidone(session)
    dialog = _dialog(qtbot, session)
    dialog.select_spec(spec["id"])
    dialog.price.setText("17.9")
    dialog.price_date.setText("2027/1/1")
    dialog.price_note.setText("2027年集中采购价")
    dialog.set_price()
    assert dialog.price_message.text() == ""
    assert _table(dialog.price_table) == [
        ["2027-01-01", "17.90", "2027年集中采购价", "测试员", _table(dialog.price_table)[0][4]],
        ["2026-01-01", "18.50", "招标价", "测试员", _table(dialog.price_table)[1][4]],
    ]
    assert dialog.current_price.text() == "18.50 元/盒"     # 17.90 is not in force yet
    assert catalogue.price_on(session.db, spec["id"], "2027-01-01") == 1790
    assert "自 2027-01-01 起 17.90 元" in audit.recent(session.db, entity="drug_spec")[0]["summary"]


@pytest.mark.parametrize("typed, message", [
    ("", "请填写价格（元）"), ("0", "价格应大于0"), ("-2", "不超过两位小数的非负数"), ("十八元", "不超过两位小数的非负数"),
])
def test_a_bad_price_is_explained_and_kept(qtbot, session, typed, message):
    spec = _risperidone(session)
    dialog = _dialog(qtbot, session)
    dialog.select_spec(spec["id"])
    dialog.price.setText(typed)
    dialog.set_price()
    assert message in dialog.price_message.text()
    assert dialog.price.text() == typed
    assert len(catalogue.price_history(session.db, spec["id"])) == 1


def test_a_price_reaching_back_over_a_dispensing_is_refused_at_the_date(qtbot, session):
    spec = _risperidone(session)
    dispensed_line(session.db, spec["id"], "2026-11-20")
    dialog = _dialog(qtbot, session)
    dialog.select_spec(spec["id"])
    dialog.price.setText("17.90")
    dialog.price_date.setText("2026-11-01")
    dialog.set_price()
    assert "已按原价发药记账" in dialog.price_message.text()
    assert dialog.price.text() == "17.90" and dialog.price_date.text() == "2026-11-01"


def test_editing_a_spec_records_the_change(qtbot, session):
    spec = _risperidone(session)
    dialog = _dialog(qtbot, session)
    dialog.select_spec(spec["id"])
    dialog.units_per_pack.setValue(60)
    dialog.pays.setCurrentIndex(dialog.pays.findData(0))
    dialog.save_changes()
    assert dialog.edit_message.text() == ""
    assert dialog.selected_spec()["label"] == "利培酮片 1mg×60片/盒"
    rows = _table(dialog.change_table)
    assert [r[:4] for r in rows] == [["2026-12-01", "支付", "项目支付", "自费"],
                                     ["2026-12-01", "每包装数量", "20", "60"]]


def test_the_pack_size_of_a_dispensed_spec_is_refused_at_the_field(qtbot, session):
    spec = _risperidone(session)
    dispensed_line(session.db, spec["id"], "2026-11-20")
    dialog = _dialog(qtbot, session)
    dialog.select_spec(spec["id"])
    dialog.units_per_pack.setValue(30)
    dialog.save_changes()
    assert "不能修改每包装数量" in dialog.edit_message.text()
    assert dialog.units_per_pack.value() == 30
    assert catalogue.spec(session.db, spec["id"])["units_per_pack"] == 20


def test_retire_and_reactivate(qtbot, session):
    spec = _risperidone(session)
    dialog = _dialog(qtbot, session)
    dialog.select_spec(spec["id"])
    assert dialog.active_button.text() == "停用"
    dialog.toggle_active()
    assert dialog.show_retired.isChecked()                       # still in view, to re-enable
    assert _item_texts(dialog, spec["id"])[4] == "已停用"
    assert dialog.active_button.text() == "重新启用"
    dialog.toggle_active()
    assert _item_texts(dialog, spec["id"])[4] == "启用"
    dialog.show_retired.setChecked(False)
    assert dialog.selected_spec()["id"] == spec["id"]


def test_retired_specs_are_hidden_unless_asked_for(qtbot, session):
    spec = _risperidone(session)
    catalogue.retire_spec(session.db, spec["id"], "2026-11-01")
    dialog = _dialog(qtbot, session)
    assert spec["id"] not in dialog.specs
    dialog.show_retired.setChecked(True)
    assert spec["id"] in dialog.specs


def test_a_read_only_user_can_look_but_not_change(qtbot, readonly_session):
    spec = _risperidone(readonly_session)
    dialog = _dialog(qtbot, readonly_session)
    dialog.select_spec(spec["id"])
    assert dialog.current_price.text() == "18.50 元/盒"
    assert len(_table(dialog.price_table)) == 1
    for widget in (dialog.add_button, dialog.save_button, dialog.active_button, dialog.price_button, dialog.name):
        assert not widget.isEnabled()
    assert dialog.status.text() == "仅管理员可修改药品目录与价格"
    dialog.price.setText("1.00")
    dialog.set_price()
    assert len(catalogue.price_history(readonly_session.db, spec["id"])) == 1


def test_the_menu_opens_the_catalogue(qtbot, session, monkeypatch):
    from clinic_app.ui.main_window import MainWindow

    window = MainWindow(session)
    qtbot.addWidget(window)
    opened = []
    monkeypatch.setattr(CatalogueDialog, "exec", lambda self: opened.append(self) or 0)
    assert window.catalogue_action.text() == "药品目录与价格…" and window.catalogue_action.isEnabled()
    window.catalogue_action.trigger()
    assert len(opened) == 1 and opened[0].windowTitle() == "药品目录与价格"


def test_the_spec_dialog_shows_a_duplicate_at_the_name(qtbot, session):
    catalogue.add_spec(session.db, RISPERIDONE, "利培酮片", "1mg", "片", 20, user=session.user)
    drug = next(d for d in session.db["drugs"].rows if d["id"] == RISPERIDONE)
    spec_dialog = SpecDialog(session, drug)
    qtbot.addWidget(spec_dialog)
    spec_dialog.strength.setText("1mg")
    spec_dialog.units_per_pack.setValue(20)
    spec_dialog.accept()
    assert spec_dialog.error_text("name") == "已有规格“利培酮片 1mg×20片/盒”"
    assert spec_dialog.error_text() == "" and not spec_dialog.accepted_ok
    assert session.db["drug_specs"].count == 1
