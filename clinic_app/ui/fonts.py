"""The program's own Chinese font, so text renders the same on every workstation."""
from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase

from .. import paths

_family: str | None = None


def load_app_font(point_size: int = 10) -> QFont:
    """Register the shipped font once and return it; falls back to the system font if it fails."""
    global _family
    if _family is None:
        font_id = QFontDatabase.addApplicationFont(str(paths.font_path()))
        families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
        _family = families[0] if families else ""
    font = QFont(_family) if _family else QFont()
    font.setPointSize(point_size)
    return font


def family() -> str:
    load_app_font()
    return _family or ""
