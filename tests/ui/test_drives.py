"""The USB export's drive list, on volume lists the tests describe (a Windows PC, a Linux PC, a
Mac): only ready, writable sticks that are not the system's, each with its free space; the
chooser lists them, keeps the last one used, shows a stick plugged in while it is open, offers
another folder; and the ledger export says which stick or folder it wrote."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QStorageInfo, QTimer
from PySide6.QtWidgets import QApplication

from clinic_app.ui import drives, file_dialogs, style
from clinic_app.ui.drives import Volume
from clinic_app.ui.usb_dialog import NO_DRIVE, UsbTargetDialog
from tests.dispensing_data import fast_passwords, fix_today
from tests.ledger_data import Q4, ledger_world, move_to_2027

from .chinese_check import english

GB = 1024 ** 3
WINDOWS = [Volume("C:/", "系统", is_root=True, free_bytes=80 * GB),
           Volume("D:/", "数据", free_bytes=200 * GB),
           Volume("E:/", "KINGSTON", free_bytes=int(12.3 * GB)),
           Volume("F:/", "", free_bytes=600 * 1024 ** 2),
           Volume("G:/", "光盘", ready=False),
           Volume("H:/", "只读", read_only=True, free_bytes=GB)]
LINUX = [Volume("/", is_root=True, free_bytes=50 * GB), Volume("/boot", free_bytes=GB), Volume("/home", free_bytes=GB),
         Volume("/media/li/KINGSTON", "KINGSTON", free_bytes=5 * GB), Volume("/run/media/li/U", "U", free_bytes=GB),
         Volume("/mnt", free_bytes=2 * GB), Volume("/mntx", free_bytes=GB), Volume("/media/li/CD", "CD", read_only=True)]


def test_on_windows_the_other_drive_letters_that_can_be_written(monkeypatch):
    monkeypatch.setenv("SystemDrive", "C:")
    found = drives.removable_drives(WINDOWS, "win32")
    assert [d.text() for d in found] == ["U盘 数据 (D:) 可用 200.0 GB", "U盘 KINGSTON (E:) 可用 12.3 GB",
                                         "U盘 (F:) 可用 600 MB"]
    assert [d.root for d in found] == ["D:/", "E:/", "F:/"]


def test_a_system_on_another_drive_letter_is_left_out(monkeypatch):
    monkeypatch.setenv("SystemDrive", "D:")
    volumes = [Volume("C:/", "旧数据", free_bytes=GB), *[v for v in WINDOWS if v.root != "C:/"]]
    roots = [d.root for d in drives.removable_drives(volumes, "win32")]
    assert roots == ["C:/", "E:/", "F:/"]                      # D: is this PC's system now


def test_on_linux_the_mounts_under_media_run_media_and_mnt():
    found = drives.removable_drives(LINUX, "linux")
    assert [d.root for d in found] == ["/media/li/KINGSTON", "/mnt", "/run/media/li/U"]
    assert found[0].text() == "U盘 KINGSTON (/media/li/KINGSTON) 可用 5.0 GB"


def test_on_a_mac_the_volumes():
    found = drives.removable_drives([Volume("/", is_root=True), Volume("/Volumes/U盘", "U盘", free_bytes=GB),
                                     Volume("/System/Volumes/Data")], "darwin")
    assert [d.root for d in found] == ["/Volumes/U盘"]


def test_this_pc_s_volumes_are_read_through_qstorageinfo():
    root = Volume.of(QStorageInfo.root())
    assert root.is_root and root.ready and root.root == "/"
    assert root not in drives.removable_drives([root], "linux")
    assert isinstance(drives.removable_drives(), list)       # whatever is plugged in here


def test_which_stick_a_folder_is_on():
    found = drives.removable_drives(WINDOWS, "win32", system="C:")
    assert drives.describe("e:\\上报\\youxi_2026Q4", found) == "U盘 KINGSTON (E:)"
    assert drives.describe("F:/", found) == "U盘 (F:)"
    assert drives.describe("C:/Users/li/文档", found) == "文件夹 C:/Users/li/文档"
    linux = drives.removable_drives(LINUX, "linux")
    assert drives.drive_of("/media/li/KINGSTON/上报", linux).name == "KINGSTON"
    assert drives.drive_of("/media/li/KINGSTONX", linux) is None   # not a prefix of a name


def test_free_space_in_words():
    assert drives.free_text(int(12.34 * GB)) == "12.3 GB"
    assert drives.free_text(512 * 1024 ** 2) == "512 MB"
    assert drives.free_text(300 * 1024) == "300 KB"


# --- the chooser -------------------------------------------------------------------------------------

class Plugged:
    """The volumes of a Linux PC, changed by the test as sticks come and go."""

    def __init__(self, volumes):
        self.volumes = list(volumes)

    def __call__(self):
        return list(self.volumes)


def _chooser(qtbot, volumes) -> UsbTargetDialog:
    dialog = UsbTargetDialog(volumes=volumes)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_the_chooser_lists_the_sticks_with_their_free_space(qtbot, qapp):
    style.apply(qapp)
    dialog = _chooser(qtbot, Plugged(LINUX))
    assert dialog.drive_texts() == ["U盘 KINGSTON (/media/li/KINGSTON) 可用 5.0 GB", "U盘 (/mnt) 可用 2.0 GB",
                                    "U盘 U (/run/media/li/U) 可用 1.0 GB"]
    assert dialog.selected().root == "/media/li/KINGSTON" and dialog.ok_button.isEnabled()
    assert dialog.empty.isHidden()
    dialog.list.setCurrentRow(2)
    assert dialog.use_selected()
    assert dialog.folder == "/run/media/li/U" and dialog.drive.name == "U"
    Path("/tmp/shots").mkdir(parents=True, exist_ok=True)
    shot = _chooser(qtbot, Plugged(SHOT_VOLUMES))
    shot.resize(520, 300)
    shot.grab().save("/tmp/shots/usb_drives.png")
    assert english(shot) == []


# Two sticks for the screenshot (labels are the stick's own data: Chinese ones, so the check
# below looks only at the program's words).
SHOT_VOLUMES = [Volume("/", is_root=True), Volume("/media/li/金士顿", "金士顿", free_bytes=int(12.3 * GB)),
                Volume("/media/li/sdb1", "", free_bytes=600 * 1024 ** 2)]


def test_the_stick_used_last_time_is_chosen_first(qtbot, tmp_path, monkeypatch):
    mounts = tmp_path / "media"
    for name in ("A", "B"):
        (mounts / name).mkdir(parents=True)
    monkeypatch.setattr(drives, "LINUX_MOUNTS", (str(mounts),))
    plugged = Plugged([Volume(str(mounts / "A"), "A", free_bytes=GB), Volume(str(mounts / "B"), "B", free_bytes=GB)])
    first = _chooser(qtbot, plugged)
    assert first.selected().name == "A"
    first.list.setCurrentRow(1)
    assert first.use_selected()
    assert file_dialogs.last_folder(file_dialogs.LEDGER_EXPORT) == str(mounts / "B")
    again = _chooser(qtbot, plugged)
    assert again.selected().name == "B"


def test_a_stick_plugged_in_while_the_chooser_is_open_appears(qtbot):
    plugged = Plugged([Volume("/", is_root=True)])
    dialog = _chooser(qtbot, plugged)
    assert dialog.drive_texts() == [] and not dialog.ok_button.isEnabled()
    assert dialog.empty.isVisible() and dialog.empty.text() == NO_DRIVE
    assert not dialog.use_selected()
    plugged.volumes.append(Volume("/media/li/NEW", "NEW", free_bytes=3 * GB))
    qtbot.waitUntil(lambda: dialog.drive_texts() == ["U盘 NEW (/media/li/NEW) 可用 3.0 GB"], timeout=5000)
    assert dialog.ok_button.isEnabled() and dialog.empty.isHidden()
    plugged.volumes.pop()                                     # and pulled out again
    qtbot.waitUntil(lambda: dialog.drive_texts() == [], timeout=5000)
    assert not dialog.ok_button.isEnabled()


def test_another_folder_is_chosen_in_the_program_s_file_dialog(qtbot, tmp_path, monkeypatch):
    folder = tmp_path / "上报"
    folder.mkdir()
    asked = []

    def run(dialog):
        asked.append((dialog.objectName(), dialog.windowTitle()))
        dialog.setDirectory(str(folder))
        return True
    monkeypatch.setattr(file_dialogs, "run", run)
    dialog = _chooser(qtbot, Plugged(LINUX))
    assert dialog.choose_other()
    assert asked == [("file_dialog_ledger_export", "选择保存上报文件的文件夹")]
    assert dialog.folder == str(folder) and dialog.drive is None
    assert dialog.result() == UsbTargetDialog.Accepted


# --- the ledger export says where it wrote ------------------------------------------------------------

@pytest.fixture
def ledger(qtbot, session, monkeypatch):
    fast_passwords(monkeypatch)
    fix_today(monkeypatch)
    ledger_world(session.db)
    move_to_2027(monkeypatch)
    from clinic_app.ui.ledger_window import LedgerWindow

    monkeypatch.setattr(LedgerWindow, "_open_folder", lambda self, path: None)
    window = LedgerWindow(session, quarter=Q4)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: not window.loading, timeout=15_000)
    return window


def test_the_export_is_written_to_the_chosen_stick_and_says_which(qtbot, ledger, tmp_path, monkeypatch):
    mounts = tmp_path / "media"
    stick = mounts / "KINGSTON"
    stick.mkdir(parents=True)
    monkeypatch.setattr(drives, "LINUX_MOUNTS", (str(mounts),))
    monkeypatch.setattr(type(ledger), "_volumes", lambda self: [
        Volume("/", is_root=True), Volume(str(stick), "KINGSTON", free_bytes=12 * GB)])
    chooser = []

    def pick_the_stick():                       # the chooser is modal: a hand presses 导出到所选U盘
        dialog = QApplication.activeModalWidget()
        chooser.append(dialog.drive_texts() if isinstance(dialog, UsbTargetDialog) else dialog)
        if isinstance(dialog, UsbTargetDialog):
            dialog.ok_button.click()
        elif dialog is not None:
            dialog.reject()
    QTimer.singleShot(100, pick_the_stick)
    with qtbot.waitSignal(ledger.export_finished, timeout=20_000) as blocker:
        assert ledger.export_package()
    assert chooser == [["U盘 KINGSTON (" + str(stick) + ") 可用 12.0 GB"]]
    package = blocker.args[0]
    assert package.path == stick / "youxi_2026Q4" and (package.path / "manifest.json").is_file()
    assert ledger.export_result.text().startswith(f"已导出到U盘 KINGSTON ({stick})：{package.path}")
    assert "已写入U盘 KINGSTON" in ledger.export_box.text()
    ledger.export_box.close()


def test_an_export_to_another_folder_names_the_folder(qtbot, ledger, tmp_path, monkeypatch):
    folder = tmp_path / "上报"
    folder.mkdir()
    monkeypatch.setattr(type(ledger), "_choose_folder", lambda self: str(folder))
    monkeypatch.setattr(type(ledger), "_volumes", lambda self: [Volume("/", is_root=True)])
    with qtbot.waitSignal(ledger.export_finished, timeout=20_000) as blocker:
        assert ledger.export_package()
    assert ledger.export_result.text().startswith(f"已导出到文件夹 {folder}：{blocker.args[0].path}")
    ledger.export_box.close()
