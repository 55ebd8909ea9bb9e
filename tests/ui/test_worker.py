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
