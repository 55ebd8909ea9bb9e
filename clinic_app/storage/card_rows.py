"""Which collection sits on which line of which rescue card page (``card_rows``).

The card's record pages (第二至第十二页) are filled line by line, in date order, as the
collections are printed onto them. Once a collection has a line it keeps it: rows are only ever
added, and the one change a row sees is its print time being set, so a reprint of the whole
booklet and a later print of new rows onto the old card put every collection where it already
stands on paper.

The entries of a card are the final dispensing entries (collections and the voids that cancel
them) of the card's patient that were recorded on this card (``dispensings.card_id``), or —
for entries that carry no card — dated while this card was in use (from its issue, up to its
loss when it was reported lost).

This module reads the dispensing tables with SQL of its own, so it works whatever module writes
them; it returns the renderers' plain data (``domain.card_data.CardRow``).
"""
from __future__ import annotations

from ..domain import card_slots as CL
from ..domain.card_data import DISPENSE, VOID, CardRow
from . import clock
from .errors import NotFoundError, StorageError

FULL_MESSAGE = "救助卡第12页已写满，请补发新卡"
SELF_SIGNERS = ("self", "patient", "本人")


class CardFullError(StorageError):
    """The card has no line left for the entries to place; none of them was placed."""

    def __init__(self, message: str = FULL_MESSAGE, free: int = 0, needed: int = 0):
        super().__init__(message)
        self.free = free
        self.needed = needed


def _card(db, card_id: int) -> dict:
    rows = list(db.query("SELECT * FROM rescue_cards WHERE id = ?", [card_id]))
    if not rows:
        raise NotFoundError("找不到该救助卡")
    return rows[0]


ENTRIES_SQL = """
SELECT d.* FROM dispensings d JOIN rescue_cards rc ON rc.id = :card
WHERE d.patient_id = rc.patient_id
  AND (d.card_id = rc.id
       OR (d.card_id IS NULL AND d.date >= rc.issued_date
           AND (rc.lost_date IS NULL OR d.date < rc.lost_date)))
ORDER BY d.date, d.id
"""


def entries(db, card_id: int) -> list[dict]:
    """The card's final entries (collections and voids), oldest first."""
    _card(db, card_id)
    return list(db.query(ENTRIES_SQL, {"card": card_id}))


def _placed(db, card_id: int) -> list[dict]:
    return list(db.query("SELECT * FROM card_rows WHERE card_id = ? ORDER BY page, line", [card_id]))


def pages_used(db, card_id: int) -> list[int]:
    """The record pages holding at least one row, in order."""
    return [r[0] for r in db.execute(
        "SELECT DISTINCT page FROM card_rows WHERE card_id = ? ORDER BY page", [card_id])]


def free_lines(db, card_id: int) -> int:
    """Lines left after the last one used (earlier gaps are never filled: rows keep their order)."""
    return CL.CAPACITY - _next_index(db, card_id)


def _next_index(db, card_id: int) -> int:
    row = db.execute("SELECT page, line FROM card_rows WHERE card_id = ? ORDER BY page DESC, line DESC "
                     "LIMIT 1", [card_id]).fetchone()
    return 0 if row is None else CL.slot_index(row[0], row[1]) + 1


def place_new_rows(db, card_id: int, dispensing_ids) -> list[dict]:
    """Give each of these entries of the card the next free line (page 2 line 1 … page 12 line
    12), in date order, all in one transaction. Entries already on the card keep their line and
    are left out of the answer; an entry of another card or patient is refused; when the card
    cannot take them all, ``CardFullError`` and nothing is placed. Returns the new rows."""
    wanted = list(dict.fromkeys(int(i) for i in dispensing_ids))
    with db.atomic():
        belonging = {d["id"]: d for d in entries(db, card_id)}
        strangers = [i for i in wanted if i not in belonging]
        if strangers:
            raise StorageError(f"领药记录 {'、'.join(map(str, strangers))} 不属于这张救助卡，不能写在卡上")
        elsewhere = [r[0] for r in db.execute(
            f"SELECT dispensing_id FROM card_rows WHERE card_id != ? AND dispensing_id IN "
            f"({','.join('?' * len(wanted))})", [card_id, *wanted])] if wanted else []
        if elsewhere:
            raise StorageError(f"领药记录 {'、'.join(map(str, elsewhere))} 已写在另一张救助卡上")
        already = {r["dispensing_id"] for r in _placed(db, card_id)}
        new = sorted((belonging[i] for i in wanted if i not in already), key=lambda d: (d["date"], d["id"]))
        start = _next_index(db, card_id)
        free = CL.CAPACITY - start
        if len(new) > free:
            message = FULL_MESSAGE if free == 0 else (
                f"救助卡只剩 {free} 行，写不下这 {len(new)} 条领药记录（第12页将写满），请补发新卡")
            raise CardFullError(message, free, len(new))
        placed = []
        for offset, entry in enumerate(new):
            page, line = CL.slot_at(start + offset)
            row = {"card_id": card_id, "dispensing_id": entry["id"], "page": page, "line": line,
                   "printed_at": None}
            row["id"] = db["card_rows"].insert(row).last_pk
            placed.append(row)
    return placed


def place_all(db, card_id: int) -> list[dict]:
    """Place every entry of the card that has no line yet."""
    return place_new_rows(db, card_id, [d["id"] for d in unplaced(db, card_id)])


def unplaced(db, card_id: int) -> list[dict]:
    """The card's entries that have no line on it yet, oldest first."""
    placed = {r[0] for r in db.execute("SELECT dispensing_id FROM card_rows WHERE card_id = ?", [card_id])}
    return [d for d in entries(db, card_id) if d["id"] not in placed]


def unprinted(db, card_id: int) -> list[dict]:
    """The card's entries not yet printed on it: those placed but not printed (with their
    ``row_id``, ``page``, ``line``) in line order, then those not placed yet (``row_id`` None)
    in date order."""
    by_id = {d["id"]: d for d in entries(db, card_id)}
    out = []
    for row in _placed(db, card_id):
        if row["printed_at"] is None and row["dispensing_id"] in by_id:
            d = by_id[row["dispensing_id"]]
            out.append({"dispensing_id": d["id"], "date": d["date"], "kind": d["kind"],
                        "row_id": row["id"], "page": row["page"], "line": row["line"]})
    for d in unplaced(db, card_id):
        out.append({"dispensing_id": d["id"], "date": d["date"], "kind": d["kind"],
                    "row_id": None, "page": None, "line": None})
    return out


def mark_printed(db, row_ids, printed_at: str | None = None) -> int:
    """Set the print time of rows not printed before (a reprint keeps the first time); returns
    how many rows were marked."""
    ids = [int(i) for i in row_ids]
    if not ids:
        return 0
    moment = printed_at or clock.now()
    with db.atomic():
        cursor = db.execute(
            f"UPDATE card_rows SET printed_at = ? WHERE printed_at IS NULL AND id IN "
            f"({','.join('?' * len(ids))})", [moment, *ids])
    return cursor.rowcount


# --- what the card shows ------------------------------------------------------------------------------

LINES_SQL = """
SELECT l.dispensing_id, l.packs, l.units, l.daily_dose, l.days,
       COALESCE(lc.cover_until, l.cover_until) AS cover_until, l.price_fen, l.total_fen,
       s.name AS spec_name, s.strength, s.unit, s.units_per_pack, s.pack_unit,
       g.name AS drug_name, g.dosage_form
FROM dispensing_lines l
JOIN drug_specs s ON s.id = l.spec_id
LEFT JOIN line_cover lc ON lc.line_id = l.id
LEFT JOIN drugs g ON g.id = COALESCE(l.drug_id, s.drug_id)
WHERE l.dispensing_id IN ({ids})
ORDER BY l.dispensing_id, l.id
"""


def drug_name(line: dict) -> str:
    """The product's name as the specification gives it ("利培酮片", "劳拉西泮片" for the
    catalogue's 苯二氮卓类), else the catalogue name with its form ("利培酮" + 片)."""
    spec = (line.get("spec_name") or "").strip()
    drug = (line.get("drug_name") or "").strip()
    if spec:
        name = spec
    else:
        name = drug or spec
        unit = (line.get("unit") or "").strip()
        form = (line.get("dosage_form") or "").strip()
        suffix = form if form in ("片", "针") else ("针" if unit in ("支", "针") else "片" if unit == "片" else "")
        if suffix and not name.endswith(suffix) and "（" not in name:
            name += suffix
    strength = (line.get("strength") or "").strip()
    if strength and strength not in name:
        name = f"{name} {strength}"
    return name


def spec_label(line: dict) -> str:
    """"利培酮片 1mg×20片/盒", the specification as the slip lists it."""
    label = drug_name(line)
    per, unit, pack = line.get("units_per_pack"), line.get("unit") or "", line.get("pack_unit") or ""
    if per and pack:
        label += f"×{per}{unit}/{pack}"
    return label


def quantity(line: dict) -> str:
    """"3盒", or the tablets when no whole pack was given."""
    packs, pack = line.get("packs") or 0, line.get("pack_unit") or ""
    if packs and pack:
        return f"{packs}{pack}"
    units = line.get("units") or 0
    return f"{units}{line.get('unit') or ''}"


def card_line_text(line: dict) -> str:
    """"利培酮片 1mg 3盒"."""
    return f"{drug_name(line)} {quantity(line)}"


def lines_for(db, dispensing_ids) -> dict[int, list[dict]]:
    ids = [int(i) for i in dispensing_ids]
    out: dict[int, list[dict]] = {i: [] for i in ids}
    if not ids:
        return out
    for row in db.query(LINES_SQL.format(ids=",".join("?" * len(ids))), ids):
        out[row["dispensing_id"]].append(row)
    return out


def user_names(db, user_ids) -> dict[int, str]:
    ids = sorted({int(i) for i in user_ids if i is not None})
    if not ids:
        return {}
    return {r["id"]: r["display_name"] or r["username"] for r in db.query(
        f"SELECT id, display_name, username FROM users WHERE id IN ({','.join('?' * len(ids))})", ids)}


def guardian_text(entry: dict) -> str:
    """Who signed for the patient: the guardian's name, or "本人（理由）" when the patient signed."""
    signer = (entry.get("guardian_signer") or "").strip()
    reason = (entry.get("self_sign_reason") or "").strip()
    name = (entry.get("guardian_name") or "").strip()
    if signer in SELF_SIGNERS or (not name and reason):
        return f"本人（{reason}）" if reason else "本人"
    return name


def rows_for_card(db, card_id: int) -> list[CardRow]:
    """Every row placed on the card, in page and line order, with all the card shows."""
    placed = _placed(db, card_id)
    if not placed:
        _card(db, card_id)
        return []
    ids = [r["dispensing_id"] for r in placed]
    marks = ",".join("?" * len(ids))
    found = {d["id"]: d for d in db.query(f"SELECT * FROM dispensings WHERE id IN ({marks})", ids)}
    voided = [d["voids_id"] for d in found.values() if d.get("voids_id")]
    voided_rows = {d["id"]: d for d in db.query(
        f"SELECT * FROM dispensings WHERE id IN ({','.join('?' * len(voided))})", voided)} if voided else {}
    positions = {r["dispensing_id"]: (r["page"], r["line"]) for r in placed}
    lines = lines_for(db, ids)
    names = user_names(db, [v for d in found.values() for v in (d["psychiatrist_id"], d["dispenser_id"])])
    rows = []
    for r in placed:
        d = found[r["dispensing_id"]]
        rows.append(_card_row(r, d, lines[d["id"]], names, positions, voided_rows))
    return rows


def _card_row(r: dict, d: dict, lines: list[dict], names: dict, positions: dict,
              voided_rows: dict) -> CardRow:
    kind = VOID if d["kind"] == VOID else DISPENSE
    voids_text = ""
    if kind == VOID:
        target = d.get("voids_id")
        if target in positions:
            voids_text = "作废" + CL.position_label(*positions[target])
        elif target in voided_rows:
            voids_text = f"作废{voided_rows[target]['date']}领药记录"
        else:
            voids_text = "作废"
    return CardRow(
        page=r["page"], line=r["line"], date=d["date"],
        drug_text="；".join(card_line_text(line) for line in lines),
        total_fen=d["total_fen"] or 0, insurance_fen=d["insurance_fen"] or 0,
        disability_fen=d["disability_fen"] or 0, programme_fen=d["programme_fen"] or 0,
        relief_fen=d["relief_fen"] or 0,
        psychiatrist=names.get(d["psychiatrist_id"], ""), dispenser=names.get(d["dispenser_id"], ""),
        guardian=guardian_text(d), kind=kind, voids_text=voids_text, dispensing_id=d["id"],
        row_id=r["id"], printed_at=r["printed_at"])


def drugs_on_card(db, card_id: int) -> list[str]:
    """The names of the drugs collected on the card (voided collections left out), in the order
    first collected: 第一页's 药品名称."""
    entries_ = entries(db, card_id)
    voided = {d["voids_id"] for d in entries_ if d["kind"] == VOID and d.get("voids_id")}
    kept = [d["id"] for d in entries_ if d["kind"] != VOID and d["id"] not in voided]
    names: list[str] = []
    for lines in lines_for(db, kept).values():
        for line in lines:
            name = drug_name({**line, "strength": ""})
            if name not in names:
                names.append(name)
    return names


# --- one entry, for its slip ---------------------------------------------------------------------------

def slip_entry(db, dispensing_id: int) -> dict:
    """One dispensing entry as its slip (领药单) shows it: the row itself, plus ``card`` (the card
    it was recorded on, None for an entry that carries none), ``position`` ((page, line)
    of its first line on the card, else None), ``voided_date`` (for a void: the date of the
    collection it cancels) and ``lines``."""
    found = list(db.query("SELECT * FROM dispensings WHERE id = ?", [dispensing_id]))
    if not found:
        raise NotFoundError(f"找不到第 {dispensing_id} 号领药记录")
    entry = found[0]
    entry["card"] = db["rescue_cards"].get(entry["card_id"]) if entry.get("card_id") else None
    position = db.execute("SELECT page, line FROM card_rows WHERE dispensing_id = ? ORDER BY id LIMIT 1",
                          [dispensing_id]).fetchone()
    entry["position"] = tuple(position) if position else None
    target = db.execute("SELECT date FROM dispensings WHERE id = ?", [entry["voids_id"]]).fetchone() \
        if entry.get("voids_id") else None
    entry["voided_date"] = target[0] if target else None
    entry["lines"] = lines_for(db, [dispensing_id])[dispensing_id]
    return entry


def printed_pages(db, card_id: int) -> list[tuple[int, int]]:
    """(page, rows printed) of a rescue card's record pages, in page order."""
    return [tuple(r) for r in db.execute(
        "SELECT page, count(*) FROM card_rows WHERE card_id = ? AND printed_at IS NOT NULL "
        "GROUP BY page ORDER BY page", [card_id])]
