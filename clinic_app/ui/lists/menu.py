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
    window.print_register_action = _add(window, menu, "打印患者登记名单…", lambda: print_register(window),
                                        shortcut="Ctrl+P")
    window.export_register_action = _add(window, menu, "导出患者登记名单（Excel 或 PDF 文件）…",
                                         lambda: export_register(window))
    window.calibration_action = _add(window, menu, "打印救助卡套打校准页…", lambda: print_calibration(window))
    menu.addSeparator()
    window.import_register_action = _add(window, menu, "导入登记名单…", lambda: open_import(window),
                                         roles.may(session.role, "register.import"))
    return menu


def add_admin_entries(window, admin_menu) -> None:
    """节假日表… under 管理, for administrators (deadlines are counted with it)."""
    window.holidays_action = _add(window, admin_menu, "节假日表…", lambda: open_holidays(window),
                                  roles.may(window.session.role, "holidays.edit"))


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


def _register_printer(window):
    from .register_print import RegisterPrinter

    printer = getattr(window, "register_printer", None)
    if printer is None:
        printer = window.register_printer = RegisterPrinter(window.session, window)
    return printer


def print_register(window):
    """Attachment 8 through the print preview."""
    printer = _register_printer(window)
    printer.start()
    return printer


def export_register(window):
    """Attachment 8 as a file to send on: Excel, or the PDF."""
    printer = _register_printer(window)
    printer.export()
    return printer


def print_calibration(window):
    """A test page with the card's grid, through the print preview: print it on plain paper,
    lay it on a real card, and set the offsets under 管理 → 设置 (救助卡套打偏移)."""
    from ...documents.card import render_calibration_page
    from ...services import printing
    from .. import messages
    from ..printing.flow import PrintFlow

    flow = getattr(window, "calibration_flow", None) or PrintFlow(window, window.session)
    window.calibration_flow = flow
    size = printing.card_page_size(window.session.db)
    dx, dy = printing.card_offsets_mm(window.session.db)
    flow.start("calibration", "救助卡套打校准页", "救助卡套打校准页.pdf",
               fn=lambda out: render_calibration_page(out, size, dx, dy),
               on_printed=lambda _document: messages.info(
                   window, "校准页已打印", "把打印出的校准页叠在救助卡记录页上对光查看，量出偏差，"
                   "再到“管理 → 设置”中填写救助卡套打偏移。"))
    return flow


def open_import(window):
    from ..import_dialog import ImportRegisterDialog

    dialog = ImportRegisterDialog(window.session, window)
    dialog.exec()
    refresh = getattr(window.patient_list, "refresh", None)
    if refresh:
        refresh()
    if hasattr(window, "refresh_count"):
        window.refresh_count()
    return dialog


def open_holidays(window):
    from ..holidays_dialog import HolidaysDialog

    dialog = HolidaysDialog(window.session, window)
    dialog.exec()
    return dialog
