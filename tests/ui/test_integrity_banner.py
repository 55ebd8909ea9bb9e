"""The start-up check shows the administrator a red banner when the records fail it."""
from contextlib import closing

from clinic_app.storage.db import open_file
from clinic_app.ui.main_window import MainWindow

from ..tamper import drop_all_triggers


def _run_check(qtbot, window):
    with qtbot.waitSignal(window.start_integrity_check().done, timeout=20000):
        pass


def test_an_intact_database_shows_no_banner(qtbot, session):
    window = MainWindow(session)
    qtbot.addWidget(window)
    _run_check(qtbot, window)
    assert window.integrity_bar.isHidden()


def test_a_tampered_database_shows_the_administrator_a_red_banner(qtbot, session, db_path):
    with closing(open_file(db_path)) as conn:
        drop_all_triggers(conn)
        conn.execute("UPDATE drugs SET name = '伪造' WHERE id = 1")
        conn.commit()
    window = MainWindow(session)
    qtbot.addWidget(window)
    _run_check(qtbot, window)
    assert not window.integrity_bar.isHidden()
    assert "记录校验未通过" in window.integrity_banner.text()
    assert "药品目录已被改动：第 1 行" in window.integrity_banner.text()
