"""Where the quarterly package goes: the USB sticks plugged in, each with its free space
(“U盘 KINGSTON (E:) 可用 12.3 GB”), listed again every few seconds so a stick plugged in while the
dialog is open appears; or another folder, chosen in the program's file dialog. The stick last
used is chosen first. ``volumes`` is how the dialog reads the PC's volumes (tests pass their own)."""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout

from . import drives, file_dialogs
from .style import set_role

REFRESH_MS = 2000
NO_DRIVE = "没有找到U盘。请插入U盘，稍等几秒它就会出现在这里；也可以选择其他文件夹。"


class UsbTargetDialog(QDialog):
    """``folder`` (and ``drive``, None for another folder) after ``accept``."""

    def __init__(self, parent=None, volumes: Callable[[], list] | None = None):
        super().__init__(parent)
        self.volumes = volumes or drives.mounted_volumes
        self.folder: str | None = None
        self.drive: drives.Drive | None = None
        self.shown: list[drives.Drive] = []
        self.listed = False
        self.setWindowTitle("选择U盘")
        self.setMinimumWidth(480)
        intro = QLabel("请选择保存上报文件的U盘：")
        self.list = QListWidget()
        self.list.setObjectName("drives")
        self.list.itemDoubleClicked.connect(lambda _item: self.use_selected())
        self.list.currentRowChanged.connect(lambda _row: self._enable())
        self.empty = QLabel(NO_DRIVE)
        self.empty.setWordWrap(True)
        set_role(self.empty, "hint")
        self.other_button = QPushButton("其他文件夹…")
        self.other_button.setAutoDefault(False)
        self.other_button.clicked.connect(self.choose_other)
        cancel = QPushButton("取消")
        cancel.setAutoDefault(False)
        cancel.clicked.connect(self.reject)
        self.ok_button = QPushButton("导出到所选U盘")
        self.ok_button.setDefault(True)
        self.ok_button.clicked.connect(self.use_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(self.other_button)
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.ok_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.empty)
        layout.addLayout(buttons)
        self.refresh()
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.refresh)
        self.timer.start(REFRESH_MS)

    def refresh(self) -> None:
        """List the sticks again; the one selected stays selected while it is there."""
        found = drives.removable_drives(self.volumes())
        if self.listed and [d.text() for d in found] == [d.text() for d in self.shown]:
            return  # nothing changed: the selection and the scroll position stay
        self.listed = True
        current = self.selected()
        wanted = current.root if current else self._last_root(found)
        self.shown = found
        self.list.clear()
        for drive in found:
            item = QListWidgetItem(drive.text())
            item.setData(Qt.UserRole, drive.root)
            self.list.addItem(item)
        roots = [d.root for d in found]
        if found:
            self.list.setCurrentRow(roots.index(wanted) if wanted in roots else 0)
        self.list.setVisible(bool(found))
        self.empty.setVisible(not found)
        self._enable()

    @staticmethod
    def _last_root(found: list[drives.Drive]) -> str | None:
        last = drives.drive_of(file_dialogs.last_folder(file_dialogs.LEDGER_EXPORT), found)
        return last.root if last else None

    def _enable(self) -> None:
        self.ok_button.setEnabled(self.selected() is not None)

    def selected(self) -> drives.Drive | None:
        row = self.list.currentRow()
        return self.shown[row] if 0 <= row < len(self.shown) and self.list.count() else None

    def drive_texts(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())]

    def use_selected(self) -> bool:
        drive = self.selected()
        if drive is None:
            return False
        self.drive, self.folder = drive, drive.root
        file_dialogs.remember(file_dialogs.LEDGER_EXPORT, drive.root)
        self.accept()
        return True

    def choose_other(self) -> bool:
        folder = file_dialogs.choose_folder(self, file_dialogs.LEDGER_EXPORT, "选择保存上报文件的文件夹")
        if not folder:
            return False
        self.drive, self.folder = drives.drive_of(folder, self.shown), folder
        self.accept()
        return True

    def done(self, result: int) -> None:
        self.timer.stop()
        super().done(result)
