"""The patient list: masked numbers, search as you type, keyboard, opening, new patient."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from clinic_app.domain import idnumber
from clinic_app.storage import audit, patients
from clinic_app.ui.patients import PatientForm, PatientListWidget, PatientPage
from clinic_app.ui.patients.list_model import AGE_COLUMN, COLUMNS, PHONE_COLUMN, age_of

from .conftest import make_id, patient_values

pytestmark = pytest.mark.usefixtures("no_dialogs")

ZHANG = make_id("19800101", "123")
LI = make_id("19920315", "246")


@pytest.fixture
def two_patients(make_patient):
    return (make_patient("张三", ZHANG, phone="13800001111"),
            make_patient("李四", LI, guardian_name="李大山", guardian_phone="13900002222"))


@pytest.fixture
def listing(qtbot, session):
    widget = PatientListWidget(session)
    qtbot.addWidget(widget)
    widget.resize(1100, 600)
    return widget


def cell(widget, row: int, column: str) -> str:
    return str(widget.proxy.index(row, COLUMNS.index(column)).data())


def names(widget) -> list[str]:
    return [cell(widget, r, "姓名") for r in range(widget.row_count())]


def type_search(qtbot, widget, text: str) -> None:
    widget.search.clear()
    qtbot.keyClicks(widget.search, text)
    widget.search_now()


def test_columns_and_masked_id_numbers(two_patients, listing):
    assert listing.row_count() == 2
    shown = {cell(listing, r, "姓名"): cell(listing, r, "身份证号") for r in range(2)}
    assert shown["张三"] == idnumber.mask(ZHANG)
    every_cell = [str(listing.proxy.index(r, c).data()) for r in range(2) for c in range(len(COLUMNS))]
    assert ZHANG not in every_cell and LI not in every_cell
    assert listing.count_label.text() == "共 2 名患者"


def test_age_sex_and_phone_falls_back_to_guardian(two_patients, listing):
    row = names(listing).index("李四")
    assert cell(listing, row, "年龄") == str(age_of("1992-03-15"))
    assert cell(listing, row, "性别") == "女"
    assert cell(listing, row, "联系电话") == "13900002222"
    assert cell(listing, row, "监护人") == "李大山"
    assert listing.proxy.index(row, PHONE_COLUMN).data(Qt.ToolTipRole) == "监护人联系电话"
    assert cell(listing, names(listing).index("张三"), "联系电话") == "13800001111"


def test_pinyin_initials_search_as_you_type(qtbot, two_patients, listing):
    qtbot.keyClicks(listing.search, "zs")
    qtbot.waitUntil(lambda: listing.row_count() == 1, timeout=2000)  # the debounce timer fires
    assert names(listing) == ["张三"]
    assert listing.count_label.text() == "找到 1 名"


def test_chinese_fragment_and_id_fragment(two_patients, listing):
    listing.search.setText("四")
    listing.search_now()
    assert names(listing) == ["李四"]
    listing.search.setText(ZHANG[8:14])
    listing.search_now()
    assert names(listing) == ["张三"]
    listing.search.setText("王")
    listing.search_now()
    assert listing.row_count() == 0 and listing.count_label.text() == "找到 0 名"


def test_sorting_by_age(two_patients, listing):
    listing.table.sortByColumn(AGE_COLUMN, Qt.AscendingOrder)
    assert names(listing) == ["李四", "张三"]
    listing.table.sortByColumn(AGE_COLUMN, Qt.DescendingOrder)
    assert names(listing) == ["张三", "李四"]


def test_table_is_read_only_rows(listing, two_patients):
    from PySide6.QtWidgets import QAbstractItemView

    assert listing.table.editTriggers() == QAbstractItemView.NoEditTriggers
    assert listing.table.selectionBehavior() == QAbstractItemView.SelectRows
    assert listing.table.alternatingRowColors()


def test_down_arrow_moves_into_table_and_enter_opens(qtbot, session, two_patients, listing):
    listing.show()
    qtbot.waitExposed(listing)
    type_search(qtbot, listing, "ls")
    qtbot.keyClick(listing.search, Qt.Key_Down)
    assert listing.focusWidget() is listing.table
    with qtbot.waitSignal(listing.patient_opened) as opened:
        qtbot.keyClick(listing.table, Qt.Key_Return)
    assert opened.args == [two_patients[1]]
    assert isinstance(listing.current_dialog, PatientPage)
    assert listing.current_dialog.record["name"] == "李四"
    listing.current_dialog.close()


def test_enter_in_search_box_opens_first_match(qtbot, session, two_patients, listing):
    type_search(qtbot, listing, "zs")
    with qtbot.waitSignal(listing.patient_opened) as opened:
        qtbot.keyClick(listing.search, Qt.Key_Return)
    assert opened.args == [two_patients[0]]
    listing.current_dialog.close()


def test_double_click_opens(qtbot, two_patients, listing):
    listing.show()
    qtbot.waitExposed(listing)
    row = names(listing).index("李四")
    rect = listing.table.visualRect(listing.proxy.index(row, 0))
    qtbot.mouseClick(listing.table.viewport(), Qt.LeftButton, pos=rect.center())
    with qtbot.waitSignal(listing.patient_opened) as opened:
        qtbot.mouseDClick(listing.table.viewport(), Qt.LeftButton, pos=rect.center())
    assert opened.args == [two_patients[1]]
    listing.current_dialog.close()


def test_opening_is_audited(qtbot, session, two_patients, listing):
    listing.open_patient(two_patients[0])
    views = [r for r in audit.recent(session.db, entity="patient", entity_id=two_patients[0])
             if r["action"] == audit.VIEW]
    assert len(views) == 1 and views[0]["username"] == "tester"
    listing.current_dialog.close()


def test_new_patient_is_saved_and_listed(qtbot, session, two_patients, listing):
    form = listing.new_patient()
    assert isinstance(form, PatientForm) and form.isVisible()
    for key, value in patient_values("王五", make_id("19750505", "311")).items():
        form.set_value(key, value)
    assert form.save()
    assert listing.row_count() == 3
    assert listing.selected_patient_id() == form.saved_patient_id
    assert cell(listing, listing.table.currentIndex().row(), "姓名") == "王五"
    assert listing.count_label.text() == "共 3 名患者"


def test_read_only_role_cannot_add(qtbot, readonly_session):
    widget = PatientListWidget(readonly_session)
    qtbot.addWidget(widget)
    assert not widget.new_button.isEnabled()
    assert widget.new_patient() is None
    assert patients.count(readonly_session.db) == 0


def test_ctrl_n_opens_the_form(qtbot, listing):
    listing.show()
    listing.activateWindow()
    qtbot.waitUntil(listing.isActiveWindow)
    qtbot.keyClick(listing.search, Qt.Key_N, Qt.ControlModifier)
    assert isinstance(listing.current_dialog, PatientForm)
    listing.current_dialog.close()
