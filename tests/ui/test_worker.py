"""Background work opens its own connection, reports back on the UI thread, and tells open
windows when it wrote."""
from __future__ import annotations

import threading

import pytest

from clinic_app.storage import patients
from clinic_app.ui import worker


def test_a_job_carrying_the_ui_threads_connection_is_refused(fresh_db):
    db = fresh_db
    with pytest.raises(RuntimeError, match="own database connection"):
        worker.run_in_background(lambda: patients.count(db))


def test_a_query_runs_on_another_thread_with_a_connection_of_its_own(qtbot, fresh_db, db_path):
    seen = {}

    def op(db):
        seen["thread"], seen["db"] = threading.get_ident(), db
        return patients.count(db)

    results = []
    worker.query_op(db_path, op, results.append)
    qtbot.waitUntil(lambda: bool(results), timeout=5000)
    assert results == [0]
    assert seen["thread"] != threading.get_ident() and seen["db"] is not fresh_db


def test_a_write_tells_every_open_window_what_changed(qtbot, db_path, fresh_db):
    heard = []
    worker.changes.changed.connect(heard.append)
    try:
        done = []
        worker.write_op(db_path, lambda db: db.execute("SELECT 1").fetchone(), done.append, what="patients")
        qtbot.waitUntil(lambda: bool(done and heard), timeout=5000)
        assert heard == ["patients"]
    finally:
        worker.changes.changed.disconnect(heard.append)


def test_a_failed_job_is_shown_unless_the_caller_takes_it(qtbot, db_path, monkeypatch):
    from clinic_app.domain.errors import RefusedError
    from clinic_app.ui import messages

    shown = []
    monkeypatch.setattr(messages, "error", lambda parent, title, text: shown.append((title, text)))

    def refuse(db):
        raise RefusedError("该季度已结账")

    worker.query_op(db_path, refuse)
    qtbot.waitUntil(lambda: bool(shown), timeout=5000)
    assert shown == [("操作未完成", "该季度已结账")]
    taken = []
    worker.query_op(db_path, refuse, on_error=taken.append)
    qtbot.waitUntil(lambda: bool(taken), timeout=5000)
    assert taken[0].message == "该季度已结账" and len(shown) == 1


def test_run_and_wait_returns_what_another_thread_computed_and_raises_its_refusal(qtbot, db_path, fresh_db):
    from clinic_app.domain.errors import RefusedError

    here = threading.get_ident()
    assert worker.run_and_wait(db_path, lambda db: threading.get_ident()) != here
    with pytest.raises(RefusedError, match="已结账"):
        worker.run_and_wait(db_path, lambda db: (_ for _ in ()).throw(RefusedError("该季度已结账")))


def test_closing_a_quarter_runs_off_the_ui_thread(qtbot, monkeypatch, db_path, fresh_db):
    from clinic_app.services import quarters as quarter_services
    from clinic_app.ui import ledger_closing

    seen = []
    monkeypatch.setattr(quarter_services, "close", lambda db, user, code: seen.append(threading.get_ident()))

    class Window(ledger_closing.LedgerClosing):
        def __init__(self):
            from types import SimpleNamespace
            self.session = SimpleNamespace(db=fresh_db, db_path=db_path, user={"id": 1})
            self.data = SimpleNamespace(quarter=SimpleNamespace(label="2026年第四季度", code="2026Q4"))
            self.loading = self.exporting = False
            self.status = SimpleNamespace(setText=lambda text: None)
        def _confirm(self, *a): return True
        def _refresh_state(self): pass

    assert Window().close_quarter()
    assert seen and seen[0] != threading.get_ident()
