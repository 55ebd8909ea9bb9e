"""The demo clinic on the real screens (``--demo`` builds this one): the dashboard, the work
lists, a patient's page, the stock and the ledger all have something to show, and a screenshot of
the dashboard is kept."""
from __future__ import annotations

from pathlib import Path

import pytest

from clinic_app.domain import programme_status as ps
from clinic_app.storage import accounts, clock, demo, reference
from clinic_app.storage.db import open_database
from clinic_app.ui.session import Session

SHOTS = Path("/tmp/shots")


@pytest.fixture(scope="module")
def demo_clinic(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "clinic.db"
    db = open_database(path)
    demo.write_demo(db, patients=200, months=demo.DEFAULT_MONTHS)
    yield db, path
    db.conn.close()


@pytest.fixture
def demo_session(demo_clinic):
    db, path = demo_clinic
    user = next(u for u in accounts.list_users(db) if u["username"] == "demo")
    return Session(db, path, user, reference.clinic(db, demo.DEFAULT_CLINIC), demo=True)


def styled(window):
    from clinic_app.ui.style import style_sheet

    window.setStyleSheet(style_sheet())
    return window


def test_the_demo_dashboard_shows_months_of_collections_and_every_fund(qtbot, demo_session):
    from clinic_app.ui.dashboard import DashboardWindow

    window = styled(DashboardWindow(demo_session))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: not window.loading and window.data is not None, timeout=20_000)
    months = window.data["monthly"]
    with_collections = [m for m in months if m["collections"]]
    assert len(with_collections) >= 6
    assert all(sum(m[f] for m in months) > 0 for f in ("insurance_fen", "relief_fen", "disability_fen",
                                                          "programme_fen"))
    statuses = {s["status"]: s["count"] for s in window.data["statuses"]}
    assert statuses[ps.ENROLLED] > 40 and statuses[ps.PAUSED] and statuses[ps.WAITING]
    assert window.data["quarter"]["allocated_fen"] > 0
    SHOTS.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(SHOTS / "demo_dashboard.png"))


def test_the_demo_work_lists_stock_ledger_and_patient_page_have_content(qtbot, demo_session):
    from clinic_app.ui.ledger_window import LedgerWindow
    from clinic_app.ui.lists.window import WorkListsWindow
    from clinic_app.ui.patients.page import PatientPage
    from clinic_app.ui.stock_window import StockWindow

    db = demo_session.db
    lists = WorkListsWindow(demo_session, today=clock.today())
    ledger = LedgerWindow(demo_session)
    stock = StockWindow(demo_session)
    for window in (lists, ledger, stock):
        qtbot.addWidget(window)
        window.show()
    qtbot.waitUntil(lambda: not lists.loading and not ledger.loading, timeout=20_000)
    counts = {key: len(lists.page(key).content.rows) for key in ("due", "overdue", "paused", "worsening")}
    assert counts["due"] > 0 and counts["paused"] > 0 and counts["worsening"] > 0
    enrolled = db.execute("SELECT count(*) FROM patients WHERE programme_status = 'enrolled'").fetchone()[0]
    assert counts["overdue"] < enrolled * 0.2   # a clinic at work, not a backlog
    assert len(ledger.data.ledger.rows) > 0
    assert sum(1 for e in stock.entries.values() if e["usable_packs"]) >= 10
    pid = db.execute("SELECT patient_id FROM dispensings ORDER BY date DESC LIMIT 1").fetchone()[0]
    page = PatientPage(demo_session, pid)
    qtbot.addWidget(page)
    assert len(page.dispensing.table_text()) >= 1
