"""Windows and dialogs open where, and as large as, they were last closed — the main window, the
patient form, the stock window and a small action dialog alike; message boxes size themselves."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QSettings, QSize
from PySide6.QtWidgets import QMessageBox

from clinic_app.ui import geometry


@pytest.fixture
def remembering(qapp, tmp_path):
    """The program's geometry keeper, writing its settings into the test's own folder."""
    QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, str(tmp_path))
    geometry.remember_windows(qapp)
    yield tmp_path
    geometry.forget_windows(qapp)


def reopened(qtbot, make, size: QSize, pos: QPoint):
    """Open one, move and resize it, close it; open another and return it, shown."""
    first = make()
    qtbot.addWidget(first)
    first.show()
    qtbot.waitExposed(first)
    first.resize(size)
    first.move(pos)
    qtbot.waitUntil(lambda: first.size() == size)
    first.close()
    second = make()
    qtbot.addWidget(second)
    second.show()
    qtbot.waitExposed(second)
    return second


@pytest.mark.parametrize("which", ["main", "form", "stock", "review"])
def test_every_kind_of_window_comes_back_where_it_was(qtbot, session, remembering, which):
    from clinic_app.ui.enrolment.status_dialog import StatusChangeDialog
    from clinic_app.ui.main_window import MainWindow
    from clinic_app.ui.patients.form import PatientForm
    from clinic_app.ui.stock_window import StockWindow
    from tests.enrolment_data import add_patient

    pid = add_patient(session.db)
    make = {"main": lambda: MainWindow(session), "form": lambda: PatientForm(session),
            "stock": lambda: StockWindow(session),
            "review": lambda: StatusChangeDialog(session, pid, "annual_review")}[which]
    size, pos = QSize(731, 455), QPoint(37, 23)   # inside the offscreen screen (800 × 600)
    again = reopened(qtbot, make, size, pos)
    assert again.size() == size
    assert again.pos() == pos
    assert (remembering / "clinic_app" / "clinic_app.ini").exists()


def test_a_window_never_closed_before_opens_at_its_own_size(qtbot, session, remembering):
    from clinic_app.ui.stock_window import StockWindow

    window = StockWindow(session)
    qtbot.addWidget(window)
    window.show()
    assert window.size() == QSize(1200, 760)


def test_message_boxes_are_not_remembered(qtbot, remembering):
    box = QMessageBox(QMessageBox.Information, "提示", "已保存")
    qtbot.addWidget(box)
    box.show()
    box.resize(900, 700)
    box.hide()
    assert not geometry.remembered(box)
    assert geometry.settings().value(geometry.key_of(box)) is None
