"""The patient page: read-only, masked numbers revealed on request, every look audited."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QLabel

from clinic_app.domain import idnumber
from clinic_app.domain import patient_fields as pf
from clinic_app.storage import audit, patients
from clinic_app.ui.patients import PatientForm, PatientPage

from .conftest import make_id, patient_values

pytestmark = pytest.mark.usefixtures("no_dialogs")

ZHANG = make_id("19800101", "123")
GUARDIAN = make_id("19550505", "111")
CERT = ZHANG + "12"


@pytest.fixture
def zhang(make_patient):
    return make_patient("张三", ZHANG, phone="13800001111", insurance_types=["医疗救助", "无医疗保险"],
                        police_managed=True, disability_cert_no=CERT, guardian_name="张大山",
                        guardian_id_number=GUARDIAN, guardian_relationship="父亲")


def open_page(qtbot, session, patient_id) -> PatientPage:
    page = PatientPage(session, patient_id)
    qtbot.addWidget(page)
    page.show()
    return page


def actions(session, patient_id) -> list[str]:
    return [r["action"] for r in reversed(audit.recent(session.db, entity="patient", entity_id=patient_id))]


def test_opening_is_audited(qtbot, session, zhang):
    open_page(qtbot, session, zhang)
    assert actions(session, zhang) == [audit.CREATE, audit.VIEW]
    view = audit.recent(session.db, entity="patient", entity_id=zhang)[0]
    assert view["username"] == "tester" and "张三" in view["summary"]


def test_every_field_is_shown_read_only(qtbot, session, zhang):
    page = open_page(qtbot, session, zhang)
    for field in pf.ALL_FIELDS:
        if field.kind != pf.IMAGE:
            assert page.value_text(field.key), field.key
    assert page.value_text("name") == "张三"
    assert page.value_text("insurance_types") == "无医疗保险、医疗救助"
    assert page.value_text("police_managed") == "是"
    assert page.value_text("special_disease_card") == "否"
    assert page.value_text("postcode") == "—"
    assert page.value_text("guardian_relationship") == "父亲"
    assert page.findChild(QLabel, "value_sex").text() == "男"


def test_sensitive_numbers_masked_until_revealed(qtbot, session, zhang):
    page = open_page(qtbot, session, zhang)
    assert page.value_text("id_number") == idnumber.mask(ZHANG)
    assert page.value_text("guardian_id_number") == idnumber.mask(GUARDIAN)
    assert page.value_text("disability_cert_no") == idnumber.mask(CERT)
    assert page.reveal_button.text() == "显示完整号码"
    page.reveal_button.click()
    assert page.value_text("id_number") == ZHANG
    assert page.value_text("guardian_id_number") == GUARDIAN
    assert page.value_text("disability_cert_no") == CERT
    assert actions(session, zhang) == [audit.CREATE, audit.VIEW, audit.REVEAL]
    reveal = audit.recent(session.db, entity="patient", entity_id=zhang)[0]
    assert reveal["summary"] == "显示完整身份证号" and reveal["username"] == "tester"
    page.reveal()  # a second press records nothing more
    assert actions(session, zhang).count(audit.REVEAL) == 1


def test_sex_and_birth_mismatch_is_flagged(qtbot, session, make_patient):
    pid = make_patient("李四", ZHANG, sex="女", birth_date="1980-01-02")
    page = open_page(qtbot, session, pid)
    assert page.flag_text("sex").startswith("⚠ 与身份证号不符")
    assert "1980年01月01日" in page.flag_text("birth_date")
    assert page.flag_text("name") == ""


def test_no_flag_when_consistent(qtbot, session, zhang):
    page = open_page(qtbot, session, zhang)
    assert page.flag_text("sex") == "" and page.flag_text("birth_date") == ""


def test_household_members_open(qtbot, session, zhang, make_patient):
    household = patients.get(session.db, zhang)["household_id"]
    other = make_patient("张四", make_id("19850202", "135"), household_id=household)
    page = open_page(qtbot, session, zhang)
    assert len(page.member_labels) == 1 and "张四" in page.member_labels[0].text()
    page.member_labels[0].linkActivated.emit(str(other))
    assert isinstance(page.current_dialog, PatientPage)
    assert page.current_dialog.record["name"] == "张四"
    assert actions(session, other) == [audit.CREATE, audit.VIEW]
    page.current_dialog.close()


def test_alone_household(qtbot, session, zhang):
    page = open_page(qtbot, session, zhang)
    assert page.member_labels == []


def test_photo_shown(qtbot, session, zhang):
    image = QImage(30, 40, QImage.Format_RGB32)
    image.fill(QColor("blue"))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.WriteOnly)
    image.save(buffer, "PNG")
    patients.set_photo(session.db, zhang, bytes(data.data()))
    page = open_page(qtbot, session, zhang)
    assert any(not label.pixmap().isNull() for label in page.findChildren(QLabel))


def test_edit_then_reload(qtbot, session, zhang):
    page = open_page(qtbot, session, zhang)
    form = page.edit()
    assert isinstance(form, PatientForm) and form.isVisible()
    form.set_value("phone", "023-47521234")
    assert form.save()
    assert page.value_text("phone") == "023-47521234"
    assert actions(session, zhang) == [audit.CREATE, audit.VIEW, audit.REVEAL, audit.UPDATE]


def test_read_only_role_cannot_edit(qtbot, session, readonly_session, zhang):
    page = open_page(qtbot, readonly_session, zhang)
    assert not page.edit_button.isEnabled()
    assert page.edit() is None
    assert page.reveal_button.isEnabled()  # the rules let every role see the full number
    page.reveal_button.click()
    assert audit.recent(session.db, entity="patient", entity_id=zhang)[0]["username"] == "reader"


def test_read_only_role_sees_the_list_but_no_new_button(qtbot, readonly_session, zhang):
    from clinic_app.ui.patients import PatientListWidget

    widget = PatientListWidget(readonly_session)
    qtbot.addWidget(widget)
    assert widget.row_count() == 1
    page = widget.open_patient(zhang)
    assert not page.edit_button.isEnabled()
    page.close()


def test_values_from_the_page_match_a_new_registration(qtbot, session):
    pid = patients.create(session.db, pf.validate_record(patient_values("王五", make_id("19750505", "311"))).values)
    page = open_page(qtbot, session, pid)
    assert page.value_text("sex") == "男"
    assert page.value_text("birth_date") == "1975-05-05"
    assert page.value_text("ethnicity") == "汉族"
