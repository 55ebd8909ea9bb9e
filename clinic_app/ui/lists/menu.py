"""The main window's 项目(&J) menu (work lists, the register, its import) and the holiday table
under 管理 — built here so the main window only asks for them."""
from __future__ import annotations

from PySide6.QtGui import QAction

from ...domain import roles


def _add(window, menu, text: str, slot, enabled: bool = True, shortcut: str | None = None) -> QAction:
    action = QAction(text, window)
    if shortcut:
        action.setShortcut(shortcut)
    action.triggered.connect(slot)
    action.setEnabled(enabled)
    menu.addAction(action)
    return action


def build_project_menu(window, bar):
    """项目(&J): 工作清单…, 打印患者登记名单…, 导入登记名单… (when the importer is installed)."""
    session = window.session
    menu = bar.addMenu("项目(&J)")
    window.work_lists_action = _add(window, menu, "工作清单…", lambda: open_work_lists(window),
                                    shortcut="Ctrl+J")
    window.print_register_action = _add(window, menu, "打印患者登记名单…", lambda: print_register(window))
    if _import_dialog() is not None:
        menu.addSeparator()
        window.import_register_action = _add(window, menu, "导入登记名单…", lambda: open_import(window),
                                             roles.can_edit_patients(session.role))
    return menu


def add_admin_entries(window, admin_menu) -> None:
    """节假日表… under 管理, for administrators (deadlines are counted with it)."""
    if _holidays_dialog() is not None:
        window.holidays_action = _add(window, admin_menu, "节假日表…", lambda: open_holidays(window),
                                      roles.can_manage_accounts(window.session.role))


def _import_dialog():
    try:
        from ..import_dialog import ImportRegisterDialog
    except ImportError:
        return None
    return ImportRegisterDialog


def _holidays_dialog():
    try:
        from ..holidays_dialog import HolidaysDialog
    except ImportError:
        return None
    return HolidaysDialog


def open_work_lists(window):
    """One work-list window at a time; asking again brings it to the front, refreshed."""
    from .window import WorkListsWindow

    lists = getattr(window, "work_lists", None)
    if lists is not None and lists.isVisible():
        lists.refresh()
    else:
        lists = WorkListsWindow(window.session, window)
        window.work_lists = lists
        lists.show()
    lists.raise_()
    lists.activateWindow()
    return lists


def print_register(window):
    from .register_print import RegisterPrinter

    printer = getattr(window, "register_printer", None)
    if printer is None:
        printer = window.register_printer = RegisterPrinter(window.session, window)
    printer.start()
    return printer


def open_import(window):
    dialog_class = _import_dialog()
    dialog = dialog_class(window.session, window)
    dialog.exec()
    refresh = getattr(window.patient_list, "refresh", None)
    if refresh:
        refresh()
    if hasattr(window, "refresh_count"):
        window.refresh_count()
    return dialog


def open_holidays(window):
    dialog_class = _holidays_dialog()
    dialog = dialog_class(window.session, window)
    dialog.exec()
    return dialog
