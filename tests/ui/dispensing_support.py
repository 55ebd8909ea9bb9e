"""Helpers for the dispensing widget tests: a world of accounts, specs and stock on the session's
database, a session for the officer, and a guardian's hand on the signature pad."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt

from clinic_app.storage import reference
from clinic_app.ui.session import Session
from tests.dispensing_data import build, fast_passwords, fix_today

STROKES = [[(30, 100), (50, 50), (70, 110), (95, 45), (120, 105)],
           [(150, 60), (180, 100), (210, 55), (240, 95)]]


@pytest.fixture(autouse=True)
def _dispensing_setup(monkeypatch):
    fast_passwords(monkeypatch)
    fix_today(monkeypatch)


@pytest.fixture
def world(session):
    return build(session.db)


def session_for(session, user: dict) -> Session:
    return Session(session.db, session.db_path, user, reference.clinic(session.db, "youxi"))


@pytest.fixture
def officer_session(session, world):
    return session_for(session, world.officer)


def sign(qtbot, pad, strokes=STROKES) -> None:
    """Draw with the mouse the way a hand does: press, move, release."""
    for stroke in strokes:
        qtbot.mousePress(pad, Qt.LeftButton, pos=QPoint(*stroke[0]))
        for point in stroke[1:]:
            qtbot.mouseMove(pad, QPoint(*point))
        qtbot.mouseRelease(pad, Qt.LeftButton, pos=QPoint(*stroke[-1]))


DAY = "2026-11-20"


def open_dialog(qtbot, session, patient_id, day: str = DAY):
    """The dispensing dialog shown, dated ``day`` (the tests' collection day)."""
    from clinic_app.ui.dispensing import DispensingDialog

    dialog = DispensingDialog(session, patient_id)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.date.setText(day)
    return dialog
