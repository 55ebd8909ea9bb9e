"""Helpers for the 免费服药项目 panel tests: a fixed "today", eligible patients, and a way to
answer the panel's dialogs without a modal loop."""
from __future__ import annotations

import datetime as dt

from clinic_app.domain import applications as ap
from clinic_app.storage import clock
from clinic_app.ui.enrolment import EnrolmentPanel

from .conftest import make_id

TODAY = dt.date(2026, 11, 20)
INSTITUTION = "江津区精神卫生中心"


def fix_today(monkeypatch, day: dt.date = TODAY) -> None:
    monkeypatch.setattr(clock, "today", lambda: day)


def eligible(make_patient, name: str, birth: str, seq: str = "123", **extra) -> int:
    values = dict(residence_since="2020-01-01", diagnosing_institution=INSTITUTION, police_managed=True,
                  guardian_name="王监护", guardian_id_number=make_id("19700101", "222"))
    values.update(extra)
    return make_patient(name, make_id(birth, seq), **values)


class Panel:
    """An ``EnrolmentPanel`` whose dialogs are filled by the test, and whose questions and
    messages are collected instead of shown."""

    def __init__(self, qtbot, session, patient_id: int, answer_yes: bool = True):
        self.widget = EnrolmentPanel(session, patient_id)
        qtbot.addWidget(self.widget)
        self.informed: list[str] = []
        self.asked: list[str] = []
        self.errors: list[str] = []
        self.widget._inform = lambda title, text: self.informed.append(text)
        self.widget._confirm = lambda title, text: self.asked.append(text) or answer_yes
        self.widget._show_error = lambda title, text: self.errors.append(text)
        self.changes = 0
        self.widget.changed.connect(self._count)

    def _count(self) -> None:
        self.changes += 1

    def act(self, key: str, fill=None, confirm: bool = True):
        """Press the action button ``key``; ``fill(dialog)`` fills the dialog, then it is confirmed
        (unless ``confirm`` is false). Returns the dialog."""
        def open_dialog(dialog):
            if fill:
                fill(dialog)
            if confirm:
                dialog.accept()
            return dialog.accepted_ok
        self.widget.open_dialog = open_dialog
        button = self.widget.buttons[key]
        assert button.isEnabled(), f"{key} is disabled"
        button.click()
        return self.widget.last_dialog

    def enabled(self) -> set[str]:
        return {k for k, b in self.widget.buttons.items() if b.isEnabled()}


# --- fillers -----------------------------------------------------------------------------------

def application(received: str, all_documents: bool = True, opinion: str = "情况属实，同意申请"):
    def fill(dialog):
        dialog.received.setText(received)
        if all_documents:
            for key, _label in ap.DOCUMENTS:
                dialog.documents.tick(key)
        dialog.village_opinion.setText(opinion)
        dialog.village_date.setText(received)
    return fill


def initial(date: str, decision: str = "passed", reason: str = "", late: str = "",
            reviewer: str | None = None):
    def fill(dialog):
        dialog.choose(decision)
        dialog.date.setText(date)
        dialog.reason.setText(reason)
        dialog.late_reason.setText(late)
        if reviewer is not None:
            dialog.reviewer.setText(reviewer)
    return fill


def send(date: str):
    def fill(dialog):
        dialog.date.setText(date)
    return fill


def final(date: str, decision: str = "approved", reviewer: str = "区精卫中心 周主任", reason: str = ""):
    def fill(dialog):
        dialog.choose(decision)
        dialog.reviewer.setText(reviewer)
        dialog.date.setText(date)
        dialog.reason.setText(reason)
    return fill


def dated(date: str, note: str = ""):
    def fill(dialog):
        dialog.date.setText(date)
        if note and hasattr(dialog, "note"):
            dialog.note.setText(note)
    return fill


def through_approval(panel: Panel, received: str = "2026-03-10", initial_date: str = "2026-03-12",
                     sent: str = "2026-03-13", final_date: str = "2026-03-18"):
    panel.act("apply", application(received))
    panel.act("initial", initial(initial_date))
    panel.act("send", send(sent))
    return panel.act("final", final(final_date))
