"""Fixtures for the widget tests: a logged-in session on a fresh database, the app font,
and helpers that register patients the way the program does (rules first, then storage)."""
from __future__ import annotations

import pytest

from clinic_app.domain import idnumber
from clinic_app.domain import patient_fields as pf
from clinic_app.storage import accounts, patients, reference
from clinic_app.ui.session import Session

JIANGJIN = "500381"


@pytest.fixture(autouse=True)
def print_settings(tmp_path, monkeypatch):
    """The printers and papers remembered per document kind go to a file of the test's own."""
    from clinic_app.ui.printing.memory import SETTINGS_ENV

    monkeypatch.setenv(SETTINGS_ENV, str(tmp_path / "printing.ini"))
    return tmp_path / "printing.ini"


@pytest.fixture(autouse=True)
def app_font(qapp):
    """The app as the program starts it: its font, Qt's Chinese translation and the zh_CN locale."""
    from clinic_app.ui import chinese
    from clinic_app.ui.fonts import load_app_font

    chinese.install(qapp)
    qapp.setFont(load_app_font())
    return qapp


@pytest.fixture(autouse=True)
def own_qsettings(tmp_path):
    """What QSettings remembers (folders, window geometry) in the test's own folder, never the tester's."""
    from PySide6.QtCore import QSettings

    QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, str(tmp_path / "qsettings"))
    return tmp_path / "qsettings"


def _session(fresh_db, db_path, role: str, username: str) -> Session:
    user = accounts.create_user(fresh_db, username, "Passw0rd!x", role, "测试员")
    return Session(fresh_db, db_path, user, reference.clinic(fresh_db, "youxi"))


@pytest.fixture
def session(fresh_db, db_path):
    return _session(fresh_db, db_path, "admin", "tester")


@pytest.fixture
def readonly_session(fresh_db, db_path):
    return _session(fresh_db, db_path, "readonly", "reader")


def make_id(birth: str = "19800101", seq: str = "123", area: str = JIANGJIN) -> str:
    """A valid 18-digit number; an odd last ``seq`` digit means 男."""
    first17 = area + birth + seq
    return first17 + idnumber.check_char(first17)


def wrong_check(number: str) -> str:
    last = "0" if number[-1] != "0" else "1"
    return number[:-1] + last


def patient_values(name: str, id_number: str, **extra) -> dict:
    values = {"name": name, "id_number": id_number, "ethnicity": "汉族", "town": "油溪镇",
              "village": "大坡村", "address": "油溪镇大坡村3组12号", "diagnosis": "精神分裂症"}
    values.update(extra)
    return values


@pytest.fixture
def make_patient(session):
    """Register one patient through the rules and storage; returns the new id."""
    def make(name: str, id_number: str, household_id: int | None = None, **extra) -> int:
        result = pf.validate_record(patient_values(name, id_number, **extra))
        assert result.ok, result.errors
        return patients.create(session.db, result.values, user=session.user, household_id=household_id)
    return make


@pytest.fixture
def no_dialogs(monkeypatch):
    """Answer every question "yes" and collect error boxes instead of showing them."""
    from clinic_app.ui.patients.form import PatientForm

    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(PatientForm, "_confirm", lambda self, title, text: True)
    monkeypatch.setattr(PatientForm, "_show_error", lambda self, title, text: shown.append((title, text)))
    return shown
