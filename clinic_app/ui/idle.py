"""Locks the window after a period without keyboard or mouse input, set by the administrator."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer, Signal

_ACTIVITY = {QEvent.KeyPress, QEvent.MouseButtonPress, QEvent.MouseMove, QEvent.Wheel,
             QEvent.TouchBegin, QEvent.TabletPress}


class IdleWatcher(QObject):
    """Application-wide event filter: any input restarts the countdown; ``idle`` fires once."""

    idle = Signal()

    def __init__(self, app, timeout_ms: int, parent=None):
        super().__init__(parent)
        self.app = app
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.idle)
        self.set_timeout_ms(timeout_ms)
        app.installEventFilter(self)

    def set_timeout_ms(self, timeout_ms: int) -> None:
        self.timer.setInterval(max(int(timeout_ms), 50))
        self.timer.start()

    def restart(self) -> None:
        self.timer.start()

    def pause(self) -> None:
        self.timer.stop()

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt name)
        if event.type() in _ACTIVITY and self.timer.isActive():
            self.timer.start()
        return False

    def stop(self) -> None:
        self.timer.stop()
        self.app.removeEventFilter(self)
