"""Patients, their guardians and households.

Takes values already checked by ``domain.patient_fields.validate_record`` and stores them, keeping
the search keys (pinyin initials, number digits) in step with every write.
"""
from __future__ import annotations

import json

from ..domain import pinyin
from ..domain.patient_fields import GUARDIAN_FIELDS, MULTI, BOOL, PATIENT_FIELDS, IMAGE
from ..domain.text import to_halfwidth
from . import audit, clock, search_index
from .errors import DuplicateError, NotFoundError

PATIENT_COLUMNS = tuple(f.key for f in PATIENT_FIELDS if f.kind != IMAGE)
GUARDIAN_COLUMNS = {f.key: f.key.removeprefix("guardian_") for f in GUARDIAN_FIELDS
                    if f.key != "guardian_relationship"}
_MULTI = {f.key for f in PATIENT_FIELDS if f.kind == MULTI}
_BOOL = {f.key for f in PATIENT_FIELDS if f.kind == BOOL}

LIST_SQL = """
SELECT p.id, p.name, p.sex, p.birth_date, p.id_number, p.town, p.village, p.diagnosis, p.phone,
       p.programme_status, g.name AS guardian_name, g.phone AS guardian_phone
FROM patients p LEFT JOIN guardians g ON g.id = p.guardian_id
"""
DEFAULT_LIMIT = 500


def _digits(value) -> str:
    return "".join(ch for ch in str(value or "") if ch.isdigit() or ch in "xX").lower()


def search_keys(values: dict) -> dict:
    numbers = [values.get(k) for k in ("id_number", "insurance_card_no", "special_disease_card_no",
                                       "disability_cert_no", "phone", "guardian_phone",
                                       "rescue_card_no")]
    return {
        "search_initials": pinyin.search_initials(values.get("name") or ""),
        "search_pinyin": pinyin.search_pinyin(values.get("name") or ""),
        "search_numbers": "".join(" " + _digits(n) for n in numbers if n),
    }


def _patient_row(values: dict) -> dict:
    row = {}
    for key in PATIENT_COLUMNS:
        value = values.get(key)
        if key in _MULTI:
            value = json.dumps(list(value or []), ensure_ascii=False)
        elif key in _BOOL:
            value = 1 if value else 0
        row[key] = value
    row["guardian_relationship"] = values.get("guardian_relationship")
    row.update(search_keys(values))
    return row


def _guardian_row(values: dict) -> dict | None:
    row = {col: values.get(key) for key, col in GUARDIAN_COLUMNS.items()}
    if not any(row.values()):
        return None
    return row


def find_by_id_number(db, id_number: str) -> int | None:
    row = db.execute("SELECT id FROM patients WHERE id_number = ?", [id_number]).fetchone()
    return row[0] if row else None


def _save_guardian(db, values: dict, existing_id: int | None) -> int | None:
    """Link the patient to a guardian row. The same person (by ID number) is one row, so a guardian
    caring for two patients is edited once; a row shared with another patient is never turned into
    a different person."""
    row = _guardian_row(values)
    if row is None:
        return None
    now = clock.now()
    if row.get("id_number"):
        found = db.execute("SELECT id FROM guardians WHERE id_number = ?", [row["id_number"]]).fetchone()
        if found:
            db["guardians"].update(found[0], {**row, "updated_at": now})
            return found[0]
    if existing_id and (_same_guardian(db, existing_id, row) or not _guardian_shared(db, existing_id)):
        db["guardians"].update(existing_id, {**row, "updated_at": now})
        return existing_id
    return db["guardians"].insert({**row, "created_at": now, "updated_at": now}).last_pk


def _same_guardian(db, guardian_id: int, row: dict) -> bool:
    current = db["guardians"].get(guardian_id)
    if current["id_number"] or row.get("id_number"):
        return current["id_number"] == row.get("id_number")
    return current["name"] == row.get("name")


def _guardian_shared(db, guardian_id: int) -> bool:
    return db.execute("SELECT count(*) FROM patients WHERE guardian_id = ?", [guardian_id]).fetchone()[0] > 1


def create(db, values: dict, user: dict | None = None, household_id: int | None = None,
           photo: tuple[bytes, str] | None = None) -> int:
    """Insert one patient (with guardian and household) and its audit row, all or nothing."""
    with db.atomic():
        if find_by_id_number(db, values["id_number"]):
            raise DuplicateError(f"身份证号 {values['id_number']} 已登记")
        if household_id is None:
            household_id = db["households"].insert({"created_at": clock.now()}).last_pk
        guardian_id = _save_guardian(db, values, None)
        now = clock.now()
        row = {**_patient_row(values), "household_id": household_id, "guardian_id": guardian_id,
               "created_at": now, "updated_at": now,
               "created_by": user["id"] if user else None, "updated_by": user["id"] if user else None}
        patient_id = db["patients"].insert(row).last_pk
        if photo:
            set_photo(db, patient_id, *photo)
        audit.record(db, audit.CREATE, "patient", patient_id, f"登记患者 {values['name']}", user=user)
    return patient_id


KEEP = object()  # ``update(photo=KEEP)``: leave the photo as it is
NEW_HOUSEHOLD = -1  # ``update(household_id=NEW_HOUSEHOLD)``: move the patient into a household of his own


def update(db, patient_id: int, values: dict, user: dict | None = None,
           household_id: int | None = None, photo=KEEP) -> list[str]:
    """Store changed fields; the audit row lists what changed, old and new, in the same transaction.

    ``photo``: ``KEEP``, ``None`` to remove it, or ``(bytes, mime)`` to replace it."""
    before = get(db, patient_id)
    with db.atomic():
        other = find_by_id_number(db, values["id_number"])
        if other and other != patient_id:
            raise DuplicateError(f"身份证号 {values['id_number']} 已属于另一位患者")
        guardian_id = _save_guardian(db, values, before.get("guardian_id"))
        row = {**_patient_row(values), "guardian_id": guardian_id, "updated_at": clock.now(),
               "updated_by": user["id"] if user else None}
        if household_id == NEW_HOUSEHOLD:
            household_id = db["households"].insert({"created_at": clock.now()}).last_pk
        if household_id is not None:
            row["household_id"] = household_id
        db["patients"].update(patient_id, row)
        refresh_search_keys(db, patient_id)  # keeps rescue card numbers searchable
        photo_changed = _apply_photo(db, patient_id, photo)
        after = get(db, patient_id)
        changed = [f.key for f in PATIENT_FIELDS + GUARDIAN_FIELDS
                   if f.kind != IMAGE and before.get(f.key) != after.get(f.key)]
        detail = {k: [before.get(k), after.get(k)] for k in changed}
        if household_id is not None and household_id != before["household_id"]:
            changed.append("household_id")
            detail["household_id"] = [before["household_id"], household_id]
        if photo_changed:
            changed.append("photo")
            detail["photo"] = ["有" if before["has_photo"] else "无", "有" if after["has_photo"] else "无（已移除）"]
        if changed:
            audit.record(db, audit.UPDATE, "patient", patient_id, f"修改患者 {after['name']}",
                         detail=detail, user=user)
    return changed


def _apply_photo(db, patient_id: int, photo) -> bool:
    if photo is KEEP:
        return False
    current = get_photo(db, patient_id)
    if photo is None:
        if current is None:
            return False
        remove_photo(db, patient_id)
        return True
    if photo[0] == current:
        return False
    set_photo(db, patient_id, *photo)
    return True


def refresh_search_keys(db, patient_id: int) -> None:
    """Recompute the search keys after a related record (guardian, rescue card) changed."""
    values = get(db, patient_id)
    cards = db.execute("SELECT number FROM rescue_cards WHERE patient_id = ? AND status = 'active'",
                       [patient_id]).fetchall() if db["rescue_cards"].exists() else []
    values["rescue_card_no"] = " ".join(c[0] for c in cards)
    db["patients"].update(patient_id, search_keys(values))


def set_photo(db, patient_id: int, image: bytes, mime: str = "image/png") -> None:
    db["patient_photos"].upsert({"patient_id": patient_id, "image": image, "mime": mime,
                                 "updated_at": clock.now()}, pk="patient_id")


def remove_photo(db, patient_id: int) -> None:
    db.execute("DELETE FROM patient_photos WHERE patient_id = ?", [patient_id])


def get_photo(db, patient_id: int) -> bytes | None:
    row = db.execute("SELECT image FROM patient_photos WHERE patient_id = ?", [patient_id]).fetchone()
    return row[0] if row else None


def get(db, patient_id: int) -> dict:
    rows = list(db.query("SELECT * FROM patients WHERE id = ?", [patient_id]))
    if not rows:
        raise NotFoundError("找不到该患者")
    p = rows[0]
    for key in _MULTI:
        p[key] = json.loads(p[key]) if p[key] else []
    for key in _BOOL:
        p[key] = bool(p[key])
    for key in GUARDIAN_COLUMNS:
        p[key] = None
    if p["guardian_id"]:
        g = db["guardians"].get(p["guardian_id"])
        for key, col in GUARDIAN_COLUMNS.items():
            p[key] = g[col]
    p["has_photo"] = db.execute("SELECT 1 FROM patient_photos WHERE patient_id = ?",
                                [patient_id]).fetchone() is not None
    return p


def household_members(db, household_id: int) -> list[dict]:
    return list(db.query("SELECT id, name, id_number FROM patients WHERE household_id = ? ORDER BY id",
                         [household_id]))


def first_id(db, programme_status: str | None = None) -> int | None:
    """The oldest patient's id (of those with ``programme_status``, when given), or None."""
    if programme_status is None:
        row = db.execute("SELECT id FROM patients ORDER BY id LIMIT 1").fetchone()
    else:
        row = db.execute("SELECT id FROM patients WHERE programme_status = ? ORDER BY id LIMIT 1",
                         [programme_status]).fetchone()
    return row[0] if row else None


def count(db) -> int:
    return db["patients"].count


def classify_query(query: str) -> tuple[str, str]:
    """('numbers' | 'pinyin' | 'name' | 'all', cleaned query) — how a typed query is matched."""
    q = "".join(to_halfwidth(query or "").split()).lower()
    if not q:
        return "all", ""
    if all(ch.isdigit() or ch in "x-" for ch in q) and any(ch.isdigit() for ch in q):
        return "numbers", q.replace("-", "")
    if q.isascii() and q.isalpha():
        return "pinyin", q
    return "name", q


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search(db, query: str, limit: int = DEFAULT_LIMIT) -> list[dict]:
    """Search as you type: Chinese name fragment, pinyin initials or full pinyin, or any part of
    the ID, card or phone numbers. Best matches first (exact, then prefix), then newest.

    The result is exactly ``scan_sql``'s (a LIKE over every patient, ORDER BY rank, newest), got
    tier by tier of the ranking (``_tiers``): each tier's rows come from the search index when it
    proposes few candidates, otherwise from a walk down from the newest patient that stops at
    ``limit`` — quick exactly because the tier's rows are then dense."""
    kind, q = classify_query(query)
    if kind == "all":
        return list(db.query(LIST_SQL + " ORDER BY p.id DESC LIMIT ?", [limit]))
    found: list[dict] = []
    for condition, args, sources in _tiers(kind, q):
        remaining = limit - len(found)
        if remaining <= 0:
            break
        candidates = _candidates(db, sources, limit)
        if candidates is None:  # dense, or no index: newest first, stop at the limit
            sql = f"{LIST_SQL} WHERE {condition} ORDER BY p.id DESC LIMIT ?"
            found += db.query(sql, args + [remaining])
        else:
            sql = (f"{LIST_SQL} WHERE p.id IN ({candidates[0]}) AND {condition} "
                   f"ORDER BY p.id DESC LIMIT ?")
            found += db.query(sql, candidates[1] + args + [remaining])
    return found


def scan_sql(kind: str, q: str) -> tuple[str, list]:
    """(WHERE, ORDER BY) of the plain scan the search must equal (and did before the index)."""
    like = _escape_like(q)
    if kind == "numbers":
        return ("p.search_numbers LIKE ? ESCAPE '\\'", [f"%{like}%"]), \
            ("(p.id_number LIKE ? ESCAPE '\\') DESC", [f"{like}%"])
    if kind == "pinyin":
        return ("(p.search_initials LIKE ? ESCAPE '\\' OR p.search_pinyin LIKE ? ESCAPE '\\')",
                [f"% {like}%", f"% {like}%"]), \
            ("(p.search_initials LIKE ? ESCAPE '\\') DESC", [f"% {like} %"])
    return ("p.name LIKE ? ESCAPE '\\'", [f"%{like}%"]), \
        ("(p.name = ?) DESC, (p.name LIKE ? ESCAPE '\\') DESC", [q, f"{like}%"])


def scan(db, query: str, limit: int = DEFAULT_LIMIT) -> list[dict]:
    """The search as one LIKE over every patient: what ``search`` must equal (tests, benchmark)."""
    kind, q = classify_query(query)
    if kind == "all":
        return list(db.query(LIST_SQL + " ORDER BY p.id DESC LIMIT ?", [limit]))
    (where, args), (order, oargs) = scan_sql(kind, q)
    sql = f"{LIST_SQL} WHERE {where} ORDER BY {order}, p.id DESC LIMIT ?"
    return list(db.query(sql, args + oargs + [limit]))


# A tier's candidates come from the index when it proposes fewer than this many (per result
# row asked for, at least MIN_CAP): beyond that the tier's rows are dense enough for a walk
# down from the newest patient to find ``limit`` of them sooner than sorting all candidates.
CAP_PER_ROW, MIN_CAP = 4, 2000


def _tiers(kind: str, q: str):
    """(condition, args, candidate sources) per tier of the ranking, best first.

    ``ORDER BY (a) DESC, (b) DESC, p.id DESC`` puts a = 1 first, then 0, then NULL; each tier
    is one such value of the ranking terms with the match condition, newest first. Its sources
    are subqueries of patient ids, each holding every row of the tier (the rarest is used), or
    None: no index helps, walk."""
    (where, args), _ = scan_sql(kind, q)
    like = _escape_like(q)
    if kind == "numbers":
        first, pre = "(p.id_number LIKE ? ESCAPE '\\')", [f"{like}%"]
        grams = [_one_key(search_index.NUMBER_GRAM, q[i:i + search_index.GRAM])
                 for i in range(len(q) - search_index.GRAM + 1)]
        return [(f"{where} AND {first} IS 1", args + pre, [_key_range(search_index.ID_NUMBER, q)]),
                (f"{where} AND {first} IS 0", args + pre, grams or None)]
    if kind == "pinyin":
        first, exact = "(p.search_initials LIKE ? ESCAPE '\\')", [f"% {like} %"]
        every = [_key_range(search_index.PINYIN, q)]
        return [(f"{where} AND {first} IS 1", args + exact, [_one_key(search_index.PINYIN, q)]),
                (f"{where} AND {first} IS 0", args + exact, every),
                (f"{where} AND {first} IS NULL", args + exact, every)]
    exact, prefix, pre = "(p.name = ?)", "(p.name LIKE ? ESCAPE '\\')", [f"{like}%"]
    return [(f"{where} AND {exact} IS 1", args + [q], [("SELECT id FROM patients WHERE name = ?", [q])]),
            (f"{where} AND {exact} IS 0 AND {prefix} IS 1", args + [q] + pre,
             [_key_range(search_index.NAME, q)]),
            (f"{where} AND {exact} IS 0 AND {prefix} IS 0", args + [q] + pre,
             [_key_range(search_index.NAME_SUFFIX, q)])]


def _one_key(kind: int, key: str) -> tuple[str, list]:
    return "SELECT patient_id FROM search_index WHERE kind = ? AND key = ?", [kind, key]


def _after(prefix: str) -> str | None:
    """The smallest string greater than every string starting with ``prefix``."""
    for i in range(len(prefix) - 1, -1, -1):
        code = ord(prefix[i]) + 1
        if 0xD800 <= code <= 0xDFFF:
            code = 0xE000
        if code <= 0x10FFFF:
            return prefix[:i] + chr(code)
    return None


def _key_range(kind: int, prefix: str) -> tuple[str, list]:
    """Patients with a key of ``kind`` starting with ``prefix``: a range of the index."""
    high = _after(prefix)
    sql = "SELECT patient_id FROM search_index WHERE kind = ? AND key >= ?"
    if high is None:
        return sql, [kind, prefix]
    return sql + " AND key < ?", [kind, prefix, high]


def _candidates(db, sources, limit: int) -> tuple[str, list] | None:
    """The rarest source as (subquery, args), or None when even it proposes too many."""
    if not sources:
        return None
    cap = max(MIN_CAP, CAP_PER_ROW * limit)
    best = min(((_count(db, sql, args, cap), sql, args) for sql, args in sources), key=lambda b: b[0])
    return None if best[0] >= cap else (best[1], best[2])


def _count(db, sql: str, args: list, cap: int) -> int:
    return db.execute(f"SELECT count(*) FROM ({sql} LIMIT ?)", args + [cap]).fetchone()[0]
