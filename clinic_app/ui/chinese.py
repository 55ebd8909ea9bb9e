"""A Chinese program throughout: Qt's own translation of its standard dialogs, buttons and context
menus (``qtbase_zh_CN.qm``, shipped with PySide6) and the zh_CN locale for dates, numbers and
calendars. ``application()`` is the one place a ``QApplication`` is made, so every window —
the program's, the screenshots' — gets both before its first widget exists."""
from __future__ import annotations

import logging
import sys

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication

log = logging.getLogger("clinic_app")

CHINA = QLocale(QLocale.Chinese, QLocale.SimplifiedChineseScript, QLocale.China)
CATALOGUES = ("qtbase",)  # QtWidgets' dialogs and buttons; the other catalogues are for tools we do not ship

_translators: list[QTranslator] = []  # kept here: a translator Python collects stops translating
_installed_in: QApplication | None = None


def translations_folder() -> str:
    return QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)


def install(app: QApplication) -> bool:
    """Load Qt's Chinese translation into ``app`` (once) and make zh_CN the default locale.
    Returns whether the translation was found; without it the program still runs, and says so
    in the log."""
    global _installed_in
    QLocale.setDefault(CHINA)
    if _installed_in is app:
        return bool(_translators)
    _translators.clear()
    loaded = _translators
    for name in CATALOGUES:
        translator = QTranslator(app)
        if translator.load(CHINA, name, "_", translations_folder()):
            app.installTranslator(translator)
            loaded.append(translator)
        else:
            log.warning("Qt's Chinese translation %s_zh_CN.qm was not found in %s", name, translations_folder())
    _installed_in = app
    return bool(loaded)


def application(argv: list[str] | None = None) -> QApplication:
    """The running ``QApplication``, or a new one; either way in Chinese."""
    app = QApplication.instance() or QApplication(sys.argv if argv is None else argv)
    install(app)
    return app
