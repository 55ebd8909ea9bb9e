"""Every file dialog of the program, in one place: Qt's own dialog (not the system's), so Qt's
Chinese translation applies and it looks the same on every PC, with its labels set in Chinese
where the translation misses them; and each opens in the folder last used for the same purpose
(the ledger export, the register import, saved PDFs, …), remembered in ``QSettings``.

The three functions answer like ``QFileDialog``'s static ones — ``(path, chosen filter)`` or a
folder, ``""`` when cancelled — so a caller changes one line. Tests answer the real dialog by
replacing ``run``."""
from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QDir, QIdentityProxyModel, QSettings, QStandardPaths, Qt
from PySide6.QtWidgets import QDialog, QFileDialog, QWidget

# What a file is chosen for: each remembers its own folder.
LEDGER_EXPORT = "ledger_export"      # 季度台账上报文件 (the USB stick, or another folder)
REGISTER_IMPORT = "register_import"  # 导入患者登记名单
REGISTER_EXPORT = "register_export"  # 患者登记名单 as PDF or xlsx
PDF = "pdf"                          # 领药单, 救助卡, 协议, 申请表, 校准页
WORK_LIST = "work_list"              # 工作清单, exported or printed
PHOTO = "photo"                      # 患者照片
BACKUP = "backup"                    # 备份到其他文件夹（如U盘）
PURPOSES = (LEDGER_EXPORT, REGISTER_IMPORT, REGISTER_EXPORT, PDF, WORK_LIST, PHOTO, BACKUP)

LABELS = {QFileDialog.LookIn: "查找范围：", QFileDialog.FileType: "文件类型：", QFileDialog.Reject: "取消"}
ACCEPT = {QFileDialog.AcceptOpen: "打开", QFileDialog.AcceptSave: "保存"}
FOLDER_ACCEPT = "选择文件夹"


HEADERS = ("名称", "大小", "类型", "修改日期")
UNITS = ((1024 ** 3, "GB"), (1024 ** 2, "MB"), (1024, "KB"))


def size_text(size: int) -> str:
    """File sizes the way the rest of the program writes them (“12.3 MB”, “512 字节”)."""
    for factor, unit in UNITS:
        if size >= factor:
            return f"{size / factor:.1f} {unit}"
    return f"{size} 字节"


def _has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


class ChineseColumns(QIdentityProxyModel):
    """The file list's columns in Chinese whatever the PC's regional settings: the headers, sizes
    and dates (Qt formats those by the system locale, English on some PCs), and the 类型 of a
    folder or drive (Qt 6 looks those up under a name its Chinese translation lacks)."""

    def headerData(self, section, orientation, role=Qt.DisplayRole):  # noqa: N802 - Qt's name
        if orientation == Qt.Horizontal and role == Qt.DisplayRole and 0 <= section < len(HEADERS):
            return HEADERS[section]
        return super().headerData(section, orientation, role)

    def data(self, index, role=Qt.DisplayRole):
        if role != Qt.DisplayRole or index.column() not in (1, 2, 3):
            return super().data(index, role)
        model, source = self.sourceModel(), self.mapToSource(index)
        info = model.fileInfo(source)
        if index.column() == 1:
            return "" if info.isDir() else size_text(info.size())
        if index.column() == 3:
            return info.lastModified().toString("yyyy-MM-dd HH:mm")
        if info.isRoot():
            return "驱动器"
        if info.isDir():
            return "文件夹"
        described = super().data(index, role) or ""
        if _has_chinese(described):
            return described  # the MIME database's own Chinese, e.g. “PDF 文档”
        return f"{info.suffix()} 文件" if info.suffix() else "文件"


def store() -> QSettings:
    """The program's per-user settings on this PC (not in the database: a folder is this PC's)."""
    return QSettings(QSettings.IniFormat, QSettings.UserScope, "clinic_app", "clinic_app")


def _key(purpose: str) -> str:
    if purpose not in PURPOSES:
        raise ValueError(f"unknown file dialog purpose {purpose!r}")
    return f"last_folder/{purpose}"


def fallback_folder() -> str:
    """Where a purpose used for the first time starts: 文档 (Documents), else the home folder."""
    documents = QStandardPaths.writableLocation(QStandardPaths.DocumentsLocation)
    return documents if documents and os.path.isdir(documents) else QDir.homePath()


def last_folder(purpose: str) -> str:
    """The folder last used for ``purpose`` while it still exists (a removed USB stick does not)."""
    folder = store().value(_key(purpose), "", str)
    return folder if folder and os.path.isdir(folder) else fallback_folder()


def remember(purpose: str, folder: str | Path) -> None:
    settings = store()
    settings.setValue(_key(purpose), str(folder))
    settings.sync()


def make(parent, purpose: str, title: str, mode: str, filters: str = "", default_name: str = "") -> QFileDialog:
    """The dialog, ready to show: ``mode`` is "open", "save" or "folder"."""
    dialog = QFileDialog(parent, title, last_folder(purpose), filters)
    dialog.setOption(QFileDialog.DontUseNativeDialog, True)
    dialog.setObjectName(f"file_dialog_{purpose}")
    dialog.setProxyModel(ChineseColumns(dialog))
    sidebar = dialog.findChild(QWidget, "sidebar")
    if sidebar is not None:
        sidebar.setMinimumWidth(120)  # “计算机” whole, not “计…”
    if mode == "folder":
        dialog.setFileMode(QFileDialog.Directory)
        dialog.setOption(QFileDialog.ShowDirsOnly, True)
        dialog.setAcceptMode(QFileDialog.AcceptOpen)
        dialog.setLabelText(QFileDialog.FileName, "文件夹：")
        dialog.setLabelText(QFileDialog.Accept, FOLDER_ACCEPT)
    elif mode == "save":
        dialog.setFileMode(QFileDialog.AnyFile)
        dialog.setAcceptMode(QFileDialog.AcceptSave)
        dialog.setLabelText(QFileDialog.FileName, "文件名：")
        dialog.setLabelText(QFileDialog.Accept, ACCEPT[QFileDialog.AcceptSave])
        if default_name:
            dialog.selectFile(default_name)
    else:
        dialog.setFileMode(QFileDialog.ExistingFile)
        dialog.setAcceptMode(QFileDialog.AcceptOpen)
        dialog.setLabelText(QFileDialog.FileName, "文件名：")
        dialog.setLabelText(QFileDialog.Accept, ACCEPT[QFileDialog.AcceptOpen])
    for label, text in LABELS.items():
        dialog.setLabelText(label, text)
    return dialog


def run(dialog: QFileDialog) -> bool:
    """Show ``dialog`` modally; True when a file or folder was chosen."""
    return dialog.exec() == QDialog.Accepted


def _chosen(dialog: QFileDialog) -> str:
    files = dialog.selectedFiles()
    return files[0] if files else ""


def open_file(parent, purpose: str, title: str, filters: str) -> tuple[str, str]:
    dialog = make(parent, purpose, title, "open", filters)
    if not run(dialog) or not _chosen(dialog):
        return "", ""
    path = _chosen(dialog)
    remember(purpose, Path(path).parent)
    return path, dialog.selectedNameFilter()


def save_file(parent, purpose: str, title: str, default_name: str, filters: str) -> tuple[str, str]:
    dialog = make(parent, purpose, title, "save", filters, default_name)
    if not run(dialog) or not _chosen(dialog):
        return "", ""
    path = _chosen(dialog)
    remember(purpose, Path(path).parent)
    return path, dialog.selectedNameFilter()


def choose_folder(parent, purpose: str, title: str) -> str:
    dialog = make(parent, purpose, title, "folder")
    if not run(dialog) or not _chosen(dialog):
        return ""
    folder = _chosen(dialog)
    remember(purpose, folder)
    return folder
