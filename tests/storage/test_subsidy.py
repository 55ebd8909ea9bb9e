"""The 残联 subsidy in the price of a collection: category 6 by default, as the setting widens it."""
from __future__ import annotations

import pytest

from clinic_app.domain.errors import ValidationError
from clinic_app.storage import settings, subsidy
from clinic_app.storage import dispensing as disp
from tests.dispensing_data import build, fast_passwords, fix_today, three_months

DAY = "2026-11-20"
OTHER_ID = "50038119800101123X"


@pytest.fixture(autouse=True)
def _setup(monkeypatch):
    fast_passwords(monkeypatch)
    fix_today(monkeypatch)


@pytest.fixture
def world(fresh_db):
    world = build(fresh_db)
    settings.put(fresh_db, "disability_subsidy_percent", 50)
    return world


def holding(world, category: str) -> None:
    world.db["patients"].update(world.patient_id, {"disability_cert_no": OTHER_ID + category + "2"})


def test_a_physical_disability_certificate_gets_no_subsidy_in_the_price(world):
    holding(world, "4")
    quote = disp.quote(world.db, world.patient_id, DAY, three_months(world), 20000, 4370)
    assert quote.ok and quote.split.disability == 0 and quote.split.programme == 20000
    entry = world.dispense(DAY, three_months(world), insurance_fen=20000, relief_fen=4370)
    assert entry["disability_fen"] == 0 and entry["programme_fen"] == 20000


def test_a_mental_disability_certificate_gets_the_subsidy_in_the_price(world):
    holding(world, "6")
    entry = world.dispense(DAY, three_months(world), insurance_fen=20000, relief_fen=4370)
    assert (entry["disability_fen"], entry["programme_fen"]) == (10000, 10000)


def test_widening_the_categories_gives_the_subsidy_to_other_certificates(world):
    holding(world, "4")
    settings.put(world.db, "disability_subsidy_categories", "4、6")
    assert settings.get(world.db, "disability_subsidy_categories") == "4,6"
    entry = world.dispense(DAY, three_months(world), insurance_fen=20000, relief_fen=4370)
    assert entry["disability_fen"] == 10000


def test_the_category_setting_defaults_to_mental_disability_and_refuses_what_is_not_a_category(world):
    assert settings.get(world.db, "disability_subsidy_categories") == "6"
    with pytest.raises(ValidationError, match="“9”无法识别"):
        settings.put(world.db, "disability_subsidy_categories", "6,9")
    assert settings.get(world.db, "disability_subsidy_categories") == "6"


def test_the_note_says_why_the_subsidy_is_zero(world):
    holding(world, "4")
    assert subsidy.disability_note(world.db, world.patient_id, 0) == \
        "残疾证类别为肢体残疾（类别4），残联免费服药补助仅适用于精神残疾（类别6）"
    holding(world, "6")
    settings.put(world.db, "disability_subsidy_percent", 0)
    assert "补助比例设为 0%" in subsidy.disability_note(world.db, world.patient_id, 0)
    settings.put(world.db, "disability_subsidy_percent", 50)
    assert "无余额" in subsidy.disability_note(world.db, world.patient_id, 0)
    assert subsidy.disability_note(world.db, world.patient_id, 100) == \
        "残疾证类别为精神残疾（类别6），享受残联免费服药补助（按医保、民政报销后余额的 50%）"
