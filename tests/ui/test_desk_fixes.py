"""Small fixes at the desk, on real widgets: the whole-ID-number setting is a checkbox; a weak
password is said under 密码 and a second typing that differs under 再次输入密码; the 民政救助
field's message lies over no field, and fields do not jump when a message comes and goes; the
patient form says which of 贫困情况 / 享受何种政府补贴 the eligibility check uses; a wrong ID check
digit is refused without giving the expected one away."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QCheckBox, QDialogButtonBox, QLineEdit, QSpinBox, QWidget, QWizard

from clinic_app.domain import eligibility, idnumber
from clinic_app.storage import settings
from clinic_app.ui import style

from .conftest import make_id, wrong_check
from .dispensing_support import _dispensing_setup, officer_session, open_dialog, world  # noqa: F401

SHOTS = Path("/tmp/shots")


def rect(widget: QWidget, top: QWidget) -> QRect:
    return QRect(widget.mapTo(top, widget.rect().topLeft()), widget.size())


def leaves(top: QWidget) -> list[QWidget]:
    """The visible widgets that hold no other widget (fields, labels, buttons)."""
    return [w for w in top.findChildren(QWidget)
            if w.isVisibleTo(top) and not [c for c in w.findChildren(QWidget) if c.isVisibleTo(top)]]


def overlapping(label: QWidget, top: QWidget) -> list[str]:
    mine = rect(label, top)
    return [f"{type(w).__name__} {w.objectName()} {getattr(w, 'text', lambda: '')()}"
            for w in leaves(top) if w is not label and rect(w, top).intersects(mine)]


# --- the settings ---------------------------------------------------------------------------------

def test_showing_whole_id_numbers_in_the_ledger_is_a_checkbox(qtbot, session):
    from clinic_app.ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(session)
    qtbot.addWidget(dialog)
    dialog.show()
    box = dialog.inputs["ledger_whole_id_numbers"]
    assert isinstance(box, QCheckBox) and box.text() == "台账中显示完整身份证号"
    assert not box.isChecked()
    assert not any("1是" in w.text() for w in dialog.findChildren(QCheckBox))
    assert all(not isinstance(w, QSpinBox) or w.maximum() != 1 for w in dialog.inputs.values())
    qtbot.mouseClick(box, Qt.LeftButton)
    assert box.isChecked()
    dialog.save()
    assert settings.get(session.db, "ledger_whole_id_numbers") == 1
    again = SettingsDialog(session)
    qtbot.addWidget(again)
    assert again.inputs["ledger_whole_id_numbers"].isChecked()
    again.inputs["ledger_whole_id_numbers"].setChecked(False)
    again.save()
    assert settings.get(session.db, "ledger_whole_id_numbers") == 0


