"""开始使用: each step is read from the database as it is now — done when its records are there,
not done again when they are gone (the only psychiatrist deactivated, the batch expired)."""
import datetime as dt

from clinic_app.domain import roles
from clinic_app.storage import accounts, catalogue, clock, first_day, patients, stock
from tests.enrolment_data import eligible_values

RISPERIDONE = 7


def done(db) -> dict:
    return {step.key: step.done for step in first_day.steps(db)}


def detail(db, key: str) -> str:
    return next(step.detail for step in first_day.steps(db) if step.key == key)


def test_a_new_clinic_has_every_step_still_to_do_in_order(fresh_db):
    accounts.create_user(fresh_db, "admin", "Qingshan2026", roles.ADMIN, "管理员")
    steps = first_day.steps(fresh_db)
    assert [s.key for s in steps] == ["accounts", "catalogue", "stock", "patient"]
    assert not any(s.done for s in steps) and not first_day.all_done(fresh_db)
    assert detail(fresh_db, "accounts") == "尚无启用的精神科医师和精防人员（发药人）账户"


def test_accounts_are_done_with_an_active_psychiatrist_and_an_officer(fresh_db):
    doctor = accounts.create_user(fresh_db, "wang", "Yisheng2026x", roles.PSYCHIATRIST, "王医生")
    assert not done(fresh_db)["accounts"]
    assert detail(fresh_db, "accounts") == "尚无启用的精防人员（发药人）账户"
    accounts.create_user(fresh_db, "li", "Jingfang2026x", roles.OFFICER, "李精防")
    assert done(fresh_db)["accounts"]
    assert detail(fresh_db, "accounts") == "已有精神科医师 1 名、精防人员 1 名"
    accounts.update_user(fresh_db, doctor["id"], active=False)
    assert not done(fresh_db)["accounts"]   # nothing stored says "done": the database is asked again


def test_drugs_need_a_programme_spec_with_a_price_and_stock_an_unexpired_batch_of_one(fresh_db):
    today = clock.today()
    spec = catalogue.add_spec(fresh_db, RISPERIDONE, "利培酮片", "1mg", "片", 20)
    assert not done(fresh_db)["catalogue"]
    assert detail(fresh_db, "catalogue") == "已有项目支付的规格 1 个，尚未设定价格"
    catalogue.set_price(fresh_db, spec["id"], 1850, today.isoformat())
    assert done(fresh_db)["catalogue"] and not done(fresh_db)["stock"]
    batch = stock.receive(fresh_db, spec["id"], "B1", (today + dt.timedelta(days=300)).isoformat(), 10,
                          today.isoformat())
    assert done(fresh_db)["stock"] and detail(fresh_db, "stock") == "1 个规格有未过期库存"
    stock.adjust(fresh_db, batch["id"], 0, today.isoformat(), "破损")
    assert not done(fresh_db)["stock"]


def test_the_first_patient_ticks_the_last_step(fresh_db):
    assert not done(fresh_db)["patient"]
    patients.create(fresh_db, eligible_values())
    assert done(fresh_db)["patient"] and detail(fresh_db, "patient") == "已登记患者 1 名"
