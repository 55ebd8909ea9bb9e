"""Specifications of the catalogue drugs (Attachment 3) and their dated prices.

A catalogue entry names a drug ("利培酮"); what a clinic hands out is a specification of it
("利培酮片 1mg×20片/盒"). Prices are dated: a dispensing uses the price in force on its own date,
and a new price is a new row, so past dispensings and the ledger never change. A price may not
take effect on or before a day the specification was already dispensed at the old price. Every
change of a specification's fields is kept in ``spec_changes`` and audited.
"""
from __future__ import annotations

import json

from .. import paths
from ..domain.packs import pack_unit
from ..domain.dates import parse_date
from ..domain.errors import ValidationError
from ..domain.money import yuan
from . import audit, clock
from .errors import DuplicateError, NotFoundError, StorageError

ENTITY = "drug_spec"
SELF_PAY = "自费"
TEXT_FIELDS = ("name", "strength", "unit", "pack_unit")
EDITABLE = (*TEXT_FIELDS, "units_per_pack", "programme_pays")
FIELD_LABELS = {"name": "品名", "strength": "规格", "unit": "最小单位", "units_per_pack": "每包装数量",
                "pack_unit": "包装单位", "programme_pays": "支付", "active": "状态"}
SAMPLE_NOTE = "示例价格（仅供演示）"
PAYS_TEXT = {1: "项目支付", 0: "自费"}
PROGRAMME_PAYS = "免费服药项目支付"
SELF_PAY_REFUSAL = "自费药品，不在免费服药项目支付范围（管理员可在药品目录中设为项目支付）"

_SPEC_SQL = """
SELECT s.*, d.name AS drug_name, d.seq AS drug_seq, d.dosage_form, d.drug_class, d.insurance_class
FROM drug_specs s JOIN drugs d ON d.id = s.drug_id
"""


# --- small helpers ---------------------------------------------------------------------------

def iso_date(value, what: str = "日期", field: str | None = None) -> str:
    """A date or staff-typed text as 'YYYY-MM-DD'; storage errors, so callers catch one type."""
    try:
        return parse_date(value).isoformat()
    except ValidationError as exc:
        raise StorageError(f"{what}：{exc.message}", field=field) from None


def _whole_number(value, what: str, field: str | None = None) -> int:
    """Counts must be real integers: a float or a bool slipping in would corrupt the ledger."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise StorageError(f"{what}应为整数", field=field)
    return value


def _text(value, what: str, required: bool = True, field: str | None = None) -> str:
    text = str(value if value is not None else "").strip()
    if required and not text:
        raise StorageError(f"请填写{what}", field=field)
    return text


def _shown(field: str, value) -> str:
    """How a field's value reads in the change history."""
    if field == "programme_pays":
        return PAYS_TEXT[1 if value else 0]
    if field == "active":
        return "启用" if value else "停用"
    return "" if value is None else str(value)


def label(spec: dict) -> str:
    """'利培酮片 1mg×20片/盒' — the name staff know a specification by."""
    strength = (spec.get("strength") or "").strip()
    size = f"{spec['units_per_pack']}{spec['unit']}/{pack_unit(spec)}"
    return f"{spec['name']} {strength}×{size}" if strength else f"{spec['name']} {size}"


def default_programme_pays(drug: dict, name: str = "") -> int:
    """自费 drugs (善思达) are not paid by the programme; for 齐拉西酮 (片剂甲类，针剂自费) only the
    injection is self-paid. Staff can still change the flag."""
    insurance = drug.get("insurance_class") or ""
    if insurance == SELF_PAY:
        return 0
    if "针剂自费" in insurance and ("针" in name or "注射" in name):
        return 0
    return 1


def _drug(db, drug_id: int) -> dict:
    rows = list(db["drugs"].rows_where("id = ?", [drug_id]))
    if not rows:
        raise NotFoundError("目录中没有该药品")
    return rows[0]


def _in_use(db, spec_id: int) -> bool:
    """Dispensed or stocked: packs on record that were counted with the current pack size."""
    return any(db.execute(f"SELECT 1 FROM {table} WHERE spec_id = ? LIMIT 1", [spec_id]).fetchone()
               for table in ("dispensing_lines", "stock_batches"))


def _last_dispensed(db, spec_id: int) -> str | None:
    row = db.execute("SELECT MAX(d.date) FROM dispensing_lines l JOIN dispensings d ON d.id = l.dispensing_id "
                     "WHERE l.spec_id = ?", [spec_id]).fetchone()
    return row[0] if row else None


def _duplicate(db, drug_id: int, values: dict, other_than: int | None = None) -> dict | None:
    """An active specification of the same drug that reads the same: staff would not tell them apart."""
    for row in db.query(_SPEC_SQL + " WHERE s.drug_id = ? AND s.active = 1", [drug_id]):
        if row["id"] != other_than and label(row) == label(values):
            return row
    return None


def _record_change(db, spec_id: int, date: str, field: str, old, new, user) -> None:
    db["spec_changes"].insert({
        "spec_id": spec_id, "date": date, "field": field, "old": _shown(field, old), "new": _shown(field, new),
        "created_at": clock.now(), "created_by": user["id"] if user else None,
    })


# --- reading ---------------------------------------------------------------------------------

def _current_price(db, spec_id: int) -> int | None:
    try:
        return price_on(db, spec_id, clock.today())
    except StorageError:
        return None


def _complete(db, row: dict) -> dict:
    row["label"] = label(row)
    row["price_fen"] = _current_price(db, row["id"])
    return row


def spec(db, spec_id: int) -> dict:
    """One specification with its drug's name, class and insurance class and today's price
    (``price_fen`` is ``None`` while no price is in force)."""
    rows = list(db.query(_SPEC_SQL + " WHERE s.id = ?", [spec_id]))
    if not rows:
        raise NotFoundError("找不到该药品规格")
    return _complete(db, rows[0])


def specs(db, active_only: bool = True) -> list[dict]:
    """Every specification in catalogue order (Attachment 3), then in the order they were added."""
    where = " WHERE s.active = 1" if active_only else ""
    return [_complete(db, row) for row in db.query(_SPEC_SQL + where + " ORDER BY d.seq, s.id")]


def price_on(db, spec_id: int, date) -> int:
    """The price in fen in force on ``date``: the latest one that took effect on or before it
    (of two set for the same day, the later entry)."""
    day = iso_date(date)
    row = db.execute("SELECT price_fen FROM drug_prices WHERE spec_id = ? AND effective_date <= ? "
                     "ORDER BY effective_date DESC, id DESC LIMIT 1", [spec_id, day]).fetchone()
    if row is None:
        found = _spec_row(db, spec_id)
        name = label(found) if found else "该药品规格"
        raise StorageError(f"{name} 在 {day} 尚未设定价格")
    return row[0]


def _spec_row(db, spec_id: int) -> dict | None:
    rows = list(db["drug_specs"].rows_where("id = ?", [spec_id]))
    return rows[0] if rows else None


def price_history(db, spec_id: int) -> list[dict]:
    """Every price ever set, oldest first, with who set it."""
    return list(db.query(
        "SELECT p.*, u.display_name AS created_by_name FROM drug_prices p LEFT JOIN users u "
        "ON u.id = p.created_by WHERE p.spec_id = ? ORDER BY p.effective_date, p.id", [spec_id]))


def _pays_changes(db, spec_id: int) -> list[tuple[str, int, int]]:
    """(date, before, after) of every change of 支付, in the order they take effect."""
    rows = db.execute("SELECT date, old, new FROM spec_changes WHERE spec_id = ? AND field = 'programme_pays' "
                      "ORDER BY date, id", [spec_id]).fetchall()
    value = {text: flag for flag, text in PAYS_TEXT.items()}
    return [(day, value.get(old, 0), value.get(new, 0)) for day, old, new in rows]


def programme_pays_on(db, spec_id: int, date) -> int:
    """Whether the programme pays for this specification on ``date`` (1) or it is 自费 (0).

    A change of 支付 takes effect on its own date, like a price: a collection entered back-dated
    before the administrator made 善思达 a programme drug is still 自费, and one on or after it is
    paid. Before the first change the flag is what the specification was created with."""
    day = iso_date(date)
    history = _pays_changes(db, spec_id)
    if not history:
        row = db.execute("SELECT programme_pays FROM drug_specs WHERE id = ?", [spec_id]).fetchone()
        if row is None:
            raise NotFoundError("找不到该药品规格")
        return 1 if row[0] else 0
    in_force = [after for when, _before, after in history if when <= day]
    return in_force[-1] if in_force else history[0][1]


def payer_on(db, spec_id: int, date) -> tuple[bool, str]:
    """Which fund pays this specification on ``date``, in the words the dispensing dialog shows
    per line: the programme, or the refusal naming how the administrator can change it."""
    if programme_pays_on(db, spec_id, date):
        return True, PROGRAMME_PAYS
    return False, SELF_PAY_REFUSAL


def pays_change_pending(db, spec_id: int, today) -> tuple[str, int] | None:
    """A change of 支付 dated after ``today`` — (date, new flag) — so the catalogue can say so."""
    day = iso_date(today)
    later = [(when, after) for when, _before, after in _pays_changes(db, spec_id) if when > day]
    return later[-1] if later else None


def changes(db, spec_id: int) -> list[dict]:
    """Every change of a field, oldest first, with who made it."""
    return list(db.query(
        "SELECT c.*, u.display_name AS created_by_name FROM spec_changes c LEFT JOIN users u "
        "ON u.id = c.created_by WHERE c.spec_id = ? ORDER BY c.id", [spec_id]))


# --- writing ---------------------------------------------------------------------------------

def _checked_values(values: dict) -> dict:
    out = {}
    for field, what in (("name", "品名"), ("unit", "最小单位"), ("pack_unit", "包装单位")):
        out[field] = _text(values.get(field), what, field=field)
    out["strength"] = _text(values.get("strength"), "规格", required=False, field="strength")
    count = _whole_number(values.get("units_per_pack"), "每包装数量", field="units_per_pack")
    if count <= 0:
        raise StorageError("每包装数量应大于0", field="units_per_pack")
    out["units_per_pack"] = count
    out["programme_pays"] = 1 if values.get("programme_pays") else 0
    return out


def add_spec(db, drug_id: int, name: str, strength: str, unit: str, units_per_pack: int,
             pack_unit: str = "盒", programme_pays: int | None = None, user: dict | None = None) -> dict:
    """A new specification of a catalogue drug. ``programme_pays`` defaults from the catalogue's
    insurance class: a 自费 drug is not paid by the programme."""
    drug = _drug(db, drug_id)
    if programme_pays is None:
        programme_pays = default_programme_pays(drug, name or "")
    values = _checked_values({"name": name, "strength": strength, "unit": unit, "units_per_pack": units_per_pack,
                              "pack_unit": pack_unit, "programme_pays": programme_pays})
    if (twin := _duplicate(db, drug_id, values)) is not None:
        raise DuplicateError(f"已有规格“{label(twin)}”", field="name")
    with db.atomic():
        spec_id = db["drug_specs"].insert({
            "drug_id": drug_id, **values, "active": 1, "created_at": clock.now(),
            "created_by": user["id"] if user else None,
        }).last_pk
        audit.record(db, audit.CREATE, ENTITY, spec_id,
                     f"新增药品规格：{label(values)}（{drug['name']}，{_shown('programme_pays', values['programme_pays'])}）",
                     detail=values, user=user)
    return spec(db, spec_id)


def update_spec(db, spec_id: int, changes: dict, date, user: dict | None = None) -> dict:
    """Change fields of a specification; each changed field is recorded with its date.

    The pack size of a specification already dispensed or stocked can't change — the packs in the
    ledger and in the stock would silently mean something else. Add a new specification instead.
    """
    day = iso_date(date, "变更日期", field="change_date")
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise StorageError(f"不能修改：{'、'.join(sorted(unknown))}")
    before = spec(db, spec_id)
    merged = {field: changes.get(field, before[field]) for field in EDITABLE}
    after = _checked_values(merged)
    changed = [f for f in EDITABLE if after[f] != before[f]]
    if not changed:
        return before
    if "programme_pays" in changed:
        _check_pays_date(db, before, day, after["programme_pays"])
    if "units_per_pack" in changed and _in_use(db, spec_id):
        raise StorageError(f"“{before['label']}”已有发药或入库记录，不能修改每包装数量；请新增一个规格，并停用本规格",
                           field="units_per_pack")
    if before["active"] and (twin := _duplicate(db, before["drug_id"], after, other_than=spec_id)) is not None:
        raise DuplicateError(f"已有规格“{label(twin)}”", field="name")
    with db.atomic():
        db["drug_specs"].update(spec_id, {f: after[f] for f in changed})
        for field in changed:
            _record_change(db, spec_id, day, field, before[field], after[field], user)
        summary = "；".join(f"{FIELD_LABELS[f]} {_shown(f, before[f])} → {_shown(f, after[f])}" for f in changed)
        audit.record(db, audit.UPDATE, ENTITY, spec_id, f"修改药品规格 {before['label']}：{summary}",
                     detail={"date": day, "before": {f: before[f] for f in changed},
                             "after": {f: after[f] for f in changed}}, user=user)
    return spec(db, spec_id)


def _check_pays_date(db, before: dict, day: str, pays: int) -> None:
    """A change of 支付 takes effect on its date, so it may neither rewrite who paid a collection
    already recorded nor slip in before an earlier change (the order of dates is the order of
    effect)."""
    last = _last_dispensed(db, before["id"])
    if last is not None and day <= last:
        raise StorageError(f"“{before['label']}”在 {last} 已按{PAYS_TEXT[1 - pays]}发药记账，"
                           f"改为{PAYS_TEXT[pays]}的变更日期应晚于 {last}", field="change_date")
    history = _pays_changes(db, before["id"])
    if history and day < history[-1][0]:
        raise StorageError(f"“{before['label']}”的支付已在 {history[-1][0]} 变更过，新的变更日期不能早于该日",
                           field="change_date")


def _set_active(db, spec_id: int, active: int, date, user) -> dict:
    day = iso_date(date, "日期")
    before = spec(db, spec_id)
    if before["active"] == active:
        raise StorageError(f"“{before['label']}”已经是{_shown('active', active)}状态")
    if active and (twin := _duplicate(db, before["drug_id"], before)) is not None:
        raise DuplicateError(f"已有相同的启用规格“{label(twin)}”，不能再启用")
    with db.atomic():
        db["drug_specs"].update(spec_id, {"active": active})
        _record_change(db, spec_id, day, "active", before["active"], active, user)
        audit.record(db, audit.UPDATE, ENTITY, spec_id,
                     f"{'启用' if active else '停用'}药品规格 {before['label']}（{day}）", user=user)
    return spec(db, spec_id)


def retire_spec(db, spec_id: int, date, user: dict | None = None) -> dict:
    """No longer offered for new dispensings; its history, prices and stock stay."""
    return _set_active(db, spec_id, 0, date, user)


def reactivate_spec(db, spec_id: int, date, user: dict | None = None) -> dict:
    return _set_active(db, spec_id, 1, date, user)


def set_price(db, spec_id: int, price_fen: int, effective_date, note: str = "", user: dict | None = None) -> dict:
    """Add a price taking effect on ``effective_date``. Never edits an earlier price, and refuses a
    date that would change the price of a dispensing already recorded."""
    day = iso_date(effective_date, "生效日期", field="effective_date")
    price_fen = _whole_number(price_fen, "价格（分）", field="price")
    if price_fen <= 0:
        raise StorageError("价格应大于0", field="price")
    current = spec(db, spec_id)
    last = _last_dispensed(db, spec_id)
    if last is not None and day <= last:
        raise StorageError(f"“{current['label']}”在 {last} 已按原价发药记账，新价格的生效日期应晚于 {last}",
                           field="effective_date")
    with db.atomic():
        row = {"spec_id": spec_id, "price_fen": price_fen, "effective_date": day, "note": (note or "").strip(),
               "created_at": clock.now(), "created_by": user["id"] if user else None}
        row["id"] = db["drug_prices"].insert(row).last_pk
        audit.record(db, audit.UPDATE, ENTITY, spec_id,
                     f"药品价格：{current['label']} 自 {day} 起 {yuan(price_fen)} 元"
                     + (f"（{row['note']}）" if row["note"] else ""),
                     detail={"price_fen": price_fen, "effective_date": day}, user=user)
    return row


# --- sample specifications for the demo ------------------------------------------------------

def sample_specs() -> list[dict]:
    """Typical specifications from ``resources/specs.json``, with made-up sample prices."""
    return json.loads(paths.resource("specs.json").read_text(encoding="utf-8"))["specs"]


def load_sample_specs(db, effective_date, user: dict | None = None) -> list[dict]:
    """Add the sample specifications and their SAMPLE prices — for the demo database only; a real
    clinic enters its own specifications and purchase prices. Specifications already present are
    left alone, so running it twice adds nothing."""
    day = iso_date(effective_date, "生效日期")
    drug_ids = {row["name"]: row["id"] for row in db["drugs"].rows}
    added = []
    with db.atomic():
        for sample in sample_specs():
            values = {k: sample[k] for k in ("name", "strength", "unit", "units_per_pack", "pack_unit")}
            drug_id = drug_ids[sample["drug"]]
            if _duplicate(db, drug_id, values) is not None:
                continue
            new = add_spec(db, drug_id, **values, programme_pays=sample.get("programme_pays"), user=user)
            set_price(db, new["id"], sample["sample_price_fen"], day, SAMPLE_NOTE, user=user)
            added.append(spec(db, new["id"]))
    return added

