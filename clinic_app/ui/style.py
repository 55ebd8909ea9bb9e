"""One look for every window: the shipped font and a calm, high-contrast style sheet."""
from __future__ import annotations

from PySide6.QtWidgets import QApplication

from .. import paths
from .fonts import load_app_font

STYLE_SHEET = """
QWidget { color: #1f2933; }
QMainWindow, QDialog, QWizard { background: #f7f9fb; }
QGroupBox { font-weight: bold; border: 1px solid #cfd8e3; border-radius: 6px; margin-top: 14px;
            padding: 10px 8px 8px 8px; background: #ffffff; }
QGroupBox::title { subcontrol-origin: margin; left: 10px; padding: 0 4px; color: #1d4f91; }
QLineEdit, QComboBox, QSpinBox, QDateEdit { padding: 4px 6px; border: 1px solid #b8c4d2;
            border-radius: 4px; background: #ffffff; min-height: 22px; }
QComboBox::drop-down { subcontrol-origin: padding; subcontrol-position: center right; width: 20px;
            border: none; }
QComboBox::down-arrow { image: url("@ARROW@"); width: 10px; height: 6px; margin-right: 6px; }
QSpinBox { padding-right: 18px; }
QSpinBox::up-button, QSpinBox::down-button { subcontrol-origin: border; width: 16px;
            border-left: 1px solid #d5dee8; background: #f3f7fb; }
QSpinBox::up-button { subcontrol-position: top right; border-top-right-radius: 4px; }
QSpinBox::down-button { subcontrol-position: bottom right; border-bottom-right-radius: 4px; }
QSpinBox::up-arrow { image: url("@ARROW_UP@"); width: 8px; height: 5px; }
QSpinBox::down-arrow { image: url("@ARROW@"); width: 8px; height: 5px; }
QLineEdit:focus, QComboBox:focus, QSpinBox:focus { border: 1px solid #1d6fd8; }
QLineEdit[invalid="true"] { border: 1px solid #c62828; background: #fff5f5; }
QPushButton { padding: 5px 14px; border: 1px solid #9fb3c8; border-radius: 4px; background: #ffffff; }
QPushButton:hover { background: #eaf2fd; }
QPushButton:default, QPushButton[primary="true"] { background: #1d6fd8; color: white; border-color: #1d6fd8; }
QPushButton:disabled { color: #9aa5b1; background: #f0f2f5; }
QTableView { background: #ffffff; alternate-background-color: #f3f7fb; gridline-color: #e1e7ef;
             selection-background-color: #cfe3fb; selection-color: #102a43; }
QHeaderView::section { background: #e9eff6; padding: 4px 6px; border: none;
             border-right: 1px solid #d5dee8; font-weight: bold; }
QLabel[role="error"] { color: #c62828; }
QLabel[role="warning"] { color: #b25e00; }
QLabel[role="title"] { font-size: 16pt; font-weight: bold; color: #1d4f91; }
QLabel[role="hint"] { color: #52606d; }
QStatusBar { background: #e9eff6; }
"""


def style_sheet() -> str:
    icons = paths.resource("icons")
    return (STYLE_SHEET.replace("@ARROW_UP@", (icons / "arrow-up.png").as_posix())
            .replace("@ARROW@", (icons / "arrow-down.png").as_posix()))


def apply(app: QApplication) -> None:
    app.setFont(load_app_font(10))
    app.setStyleSheet(style_sheet())


def set_role(widget, role: str) -> None:
    """Change a label's style role (error/warning/hint) and make Qt re-read the style sheet."""
    widget.setProperty("role", role)
    widget.style().unpolish(widget)
    widget.style().polish(widget)
