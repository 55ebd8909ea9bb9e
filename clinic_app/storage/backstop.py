"""What the patient's live collections already charge to each calendar month under the monthly
backstop cap (domain.backstop)."""
from __future__ import annotations

import datetime as dt

from ..domain import backstop

_LIVE = """
SELECT d.id, d.programme_fen, l.cover_start, l.cover_until
FROM dispensings d JOIN dispensing_lines l ON l.dispensing_id = d.id
WHERE d.patient_id = ? AND d.kind = 'dispense'
  AND NOT EXISTS (SELECT 1 FROM dispensings v WHERE v.voids_id = d.id)
ORDER BY d.id, l.id
"""


def live_collections(db, patient_id: int) -> list[backstop.Collection]:
    """Every live (not voided) collection of the patient with its lines' cover."""
    by_entry: dict[int, tuple[int, list]] = {}
    for entry_id, programme_fen, start, until in db.execute(_LIVE, [patient_id]):
        _, intervals = by_entry.setdefault(entry_id, (programme_fen, []))
        if start and until:
            intervals.append((dt.date.fromisoformat(start), dt.date.fromisoformat(until)))
    return [backstop.Collection(tuple(intervals), fen) for fen, intervals in by_entry.values()]
