"""The registration form: built from the field list, checks as you go, never loses typing."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QCheckBox, QComboBox, QGroupBox, QLabel, QLineEdit

from clinic_app.domain import patient_fields as pf
from clinic_app.storage import audit, patients
from clinic_app.ui.patients import PatientForm
from clinic_app.ui.patients.photo_box import PhotoBox

from .conftest import make_id, patient_values, wrong_check

pytestmark = pytest.mark.usefixtures("no_dialogs")

GOOD_ID = make_id("19800101", "123")  # 男, 1980-01-01


@pytest.fixture
def form(qtbot, session):
    dialog = PatientForm(session)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def fill(form, values: dict) -> None:
    for key, value in values.items():
        form.set_value(key, value)


def type_into(qtbot, form, key: str, text: str) -> None:
    """Type as a user would, then press Enter to leave the field."""
    widget = form.field_widget(key)
    widget.clear()
    if text.isascii():
        qtbot.keyClicks(widget, text)
    else:  # QTest can only type ASCII; an input method would insert the Chinese like this
        widget.insert(text)
    qtbot.keyClick(widget, Qt.Key_Return)


def test_every_field_has_an_input_and_a_hidden_message(form):
    kinds = {pf.TEXT: QLineEdit, pf.DATE: QLineEdit, pf.CHOICE: QComboBox,
             pf.EDITABLE_CHOICE: QComboBox, pf.BOOL: QCheckBox, pf.IMAGE: PhotoBox}
    for field in pf.ALL_FIELDS:
        if field.kind in kinds:
            assert isinstance(form.field_widget(field.key), kinds[field.kind]), field.key
        message = form.findChild(QLabel, f"error_{field.key}")
        assert message is not None and message.isHidden(), field.key
    assert [b.title() for b in form.findChildren(QGroupBox) if b.title() in pf.GROUPS] == list(pf.GROUPS)
    assert form.field_widget("ethnicity").currentText() == "汉族"
    assert form.field_widget("ethnicity").isEditable()
    assert form.field_widget("birth_date").placeholderText() == "2020-01-05"


def test_required_labels_have_a_red_star(form):
    texts = [label.text() for label in form.findChildren(QLabel)]
    assert any("*" in t and "姓名：" in t for t in texts)
    assert any(t == "村（社区）：" for t in texts)


def test_town_list_starts_with_this_clinics_towns(form):
    combo = form.field_widget("town")
    items = [combo.itemText(i) for i in range(combo.count())]
    assert items[1:3] == ["油溪镇", "吴滩镇"]
    assert "几江街道" in items


def test_multi_choice_boxes(form):
    boxes = {b.text(): b for b in form.field_widget("insurance_types").findChildren(QCheckBox)}
    boxes["新型农村合作医疗保险"].setChecked(True)
    boxes["医疗救助"].setChecked(True)
    assert form.value("insurance_types") == ["新型农村合作医疗保险", "医疗救助"]


def test_wrong_check_digit_keeps_dialog_and_text(qtbot, session, form):
    bad = wrong_check(GOOD_ID)
    fill(form, patient_values("张三", ""))
    type_into(qtbot, form, "id_number", bad)
    assert "校验位" in form.error_text("id_number")
    assert form.findChild(QLabel, "error_id_number").isVisible()
    assert form.message_kind("id_number") == "error"
    assert form.save() is False
    assert form.isVisible()
    assert form.field_widget("id_number").text() == bad
    assert form.value("name") == "张三"
    assert patients.count(session.db) == 0

    type_into(qtbot, form, "id_number", GOOD_ID)
    assert form.error_text("id_number") == ""
    with qtbot.waitSignal(form.accepted):
        assert form.save()
    saved = patients.get(session.db, form.saved_patient_id)
    assert saved["id_number"] == GOOD_ID and saved["sex"] == "男"
    assert [r["action"] for r in audit.recent(session.db, entity="patient")] == [audit.CREATE]


def test_missing_required_field_is_shown_at_that_field(qtbot, form):
    fill(form, patient_values("", GOOD_ID))
    assert form.save() is False
    assert form.error_text("name") == "请填写姓名"
    assert form.focusWidget() is form.field_widget("name")
    assert form.error_text("village") == ""
    fill(form, {"name": "张三", "address": None, "diagnosis": None})
    assert form.save() is False
    assert form.error_text("address") == "请填写家庭地址"
    assert form.error_text("diagnosis") == "请填写疾病诊断"
    assert form.error_text("name") == ""
    assert form.focusWidget() is form.field_widget("address")


def test_leaving_a_blank_field_does_not_nag(qtbot, form):
    type_into(qtbot, form, "name", "")
    assert form.error_text("name") == ""
    type_into(qtbot, form, "name", "张3")
    assert form.error_text("name") == "姓名中不应有数字"


def test_fifteen_digit_id_converts(qtbot, form):
    old = "500381800101123"
    type_into(qtbot, form, "id_number", old)
    assert "15位" in form.error_text("id_number")
    button = form.suggestion_button("id_number")
    assert button.isVisible() and button.text() == "转换为18位"
    qtbot.mouseClick(button, Qt.LeftButton)
    assert form.value("id_number") == make_id("19800101", "123")
    assert form.error_text("id_number") == ""
    assert not button.isVisible()
    assert form.value("sex") == "男" and form.value("birth_date") == "1980-01-01"


def test_sex_and_birth_date_come_from_the_id(qtbot, form):
    type_into(qtbot, form, "id_number", make_id("19920315", "246").lower())
    assert form.value("sex") == "女"
    assert form.value("birth_date") == "1992-03-15"
    form.field_widget("sex").setCurrentText("男")
    form.field_widget("sex").activated.emit(1)
    assert form.message_kind("sex") == "warning"
    assert "与身份证号不符" in form.error_text("sex")
    form.field_widget("sex").setCurrentText("女")
    form.field_widget("sex").activated.emit(2)
    assert form.error_text("sex") == ""


def test_typed_sex_that_disagrees_is_kept_with_a_warning(qtbot, form):
    form.set_value("birth_date", "1980-01-02")
    type_into(qtbot, form, "id_number", GOOD_ID)
    assert form.value("birth_date") == "1980-01-02"
    assert form.message_kind("birth_date") == "warning"
    assert "1980年01月01日" in form.error_text("birth_date")


def test_dates_are_tidied_when_valid(qtbot, form):
    type_into(qtbot, form, "residence_since", "2001/3/5")
    assert form.value("residence_since") == "2001-03-05"
    type_into(qtbot, form, "residence_since", "2001-13-05")
    assert "不存在" in form.error_text("residence_since")
    assert form.value("residence_since") == "2001-13-05"


def test_duplicate_id_is_shown_at_the_id_field(qtbot, session, form, make_patient):
    make_patient("张三", GOOD_ID)
    fill(form, patient_values("张小三", GOOD_ID))
    assert form.save() is False
    assert "已登记" in form.error_text("id_number")
    assert patients.count(session.db) == 1


def test_household_sharing(qtbot, session, form, make_patient):
    first = make_patient("张三", GOOD_ID, guardian_name="张大山", guardian_phone="13900002222",
                         guardian_relationship="父亲", address="油溪镇桥头村5组7号", village="桥头村")
    found = form.household.update_candidates("张")
    assert [r["id"] for r in found] == [first]
    assert form.household.completer.model().stringList()[0].startswith("张三（500381")
    form.household.choose(first)  # the form's question is answered "yes"
    assert "张三" in form.household.status.text()
    assert form.value("guardian_name") == "张大山"
    assert form.value("address") == "油溪镇桥头村5组7号"
    assert form.value("guardian_relationship") is None
    fill(form, {"name": "张四", "id_number": make_id("19850202", "135"), "diagnosis": "精神分裂症"})
    assert form.save()
    one, two = patients.get(session.db, first), patients.get(session.db, form.saved_patient_id)
    assert one["household_id"] == two["household_id"]
    assert two["guardian_id"] is not None


def test_household_choice_can_be_undone(qtbot, session, form, make_patient):
    first = make_patient("张三", GOOD_ID)
    form.household.choose(first)
    form.household.alone_button.click()
    assert form.household.status.text() == "单独立户"
    fill(form, patient_values("李四", make_id("19920315", "246")))
    assert form.save()
    assert patients.get(session.db, first)["household_id"] != \
        patients.get(session.db, form.saved_patient_id)["household_id"]


def _png(tmp_path, color="red"):
    path = tmp_path / "photo.png"
    image = QImage(60, 80, QImage.Format_RGB32)
    image.fill(QColor(color))
    image.save(str(path))
    return path


def test_photo_is_stored(qtbot, session, form, tmp_path, monkeypatch):
    path = _png(tmp_path)
    box = form.field_widget("photo")
    monkeypatch.setattr(box, "_choose_file", lambda: str(path))
    box.choose_button.click()
    assert box.remove_button.isEnabled()
    fill(form, patient_values("张三", GOOD_ID))
    assert form.save()
    assert patients.get_photo(session.db, form.saved_patient_id) == path.read_bytes()


def test_editing_preloads_everything(qtbot, session, make_patient, tmp_path):
    pid = make_patient("张三", GOOD_ID, insurance_types=["医疗救助"], police_managed=True,
                       subsidies=["残联补助"], guardian_name="张大山", guardian_relationship="父亲",
                       residence_since="2001-03-05")
    patients.set_photo(session.db, pid, _png(tmp_path).read_bytes(), "image/png")
    form = PatientForm(session, pid)
    qtbot.addWidget(form)
    assert form.windowTitle() == "编辑患者：张三"
    assert form.value("insurance_types") == ["医疗救助"]
    assert form.value("subsidies") == ["残联补助"]
    assert form.value("police_managed") is True
    assert form.value("special_disease_card") is False
    assert form.value("guardian_relationship") == "父亲"
    assert form.value("residence_since") == "2001-03-05"
    assert form.value("sex") == "男"
    assert form.field_widget("photo").photo() is not None
    assert "单独立户" in form.household.status.text()

    form.set_value("phone", "13800001111")
    form.field_widget("photo").remove()
    assert form.save()
    assert patients.get(session.db, pid)["phone"] == "13800001111"
    assert patients.get_photo(session.db, pid) is None
    update = audit.recent(session.db, entity="patient", entity_id=pid)[0]
    assert update["action"] == audit.UPDATE and "phone" in update["detail"]


def test_enter_moves_to_the_next_field_and_does_not_save(qtbot, session, form):
    fill(form, patient_values("张三", GOOD_ID))
    form.field_widget("name").setFocus()
    qtbot.keyClick(form.field_widget("name"), Qt.Key_Return)
    assert form.isVisible() and patients.count(session.db) == 0
    assert form.focusWidget() is form.field_widget("id_number")


def test_household_picked_from_the_completer(qtbot, session, form, make_patient):
    first = make_patient("张三", GOOD_ID)
    qtbot.keyClicks(form.household.search, "zs")
    labels = form.household.completer.model().stringList()
    assert len(labels) == 1
    form.household.completer.activated[str].emit(labels[0])
    assert form.household.household_id == patients.get(session.db, first)["household_id"]
    assert form.household.alone_button.isVisible()
    assert "保存后生效" in form.household.status.text()


def test_closing_with_unsaved_typing_asks_first(qtbot, form):
    form.set_value("name", "张三")
    answers = []
    form._confirm = lambda title, text: answers.append(text) or False
    form.reject()
    assert form.isVisible() and answers and "尚未保存" in answers[0]
    form._confirm = lambda title, text: True
    form.reject()
    assert not form.isVisible()


def test_closing_untouched_form_asks_nothing(qtbot, form):
    form._confirm = lambda title, text: pytest.fail("should not ask")
    form.reject()
    assert not form.isVisible()


def test_edit_form_shows_a_stored_mismatch(qtbot, session, make_patient):
    pid = make_patient("张三", GOOD_ID, sex="女")
    form = PatientForm(session, pid)
    qtbot.addWidget(form)
    assert form.value("sex") == "女"
    assert form.message_kind("sex") == "warning"


def test_large_photo_is_shrunk(qtbot, form, tmp_path):
    path = tmp_path / "big.png"
    image = QImage(2000, 1500, QImage.Format_RGB32)
    image.fill(QColor("green"))
    image.save(str(path))
    box = form.field_widget("photo")
    assert box.load_file(path)
    data, mime = box.photo()
    stored = QImage.fromData(data)
    assert mime == "image/jpeg" and max(stored.width(), stored.height()) == 800


def test_unreadable_photo_is_refused(qtbot, form, tmp_path):
    path = tmp_path / "not.png"
    path.write_bytes(b"not an image")
    box = form.field_widget("photo")
    assert box.load_file(path) is False
    assert box.photo() is None and box.message.text() == "无法读取该图片"


def test_ctrl_s_saves(qtbot, session, form):
    fill(form, patient_values("张三", GOOD_ID))
    form.activateWindow()
    qtbot.waitUntil(form.isActiveWindow)
    with qtbot.waitSignal(form.accepted):
        qtbot.keyClick(form.field_widget("name"), Qt.Key_S, Qt.ControlModifier)
    assert patients.count(session.db) == 1


def test_editing_a_patient_shows_whole_numbers_and_is_audited_as_a_reveal(qtbot, session):
    from clinic_app.domain.patient_fields import validate_record
    from clinic_app.storage import audit, patients
    from clinic_app.ui.patients import PatientForm

    values = validate_record({"name": "周建国", "id_number": "11010519491231002X", "ethnicity": "汉族",
                              "town": "油溪镇", "address": "油溪镇大坡村3组", "diagnosis": "精神分裂症"}).values
    pid = patients.create(session.db, values, user=session.user)
    form = PatientForm(session, pid)
    qtbot.addWidget(form)
    assert form.value("id_number") == "11010519491231002X"
    row = audit.recent(session.db, 1)[0]
    assert (row["action"], row["entity_id"]) == (audit.REVEAL, str(pid))


def test_split_button_moves_an_existing_patient_out_of_a_shared_household(qtbot, session):
    from clinic_app.domain.patient_fields import validate_record
    from clinic_app.storage import patients
    from clinic_app.ui.patients import PatientForm

    base = {"ethnicity": "汉族", "town": "油溪镇", "address": "油溪镇大坡村3组", "diagnosis": "精神分裂症"}
    first = patients.create(session.db, validate_record({**base, "name": "周建国",
                                                         "id_number": "11010519491231002X"}).values)
    shared = patients.get(session.db, first)["household_id"]
    second = patients.create(session.db, validate_record({**base, "name": "周建民",
                                                          "id_number": "110105195001010012"}).values,
                             household_id=shared)
    form = PatientForm(session, second)
    qtbot.addWidget(form)
    form.show()
    assert form.household.split_button.isVisible()
    form.household.split_button.click()
    assert form.save()
    assert patients.get(session.db, second)["household_id"] != shared
