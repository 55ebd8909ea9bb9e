"""One line for the patient page's header: programme status and rescue card number."""
from __future__ import annotations

from ...domain import programme_status as ps
from ...storage import cards, programme


def header_text(db, patient_id: int) -> str:
    """``免费服药项目：在册服药　救助卡编号：油溪镇 0001``"""
    status = programme.status(db, patient_id)
    text = f"免费服药项目：{ps.STATUS_LABELS[status]}"
    card = cards.current(db, patient_id)
    if card:
        text += f"　救助卡编号：{cards.display_number(card)}"
    elif cards.awaiting_reissue(db, patient_id):
        text += "　救助卡已挂失，待补发"
    return text
