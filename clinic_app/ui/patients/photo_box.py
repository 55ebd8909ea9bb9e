"""The patient's photo in the form: a preview, "选择照片…" and "移除"."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from .. import file_dialogs

PREVIEW_SIZE = (105, 140)  # a 1-inch ID photo is 25 × 35 mm
MAX_STORED_SIDE = 800
FILE_FILTER = "图片 (*.jpg *.jpeg *.png *.bmp)"
_MIME = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".bmp": "image/bmp"}


def pixmap_from(data: bytes | None) -> QPixmap | None:
    if not data:
        return None
    pixmap = QPixmap()
    return pixmap if pixmap.loadFromData(QByteArray(data)) else None


def shrink(data: bytes, mime: str) -> tuple[bytes, str]:
    """Phone photos are several megabytes; a preview-sized JPEG is plenty for recognising someone."""
    image = QImage.fromData(QByteArray(data))
    if image.isNull() or max(image.width(), image.height()) <= MAX_STORED_SIDE:
        return data, mime
    image = image.scaled(MAX_STORED_SIDE, MAX_STORED_SIDE, Qt.KeepAspectRatio, Qt.SmoothTransformation)
    out = QByteArray()
    buffer = QBuffer(out)
    buffer.open(QIODevice.WriteOnly)
    image.save(buffer, "JPEG", 85)
    return bytes(out.data()), "image/jpeg"


def photo_label(data: bytes | None) -> QLabel:
    """A framed preview, for the form and the page alike."""
    label = QLabel()
    label.setFixedSize(*PREVIEW_SIZE)
    label.setAlignment(Qt.AlignCenter)
    label.setStyleSheet("border: 1px solid #b8c4d2; background: #f3f6f9; color: #7b8794;")
    show_photo(label, data)
    return label


def show_photo(label: QLabel, data: bytes | None) -> None:
    pixmap = pixmap_from(data)
    if pixmap is None:
        label.setPixmap(QPixmap())
        label.setText("无照片")
        return
    label.setPixmap(pixmap.scaled(label.width() - 2, label.height() - 2, Qt.KeepAspectRatio,
                                  Qt.SmoothTransformation))


class PhotoBox(QWidget):
    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self._data: bytes | None = None
        self._mime: str | None = None
        self.preview = photo_label(None)
        self.choose_button = QPushButton("选择照片…")
        self.remove_button = QPushButton("移除")
        for button in (self.choose_button, self.remove_button):
            button.setAutoDefault(False)
        self.choose_button.clicked.connect(self.choose)
        self.remove_button.clicked.connect(self.remove)
        self.message = QLabel()
        self.message.setStyleSheet("color: #c62828;")
        self.message.hide()
        buttons = QVBoxLayout()
        buttons.addWidget(self.choose_button)
        buttons.addWidget(self.remove_button)
        buttons.addWidget(self.message)
        buttons.addStretch(1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.preview)
        layout.addLayout(buttons)
        layout.addStretch(1)
        self._refresh()

    def photo(self) -> tuple[bytes, str] | None:
        return (self._data, self._mime or "image/png") if self._data else None

    def set_photo(self, data: bytes | None, mime: str | None) -> None:
        self._data, self._mime = (data or None), mime
        self._refresh()

    def choose(self) -> None:
        path = self._choose_file()
        if path:
            self.load_file(path)

    def load_file(self, path: str | Path) -> bool:
        path = Path(path)
        data = path.read_bytes()
        if pixmap_from(data) is None:
            self.message.setText("无法读取该图片")
            self.message.show()
            return False
        self.message.hide()
        self._data, self._mime = shrink(data, _MIME.get(path.suffix.lower(), "image/png"))
        self._refresh()
        self.changed.emit()
        return True

    def remove(self) -> None:
        self._data = self._mime = None
        self._refresh()
        self.changed.emit()

    def _choose_file(self) -> str:
        """Overridable: tests return a path instead of showing the file dialog."""
        path, _filter = file_dialogs.open_file(self, file_dialogs.PHOTO, "选择照片", FILE_FILTER)
        return path

    def _refresh(self) -> None:
        show_photo(self.preview, self._data)
        self.remove_button.setEnabled(self._data is not None)
