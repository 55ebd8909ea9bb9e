"""Windows and dialogs open where, and as large as, they were last closed.

One application-wide helper instead of a line in every window: ``remember_windows(app)`` (called
once at start-up) watches every top-level window and dialog — the ones of this program and any
added later — restores its saved geometry when it is first shown and saves it whenever it is
hidden or closed, under its class name, with ``QSettings`` (``saveGeometry`` / ``restoreGeometry``,
which also bring a window saved on a screen no longer attached back onto one that is). Message
boxes and file, input and progress dialogs keep sizing themselves to what they say."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSettings
from PySide6.QtWidgets import (QColorDialog, QDialog, QErrorMessage, QFileDialog, QFontDialog, QInputDialog,
                               QMainWindow, QMessageBox, QProgressDialog)

ORGANISATION, APPLICATION = "clinic_app", "clinic_app"
GROUP = "window_geometry"
SIZED_BY_CONTENT = (QMessageBox, QFileDialog, QInputDialog, QProgressDialog, QColorDialog, QFontDialog,
                    QErrorMessage)
_RESTORED = "_geometry_restored"


def settings() -> QSettings:
    """An ini file in the user's settings folder on every system (not the Windows registry)."""
    return QSettings(QSettings.IniFormat, QSettings.UserScope, ORGANISATION, APPLICATION)


def key_of(widget) -> str:
    return f"{GROUP}/{type(widget).__name__}"


def remembered(widget) -> bool:
    return (isinstance(widget, (QDialog, QMainWindow)) and not isinstance(widget, SIZED_BY_CONTENT)
            and widget.isWindow())


def restore(widget) -> bool:
    saved = settings().value(key_of(widget))
    return bool(saved) and widget.restoreGeometry(saved)


def save(widget) -> None:
    store = settings()
    store.setValue(key_of(widget), widget.saveGeometry())
    store.sync()


class _Keeper(QObject):
    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt name)
        kind = event.type()
        if kind == QEvent.Show or kind == QEvent.Hide:
            if remembered(watched):
                if kind == QEvent.Show and not watched.property(_RESTORED):
                    watched.setProperty(_RESTORED, True)
                    restore(watched)
                elif kind == QEvent.Hide and watched.property(_RESTORED):
                    save(watched)
        return False


_keeper: _Keeper | None = None


def remember_windows(app) -> None:
    """Watch every window of ``app`` from now on (once, however often called)."""
    global _keeper
    if _keeper is None:
        _keeper = _Keeper()
        app.installEventFilter(_keeper)


def forget_windows(app) -> None:
    global _keeper
    if _keeper is not None:
        app.removeEventFilter(_keeper)
        _keeper = None
