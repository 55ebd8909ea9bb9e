"""The program's file dialogs: Qt's own (non-native) dialog in Chinese — labels, buttons, tooltips,
the file list's columns — and each purpose opening in the folder it last used, remembered in
QSettings across dialogs and across runs; every screen asks through ``ui/file_dialogs``."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit, QTreeView, QWidget

import clinic_app.ui
from clinic_app.ui import file_dialogs as fd
from clinic_app.ui import style

from .chinese_check import english

SHOTS = Path("/tmp/shots")
UI = Path(clinic_app.ui.__file__).parent


@pytest.fixture
def answered(monkeypatch):
    """The real dialogs, answered without a modal loop: ``answered.pick`` is chosen (a file or a
    folder); every dialog shown is kept with the folder it opened in."""
    class Answer:
        pick: Path | None = None
        shown: list[tuple[QFileDialog, str]] = []

    answer = Answer()
    answer.shown = []

    def run(dialog):
        answer.shown.append((dialog, dialog.directory().absolutePath()))
        if answer.pick is None:
            return False
        if dialog.fileMode() == QFileDialog.Directory:
            dialog.setDirectory(str(answer.pick))
        else:
            dialog.setDirectory(str(answer.pick.parent))
            dialog.selectFile(answer.pick.name)
        return True
    monkeypatch.setattr(fd, "run", run)
    return answer


def test_the_file_dialog_is_qt_s_own_and_in_chinese(qtbot, qapp, tmp_path):
    style.apply(qapp)
    folder = tmp_path / "领药单"
    (folder / "上报文件").mkdir(parents=True)
    (folder / "领药单_张三.pdf").write_bytes(b"%PDF-1.4\n" + b"0" * 3000)
    fd.remember(fd.PDF, folder)
    dialog = fd.make(None, fd.PDF, "保存领药单", "save", "PDF 文件 (*.pdf)", "领药单.pdf")
    qtbot.addWidget(dialog)
    dialog.resize(820, 500)
    dialog.show()
    assert dialog.testOption(QFileDialog.DontUseNativeDialog)       # so Qt's translation applies
    assert dialog.directory().absolutePath() == str(folder)
    labels = {kind: dialog.labelText(kind) for kind in (QFileDialog.LookIn, QFileDialog.FileName,
                                                         QFileDialog.FileType, QFileDialog.Accept,
                                                         QFileDialog.Reject)}
    assert labels == {QFileDialog.LookIn: "查找范围：", QFileDialog.FileName: "文件名：",
                      QFileDialog.FileType: "文件类型：", QFileDialog.Accept: "保存", QFileDialog.Reject: "取消"}
    tool_tips = {w.toolTip() for w in dialog.findChildren(QWidget) if w.toolTip()}
    assert {"后退", "前进", "父目录", "新建文件夹", "列表视图", "详情视图"} <= tool_tips
    view = dialog.findChild(QTreeView, "treeView")
    model = view.model()
    qtbot.waitUntil(lambda: model.rowCount(view.rootIndex()) == 2, timeout=5000)
    headers = [model.headerData(c, Qt.Horizontal) for c in range(4)]
    assert headers == ["名称", "大小", "类型", "修改日期"]
    rows = {model.index(r, 0, view.rootIndex()).data(): [model.index(r, c, view.rootIndex()).data()
                                                         for c in range(1, 4)]
            for r in range(model.rowCount(view.rootIndex()))}
    assert rows["上报文件"][:2] == ["", "文件夹"]
    assert rows["领药单_张三.pdf"][0] == "2.9 KB" and rows["领药单_张三.pdf"][1] == "PDF 文档"
    assert english(dialog) == []
    SHOTS.mkdir(parents=True, exist_ok=True)
    dialog.grab().save(str(SHOTS / "file_dialog_zh.png"))


def test_the_folder_dialog_says_folder(qtbot):
    dialog = fd.make(None, fd.LEDGER_EXPORT, "选择保存上报文件的文件夹", "folder")
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.fileMode() == QFileDialog.Directory
    assert dialog.labelText(QFileDialog.FileName) == "文件夹："
    assert dialog.labelText(QFileDialog.Accept) == "选择文件夹"
    assert english(dialog) == []


def test_each_purpose_opens_in_the_folder_it_last_used(qtbot, tmp_path, answered, own_qsettings):
    reports, registers = tmp_path / "领药单", tmp_path / "登记名单"
    reports.mkdir()
    registers.mkdir()
    first = fd.last_folder(fd.PDF)
    assert first == fd.fallback_folder()                       # never used: 文档 or the home folder

    answered.pick = reports / "领药单.pdf"
    assert fd.save_file(None, fd.PDF, "保存领药单", "领药单.pdf", "PDF 文件 (*.pdf)") == (
        str(reports / "领药单.pdf"), "PDF 文件 (*.pdf)")
    answered.pick = registers / "名单.xlsx"
    assert fd.open_file(None, fd.REGISTER_IMPORT, "选择登记名单", "登记名单 (*.xlsx)")[0] == str(registers / "名单.xlsx")

    answered.pick = None                                       # cancelled: nothing remembered
    assert fd.save_file(None, fd.PDF, "保存领药单", "领药单.pdf", "PDF 文件 (*.pdf)") == ("", "")
    assert fd.open_file(None, fd.REGISTER_IMPORT, "选择登记名单", "登记名单 (*.xlsx)") == ("", "")
    assert fd.save_file(None, fd.WORK_LIST, "导出", "清单.xlsx", "Excel 文件 (*.xlsx)") == ("", "")
    opened = [folder for _dialog, folder in answered.shown[2:]]
    assert opened == [str(reports), str(registers), first]     # each its own; work lists not used yet

    again = QSettings(QSettings.IniFormat, QSettings.UserScope, "clinic_app", "clinic_app")
    assert again.value("last_folder/pdf") == str(reports)      # kept for the next start
    assert (own_qsettings / "clinic_app" / "clinic_app.ini").is_file()


def test_a_folder_that_is_gone_is_not_opened(tmp_path):
    stick = tmp_path / "U盘"
    stick.mkdir()
    fd.remember(fd.LEDGER_EXPORT, stick)
    assert fd.last_folder(fd.LEDGER_EXPORT) == str(stick)
    stick.rmdir()                                              # the stick was pulled out
    assert fd.last_folder(fd.LEDGER_EXPORT) == fd.fallback_folder()


def test_a_real_modal_dialog_answered_by_hand_remembers_its_folder(qtbot, tmp_path):
    chosen = tmp_path / "照片"
    chosen.mkdir()
    photo = chosen / "张三.png"
    photo.write_bytes(b"not really a picture")

    seen = []

    def answer():
        dialog = QApplication.activeModalWidget()
        seen.append(dialog.windowTitle() if dialog else None)
        if not isinstance(dialog, QFileDialog):
            for widget in QApplication.topLevelWidgets():   # never leave a modal loop hanging
                if isinstance(widget, QFileDialog) and widget.isVisible():
                    widget.reject()
            return
        dialog.findChild(QLineEdit, "fileNameEdit").setText(str(photo))   # typed into 文件名
        dialog.accept()
        if dialog.isVisible():  # refused: fail the test instead of waiting for ever
            dialog.reject()
    QTimer.singleShot(200, answer)
    path, chosen_filter = fd.open_file(None, fd.PHOTO, "选择照片", "图片 (*.jpg *.jpeg *.png *.bmp)")
    assert seen == ["选择照片"]                                 # the modal dialog the user sees
    assert path == str(photo) and chosen_filter == "图片 (*.jpg *.jpeg *.png *.bmp)"
    assert fd.last_folder(fd.PHOTO) == str(chosen)


def test_an_unknown_purpose_is_a_programming_error():
    with pytest.raises(ValueError):
        fd.last_folder("somewhere")


# --- every screen asks through the helper -----------------------------------------------------------

def _file_dialogs_made(source: str) -> list[int]:
    """Lines that make a file dialog: ``QFileDialog(...)`` or one of its static ``get…`` asks
    (naming the class, e.g. in an ``isinstance``, is not making one)."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id == "QFileDialog":
            lines.append(node.lineno)
        elif (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)
              and func.value.id == "QFileDialog" and func.attr.startswith("get")):
            lines.append(node.lineno)
    return lines


def test_the_scan_finds_a_file_dialog_made_by_hand():
    assert _file_dialogs_made("path, _ = QFileDialog.getSaveFileName(self, 't', '', '')") == [1]
    assert _file_dialogs_made("d = QFileDialog(self)") == [1]
    assert _file_dialogs_made("SIZED = (QMessageBox, QFileDialog)\nisinstance(w, QFileDialog)") == []


def test_no_screen_makes_a_file_dialog_of_its_own():
    """Only ui/file_dialogs.py makes file dialogs (a source scan), so every one is non-native,
    Chinese and remembers its folder."""
    offenders = {str(path.relative_to(UI)): made for path in UI.rglob("*.py") if path.name != "file_dialogs.py"
                 for made in [_file_dialogs_made(path.read_text(encoding="utf-8"))] if made}
    assert offenders == {}


def test_the_screens_ask_for_their_own_purpose(qtbot, session, answered, tmp_path):
    from clinic_app.ui.import_dialog import ImportRegisterDialog
    from clinic_app.ui.lists.register_print import RegisterPrinter
    from clinic_app.ui.patients.photo_box import PhotoBox

    importer = ImportRegisterDialog(session)
    qtbot.addWidget(importer)
    assert importer.choose_file() is None
    box = PhotoBox()
    qtbot.addWidget(box)
    assert box._choose_file() == ""
    printer = RegisterPrinter(session, importer)
    assert printer.choose_path() is None
    purposes = [dialog.objectName() for dialog, _folder in answered.shown]
    assert purposes == ["file_dialog_register_import", "file_dialog_photo", "file_dialog_register_export"]
    modes = [dialog.acceptMode() for dialog, _folder in answered.shown]
    assert modes == [QFileDialog.AcceptOpen, QFileDialog.AcceptOpen, QFileDialog.AcceptSave]


def test_a_backup_to_another_folder_goes_where_the_last_one_went(qtbot, session, answered, tmp_path, monkeypatch):
    from clinic_app.storage import audit
    from clinic_app.ui import messages
    from clinic_app.ui.main_window import MainWindow

    shown = []
    monkeypatch.setattr(messages, "run", lambda box: shown.append(box.text()) or 0)
    window = MainWindow(session)
    qtbot.addWidget(window)
    assert window.backup_elsewhere_action.text() == "备份到其他文件夹（如U盘）…"
    assert window.backup_elsewhere_action.isEnabled()
    stick = tmp_path / "U盘备份"
    stick.mkdir()
    (stick / "clinic-20200101-000000.db").write_bytes(b"an old copy")   # never pruned here
    answered.pick = stick
    made = window.backup_to_folder()
    assert made is not None and made.parent == stick and made.is_file()
    assert (stick / "clinic-20200101-000000.db").is_file()
    assert shown == [f"已备份到：\n{made}"]
    assert "手动备份到" in audit.recent(session.db, 1)[0]["summary"]
    answered.pick = None
    assert window.backup_to_folder() is None                     # cancelled: nothing written
    assert answered.shown[-1][1] == str(stick)                   # and it opened at the stick
    assert answered.shown[-1][0].objectName() == "file_dialog_backup"
