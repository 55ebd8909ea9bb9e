"""Writing synthetic demonstration data: four demo accounts and a register of made-up patients.

Used by ``clinic-app demo``, ``--demo`` start-up, the screenshots and the benchmarks, so it must
handle 20,000 patients in seconds. Patients therefore go in with ``insert_all`` instead of one
``patients.create`` (and one audit row) each, but every record is validated and turned into a row
by the very code ``patients.create`` uses, so demo rows look exactly like typed-in ones.
"""
from __future__ import annotations

from ..domain import roles, synthetic
from ..domain.patient_fields import validate_record
from . import accounts, audit, clock, demo_dispensing, demo_enrolment, reference, settings
from .errors import StorageError
from .patients import _guardian_row, _patient_row

DEFAULT_SEED = 20190318
DEFAULT_MONTHS = 12  # of dispensing, for ``clinic-app demo`` and ``--demo`` alike: a year, as the
# dashboard and the adherence list look back
DEFAULT_CLINIC = "youxi"  # 油溪（中心）卫生院
# "demo2026" is refused for the user "demo" (a password may not contain the username).
DEMO_PASSWORD = "jiangjin2026"
DEMO_USERS = (
    ("demo", roles.ADMIN, "演示管理员"),
    ("yisheng", roles.PSYCHIATRIST, "王医生"),
    ("jingfang", roles.OFFICER, "李精防"),
    ("chakan", roles.READONLY, "赵查看"),
)


def write_demo(db, patients: int, seed: int = DEFAULT_SEED, clinic_code: str | None = None,
               months: int = 0) -> dict:
    """Add demo users and ``patients`` synthetic patients, all or nothing.

    Running it again with the same seed adds nothing: households whose patients are already
    stored are skipped, and existing accounts are left alone. Returns what was actually added.
    """
    with db.atomic():
        code = _choose_clinic(db, clinic_code)
        users = _ensure_users(db)
        own, others = _towns(db, code)
        today = clock.today()
        households = synthetic.generate(patients, seed, own, others, today=today)
        first_new = _next_id(db, "patients")
        added_households, added_patients = _insert_households(db, households, today)
        new_ids = [r[0] for r in db.execute("SELECT id FROM patients WHERE id >= ? ORDER BY id", [first_new])]
        enrolment = demo_enrolment.enrol_demo_patients(db, new_ids, seed, code) if new_ids else {}
        collections = demo_dispensing.write_demo_dispensing(db, months, seed) if new_ids else 0
        if added_patients:
            audit.record(db, audit.CREATE, "demo", None, f"写入演示数据 {added_patients} 名患者",
                         detail={"seed": seed, "clinic_code": code, "households": added_households,
                                 "programme": enrolment})
    return {"patients": added_patients, "households": added_households, "users": users,
            "dispensings": collections if added_patients else 0}


def _choose_clinic(db, clinic_code: str | None) -> str:
    """The clinic whose towns the patients live in; it becomes 本单位 only if none is set yet."""
    current = settings.get(db, "clinic_code")
    code = clinic_code or current or DEFAULT_CLINIC
    if reference.clinic(db, code) is None:
        raise StorageError(f"找不到服药门诊“{code}”")
    if not current:
        settings.put(db, "clinic_code", code)
    return code


def _towns(db, code: str) -> tuple[list[str], list[str]]:
    own = reference.towns(db, code)
    return own, [t for t in reference.towns(db) if t not in own]


def _ensure_users(db) -> int:
    """Only four argon2 hashes, however many patients: hashing is deliberately slow."""
    existing = {u["username"] for u in accounts.list_users(db)}
    created = 0
    for username, role, display_name in DEMO_USERS:
        if username not in existing:
            accounts.create_user(db, username, DEMO_PASSWORD, role, display_name)
            created += 1
    return created


def _next_id(db, table: str) -> int:
    return db.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}").fetchone()[0]


def _checked(record: dict, today) -> dict:
    """The values ``patients.create`` would receive from the form; a failure is a generator bug."""
    result = validate_record(record, today)
    if result.errors:
        raise ValueError(f"synthetic record fails validation: {result.errors}")
    return result.values


class _Batch:
    """Rows for one ``insert_all`` per table, with ids handed out here so rows can refer to each
    other before anything is written."""

    def __init__(self, db, today):
        self.today = today
        self.now = clock.now()
        self.next_household = _next_id(db, "households")
        self.next_guardian = _next_id(db, "guardians")
        # Like patients.create: a guardian already stored under the same ID number is reused.
        self.guardian_ids = {number: gid for gid, number in db.execute(
            "SELECT id, id_number FROM guardians WHERE id_number IS NOT NULL")}
        self.households: list[dict] = []
        self.guardians: list[dict] = []
        self.patients: list[dict] = []

    def add_household(self, records: list[dict]) -> None:
        household_id = self.next_household
        self.next_household += 1
        self.households.append({"id": household_id, "created_at": self.now})
        for values in (_checked(r, self.today) for r in records):
            self.patients.append({**_patient_row(values), "household_id": household_id,
                                  "guardian_id": self._guardian_id(values),
                                  "created_at": self.now, "updated_at": self.now,
                                  "created_by": None, "updated_by": None})

    def _guardian_id(self, values: dict) -> int | None:
        row = _guardian_row(values)
        if row is None:
            return None
        if row["id_number"] in self.guardian_ids:
            return self.guardian_ids[row["id_number"]]
        guardian_id = self.next_guardian
        self.next_guardian += 1
        self.guardians.append({"id": guardian_id, **row, "created_at": self.now,
                               "updated_at": self.now})
        if row["id_number"]:
            self.guardian_ids[row["id_number"]] = guardian_id
        return guardian_id

    def write(self, db) -> None:
        db["households"].insert_all(self.households, pk="id")
        db["guardians"].insert_all(self.guardians, pk="id")
        db["patients"].insert_all(self.patients, pk="id")


def _insert_households(db, households: list[list[dict]], today) -> tuple[int, int]:
    stored = {row[0] for row in db.execute("SELECT id_number FROM patients")}
    batch = _Batch(db, today)
    for household in households:
        if not any(r["id_number"] in stored for r in household):
            batch.add_household(household)
    batch.write(db)
    return len(batch.households), len(batch.patients)


def refuse_real_database(db, path="") -> None:
    """``StorageError`` unless the database is new or holds demo data only: demo patients must
    never be mixed into a clinic's real register. Real data means an account other than the
    demo ones, or patients without the demo's audit row."""
    names = {u[0] for u in DEMO_USERS}
    others = [r[0] for r in db.execute("SELECT username FROM users") if r[0] not in names]
    has_demo = bool(db.execute("SELECT 1 FROM audit_log WHERE entity = 'demo' LIMIT 1").fetchone())
    if others or (db["patients"].count and not has_demo):
        raise StorageError(f"{path or '该数据库'} 中已有真实数据（非演示账户或患者），演示数据只能写入新的数据库文件。"
                           "请用 --db 指定一个新文件名")
