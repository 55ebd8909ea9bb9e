"""Run slow work off the UI thread and hear back on it: one helper for every slow action."""
from __future__ import annotations

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


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
    """Call ``fn()`` on a pool thread; ``on_done(result)`` / ``on_error(exc)`` run on the UI thread."""
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
