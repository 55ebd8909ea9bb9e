"""The approval form (Attachment 4): one A4 page in the form's own words, prefilled and ticked."""
import datetime as dt
import io
import struct
import zlib

import pytest

from clinic_app.documents import layout
from clinic_app.documents.application_form import (
    CHECKLIST_TITLE, CLINIC_LABEL, NOTES, OFFICE_LABEL, TITLE, VILLAGE_LABEL, birth_month,
    insurance_box_label, render_application_form, town_stem,
)
from clinic_app.domain import choices
from clinic_app.domain.applications import DOCUMENTS
from clinic_app.domain.patient_fields import BY_KEY

from .pdftools import dark_share, flat, font_names, pages_text, reader, render_png

TICK, EMPTY = layout.CHECKED_MARK, layout.UNCHECKED_MARK
PRINTED = dt.datetime(2024, 5, 10, 9, 30)

PATIENT = {
    "name": "张国华", "id_number": "500381198003150012", "sex": "男", "birth_date": "1980-03-15",
    "ethnicity": "汉族", "phone": "13908171234", "town": "油溪镇", "village": "大坡村",
    "address": "重庆市江津区油溪镇大坡村3组15号", "postcode": "402260", "hukou_type": "农业户口",
    "diagnosis": "精神分裂症", "diagnosing_institution": "重庆市江津区精神卫生中心",
    "disability_cert_no": "50038119800315001262", "insurance_types": ["新型农村合作医疗保险", "医疗救助"],
    "insurance_card_no": "CQ12345678", "subsidies": ["建卡贫困户", "残联补助"],
    "guardian_name": "张德成", "guardian_relationship": "父亲", "guardian_phone": "023-47721234",
    "guardian_id_number": "500381194211010032", "guardian_address": "重庆市江津区油溪镇大坡村3组15号",
    "guardian_postcode": "402261",
}
APPLICATION = {"received_date": "2024-05-10"}


def render(patient=PATIENT, application=APPLICATION, town="油溪镇", photo=None) -> bytes:
    out = io.BytesIO()
    render_application_form(out, patient, application, town, photo, printed_at=PRINTED)
    return out.getvalue()


def tiny_png(width=20, height=28) -> bytes:
    """A grey PNG made by hand, so the test needs no imaging library."""
    raw = b"".join(b"\x00" + bytes([120, 140, 200]) * width for _ in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw))
            + chunk(b"IEND", b""))


@pytest.fixture(scope="module")
def text():
    pages = pages_text(render())
    assert len(pages) == 1
    return flat(pages[0])


def test_the_form_is_one_a4_page():
    pdf = reader(render())
    assert len(pdf.pages) == 1
    box = pdf.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)


def test_every_label_comes_from_the_field_declaration(text):
    keys = ("name", "sex", "ethnicity", "id_number", "birth_date", "disability_cert_no", "postcode",
            "address", "phone", "diagnosis", "diagnosing_institution", "insurance_card_no",
            "guardian_name", "guardian_relationship", "guardian_address", "subsidies", "hukou_type",
            "insurance_types")
    for key in keys:
        assert flat(BY_KEY[key].label) in text, key


def test_the_forms_own_words_are_there(text):
    assert TITLE in text
    for words in ("申请人或监护人申请", "签字：", VILLAGE_LABEL, CLINIC_LABEL, OFFICE_LABEL):
        assert flat(words) in text


def test_the_three_notes_are_printed_word_for_word(text):
    assert "注：1.本表由申请者本人或监护人填写。" in text
    assert ("2.申请时需携带申请人残疾证及复印件、监护人身份证及复印件，医保卡复印件、精神专科医院或"
            "综合医院精神科诊疗信息复印件、患者1寸正面照2张。") in text
    assert ("3.村（社区）主要核实该申请人是否为低保户、特困户、建档立卡贫困户等民政救助对象和辖区常住居民，"
            "并如实填写，加盖公章。") in text
    assert [flat(n) for n in NOTES] == [flat(n) for n in NOTES if flat(n) in text]


def test_values_are_filled_in(text):
    for key in ("name", "id_number", "ethnicity", "phone", "address", "postcode", "diagnosis",
                "diagnosing_institution", "disability_cert_no", "insurance_card_no", "guardian_name",
                "guardian_relationship", "guardian_phone", "guardian_postcode"):
        assert flat(PATIENT[key]) in text, key
    assert "1980年03月" in text


def test_heading_names_the_town_and_the_date_received(text):
    assert text.index("油溪镇（街）") < text.index("2024年05月10日") < text.index("姓名")


def test_the_patients_sex_is_ticked(text):
    assert f"男{TICK}女{EMPTY}" in text


def test_subsidies_are_ticked_and_the_others_left_empty(text):
    for number, subsidy in enumerate(choices.SUBSIDIES, start=1):
        mark = TICK if subsidy in PATIENT["subsidies"] else EMPTY
        assert f"{number}.{flat(subsidy)}{mark}" in text, subsidy


def test_hukou_and_insurance_boxes(text):
    assert f"农业户口{TICK}非农业户口{EMPTY}" in text
    for number, kind in enumerate(choices.INSURANCE_TYPES, start=1):
        mark = TICK if kind in PATIENT["insurance_types"] else EMPTY
        assert f"{number}.{insurance_box_label(kind)}{mark}" in text, kind
    assert text.count(TICK) == 1 + 2 + 1 + 2  # sex, subsidies, hukou, insurance


def test_the_application_snapshot_of_subsidies_wins():
    text = flat(pages_text(render(application={**APPLICATION, "subsidies": ["医保特病"]}))[0])
    assert f"医保特病{TICK}" in text and f"建卡贫困户{EMPTY}" in text


def test_the_stored_json_form_of_the_lists_is_understood():
    patient = {**PATIENT, "subsidies": '["建卡贫困户"]', "insurance_types": '["无医疗保险"]'}
    text = flat(pages_text(render(patient))[0])
    assert f"建卡贫困户{TICK}" in text and f"无医疗保险{TICK}" in text


def test_opinion_boxes_are_blank_unless_the_village_opinion_was_recorded(text):
    after = text[text.index(flat(VILLAGE_LABEL)):text.index("注：")]
    assert flat(after) == flat(VILLAGE_LABEL + "基层医疗卫生单位审核意见" + OFFICE_LABEL)
    opinion = {**APPLICATION, "village_opinion": "经核实，该申请人系本村常住居民，属低保户。",
               "village_opinion_date": "2024-05-08"}
    filled = flat(pages_text(render(application=opinion))[0])
    assert "经核实，该申请人系本村常住居民，属低保户。" in filled and "2024年05月08日" in filled


def test_a_photo_is_drawn_and_without_one_the_box_says_photo(text):
    assert "照片" in text
    with_photo = reader(render(photo=tiny_png()))
    images = with_photo.pages[0]["/Resources"]["/XObject"]
    assert len(images) == 1
    assert "照片" not in flat(with_photo.pages[0].extract_text())


def test_a_damaged_photo_does_not_stop_the_printout():
    assert "照片" in flat(pages_text(render(photo=b"not an image"))[0])


def test_a_blank_form_prints_for_filling_in_by_hand():
    out = io.BytesIO()
    render_application_form(out, {}, None, "")
    text = flat(pages_text(out)[0])
    assert TITLE in text and "年月日" in text and TICK not in text
    assert text.count(EMPTY) == 2 + 6 + 2 + 6


def test_overlong_values_still_fit_on_one_page():
    long = {**PATIENT, "address": "重庆市江津区油溪镇大坡村3组15号" * 8,
            "diagnosing_institution": "重庆医科大学附属第一医院精神科门诊部" * 3,
            "guardian_address": "某某街道" * 30}
    assert len(pages_text(render(long))) == 1


def test_every_string_is_in_the_embedded_chinese_font():
    names = font_names(render())
    assert names and all("WenQuanYiMicroHei" in name for name in names)


def test_the_footer_numbers_the_page_and_says_when_it_was_printed(text):
    assert "第1页共1页" in text and "打印时间：2024-05-1009:30" in text


def test_a_document_checklist_adds_a_second_page():
    documents = {"form": {"original_seen": True, "copy_received": True, "note": ""},
                 "insurance_cards": {"original_seen": False, "copy_received": False, "note": "无特病卡"}}
    pages = pages_text(render(application={**APPLICATION, "documents": documents}))
    assert len(pages) == 2
    checklist = flat(pages[1])
    assert CHECKLIST_TITLE in checklist and PATIENT["id_number"] in checklist
    for _, name in DOCUMENTS:
        assert flat(name) in checklist
    assert "原件已核" in checklist and "复印件已收" in checklist and "无特病卡" in checklist
    assert checklist.count(TICK) == 2 and checklist.count(EMPTY) == 10


def test_an_untouched_checklist_adds_no_page():
    untouched = {key: {"original_seen": False, "copy_received": False, "note": ""} for key, _ in DOCUMENTS}
    assert len(pages_text(render(application={**APPLICATION, "documents": untouched}))) == 1
    as_json = '{"form": {"original_seen": true}}'
    assert len(pages_text(render(application={**APPLICATION, "documents": as_json}))) == 2


def test_writes_to_a_path(tmp_path):
    target = tmp_path / "审批表.pdf"
    render_application_form(target, PATIENT, APPLICATION, "油溪镇")
    assert target.read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize("town, stem", [("油溪镇", "油溪"), ("几江街道", "几江"), ("四面山镇", "四面山"),
                                        ("", ""), (None, "")])
def test_town_stem(town, stem):
    assert town_stem(town) == stem


def test_birth_month():
    assert birth_month("1980-03-15") == "1980年03月" and birth_month(None) == ""


def test_page_one_renders_as_a_page_with_ink(tmp_path):
    pdf = tmp_path / "application.pdf"
    pdf.write_bytes(render(photo=tiny_png()))
    png = render_png(pdf, tmp_path)
    assert png.stat().st_size > 10_000
    assert 0.02 < dark_share(pdf, tmp_path) < 0.5


def test_the_checklist_names_the_application_day_when_received_on_another_day():
    documents = {"form": {"original_seen": True, "copy_received": True, "note": ""}}
    note = "本月申请日为 2024-05-10（每月10日，遇节假日顺延至下一个工作日）；本申请于 2024-05-13 受理，晚于申请日"
    pages = pages_text(render(application={"received_date": "2024-05-13", "documents": documents,
                                           "application_day_note": note}))
    assert flat(note) in flat(pages[1])
    on_day = pages_text(render(application={**APPLICATION, "documents": documents,
                                            "application_day_note": None}))
    assert "本月申请日" not in flat(on_day[1])
