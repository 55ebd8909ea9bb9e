"""Run slow work off the UI thread and hear back on it: one policy for every slow action.

``query_op`` reads and ``write_op`` writes on a pool thread, each on a connection it opens there;
results and errors come back on the UI thread, errors shown unless the caller takes them, and a
write tells every open window (``changes.changed``) so none shows stale figures."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRunnable, QThreadPool, QTimer, Signal

from ..services import use_case


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, fn, signals: _Signals):
        super().__init__()
        self.fn = fn
        self.signals = signals

    def run(self) -> None:
        try:
            result = self.fn()
        except Exception as exc:  # reported on the UI thread, never swallowed
            self.signals.failed.emit(exc)
        else:
            self.signals.done.emit(result)


_alive: set[_Signals] = set()


def run_in_background(fn, on_done=None, on_error=None) -> _Signals:
    """Call ``fn()`` on a pool thread; ``on_done(result)`` / ``on_error(exc)`` run on the UI thread.

    A job may not carry a database connection with it: the UI thread's connection used from
    another thread interleaves two threads' transactions on one connection. A job opens its own
    (``query_op`` / ``write_op`` do that)."""
    if _connections_in(fn):
        raise RuntimeError("a background job must open its own database connection (use query_op/write_op)")
    signals = _Signals()
    _alive.add(signals)
    if on_done:
        signals.done.connect(on_done)
    if on_error:
        signals.failed.connect(on_error)
    signals.done.connect(lambda _r: _alive.discard(signals))
    signals.failed.connect(lambda _e: _alive.discard(signals))
    QThreadPool.globalInstance().start(_Job(fn, signals))
    return signals


# --- the one background-work policy (Anki's QueryOp/CollectionOp, for one SQLite file) --------

class _Changes(QObject):
    """Told after every write made through ``write_op`` (or ``notify_changed``), so open windows
    refresh themselves instead of showing what was true when they opened."""
    changed = Signal(str)


changes = _Changes()


def notify_changed(what: str = "") -> None:
    changes.changed.emit(what)


# Every use case that changes something tells the screens, whichever thread it ran on: a signal
# emitted on a pool thread reaches the windows queued, on the UI thread.
use_case.add_listener(notify_changed)


class _Refresher(QObject):
    """Calls ``reload()`` once, after the event loop is back, for any number of changes told in a
    row — only while the window is shown; a hidden one reloads when it is shown again."""

    def __init__(self, widget, reload, kinds, skip_own: bool):
        super().__init__(widget)
        self.widget = widget
        self.reload = reload
        self.kinds = frozenset(kinds or ())
        self.skip_own = skip_own
        self.stale = False
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(0)
        self.timer.timeout.connect(self._run)
        changes.changed.connect(self._changed)
        widget.installEventFilter(self)

    def _changed(self, what: str) -> None:
        if self.kinds and what and what not in self.kinds:
            return
        if self.skip_own and _acting_in(self.widget):
            return
        self.timer.start()

    def _run(self) -> None:
        if self.widget.isVisible():
            self.stale = False
            self.reload()
        else:
            self.stale = True

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt name)
        if watched is self.widget and event.type() == QEvent.Show and self.stale:
            self.timer.start()
        return False


def _acting_in(widget) -> bool:
    """The user is working in ``widget``'s window or a dialog it opened."""
    from PySide6.QtWidgets import QApplication

    active = QApplication.activeModalWidget() or QApplication.activeWindow()
    while active is not None:
        if active is widget:
            return True
        active = active.parentWidget()
    return False


def refresh_on_change(widget, reload, kinds=(), skip_own: bool = False) -> _Refresher:
    """``reload()`` whenever something is written (``kinds``: only changes told with one of these
    names, or untold ones), so an open window never shows what was true when it opened.
    ``skip_own``: not for changes made in the window itself or a dialog it opened — a window that
    shows its own changes the moment it makes them."""
    return _Refresher(widget, reload, kinds, skip_own)


def _connections_in(fn) -> list:
    """Database connections a job would carry to its thread: closure cells, defaults, partials."""
    import functools
    import sqlite3

    import sqlite_utils

    from ..storage import driver

    kinds = (sqlite3.Connection, driver.Connection, sqlite_utils.Database)
    seen = []
    values = []
    if isinstance(fn, functools.partial):
        values += [*fn.args, *fn.keywords.values()]
        fn = fn.func
    values += [cell.cell_contents for cell in (getattr(fn, "__closure__", None) or ()) if _filled(cell)]
    values += list(getattr(fn, "__defaults__", None) or ())
    values.append(getattr(fn, "__self__", None))
    for value in values:
        if isinstance(value, kinds):
            seen.append(value)
    return seen


def _filled(cell) -> bool:
    try:
        cell.cell_contents
    except ValueError:
        return False
    return True


def _show_failure(parent):
    def show(exc) -> None:
        from . import messages

        messages.error(parent, "操作未完成", getattr(exc, "message", None) or f"程序内部错误：{exc}")
    return show


def query_op(db_path, op, on_done=None, on_error=None, parent=None) -> _Signals:
    """``op(db)`` on a pool thread with a connection of its own, opened and closed there;
    ``on_done(result)`` on the UI thread; errors are shown unless ``on_error`` takes them."""
    from ..storage.db import connect

    def job():
        db = connect(db_path)
        try:
            return op(db)
        finally:
            db.conn.close()

    return run_in_background(job, on_done, on_error or _show_failure(parent))


def write_op(db_path, op, on_done=None, on_error=None, parent=None, what: str = "") -> _Signals:
    """As ``query_op``, for a write: afterwards every open window hears that ``what`` changed."""
    def done(result) -> None:
        notify_changed(what)
        if on_done:
            on_done(result)

    return query_op(db_path, op, done, on_error, parent)


def run_and_wait(db_path, op, what: str = ""):
    """``write_op`` for a step whose caller needs the answer before it goes on (closing a quarter):
    the work runs on a pool thread while the UI thread keeps painting in a local event loop, and
    the result is returned, or the job's exception raised, here."""
    return _wait(lambda done, failed: write_op(db_path, op, done, failed, what=what))


def call_and_wait(fn):
    """``fn()`` (no database of the UI's) on a pool thread, waited for in a local event loop: the
    backup on exit copies the whole file while the UI thread stays free."""
    return _wait(lambda done, failed: run_in_background(fn, done, failed))


def _wait(start):
    from PySide6.QtCore import QEventLoop

    loop = QEventLoop()
    box: dict = {}

    def done(result) -> None:
        box["result"] = result
        loop.quit()

    def failed(exc) -> None:
        box["error"] = exc
        loop.quit()

    start(done, failed)
    if not box:
        loop.exec()
    if "error" in box:
        raise box["error"]
    return box["result"]
