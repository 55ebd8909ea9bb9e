"""药品库存 on real widgets: receive a batch, expiry colours, stock count with a reason, read-only."""
from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from clinic_app.storage import catalogue, clock, stock
from clinic_app.ui import stock_window as sw
from clinic_app.ui.stock_window import AdjustDialog, ReceiveDialog, StockWindow

TODAY = dt.date(2026, 12, 1)
RISPERIDONE, OLANZAPINE = 7, 8


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: TODAY)


@pytest.fixture
def spec(session):
    return catalogue.add_spec(session.db, RISPERIDONE, "利培酮片", "1mg", "片", 20, user=session.user)


@pytest.fixture
def batches(session, spec):
    """One batch expired, one expiring within 60 days, one good."""
    db, user = session.db, session.user
    expired = stock.receive(db, spec["id"], "OLD", "2026-11-30", 4, "2026-06-01", user=user)
    soon = stock.receive(db, spec["id"], "SOON", "2027-01-15", 6, "2026-06-01", user=user)
    good = stock.receive(db, spec["id"], "GOOD", "2028-06-30", 20, "2026-10-01", user=user)
    return expired, soon, good


def _window(qtbot, session) -> StockWindow:
    window = StockWindow(session)
    qtbot.addWidget(window)
    window.show()
    return window


def _item(window, key):
    for i in range(window.tree.topLevelItemCount()):
        top = window.tree.topLevelItem(i)
        for item in (top, *(top.child(j) for j in range(top.childCount()))):
            if item.data(0, Qt.UserRole) == key:
                return item
    raise AssertionError(f"{key} not in the tree")


def _texts(item) -> list[str]:
    return [item.text(c) for c in range(item.columnCount())]


def _table(table) -> list[list[str]]:
    return [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]


@pytest.mark.parametrize("expiry, state", [
    ("2026-11-30", "expired"), ("2026-12-01", "expiring"), ("2027-01-30", "expiring"), ("2027-01-31", ""),
])
def test_expiry_state(expiry, state):
    assert sw.expiry_state(expiry, TODAY) == state


def test_stock_is_shown_per_spec_and_batch_with_expiry_colours(qtbot, session, spec, batches):
    expired, soon, good = batches
    window = _window(qtbot, session)
    assert _texts(_item(window, ("spec", spec["id"])))[:4] == ["利培酮片 1mg×20片/盒", "", "30 盒", "26 盒"]
    old = _item(window, ("batch", expired["id"]))
    assert _texts(old) == ["批号 OLD", "2026-11-30（已过期）", "4 盒", "0 盒", "2026-06-01", "区精神卫生中心"]
    assert old.foreground(0).color() == sw.EXPIRED
    near = _item(window, ("batch", soon["id"]))
    assert near.text(1) == "2027-01-15（45 天后到期）" and near.foreground(1).color() == sw.EXPIRING
    fine = _item(window, ("batch", good["id"]))
    assert fine.text(1) == "2028-06-30" and fine.foreground(0).color() not in (sw.EXPIRED, sw.EXPIRING)
    assert window.summary.text() == "2026-12-01：已过期 1 批（不能发放，请盘点处理）；60 天内到期 1 批"


def test_selecting_a_spec_shows_its_moves_newest_first(qtbot, session, spec, batches):
    stock.issue(session.db, spec["id"], 2, "2026-11-15", None, user=session.user)
    window = _window(qtbot, session)
    window.select_spec(spec["id"])
    rows = _table(window.moves_table)
    assert rows[0][:5] == ["2026-11-15", "发药出库", "OLD", "-2", "28"]
    assert [r[1] for r in rows[1:]] == ["入库", "入库", "入库"]
    assert window.moves_title.text() == "出入库记录：利培酮片 1mg×20片/盒"


def test_receiving_a_batch_through_the_dialog(qtbot, session, spec, monkeypatch):
    window = _window(qtbot, session)
    window.select_spec(spec["id"])

    def fill_in(dialog: ReceiveDialog) -> bool:
        assert dialog.spec.currentData() == spec["id"]
        assert dialog.packs.suffix() == " 盒"
        dialog.batch_no.setText("20261101")
        dialog.expiry.setText("2028年10月31日")
        dialog.packs.setValue(50)
        dialog.accept()
        return dialog.accepted_ok

    monkeypatch.setattr(window, "_run", fill_in)
    batch = window.open_receive()
    assert (batch["batch_no"], batch["expiry_date"], batch["packs"]) == ("20261101", "2028-10-31", 50)
    assert window.selected_batch()["id"] == batch["id"]
    assert _texts(_item(window, ("spec", spec["id"])))[2] == "50 盒"
    assert window.status.text() == "已入库：利培酮片 1mg×20片/盒 批号 20261101 50 盒"


def test_the_receive_dialog_explains_refusals_at_the_field(qtbot, session, spec):
    dialog = ReceiveDialog(session, spec["id"])
    qtbot.addWidget(dialog)
    dialog.accept()
    assert dialog.error_text("batch_no") == "请填写批号"
    dialog.batch_no.setText("B1")
    dialog.expiry.setText("2026-02-30")
    dialog.accept()
    assert "不存在" in dialog.error_text("expiry")
    dialog.expiry.setText("2026-11-30")                 # already expired on the receiving day
    dialog.accept()
    assert "已于 2026-11-30 过期，不能入库" in dialog.error_text("expiry")
    assert dialog.batch_no.text() == "B1" and not dialog.accepted_ok
    assert session.db["stock_batches"].count == 0


def test_the_receive_dialog_without_specs_says_what_to_do(qtbot, session):
    dialog = ReceiveDialog(session)
    qtbot.addWidget(dialog)
    assert "请先在“药品目录与价格”中新增规格" in dialog.error_text()
    assert not dialog.ok_button.isEnabled()


def test_a_stock_count_needs_a_reason_and_records_the_difference(qtbot, session, spec, batches, monkeypatch):
    expired = batches[0]
    window = _window(qtbot, session)
    window.select_batch(expired["id"])
    assert window.adjust_button.isEnabled()
    seen = []

    def fill_in(dialog: AdjustDialog) -> bool:
        assert dialog.counted.value() == 4
        dialog.counted.setValue(0)
        dialog.accept()
        seen.append(dialog.error_text("reason"))
        dialog.reason.setText("过期销毁")
        dialog.accept()
        return dialog.accepted_ok

    monkeypatch.setattr(window, "_run", fill_in)
    move = window.open_adjust()
    assert seen == ["请写明调整原因"]
    assert (move["packs"], move["reason"]) == (-4, "过期销毁")
    assert window.selected_spec_id() == spec["id"]       # the emptied batch is gone; its spec stays selected
    assert _table(window.moves_table)[0][:7] == ["2026-12-01", "盘点调整", "OLD", "-4", "26", "测试员", "过期销毁"]
    assert window.summary.text() == "2026-12-01：60 天内到期 1 批"


def test_the_count_button_needs_a_batch(qtbot, session, spec, batches):
    window = _window(qtbot, session)
    window.select_spec(spec["id"])
    assert not window.adjust_button.isEnabled()
    assert window.open_adjust() is None


def test_only_stocked_specs_can_be_shown(qtbot, session, spec, batches):
    empty = catalogue.add_spec(session.db, OLANZAPINE, "奥氮平片", "5mg", "片", 14)
    window = _window(qtbot, session)
    assert set(window.entries) == {spec["id"], empty["id"]}
    window.only_stocked.setChecked(True)
    assert set(window.entries) == {spec["id"]}


def test_a_read_only_user_can_look_but_not_change(qtbot, readonly_session, spec, batches):
    window = _window(qtbot, readonly_session)
    window.select_batch(batches[2]["id"])
    assert not window.receive_button.isEnabled() and not window.adjust_button.isEnabled()
    assert window.open_receive() is None and window.open_adjust() is None
    assert window.status.text() == "仅精防人员（发药人）和管理员可入库或盘点"


def test_the_menu_opens_one_stock_window(qtbot, session, spec, batches):
    from clinic_app.ui.main_window import MainWindow

    window = MainWindow(session)
    qtbot.addWidget(window)
    assert window.stock_action.text() == "药品库存…"
    window.stock_action.trigger()
    first = window.stock_window
    assert first.isVisible() and first.windowTitle() == "药品库存"
    window.stock_action.trigger()
    assert window.stock_window is first
    first.close()


def test_receive_refusals_from_storage_land_at_their_rows(qtbot, session, spec, batches):
    dialog = ReceiveDialog(session, spec["id"])
    qtbot.addWidget(dialog)
    dialog.batch_no.setText("GOOD")
    dialog.expiry.setText("2028-07-31")                 # GOOD was booked in expiring 2028-06-30
    dialog.accept()
    assert dialog.error_text("batch_no") == "批号 GOOD 已登记过，有效期至 2028-06-30，与本次填写的 2028-07-31 不符"
    assert dialog.error_text("expiry") == "" and dialog.error_text() == ""
    catalogue.retire_spec(session.db, spec["id"], "2026-12-01")   # retired while the dialog was open
    dialog.batch_no.setText("NEW")
    dialog.accept()
    assert dialog.error_text("spec") == f"“{spec['label']}”已停用，不能入库"
    assert dialog.error_text("batch_no") == "" and not dialog.accepted_ok


def test_a_count_refused_by_storage_lands_at_the_counted_packs(qtbot, session, batches):
    dialog = AdjustDialog(session, stock.batch(session.db, batches[2]["id"]))
    qtbot.addWidget(dialog)
    dialog.counted.value = lambda: -1                   # what the spin box can't give, storage refuses
    dialog.reason.setText("盘点")
    dialog.accept()
    assert dialog.error_text("counted") == "实盘数量应为0或正整数"
    assert dialog.error_text("reason") == "" and not dialog.accepted_ok
