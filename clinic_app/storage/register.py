"""The patient register (Attachment 8, 《江津区免费服用第二代抗精神病药患者登记名单》).

The plan has the clinic fill the register when the agreement is signed (五、(一)5), so it lists
the patients who hold a place: enrolled (在册服药) and paused while in hospital (住院暂停). Patients
on the waiting list are not on it yet — they have no place, no card and no agreement — and those
who left are off it.

Rows are ordered by town (in the order of Attachment 6) and then by rescue card number, the way
the clinic files its cards, and carry the keys of ``domain.register_columns``. One query, so the
register of 20,000 patients is read in well under a second.
"""
from __future__ import annotations

from ..domain import programme_status as ps
from . import risk

ON_REGISTER = (ps.ENROLLED, ps.PAUSED)
CARD_PREFIX = "救助卡"
PAUSED_NOTE = ps.STATUS_LABELS[ps.PAUSED]  # 住院暂停

REGISTER_SQL = f"""
SELECT p.id AS patient_id, p.name, p.sex, p.id_number, p.town, p.address, p.programme_status,
       g.name AS guardian_name, g.phone AS guardian_phone, g.id_number AS guardian_id_number,
       c.town AS card_town, c.number AS card_number, r.level AS risk_level
FROM patients p
LEFT JOIN guardians g ON g.id = p.guardian_id
LEFT JOIN rescue_cards c ON c.patient_id = p.id AND c.status = 'active'
LEFT JOIN towns t ON t.name = p.town
LEFT JOIN ({risk.LATEST_SQL}) r ON r.patient_id = p.id
WHERE p.programme_status IN ({','.join('?' * len(ON_REGISTER))})
ORDER BY t.seq IS NULL, t.seq, p.town, c.seq IS NULL, c.seq, p.id
"""


def note(row: dict) -> str:
    """``住院暂停；救助卡 0007`` — what the clinic writes in the 备注 column.

    Card numbers run per town; the register is grouped by town, so the card's town is written
    only when it is not the patient's (a patient who moved keeps his card): ``救助卡 油溪镇 0007``.
    That keeps the note on one line of the narrow column, and the printed register half as long."""
    parts = []
    if row.get("programme_status") == ps.PAUSED:
        parts.append(PAUSED_NOTE)
    if row.get("card_number"):
        town = "" if row.get("card_town") == row.get("town") else f"{row['card_town']} "
        parts.append(f"{CARD_PREFIX} {town}{row['card_number']}")
    return "；".join(parts)


def register_rows(db) -> list[dict]:
    """The register's rows, numbered from 1, with the keys of ``register_columns.REGISTER_COLUMNS``
    (seq, name, sex, id_number, risk_level, guardian_name, guardian_phone, guardian_id_number,
    address, note) plus ``patient_id``, ``town`` and ``programme_status``.

    ``risk_level`` is the level (0–5) of the latest assessment, ``None`` when never assessed: the
    PDF prints it as "3级", the Excel file keeps the number so it sorts and filters."""
    rows = []
    for seq, row in enumerate(db.query(REGISTER_SQL, list(ON_REGISTER)), start=1):
        rows.append({
            "seq": seq,
            "name": row["name"] or "",
            "sex": row["sex"] or "",
            "id_number": row["id_number"] or "",
            "risk_level": row["risk_level"],
            "guardian_name": row["guardian_name"] or "",
            "guardian_phone": row["guardian_phone"] or "",
            "guardian_id_number": row["guardian_id_number"] or "",
            "address": row["address"] or "",
            "note": note(row),
            "patient_id": row["patient_id"],
            "town": row["town"] or "",
            "programme_status": row["programme_status"],
        })
    return rows
