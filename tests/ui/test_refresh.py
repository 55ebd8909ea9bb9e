"""Open windows follow every change: a write through any use case tells the screens, and the
status bar, the patient list, the stock, the work lists and the dashboard read again."""
from __future__ import annotations

from PySide6.QtWidgets import QDialog

from clinic_app.services import dispensing as dispensing_services
from clinic_app.services import patients as patient_services
from clinic_app.services import stock as stock_services
from clinic_app.services import use_case
from clinic_app.storage import clock
from tests.dispensing_data import line
from tests.enrolment_data import eligible_values

from .dispensing_support import _dispensing_setup, officer_session, world  # noqa: F401

COLLECTION_DAY = "2026-12-30"


def elsewhere(qtbot) -> QDialog:
    """Another window the user is working in (the patient's dispensing dialog, say)."""
    other = QDialog()
    other.setWindowTitle("elsewhere")
    qtbot.addWidget(other)
    with qtbot.waitActive(other):
        other.show()
        other.activateWindow()
    return other


def test_every_use_case_that_writes_tells_the_listeners_and_one_that_only_looks_does_not(world):
    heard: list[str] = []
    use_case.add_listener(heard.append)
    try:
        stock_services.receive(world.db, world.officer, world.risperidone["id"], "L2", "2028-01-31", 5,
                               "2026-12-01")
        patient_services.view_patient(world.db, world.officer, world.patient_id)
        assert heard == ["stock"]
    finally:
        use_case.remove_listener(heard.append)


def patients_in(tab) -> set[int]:
    return {row.patient_id for row in (tab.content.rows if tab.content else [])}


def test_a_collection_made_elsewhere_is_read_in_by_the_open_stock_lists_and_dashboard(
        qtbot, world, officer_session):
    from clinic_app.ui.dashboard import DashboardWindow
    from clinic_app.ui.lists.window import WorkListsWindow
    from clinic_app.ui.stock_window import StockWindow

    stock_window = StockWindow(officer_session)
    lists = WorkListsWindow(officer_session, today=clock.today())
    dashboard = DashboardWindow(officer_session, today=clock.today())
    for window in (stock_window, lists, dashboard):
        qtbot.addWidget(window)
        window.show()
    qtbot.waitUntil(lambda: not lists.loading and not dashboard.loading, timeout=10_000)
    spec = world.risperidone["id"]
    assert stock_window.entries[spec]["packs"] == 200
    waiting = patients_in(lists.page("due")) | patients_in(lists.page("overdue"))
    assert world.patient_id in waiting   # enrolled and never collected
    assert dashboard.data["monthly"][-1]["collections"] == 0

    elsewhere(qtbot)
    dispensing_services.dispense(world.db, world.officer, world.patient_id, COLLECTION_DAY,
                                 [line(world.risperidone, 3, "1")], world.signatures())

    qtbot.waitUntil(lambda: stock_window.entries[spec]["packs"] == 197, timeout=10_000)
    qtbot.waitUntil(lambda: dashboard.data["monthly"][-1]["collections"] == 1, timeout=10_000)
    qtbot.waitUntil(lambda: not lists.loading and world.patient_id not in patients_in(lists.page("overdue"))
                    and world.patient_id not in patients_in(lists.page("due")), timeout=10_000)


def test_the_status_bar_and_the_patient_list_follow_a_patient_registered_elsewhere(qtbot, session):
    from clinic_app.ui.main_window import MainWindow

    window = MainWindow(session)
    qtbot.addWidget(window)
    window.show()
    assert window.count_label.text() == "在册患者：0 名"
    assert window.patient_list.row_count() == 0
    elsewhere(qtbot)
    patient_services.create_patient(session.db, session.user, eligible_values(name="李四"))
    qtbot.waitUntil(lambda: window.count_label.text() == "在册患者：1 名", timeout=5000)
    qtbot.waitUntil(lambda: window.patient_list.row_count() == 1, timeout=5000)
    assert "名额" in window.places_label.text()


def test_a_window_hidden_when_the_change_came_reads_it_in_when_shown_again(qtbot, world, officer_session):
    from clinic_app.ui.stock_window import StockWindow

    stock_window = StockWindow(officer_session)
    qtbot.addWidget(stock_window)
    stock_window.show()
    stock_window.hide()   # as while the screen is locked
    elsewhere(qtbot)
    stock_services.receive(world.db, world.officer, world.olanzapine["id"], "L9", "2028-01-31", 7, "2026-12-01")
    qtbot.wait(50)
    assert stock_window.entries[world.olanzapine["id"]]["packs"] == 200   # not read while hidden
    stock_window.show()
    qtbot.waitUntil(lambda: stock_window.entries[world.olanzapine["id"]]["packs"] == 207, timeout=5000)
