"""What a stored patient still lacks of the form's required fields (imported patients lack much)."""
from clinic_app.domain import completeness
from clinic_app.domain.patient_fields import ALL_FIELDS


def test_a_register_row_lacks_the_form_only_fields():
    imported = {"name": "张三", "id_number": "500381198001011238", "sex": "男",
                "birth_date": "1980-01-01", "town": "油溪镇", "address": "油溪镇大坡村3组",
                "ethnicity": None, "diagnosis": "", "guardian_name": "张大山"}
    assert completeness.missing_required(imported) == ["民族", "疾病诊断"]
    assert completeness.summary(imported) == "资料不全：缺 民族、疾病诊断"


def test_labels_follow_form_order_and_blank_means_missing():
    required = [f.label for f in ALL_FIELDS if f.required]
    assert completeness.missing_required({}) == required
    assert completeness.missing_required({"name": "  ", "town": []})[:1] == ["姓名"]


def test_a_complete_record_lacks_nothing():
    record = {f.key: "x" for f in ALL_FIELDS}
    assert completeness.missing_required(record) == []
    assert completeness.summary(record) == ""
