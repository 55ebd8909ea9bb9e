"""One policy decides when an ID number is shown whole."""
from __future__ import annotations

import pytest

from clinic_app.domain import privacy
from clinic_app.domain.roles import ADMIN, OFFICER, READONLY

NUMBER = "50038119800101123X"


def test_lists_always_mask_whoever_looks():
    for role in (ADMIN, OFFICER, READONLY):
        assert privacy.id_shown(NUMBER, privacy.LIST, role, revealed=True) == "500381********123X"


def test_the_patient_page_shows_it_whole_only_once_revealed():
    assert privacy.id_shown(NUMBER, privacy.PAGE, OFFICER) == "500381********123X"
    assert privacy.id_shown(NUMBER, privacy.PAGE, OFFICER, revealed=True) == NUMBER


def test_forms_carry_the_number_whole():
    assert privacy.id_shown(NUMBER, privacy.FORM) == NUMBER


def test_the_ledger_masks_unless_the_setting_asks_for_whole_numbers():
    assert privacy.id_shown(NUMBER, privacy.LEDGER) == "500381********123X"
    assert privacy.id_shown(NUMBER, privacy.LEDGER, ledger_whole=True) == NUMBER


def test_an_unknown_purpose_is_a_bug():
    with pytest.raises(KeyError):
        privacy.id_shown(NUMBER, "report")


def test_nothing_to_show_stays_empty():
    assert privacy.id_shown(None, privacy.LIST) == "" and privacy.id_shown(None, privacy.FORM) == ""
