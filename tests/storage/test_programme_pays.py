"""善思达 and other 自费 items: not paid by the programme by default (Attachment 3), paid once the
administrator sets them so — from the change's date, audited, never rewriting a recorded collection."""
from __future__ import annotations

import pytest

from clinic_app.storage import audit, catalogue
from clinic_app.storage import dispensing as disp
from clinic_app.storage.errors import StorageError
from tests.dispensing_data import INVEGA, build, fast_passwords, fix_today, line, priced_spec

DAY = "2026-11-20"
REFUSAL = "为自费药品，不在免费服药项目支付范围（管理员可在药品目录中设为项目支付）"


@pytest.fixture(autouse=True)
def _setup(monkeypatch):
    fast_passwords(monkeypatch)
    fix_today(monkeypatch)


@pytest.fixture
def world(fresh_db):
    return build(fresh_db)


def invega(db) -> dict:
    return priced_spec(db, INVEGA, "棕榈酸帕利哌酮注射液", "150mg", 1, 40000, unit="支", pack_unit="支")


def problems(world, lines, date=DAY) -> list[str]:
    return disp.quote(world.db, world.patient_id, date, lines).problems


def test_a_self_paid_catalogue_item_is_not_paid_by_the_programme_by_default(world):
    spec = invega(world.db)
    assert spec["programme_pays"] == 0
    assert catalogue.payer_on(world.db, spec["id"], DAY) == (
        False, "自费药品，不在免费服药项目支付范围（管理员可在药品目录中设为项目支付）")
    assert catalogue.payer_on(world.db, world.risperidone["id"], DAY) == (True, "免费服药项目支付")
    found = problems(world, [line(world.risperidone, 9, "2"), line(spec, 1, "1/30")])
    assert f"第2行：棕榈酸帕利哌酮注射液 150mg×1支/支 {REFUSAL}" in found


def test_the_administrator_sets_a_self_paid_item_to_be_paid_and_it_is_paid(world):
    spec = invega(world.db)
    catalogue.update_spec(world.db, spec["id"], {"programme_pays": 1}, "2026-11-01", user=world.admin)
    entry = world.dispense(DAY, [line(spec, 1, "1/30")])
    assert entry["total_fen"] == 40000 and entry["programme_fen"] == 40000
    change = catalogue.changes(world.db, spec["id"])[-1]
    assert (change["date"], change["field"], change["old"], change["new"]) == (
        "2026-11-01", "programme_pays", "自费", "项目支付")
    assert any("支付 自费 → 项目支付" in r["summary"] for r in audit.recent(world.db, 10))


def test_the_change_takes_effect_on_its_date_for_back_dated_collections(world):
    spec = invega(world.db)
    catalogue.update_spec(world.db, spec["id"], {"programme_pays": 1}, "2026-12-01", user=world.admin)
    assert catalogue.programme_pays_on(world.db, spec["id"], "2026-11-30") == 0
    assert catalogue.programme_pays_on(world.db, spec["id"], "2026-12-01") == 1
    assert any(REFUSAL in p for p in problems(world, [line(spec, 1, "1/30")], "2026-11-30"))
    assert not any(REFUSAL in p for p in problems(world, [line(spec, 1, "1/30")], "2026-12-01"))


def test_setting_a_paid_item_to_self_paid_stops_payment_from_its_date(world):
    spec = world.risperidone
    catalogue.update_spec(world.db, spec["id"], {"programme_pays": 0}, "2026-11-21", user=world.admin)
    assert catalogue.programme_pays_on(world.db, spec["id"], "2026-11-20") == 1
    assert catalogue.programme_pays_on(world.db, spec["id"], "2026-11-21") == 0
    assert any(REFUSAL in p for p in problems(world, [line(spec, 9, "2")], "2026-11-21"))


def test_a_change_of_who_pays_may_not_rewrite_a_recorded_collection(world):
    spec = world.risperidone
    world.dispense(DAY, [line(spec, 9, "2")])
    with pytest.raises(StorageError, match="在 2026-11-20 已按项目支付发药记账，改为自费的变更日期应晚于 2026-11-20"):
        catalogue.update_spec(world.db, spec["id"], {"programme_pays": 0}, DAY, user=world.admin)
    assert catalogue.spec(world.db, spec["id"])["programme_pays"] == 1
    catalogue.update_spec(world.db, spec["id"], {"programme_pays": 0}, "2026-11-21", user=world.admin)


def test_a_change_of_who_pays_may_not_be_dated_before_the_previous_one(world):
    spec = invega(world.db)
    catalogue.update_spec(world.db, spec["id"], {"programme_pays": 1}, "2026-12-10", user=world.admin)
    with pytest.raises(StorageError, match="已在 2026-12-10 变更过"):
        catalogue.update_spec(world.db, spec["id"], {"programme_pays": 0}, "2026-12-01", user=world.admin)
    catalogue.update_spec(world.db, spec["id"], {"programme_pays": 0}, "2026-12-20", user=world.admin)
    assert [catalogue.programme_pays_on(world.db, spec["id"], d) for d in
            ("2026-12-09", "2026-12-10", "2026-12-19", "2026-12-20")] == [0, 1, 1, 0]
    assert catalogue.pays_change_pending(world.db, spec["id"], "2026-12-15") == ("2026-12-20", 0)
    assert catalogue.pays_change_pending(world.db, spec["id"], "2026-12-20") is None


def test_two_changes_on_one_day_the_later_entry_holds(world):
    spec = invega(world.db)
    catalogue.update_spec(world.db, spec["id"], {"programme_pays": 1}, "2026-12-10", user=world.admin)
    catalogue.update_spec(world.db, spec["id"], {"programme_pays": 0}, "2026-12-10", user=world.admin)
    assert catalogue.programme_pays_on(world.db, spec["id"], "2026-12-10") == 0
    assert catalogue.programme_pays_on(world.db, spec["id"], "2026-12-09") == 0
