"""What the patient's live collections already charge to each calendar month under the monthly
backstop cap (domain.backstop), from their recomputed cover (storage.cover): a void frees the
months its collection was charged to, and a later collection whose cover moved moves its charge."""
from __future__ import annotations

import datetime as dt

from ..domain import backstop
from . import cover


def live_collections(db, patient_id: int) -> list[backstop.Collection]:
    """Every live (not voided) collection of the patient with its lines' cover and programme fund."""
    by_entry: dict[int, tuple[list, list]] = {}
    for line in cover.live_lines(db, patient_id):
        intervals, fens = by_entry.setdefault(line["dispensing_id"], ([], []))
        fens.append(line["programme_fen"] or 0)
        if line["cover_start"] and line["cover_until"]:
            intervals.append((dt.date.fromisoformat(line["cover_start"]), dt.date.fromisoformat(line["cover_until"])))
    return [backstop.Collection(tuple(intervals), sum(fens)) for intervals, fens in by_entry.values()]
