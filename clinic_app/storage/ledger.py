"""Reading a quarter's ledger (台账) out of the final dispensing entries.

Every line of every entry dated in the quarter is one row: a collection's lines as positive
rows, a void's lines as negative rows in the quarter of the void's own date — so a late
correction of a closed quarter shows up as an adjustment in the quarter it was made, and a
closed quarter's rows never change. One SQL query, ordered by date, entry and line.
"""
from __future__ import annotations

from ..domain import idnumber
from ..domain.ledger import Ledger, LedgerRow, void_note
from . import quarter_book as quarters
from . import reference, settings

_SQL = """
SELECT d.date, d.id, l.id, d.kind, c.town, c.number, p.id, p.name, p.id_number,
       s.name, s.strength, s.units_per_pack, s.unit, s.pack_unit,
       l.packs, l.total_fen, l.insurance_fen, l.relief_fen, l.disability_fen, l.programme_fen,
       doc.display_name, disp.display_name, o.date, d.void_reason
FROM dispensings d
JOIN dispensing_lines l ON l.dispensing_id = d.id
JOIN patients p ON p.id = d.patient_id
JOIN drug_specs s ON s.id = l.spec_id
LEFT JOIN rescue_cards c ON c.id = d.card_id
LEFT JOIN dispensings o ON o.id = d.voids_id
LEFT JOIN users doc ON doc.id = d.psychiatrist_id
LEFT JOIN users disp ON disp.id = d.dispenser_id
WHERE d.date BETWEEN ? AND ?
ORDER BY d.date, d.id, l.id
"""


def specification(strength, units_per_pack, unit, pack_unit) -> str:
    """'1mg×20片/盒' (the drug's name is its own column)."""
    size = f"{units_per_pack}{unit}/{pack_unit or '盒'}"
    strength = (strength or "").strip()
    return f"{strength}×{size}" if strength else size


def ledger(db, quarter, whole_id_numbers: bool | None = None) -> Ledger:
    """The quarter's ledger. ID numbers are masked unless ``whole_id_numbers`` (default: the
    setting ``ledger_whole_id_numbers``) says otherwise."""
    q = quarters.parse(quarter)
    info = quarters.get(db, q.code)
    if whole_id_numbers is None:
        whole_id_numbers = bool(settings.get(db, "ledger_whole_id_numbers"))
    show_id = (lambda n: n or "") if whole_id_numbers else idnumber.mask
    specs: dict[tuple, str] = {}
    rows = []
    for (date, entry_id, line_id, kind, town, number, patient_id, name, id_number, drug, strength,
         per_pack, unit, pack_unit, packs, total, insurance, relief, disability, programme,
         doctor, dispenser, voided_date, void_reason) in db.execute(
            _SQL, [q.first_day.isoformat(), q.last_day.isoformat()]):
        key = (strength, per_pack, unit, pack_unit)
        spec = specs.get(key)
        if spec is None:
            spec = specs[key] = specification(*key)
        rows.append(LedgerRow(
            date, entry_id, line_id, kind, f"{town} {number}" if town else "", patient_id, name,
            show_id(id_number), drug, spec, packs, pack_unit or "盒", total, insurance or 0, relief or 0,
            disability or 0, programme or 0, doctor or "", dispenser or "",
            void_note(voided_date, void_reason) if kind != "dispense" else ""))
    code = settings.get(db, "clinic_code")
    clinic = reference.clinic(db, code) if code else None
    return Ledger(quarter=q, clinic_code=code or "", clinic_name=clinic["name"] if clinic else "",
                  rows=rows, allocated_fen=info["allocated_fen"], closed=info["closed"],
                  whole_id_numbers=whole_id_numbers)
