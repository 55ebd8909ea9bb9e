"""``clinic-app screenshots``: PNGs of the main screens on a synthetic database, so anyone can
look at the program without installing it on a workstation."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import qInstallMessageHandler  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from ..storage import accounts, patients, reference, settings  # noqa: E402
from ..storage.db import open_database  # noqa: E402
from . import chinese, style  # noqa: E402
from .session import Session  # noqa: E402


def _quiet_offscreen_warnings(mode, context, message: str) -> None:
    if "propagateSizeHints" not in message:
        print(message)


def _grab(widget, out: Path, name: str, size=None) -> Path:
    if size:
        widget.resize(*size)
    widget.show()
    QApplication.processEvents()
    path = out / f"{name}.png"
    widget.grab().save(str(path))
    return path


def _wait_until_loaded(window, seconds: float = 20) -> None:
    """Windows that load off the UI thread: wait for them before taking the picture."""
    import time

    deadline = time.monotonic() + seconds
    while getattr(window, "loading", False) and time.monotonic() < deadline:
        QApplication.processEvents()
        time.sleep(0.02)
    QApplication.processEvents()


def _grab_dashboard(session, out: Path) -> Path:
    from .dashboard import DashboardWindow

    window = DashboardWindow(session)
    window.resize(1100, 700)
    window.show()
    _wait_until_loaded(window)
    path = _grab(window, out, "15_dashboard")
    window.hide()
    return path


def save_all(out: Path) -> list[Path]:
    from ..storage import demo
    from .login import LoginDialog
    from .main_window import MainWindow
    from .patients import PatientForm, PatientPage
    from .wizard import FirstStartWizard

    out.mkdir(parents=True, exist_ok=True)
    qInstallMessageHandler(_quiet_offscreen_warnings)
    app = chinese.application([])
    style.apply(app)
    folder = Path(tempfile.mkdtemp(prefix="clinic_app_shots_"))
    saved = []

    empty = open_database(folder / "empty.db")
    wizard = FirstStartWizard(empty)
    saved.append(_grab(wizard, out, "01_wizard_welcome"))
    wizard.next()
    saved.append(_grab(wizard, out, "02_wizard_clinic"))
    wizard.next()
    saved.append(_grab(wizard, out, "03_wizard_admin"))
    wizard.close()

    db = open_database(folder / "demo.db")
    demo.write_demo(db, patients=60, months=6)
    clinic = reference.clinic(db, settings.get(db, "clinic_code")) or {}
    saved.append(_grab(LoginDialog(db, clinic.get("name", "")), out, "04_login"))
    user = next(u for u in accounts.list_users(db) if u["username"] == "demo")
    session = Session(db=db, db_path=folder / "demo.db", user=user, clinic=clinic, demo=True)
    window = MainWindow(session)
    saved.append(_grab(window, out, "05_main_window", (1200, 760)))
    window.patient_list.search.setText("z")
    window.patient_list.search_now()
    saved.append(_grab(window, out, "06_search_pinyin", (1200, 760)))

    first_id = patients.first_id(db)
    saved.append(_grab(PatientPage(session, first_id), out, "07_patient_page", (900, 820)))
    enrolled_id = patients.first_id(db, "enrolled")
    page = PatientPage(session, enrolled_id)
    page.tabs.setCurrentIndex(1)
    saved.append(_grab(page, out, "07b_patient_programme", (900, 860)))
    page.tabs.setCurrentIndex(2)
    saved.append(_grab(page, out, "07c_patient_dispensing", (1100, 760)))
    page.hide()
    from .dispensing.dialog import DispensingDialog

    dispensing = DispensingDialog(session, enrolled_id)
    saved.append(_grab(dispensing, out, "07d_dispensing_dialog", (1120, 860)))
    dispensing.hide()
    form = PatientForm(session)
    form.set_value("name", "张三")
    form.set_value("id_number", "500381198001011231")
    form.save()
    saved.append(_grab(form, out, "08_form_bad_id", (1000, 860)))
    form.hide()  # close() would ask about the unsaved typing

    from .accounts_dialog import AccountsDialog
    from .holidays_dialog import HolidaysDialog
    from .lists.window import WorkListsWindow

    saved.append(_grab(AccountsDialog(session), out, "09_accounts"))
    lists = WorkListsWindow(session)
    _wait_until_loaded(lists)
    for index in range(lists.tabs.count()):
        lists.tabs.setCurrentIndex(index)
        saved.append(_grab(lists, out, f"11_work_list_{index + 1}", (1100, 640)))
    lists.hide()
    saved.append(_grab(HolidaysDialog(session), out, "12_holidays"))
    from .catalogue_dialog import CatalogueDialog
    from .stock_window import StockWindow

    saved.append(_grab(CatalogueDialog(session), out, "13_catalogue", (1100, 700)))
    saved.append(_grab(StockWindow(session), out, "14_stock", (1100, 700)))
    saved.append(_grab_dashboard(session, out))
    from .ledger_window import LedgerWindow

    ledger = LedgerWindow(session)
    ledger.resize(1240, 820)
    ledger.show()
    _wait_until_loaded(ledger)
    saved.append(_grab(ledger, out, "16_ledger"))
    ledger.hide()
    window.lock()
    saved.append(_grab(window, out, "10_locked", (1200, 760)))
    saved.sort(key=lambda p: p.name)
    window.close()
    return saved
