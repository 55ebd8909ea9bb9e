"""Dispensing: one collection of drugs by an enrolled patient, signed by the psychiatrist, the
dispenser and the guardian, with its cost split and its stock issue — written together or not at
all. Final entries are never edited (triggers refuse it); a correction is a void entry that
reverses the original, plus a new entry. Each entry stores a hash over its content and signatures.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from fractions import Fraction

from ..domain.packs import pack_unit
from ..domain import backstop, cost_split, roles, supply
from ..domain import cover as cover_rules
from ..domain import programme_status as ps
from ..domain.errors import ValidationError
from ..domain.money import yuan
from . import (accounts, agreements, audit, cards, catalogue, clock, cover, holidays, patients, programme,
               quarters, settings, stock)
from . import backstop as stored_backstop
from .errors import StorageError
from .subsidy import disability_eligibility

DISPENSE, VOID = "dispense", "void"
GUARDIAN, PATIENT_SELF = "guardian", "patient"
DISPENSER_ROLES = roles.roles_with("dispensing.record")
VOID_ROLES = roles.roles_with("dispensing.void")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _day(value: str, what: str, field: str | None = None) -> dt.date:
    """An ISO date, or a ``StorageError`` naming the field (a bad date is staff input, not a crash)."""
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise StorageError(f"{what}“{value}”不是有效日期，请写作 2026-01-05", field=field) from None


# --- may this patient collect today? ----------------------------------------------------------

def refusal(db, patient_id: int, date: str) -> str | None:
    """Why this patient can't collect drugs on ``date`` (Chinese, beginning with the day), or
    ``None``. Decided from the records as they stood on that day, so a collection entered later
    (back-dated) gets the same answer as on the day: the status folded from the events dated on
    or before it (enrolled or discharged on that day → may collect; admitted or left on that day
    → may not), the agreement in force that day, the card valid that day."""
    try:
        dt.date.fromisoformat(str(date))
    except ValueError:
        return f"领药日期“{date}”不是有效日期，请写作 2026-01-05"
    patient = patients.get(db, patient_id)
    name = patient["name"]
    state = programme.state(db, patient_id, date)
    events = programme.events(db, patient_id)
    if state.status == ps.PAUSED:
        return f"{date}：{name} 住院治疗中（{state.admitted_on} 入院），暂停领药（出院后恢复）"
    if state.status == ps.LEFT:
        left = next((e["date"] for e in reversed(events) if e["kind"] == ps.LEAVE and e["date"] <= date), None)
        return f"{date}：{name} 已退出免费服药项目（{left} 退出）"
    if state.status != ps.ENROLLED:
        later = next((e["date"] for e in events if e["kind"] == ps.ENROL and e["date"] > date), None)
        when = f"，{later} 才纳入" if later else ""
        stay = f"，自 {state.admitted_on} 起住院治疗" if state.admitted_on else ""
        return f"{date}：{name} 尚未纳入免费服药项目（{ps.STATUS_LABELS[state.status]}{stay}{when}）"
    if agreements.current(db, patient_id, on=date) is None:
        signed = [a for a in agreements.history(db, patient_id) if a["signed_date"] <= date]
        if signed:
            return f"{date}：{name} 的服务协议已于 {signed[-1]['valid_until']} 到期，请先续签"
        later = agreements.latest(db, patient_id)
        if later is not None:
            return f"{date}：{name} 当日尚未签订服务协议（{later['signed_date']} 才签订）"
        return f"{date}：{name} 尚未签订服务协议"
    if cards.valid_on(db, patient_id, date) is None:
        lost = cards.lost_on(db, patient_id, date)
        if lost:
            return (f"{date}：{name} 的救助卡已于 {lost['lost_date']} 挂失，补发新卡后才能领药"
                    "（挂失期间费用由患者自负）")
        return f"{date}：{name} 没有有效的救助卡"
    return None


# --- planning a collection --------------------------------------------------------------------

def prior_lines(db, patient_id: int, date: str | dt.date | None = None) -> list[supply.PriorLine]:
    """Lines of the patient's live (not voided) collections with their recomputed cover
    (``storage.cover``): what is left of them counts. With ``date``, only those dated on or
    before it — what is in hand on that day, for a collection entered later with an earlier
    date (补录)."""
    if date is None:
        return [supply.PriorLine(c.drug_id, c.until) for c in cover.covers(db, patient_id)]
    return cover.in_hand(db, patient_id, date)


@dataclass
class PlannedLine:
    spec: dict
    packs: int
    daily_dose: object  # Fraction
    check: supply.LineCheck
    price_fen: int

    @property
    def units(self) -> int:
        return self.packs * self.spec["units_per_pack"]

    @property
    def total_fen(self) -> int:
        return self.price_fen * self.packs


@dataclass
class Quote:
    """Everything the dialog shows as it is filled in, and what ``dispense`` writes."""
    date: str
    lines: list[PlannedLine]
    split: cost_split.Split | None = None
    line_splits: list[cost_split.Split] = field(default_factory=list)
    months: Fraction = Fraction(1)  # calendar months of cover (domain.backstop)
    cap: backstop.CapCheck | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def plan_line(db, patient_id: int, date: str, spec_id: int, packs: int, daily_dose) -> PlannedLine:
    """One line as planned on ``date``: its cover from what is in hand that day, the most that may
    be collected, and — for a back-dated collection — the later collections it would push back."""
    spec = catalogue.spec(db, spec_id)
    dose = supply.parse_dose(daily_dose)
    day = dt.date.fromisoformat(date)
    check = supply.check_line(day, spec["drug_id"], spec["units_per_pack"], int(packs), dose,
                              prior_lines(db, patient_id, day), cover.later(db, patient_id, spec["drug_id"], day))
    return PlannedLine(spec, int(packs), dose, check, catalogue.price_on(db, spec_id, date))


def quote(db, patient_id: int, date: str, lines: list[dict], insurance_fen: int = 0,
          relief_fen: int = 0) -> Quote:
    """Check every rule without writing: supply limit, catalogue, prices, split, monthly cap."""
    result = Quote(date=date, lines=[])
    try:
        day = _day(date, "领药日期")
    except StorageError as exc:
        result.problems.append(exc.message)
        return result
    reason = refusal(db, patient_id, date)
    if reason:
        result.problems.append(reason)
    closed = quarters.closed_refusal(db, day)  # a closed quarter takes no new collections
    if closed:
        result.problems.append(closed)
    if day > clock.today():
        result.problems.append("领药日期不能晚于今天")
    if not lines:
        result.problems.append("请至少开一种药品")
        return result
    seen = set()
    for n, line in enumerate(lines, start=1):
        try:
            planned = plan_line(db, patient_id, date, line["spec_id"], line["packs"], line["daily_dose"])
        except (ValidationError, StorageError) as exc:
            result.problems.append(f"第{n}行：{exc.message}")
            continue
        spec = planned.spec
        if spec["id"] in seen:
            result.problems.append(f"第{n}行：{catalogue.label(spec)} 重复，请合并为一行")
        seen.add(spec["id"])
        if not spec["active"]:
            result.problems.append(f"第{n}行：{catalogue.label(spec)} 已停用")
        pays, payer = catalogue.payer_on(db, spec["id"], date)   # 支付 as in force on the collection's day
        if not pays:
            result.problems.append(f"第{n}行：{catalogue.label(spec)} 为{payer}")
        if planned.packs <= 0:
            result.problems.append(f"第{n}行：数量应至少为1{pack_unit(spec)}")
        message = planned.check.message(spec["unit"], pack_unit(spec))
        if message:
            result.problems.append(f"第{n}行 {catalogue.label(spec)}：{message}")
        shortage = _shortage(db, spec, planned.packs, date)
        if shortage:
            result.problems.append(f"第{n}行：{shortage}")
        result.lines.append(planned)
    if len(result.lines) == len(lines):
        _price(db, patient_id, result, insurance_fen, relief_fen)
    return result


def _shortage(db, spec: dict, packs: int, date: str) -> str | None:
    """Said before anyone signs: not enough unexpired stock for this line on ``date``."""
    if packs <= 0:
        return None
    available = sum(b["packs"] for b in stock.usable_batches(db, spec["id"], date))
    if available >= packs:
        return None
    unit = pack_unit(spec)
    return f"库存不足：{catalogue.label(spec)} 需要 {packs} {unit}，现有未过期 {available} {unit}"


def _price(db, patient_id: int, result: Quote, insurance_fen: int, relief_fen: int) -> None:
    totals = [p.total_fen for p in result.lines]
    covers = [(p.check.start, p.check.cover_until) for p in result.lines]
    result.months = backstop.months_of_cover(backstop.month_fractions(covers))
    remaining = sum(totals) - insurance_fen - relief_fen
    has_cert = disability_eligibility(db, patient_id).applies  # category 6 unless widened
    disability = cost_split.disability_subsidy(
        remaining, has_cert, settings.get(db, "disability_subsidy_percent"),
        settings.get(db, "disability_subsidy_monthly_cap_fen"), result.months)
    try:
        result.split, result.line_splits = cost_split.split_collection(totals, insurance_fen, relief_fen,
                                                                       disability)
    except ValidationError as exc:
        result.problems.append(exc.message)
        return
    result.cap = backstop.check(covers, result.split.programme, stored_backstop.live_collections(db, patient_id),
                                settings.get(db, "monthly_cap_fen"))
    result.problems.extend(result.cap.refusals())


# --- signing and writing ----------------------------------------------------------------------

@dataclass
class Signatures:
    psychiatrist_id: int
    psychiatrist_password: str
    dispenser_id: int
    dispenser_password: str
    guardian_png: bytes | None
    signer: str = GUARDIAN  # or PATIENT_SELF
    self_sign_reason: str = ""


def _check_signer(db, user_id: int, password: str, allowed: tuple, what: str, field: str) -> dict:
    """The signer's account if it may sign as ``what`` and the password is its own; a refusal
    names ``field``, the signer it is about."""
    user = accounts.get(db, user_id)
    if user["role"] not in allowed or not user["active"]:
        raise StorageError(f"{user['display_name']} 不能作为{what}签名", field=field)
    if not accounts.check_password(db, user_id, password):
        raise StorageError(f"{what}（{user['display_name']}）密码错误，签名无效", field=field)
    return user


def _check_signatures(db, patient: dict, sig: Signatures) -> tuple[dict, dict, str]:
    if sig.psychiatrist_id == sig.dispenser_id:
        raise StorageError("精神科医师和发药人须是两个人，分别签名", field="dispenser")
    doctor = _check_signer(db, sig.psychiatrist_id, sig.psychiatrist_password, (roles.PSYCHIATRIST,),
                           "精神科医师", "psychiatrist")
    dispenser = _check_signer(db, sig.dispenser_id, sig.dispenser_password, DISPENSER_ROLES, "发药人", "dispenser")
    if not sig.guardian_png:
        raise StorageError("请患者本人在签名板上签名" if sig.signer == PATIENT_SELF else "请监护人在签名板上签名",
                           field="guardian_png")
    if not bytes(sig.guardian_png).startswith(PNG_MAGIC):
        raise StorageError("签名图像无效，请重新签名", field="guardian_png")
    if sig.signer == PATIENT_SELF:
        if not sig.self_sign_reason.strip():
            raise StorageError("患者本人签名时，请写明原因（如：无监护人）", field="self_sign_reason")
        name = patient["name"]
    elif sig.signer == GUARDIAN:
        name = (patient.get("guardian_name") or "").strip()
        if not name:
            raise StorageError("该患者未登记监护人：请由患者本人签名并写明原因", field="signer")
    else:
        raise StorageError("签名人无效")
    return doctor, dispenser, name


def content_hash(entry: dict, lines: list[dict]) -> str:
    """SHA-256 over what was dispensed, the amounts and who signed (the image by its own hash)."""
    keys = ("patient_id", "kind", "date", "card_id", "psychiatrist_id", "dispenser_id",
            "next_appointment", "total_fen", "insurance_fen", "relief_fen", "disability_fen",
            "programme_fen", "guardian_signer", "guardian_name", "self_sign_reason",
            "psychiatrist_signed_at", "dispenser_signed_at", "guardian_signed_at", "voids_id",
            "void_reason")
    line_keys = ("spec_id", "drug_id", "packs", "units", "daily_dose", "days", "cover_start",
                 "cover_until", "price_fen", "total_fen", "insurance_fen", "relief_fen",
                 "disability_fen", "programme_fen")
    payload = {
        "entry": {k: entry.get(k) for k in keys},
        "signature": hashlib.sha256(entry.get("guardian_signature") or b"").hexdigest(),
        "lines": [{k: line.get(k) for k in line_keys} for line in lines],
    }
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class SignedBy:
    """Signatures already checked (passwords verified, guardian strokes present)."""
    psychiatrist: dict
    dispenser: dict
    guardian_name: str
    signer: str
    self_sign_reason: str
    guardian_png: bytes
    signed_at: str


def verify_signatures(db, patient_id: int, signatures: Signatures) -> SignedBy:
    """The slow part of a collection, by design: argon2 checks each password."""
    patient = patients.get(db, patient_id)
    doctor, dispenser, guardian_name = _check_signatures(db, patient, signatures)
    reason = signatures.self_sign_reason.strip() if signatures.signer == PATIENT_SELF else ""
    return SignedBy(doctor, dispenser, guardian_name, signatures.signer, reason,
                    bytes(signatures.guardian_png), clock.now())


def dispense(db, patient_id: int, date: str, lines: list[dict], signatures: Signatures,
             insurance_fen: int = 0, relief_fen: int = 0, next_appointment: str | None = None,
             user: dict | None = None) -> dict:
    """Check the rules, verify the three signatures, write one final collection — or raise
    ``StorageError`` naming every problem and write nothing."""
    result = quote(db, patient_id, date, lines, insurance_fen, relief_fen)
    if not result.ok:
        raise StorageError("\n".join(result.problems))
    signed = verify_signatures(db, patient_id, signatures)
    return record(db, patient_id, date, lines, signed, insurance_fen, relief_fen, next_appointment, user)


def record(db, patient_id: int, date: str, lines: list[dict], signed: SignedBy,
           insurance_fen: int = 0, relief_fen: int = 0, next_appointment: str | None = None,
           user: dict | None = None) -> dict:
    """Validate every rule again and write the signed collection, its lines and its stock issue in
    one transaction, with the patient's recomputed cover (``storage.cover.rebuild``)."""
    result = quote(db, patient_id, date, lines, insurance_fen, relief_fen)
    if not result.ok:
        raise StorageError("\n".join(result.problems))
    if next_appointment and _day(next_appointment, "约定下次取药时间") <= _day(date, "领药日期"):
        raise StorageError("约定下次取药时间应晚于本次领药日期")
    patient = patients.get(db, patient_id)
    now = clock.now()
    entry = {
        "patient_id": patient_id, "kind": DISPENSE, "date": date,
        "card_id": cards.valid_on(db, patient_id, date)["id"], "psychiatrist_id": signed.psychiatrist["id"],
        "dispenser_id": signed.dispenser["id"], "next_appointment": next_appointment,
        **{f"{k}_fen": v for k, v in result.split.as_dict().items()},
        "guardian_signer": signed.signer, "guardian_name": signed.guardian_name,
        "self_sign_reason": signed.self_sign_reason or None,
        "guardian_signature": signed.guardian_png,
        "psychiatrist_signed_at": signed.signed_at, "dispenser_signed_at": signed.signed_at,
        "guardian_signed_at": signed.signed_at,
        "created_at": now, "created_by": user["id"] if user else None,
    }
    line_rows = [_line_row(p, s) for p, s in zip(result.lines, result.line_splits)]
    entry["content_hash"] = content_hash(entry, line_rows)
    with db.atomic():
        entry["id"] = db["dispensings"].insert(entry).last_pk
        for row in line_rows:
            row["dispensing_id"] = entry["id"]
            row["id"] = db["dispensing_lines"].insert(row).last_pk
            stock.issue(db, row["spec_id"], row["packs"], date, row["id"], user)
        cover.rebuild(db, patient_id, date)
        audit.record(db, audit.CREATE, "dispensing", entry["id"],
                     f"发药：{patient['name']} {date}，共 {len(line_rows)} 种药，"
                     f"总金额 {yuan(entry['total_fen'])} 元", user=user)
    return get(db, entry["id"])


def _line_row(planned: PlannedLine, split: cost_split.Split) -> dict:
    return {
        "spec_id": planned.spec["id"], "drug_id": planned.spec["drug_id"], "packs": planned.packs,
        "units": planned.units, "daily_dose": supply.format_dose(planned.daily_dose),
        "days": planned.check.days, "cover_start": planned.check.start.isoformat(),
        "cover_until": planned.check.cover_until.isoformat(), "price_fen": planned.price_fen,
        "total_fen": split.total, "insurance_fen": split.insurance, "relief_fen": split.relief,
        "disability_fen": split.disability, "programme_fen": split.programme,
    }


# --- corrections ------------------------------------------------------------------------------

def void(db, dispensing_id: int, reason: str, authoriser_id: int, password: str, date: str | None = None,
         user: dict | None = None) -> dict:
    """Reverse a final entry with a void entry of opposite amounts; the original stays untouched,
    and its stock goes back to the batches it came from."""
    original = get(db, dispensing_id)
    if original["kind"] != DISPENSE:
        raise StorageError("作废记录本身不能再作废", field="dispensing_id")
    if original["voided_by"]:
        raise StorageError("该领药记录已作废", field="dispensing_id")
    if not reason.strip():
        raise StorageError("请写明作废原因", field="reason")
    authoriser = _check_signer(db, authoriser_id, password, VOID_ROLES, "作废授权人", "authoriser")
    date = date or clock.today().isoformat()
    if date < original["date"]:
        raise StorageError("作废日期不能早于原领药日期", field="date")
    # An entry of a closed quarter may be voided, dated in an open one: the adjustment lands there.
    closed = quarters.closed_refusal(db, _day(date, "作废日期", "date"), "作废")
    if closed:
        raise StorageError(closed)
    now = clock.now()
    entry = {
        "patient_id": original["patient_id"], "kind": VOID, "date": date, "card_id": original["card_id"],
        "psychiatrist_id": None, "dispenser_id": authoriser["id"], "next_appointment": None,
        **{k: -original[k] for k in ("total_fen", "insurance_fen", "relief_fen", "disability_fen",
                                      "programme_fen")},
        "guardian_signer": None, "guardian_name": None, "self_sign_reason": None, "guardian_signature": None,
        "psychiatrist_signed_at": None, "dispenser_signed_at": now, "guardian_signed_at": None,
        "voids_id": dispensing_id, "void_reason": reason.strip(), "created_at": now,
        "created_by": user["id"] if user else authoriser["id"],
    }
    line_rows = [{**{k: line[k] for k in ("spec_id", "drug_id", "daily_dose", "price_fen")},
                  "packs": -line["packs"], "units": -line["units"], "days": 0, "cover_start": None,
                  "cover_until": None,
                  **{k: -line[k] for k in ("total_fen", "insurance_fen", "relief_fen", "disability_fen",
                                           "programme_fen")},
                  "original_line_id": line["id"]} for line in original["lines"]]
    entry["content_hash"] = content_hash(entry, line_rows)
    with db.atomic():
        entry["id"] = db["dispensings"].insert(entry).last_pk
        for row in line_rows:
            original_line = row.pop("original_line_id")
            db["dispensing_lines"].insert({**row, "dispensing_id": entry["id"]})
            stock.return_for_void(db, original_line, date, user)
        cover.rebuild(db, original["patient_id"], original["date"])  # the void frees the cover it caused
        audit.record(db, audit.UPDATE, "dispensing", dispensing_id,
                     f"作废领药记录 {original['date']}（{reason.strip()}），授权人 {authoriser['display_name']}",
                     detail={"void_entry": entry["id"]}, user=user or authoriser)
    return get(db, entry["id"])


# --- reading ----------------------------------------------------------------------------------

def _lines(db, dispensing_id: int) -> list[dict]:
    rows = list(db.query(
        "SELECT l.*, s.name AS spec_name, s.strength, s.unit, s.units_per_pack, s.pack_unit, "
        "dr.name AS drug_name FROM dispensing_lines l JOIN drug_specs s ON s.id = l.spec_id "
        "JOIN drugs dr ON dr.id = l.drug_id WHERE l.dispensing_id = ? ORDER BY l.id", [dispensing_id]))
    return rows


def get(db, dispensing_id: int) -> dict:
    rows = list(db.query(
        "SELECT d.*, p.display_name AS psychiatrist_name, u.display_name AS dispenser_name "
        "FROM dispensings d LEFT JOIN users p ON p.id = d.psychiatrist_id "
        "LEFT JOIN users u ON u.id = d.dispenser_id WHERE d.id = ?", [dispensing_id]))
    if not rows:
        raise StorageError("找不到该领药记录")
    entry = rows[0]
    entry["lines"] = _lines(db, dispensing_id)
    voider = db.execute("SELECT id FROM dispensings WHERE voids_id = ?", [dispensing_id]).fetchone()
    entry["voided_by"] = voider[0] if voider else None
    return entry


def history(db, patient_id: int) -> list[dict]:
    ids = [r[0] for r in db.execute("SELECT id FROM dispensings WHERE patient_id = ? ORDER BY date, id",
                                    [patient_id])]
    return [get(db, i) for i in ids]


def verify(db, dispensing_id: int) -> bool:
    """The stored hash still matches the stored content and signature."""
    rows = list(db.query("SELECT * FROM dispensings WHERE id = ?", [dispensing_id]))
    if not rows:
        raise StorageError("找不到该领药记录")
    entry = rows[0]
    lines = list(db.query("SELECT * FROM dispensing_lines WHERE dispensing_id = ? ORDER BY id",
                          [dispensing_id]))
    return content_hash(entry, lines) == entry["content_hash"]


def cover_by_drug(db, patient_id: int, today: dt.date) -> list[dict]:
    """Per drug, from the recomputed cover: ``cover_until`` (the first day without drug; the
    screen shows the day before, ``domain.cover.last_day``) and ``days_left`` (days with drug
    from ``today`` on, today included)."""
    out = {}
    for line in prior_lines(db, patient_id):
        out[line.drug_id] = max(out.get(line.drug_id, line.cover_until), line.cover_until)
    names = dict(db.execute("SELECT id, name FROM drugs").fetchall())
    return [{"drug_id": d, "drug_name": names.get(d, ""), "cover_until": until.isoformat(),
             "days_left": max((until - today).days, 0)}
            for d, until in sorted(out.items(), key=lambda kv: kv[1])]


def default_appointment(db, date: str, planned: list[PlannedLine]) -> str | None:
    """The next appointment proposed for a collection on ``date`` of the ``planned`` lines
    (``plan_line``; ``domain.cover.default_appointment``): the last day with drug of the line that
    runs out first, counting what was left of earlier collections, on a working day of the
    clinic's calendar (``holidays.calendar``)."""
    untils = [p.check.cover_until for p in planned if p.check.days > 0]
    if not untils:
        return None
    day = cover_rules.default_appointment(dt.date.fromisoformat(date), untils, holidays.calendar(db))
    return day.isoformat() if day else None


def next_appointment(db, patient_id: int) -> str | None:
    """The appointment agreed at the newest collection that was not voided."""
    row = db.execute("SELECT d.next_appointment FROM dispensings d WHERE d.patient_id = ? AND d.kind = ? "
                     "AND NOT EXISTS (SELECT 1 FROM dispensings v WHERE v.voids_id = d.id) "
                     "ORDER BY d.date DESC, d.id DESC LIMIT 1", [patient_id, DISPENSE]).fetchone()
    return row[0] if row else None
