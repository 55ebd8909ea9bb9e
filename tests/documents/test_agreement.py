"""The service agreement (Attachment 7): every clause word for word, one page per copy."""
import datetime as dt
import io

import pytest

from clinic_app.documents.agreement import (
    A_SIGNATURE, B_SIGNATURE, CLAUSES, COPY_LABELS, PREAMBLE, SEAL, TITLE, party_b, render_agreement,
)

from .pdftools import dark_share, flat, font_names, pages_text, render_png

PATIENT = {"name": "张国华", "id_number": "500381198003150012", "guardian_name": "张德成"}
CLINIC = "油溪（中心）卫生院"
PRINTED = dt.datetime(2024, 5, 10, 9, 30)

# Attachment 7 as the district issued it, typed here again from the seed so that a slip in the
# module's copy is caught.
SEED_TEXT = """
为进一步加强严重精神障碍患者管理服务，减少严重精神障碍患者服药副反应，增加服药方便性，提高服药依从性，有效预防和减
少严重精神障碍患者病情复发，根据《中华人民共和国民法通则》《中华人民共和国精神卫生法》等法律法规，经甲方、患者家属、
患者监护人协商，在患者病情稳定情况下，征得患者同意后，现与患者及家属达成如下免费服药协议：
1. 甲方为乙方提供免费第二代抗精神病药一年，提供的药品需满足国家相关技术标准。
2. 乙方在就诊取药时应主动提供医保卡、特病卡、残联服药补助卡等资料。
3. 甲方不得向无关人员泄露乙方患者的相关信息。
4. 患者监护人负责被监护人日常生活的照料看管和按医嘱监督被监护人按时服药。对易失控的被监护人实行重点监护，
随时检测病情变化，限制其活动范围，及时报告被监护人行动轨迹。如发生肇事肇祸行为或出现肇事肇祸倾向，监护人须立即向村（居）
委会、所在辖区基层医疗单位和派出所报告，并立即送定点收治医院治疗。
5. 监护人须加强对被监护人的常态监护，严防被监护人违反《中华人民共和国刑法》和《中华人民共和国治安管理处罚
法》等法律法规，严防以下行为：（1）杀人、强奸、伤害等严重侵害他人人身权利；（2）防火、爆炸、投毒、破坏等严重危
害公共安全；（3）抢夺、损毁公私财物;（4）严重扰乱国家机关企事业单位正常工作、生产秩序；（5）扰乱社会秩序，造成
严重后果；（6）公安机关认定的其他肇事肇祸行为。
6. 在甲方指导下，乙方应主动掌握药物性质和作用、可能发生的不良反应及对策。
7. 本协议一式两份，甲乙双方各执一份。
"""


def render(patient=PATIENT, signed=dt.date(2024, 5, 10), copies=2, clinic=CLINIC) -> list[str]:
    out = io.BytesIO()
    render_agreement(out, patient, clinic, signed, copies, printed_at=PRINTED)
    return pages_text(out)


@pytest.fixture(scope="module")
def pages():
    return render()


def test_the_modules_text_is_the_seeds_text():
    assert flat(PREAMBLE + "".join(CLAUSES)) == flat(SEED_TEXT)


def test_two_copies_are_two_pages_each_marked_with_its_keeper(pages):
    assert len(pages) == 2
    assert COPY_LABELS == ("（第一联 甲方留存）", "（第二联 乙方留存）")
    assert flat(COPY_LABELS[0]) in flat(pages[0]) and flat(COPY_LABELS[1]) not in flat(pages[0])
    assert flat(COPY_LABELS[1]) in flat(pages[1]) and flat(COPY_LABELS[0]) not in flat(pages[1])


@pytest.mark.parametrize("copy", [0, 1])
def test_every_clause_is_printed_word_for_word_in_each_copy(pages, copy):
    text = flat(pages[copy])
    assert flat(TITLE) in text
    assert flat(PREAMBLE) in text
    for clause in CLAUSES:
        assert flat(clause) in text, clause[:10]
    positions = [text.index(flat(c)) for c in CLAUSES]
    assert positions == sorted(positions)


def test_the_parties_are_filled_in(pages):
    text = flat(pages[0])
    assert f"甲方（定点医院）：{CLINIC}" in text
    assert "乙方（患者及监护人）：张国华（监护人：张德成）" in text
    assert "患者身份证号：500381198003150012" in text


def test_signature_lines_carry_the_signing_date(pages):
    text = flat(pages[0])
    for words in (SEAL, A_SIGNATURE, B_SIGNATURE):
        assert flat(words) in text
    assert text.count("2024年05月10日") == 3  # the term's start and both signature dates
    assert "协议有效期：2024年05月10日至2025年05月09日" in text


def test_a_29_february_agreement_runs_to_28_february():
    text = flat(render(signed=dt.date(2024, 2, 29))[0])
    assert "协议有效期：2024年02月29日至2025年02月28日" in text


def test_without_a_date_the_dates_are_left_to_write_in():
    text = flat(render(signed=None)[0])
    assert "协议有效期" not in text
    assert text.count("年月日") == 2


def test_one_copy_is_one_page():
    pages = render(copies=1)
    assert len(pages) == 1 and flat(COPY_LABELS[0]) in flat(pages[0])


@pytest.mark.parametrize("copies", [0, 3])
def test_the_agreement_is_made_out_in_two_copies_only(copies):
    with pytest.raises(ValueError):
        render(copies=copies)


def test_without_a_guardian_on_record_the_name_is_left_to_write_in():
    assert party_b({"name": "王小明"}).startswith("王小明（监护人：")
    text = flat(render({"name": "王小明"})[0])
    assert "王小明（监护人：）" in text


def test_long_names_still_keep_each_copy_on_one_page():
    patient = {**PATIENT, "guardian_name": "重庆市江津区油溪镇大坡村村民委员会" * 2}
    pages = render(patient, clinic="重庆市江津区油溪镇中心卫生院（重庆市江津区第二人民医院油溪分院）")
    assert len(pages) == 2
    assert all(flat(CLAUSES[-1]) in flat(p) for p in pages)


def test_the_footer_numbers_the_pages(pages):
    assert "第1页共2页" in flat(pages[0]) and "第2页共2页" in flat(pages[1])


def test_only_the_embedded_chinese_font_is_used():
    out = io.BytesIO()
    render_agreement(out, PATIENT, CLINIC, None)
    names = font_names(out)
    assert names and all("WenQuanYiMicroHei" in n for n in names)


def test_writes_to_a_path_and_page_one_has_ink(tmp_path):
    pdf = tmp_path / "agreement.pdf"
    render_agreement(pdf, PATIENT, CLINIC, dt.date(2024, 5, 10))
    png = render_png(pdf, tmp_path)
    assert png.stat().st_size > 10_000
    assert 0.01 < dark_share(pdf, tmp_path) < 0.5
