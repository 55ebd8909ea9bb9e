"""A Chinese program throughout: Qt's own translation and the zh_CN locale are loaded where the
QApplication is made, message boxes say 确定 / 是 / 否 (否 the default of every question, 结账's
included), and every window and dialog of the program, built on a test database with a patient,
a collection and stock, shows no English: not a button, title, label, tooltip, tab or menu."""
from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QApplication, QDialog, QLineEdit, QMainWindow, QMessageBox, QWidget

import clinic_app.ui
from clinic_app.storage import quarters, stock
from clinic_app.ui import chinese, drives, file_dialogs, messages, style
from tests.dispensing_data import build, fast_passwords, fix_today, three_months
from tests.ledger_data import Q4, ledger_world, move_to_2027

from .chinese_check import english, english_words, texts

SHOTS = Path("/tmp/shots")


@pytest.fixture(autouse=True)
def _setup(monkeypatch):
    fast_passwords(monkeypatch)
    fix_today(monkeypatch)


@pytest.fixture
def boxes(monkeypatch):
    """Every message box the program shows, answered 否 (or 确定) without a modal loop."""
    shown: list[QMessageBox] = []

    def answer(box):
        shown.append(box)
        return QMessageBox.No if box.button(QMessageBox.No) else QMessageBox.Ok
    monkeypatch.setattr(messages, "run", answer)
    return shown


def _buttons(box: QMessageBox) -> list[str]:
    return sorted(button.text() for button in box.buttons())


# --- the translation and the locale ----------------------------------------------------------------

def test_qt_s_chinese_translation_and_the_zh_cn_locale_are_loaded(qapp):
    assert chinese.install(qapp)                    # qtbase_zh_CN.qm was found and loaded
    assert Path(chinese.translations_folder(), "qtbase_zh_CN.qm").is_file()
    assert QLocale().name() == "zh_CN"
    edit = QLineEdit()
    menu = edit.createStandardContextMenu()         # a standard Qt text, translated by Qt's own file
    shown = [a.text().split("\t")[0] for a in menu.actions() if a.text()]
    assert "复制(&C)" in shown and "粘贴(&P)" in shown and "全选" in shown
    assert not any(english_words(text) for text in shown)


def test_the_checker_finds_english_and_lets_formats_and_ids_be():
    assert english_words("OK") == ["OK"]
    assert english_words("&Look in:") == ["Look", "in"]
    assert english_words("Cancel 取消") == ["Cancel"]
    assert english_words("导出为 PDF 或 xlsx（Ctrl+P）") == []
    assert english_words("youxi_2026Q4　500381********123X　1mg×20片　A5　F5") == []
    assert english_words('<span style="color:#c62828;">*</span>姓名：') == []
    assert english_words("命令行 clinic-app recover-key 或 --recovery-key") == []


# --- message boxes ---------------------------------------------------------------------------------

def test_message_boxes_have_chinese_buttons_and_questions_default_to_no(qtbot, boxes):
    messages.info(None, "备份完成", "已备份")
    messages.error(None, "备份失败", "磁盘已满")
    assert messages.confirm(None, "删除", "确定删除吗？") is False
    info, error, question = boxes
    assert _buttons(info) == ["确定"] and _buttons(error) == ["确定"]
    assert _buttons(question) == ["否", "是"]
    assert question.defaultButton() is question.button(QMessageBox.No)
    assert question.escapeButton() is question.button(QMessageBox.No)
    for box in boxes:
        qtbot.addWidget(box)
        box.show()
        assert english(box) == []
    SHOTS.mkdir(parents=True, exist_ok=True)
    question.grab().save(str(SHOTS / "message_box_zh.png"))


def test_a_question_answered_yes_says_yes(qtbot, monkeypatch):
    asked = []

    def click_yes(box):
        asked.append(box)
        box.button(QMessageBox.Yes).click()   # the real button, as a hand would
        return box.standardButton(box.clickedButton())
    monkeypatch.setattr(messages, "run", click_yes)
    assert messages.confirm(None, "删除", "确定删除吗？") is True
    assert asked[0].clickedButton().text() == "是"


def test_the_closing_question_says_yes_or_no_with_no_the_default(qtbot, session, monkeypatch, tmp_path, boxes):
    from clinic_app.ui.ledger_window import LedgerWindow

    ledger_world(session.db)
    move_to_2027(monkeypatch)
    stick = tmp_path / "U盘"
    stick.mkdir()
    monkeypatch.setattr(LedgerWindow, "_choose_folder", lambda self: str(stick))
    monkeypatch.setattr(LedgerWindow, "_open_folder", lambda self, path: None)
    window = LedgerWindow(session, quarter=Q4)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: not window.loading, timeout=15_000)
    with qtbot.waitSignal(window.export_finished, timeout=20_000):
        assert window.export_package()
    window.export_box.close()
    assert window.close_button.isEnabled()

    assert window.close_quarter() is False          # answered 否: nothing closed
    question = boxes[-1]
    assert question.windowTitle() == "结账" and "确定为2026年第四季度结账吗" in question.text()
    assert _buttons(question) == ["否", "是"]
    assert question.defaultButton() is question.button(QMessageBox.No)
    assert question.escapeButton() is question.button(QMessageBox.No)
    assert not quarters.is_closed(session.db, Q4)
    style.apply(QApplication.instance())
    qtbot.addWidget(question)
    question.show()
    SHOTS.mkdir(parents=True, exist_ok=True)
    question.grab().save(str(SHOTS / "message_box_close_quarter.png"))

    monkeypatch.setattr(messages, "run", lambda box: QMessageBox.Yes)
    assert window.close_quarter() is True
    assert quarters.is_closed(session.db, Q4)


# --- every window and dialog -----------------------------------------------------------------------

@pytest.fixture
def world(session):
    built = build(session.db)
    entry = built.dispense("2026-11-20", three_months(built))
    return built, entry


def _usb(session):
    from clinic_app.ui.usb_dialog import UsbTargetDialog

    return UsbTargetDialog(volumes=lambda: [drives.Volume("/media/li/STICK", "金士顿", free_bytes=12 * 1024 ** 3)])


def _factories(session, world, fresh_db_maker):
    """(name, build) for every window and dialog; ``build()`` returns the widget to look at."""
    from clinic_app.ui.accounts_dialog import AccountsDialog, UserEditor
    from clinic_app.ui.audit_dialog import AuditDialog
    from clinic_app.ui.catalogue_dialog import CatalogueDialog
    from clinic_app.ui.dashboard import DashboardWindow
    from clinic_app.ui.dispensing import DispensingDialog
    from clinic_app.ui.dispensing.void_dialog import VoidDialog
    from clinic_app.ui.holidays_dialog import HolidaysDialog
    from clinic_app.ui.import_dialog import ImportRegisterDialog
    from clinic_app.ui.ledger_closing import ReasonDialog
    from clinic_app.ui.ledger_window import LedgerWindow
    from clinic_app.ui.lists.window import WorkListsWindow
    from clinic_app.ui.login import LoginDialog
    from clinic_app.ui.main_window import MainWindow
    from clinic_app.ui.patients import PatientForm, PatientPage
    from clinic_app.ui.settings_dialog import SettingsDialog
    from clinic_app.ui.spec_dialog import SpecDialog
    from clinic_app.ui.stock_window import AdjustDialog, ReceiveDialog, StockWindow
    from clinic_app.ui.wizard import FirstStartWizard

    w, entry = world
    db, pid = session.db, w.patient_id
    drug = next(d for d in db["drugs"].rows if d["id"] == 7)
    batch = stock.batch(db, next(iter(db["stock_batches"].rows))["id"])

    def locked():
        window = MainWindow(session)
        window.lock()
        return window

    def getting_started():
        from clinic_app.ui.first_day_dialog import GettingStartedDialog

        return GettingStartedDialog(session, MainWindow(session))

    def recovery_code():
        from clinic_app.ui.recovery_code_dialog import RecoveryCodeDialog

        return RecoveryCodeDialog("ABCD-EFGH-JKLM-NPQR")

    def print_preview():
        from clinic_app.documents.card import render_calibration_page
        from clinic_app.ui.printing.flow import prepare_document
        from clinic_app.ui.printing.preview import PrintPreview

        import io

        out = io.BytesIO()
        render_calibration_page(out, "A5", 0.0, 0.0)
        document, images = prepare_document("calibration", "救助卡套打校准页", "校准页.pdf", out.getvalue())
        return PrintPreview(document, images)

    found = [
        ("首次启动向导", lambda: FirstStartWizard(fresh_db_maker())),
        ("打印预览", print_preview),
        ("登录", lambda: LoginDialog(db, "油溪镇卫生院")),
        ("主窗口", lambda: MainWindow(session)),
        ("锁屏", locked),
        ("开始使用", getting_started),
        ("恢复码", recovery_code),
        ("新建患者", lambda: PatientForm(session)),
        ("编辑患者", lambda: PatientForm(session, pid)),
        ("患者页", lambda: PatientPage(session, pid)),
        ("发药", lambda: DispensingDialog(session, pid)),
        ("作废", lambda: VoidDialog(session, entry["id"])),
        ("节假日表", lambda: HolidaysDialog(session)),
        ("导入登记名单", lambda: ImportRegisterDialog(session)),
        ("用户管理", lambda: AccountsDialog(session)),
        ("新建用户", lambda: UserEditor()),
        ("重设密码", lambda: UserEditor(new_user=False, username="li_jf")),
        ("审计记录", lambda: AuditDialog(session)),
        ("设置", lambda: SettingsDialog(session)),
        ("药品目录", lambda: CatalogueDialog(session)),
        ("规格", lambda: SpecDialog(session, drug)),
        ("药品库存", lambda: StockWindow(session)),
        ("入库", lambda: ReceiveDialog(session, w.risperidone["id"])),
        ("盘点", lambda: AdjustDialog(session, batch)),
        ("统计图表", lambda: DashboardWindow(session)),
        ("季度台账", lambda: LedgerWindow(session)),
        ("重新开账", lambda: ReasonDialog("2026年第四季度")),
        ("工作清单", lambda: WorkListsWindow(session)),
        ("选择U盘", lambda: _usb(session)),
        ("保存文件", lambda: file_dialogs.make(None, file_dialogs.PDF, "保存领药单", "save", "PDF 文件 (*.pdf)",
                                           "领药单.pdf")),
        ("打开文件", lambda: file_dialogs.make(None, file_dialogs.REGISTER_IMPORT, "选择登记名单", "open",
                                           "登记名单 (*.xlsx *.csv)")),
        ("选择文件夹", lambda: file_dialogs.make(None, file_dialogs.LEDGER_EXPORT, "选择文件夹", "folder")),
    ]
    return found


def _enrolment_dialogs(session, patient_id):
    """Every dialog of the 免费服药项目 panel, as the panel builds it for an enrolled patient."""
    from clinic_app.ui.enrolment import EnrolmentPanel
    from clinic_app.ui.enrolment.panel import (AGREEMENT_ACTIONS, APPLICATION_ACTIONS, CARD_ACTIONS, RISK_ACTIONS,
                                               STATUS_ACTIONS)

    panel = EnrolmentPanel(session, patient_id)
    keys = [*APPLICATION_ACTIONS, *STATUS_ACTIONS, *AGREEMENT_ACTIONS, *CARD_ACTIONS, *RISK_ACTIONS]
    return panel, [(f"项目：{key}", lambda key=key: panel._dialog_for(key)) for key in keys
                   if key not in ("enrol", "clear_flag")]   # 纳入 needs no dialog; 解除 needs a flag


def _wait_loaded(qtbot, widget) -> None:
    if hasattr(widget, "loading"):
        qtbot.waitUntil(lambda: not widget.loading, timeout=15_000)
    for child in widget.findChildren(QWidget):
        if getattr(type(child), "loading", None) is None and hasattr(child, "loading") and isinstance(
                getattr(child, "loading"), bool):
            qtbot.waitUntil(lambda c=child: not c.loading, timeout=15_000)


def test_no_window_or_dialog_shows_english(qtbot, session, world, tmp_path, monkeypatch):
    from clinic_app.storage.db import open_database

    made = []

    def fresh_db():
        db = open_database(tmp_path / f"empty{len(made)}.db")
        made.append(db)
        return db

    monkeypatch.setattr("clinic_app.ui.patients.form.PatientForm._confirm", lambda self, title, text: True)
    panel, enrolment = _enrolment_dialogs(session, world[0].patient_id)
    qtbot.addWidget(panel)
    problems, walked = {}, []
    for name, factory in [*_factories(session, world, fresh_db), *enrolment]:
        widget = factory()
        qtbot.addWidget(widget)
        widget.show()
        _wait_loaded(qtbot, widget)
        walked.append(type(widget))
        if hasattr(widget, "next") and hasattr(widget, "pageIds"):     # a wizard: every page
            found = set(english(widget))
            for _ in widget.pageIds()[1:]:
                widget.next()
                found |= set(english(widget))
            found = sorted(found)
        else:
            found = english(widget)
        assert texts(widget), f"{name}: nothing read — the walk would pass anything"
        if found:
            problems[name] = found
        widget.hide()
    for db in made:
        db.conn.close()
    assert problems == {}
    _every_dialog_class_was_walked(walked)


def _ui_classes() -> set[type]:
    """Every dialog and main window class the program defines."""
    found = set()
    for info in pkgutil.walk_packages(clinic_app.ui.__path__, "clinic_app.ui."):
        module = importlib.import_module(info.name)
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == info.name and issubclass(cls, (QDialog, QMainWindow)):
                found.add(cls)
    return found


def _every_dialog_class_was_walked(walked: list[type]) -> None:
    from clinic_app.ui.enrolment.common import ActionDialog

    abstract = {ActionDialog}   # a base: its subclasses are walked
    missing = {cls.__qualname__ for cls in _ui_classes() - abstract
               if not any(issubclass(w, cls) for w in walked)}
    assert missing == set(), "add these to the walk in test_chinese.py"
