"""A pad the guardian signs on: with the mouse, a touch screen acting as a mouse, or a pen —
a signature pad plugged in as a tablet sends tablet events, whose pressure sets the pen width.

The strokes are kept as points (x, y, width) in widget coordinates; ``to_png()`` draws them again
on white, cropped to the ink with a margin, at a size fit to keep with the record and print.
"""
from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath, QPen, QTabletEvent
from PySide6.QtWidgets import QPushButton, QSizePolicy, QWidget

INK = QColor("#10243e")
MOUSE_WIDTH = 2.6
MIN_WIDTH, MAX_WIDTH = 1.2, 5.0
MARGIN = 12  # px of white around the ink in the PNG
MAX_PNG = (600, 200)  # the PNG is scaled down to fit, never up
HINT = "请监护人在此处签名"


def width_for(pressure: float) -> float:
    """Pen width for a tablet pressure in 0…1 (a pad that reports none counts as a firm stroke)."""
    if pressure <= 0:
        pressure = 0.6
    return MIN_WIDTH + (MAX_WIDTH - MIN_WIDTH) * min(pressure, 1.0)


class SignaturePad(QWidget):
    changed = Signal()

    def __init__(self, parent=None, hint: str = HINT):
        super().__init__(parent)
        self.strokes: list[list[tuple[float, float, float]]] = []
        self.hint = hint
        self._drawing = False
        self.setObjectName("signature_pad")
        self.setAttribute(Qt.WA_StaticContents)
        self.setCursor(Qt.CrossCursor)
        self.setMinimumSize(360, 150)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)
        self.setFixedHeight(170)
        self.setToolTip("用鼠标、触摸屏或签名板书写；写错了点“清除”重写")
        self.clear_button = QPushButton("清除", self)
        self.clear_button.setObjectName("clear_signature")
        self.clear_button.setAutoDefault(False)
        self.clear_button.setCursor(Qt.ArrowCursor)
        self.clear_button.clicked.connect(self.clear)

    # --- state -----------------------------------------------------------------------------
    def is_empty(self) -> bool:
        return not any(self.strokes)

    def clear(self) -> None:
        self.strokes = []
        self._drawing = False
        self.update()
        self.changed.emit()

    # --- drawing -----------------------------------------------------------------------------
    def _begin(self, pos: QPointF, width: float) -> None:
        self._drawing = True
        self.strokes.append([(pos.x(), pos.y(), width)])
        self.update()

    def _extend(self, pos: QPointF, width: float) -> None:
        if not self._drawing:
            return
        stroke = self.strokes[-1]
        if stroke and (stroke[-1][0], stroke[-1][1]) == (pos.x(), pos.y()):
            return
        stroke.append((pos.x(), pos.y(), width))
        self.update()

    def _end(self) -> None:
        if self._drawing:
            self._drawing = False
            self.changed.emit()

    def mousePressEvent(self, event) -> None:  # noqa: N802
        if event.button() == Qt.LeftButton:
            self._begin(event.position(), MOUSE_WIDTH)
            event.accept()
        else:
            super().mousePressEvent(event)

    def mouseMoveEvent(self, event) -> None:  # noqa: N802
        # While a stroke is open every move extends it: test drivers and some touch screens
        # send moves without the button state.
        self._extend(event.position(), MOUSE_WIDTH)
        event.accept()

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802
        if event.button() == Qt.LeftButton:
            self._extend(event.position(), MOUSE_WIDTH)
            self._end()
        event.accept()

    def tabletEvent(self, event: QTabletEvent) -> None:  # noqa: N802
        """Pen on a tablet or signature pad: accepted, so no mouse events are made from it."""
        width = width_for(event.pressure())
        kind = event.type()
        if kind == QTabletEvent.TabletPress:
            self._begin(event.position(), width)
        elif kind == QTabletEvent.TabletMove:
            if event.pressure() > 0 or event.buttons() & Qt.LeftButton:
                self._extend(event.position(), width)
        elif kind == QTabletEvent.TabletRelease:
            self._extend(event.position(), width)
            self._end()
        event.accept()

    # --- painting ----------------------------------------------------------------------------
    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        hint = self.clear_button.sizeHint()
        self.clear_button.setGeometry(self.width() - hint.width() - 6, 6, hint.width(), hint.height())

    def paintEvent(self, event) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.Antialiasing)
        painter.fillRect(self.rect(), QColor("white" if self.isEnabled() else "#f0f2f5"))
        painter.setPen(QPen(QColor("#9fb3c8"), 1))
        painter.drawRect(self.rect().adjusted(0, 0, -1, -1))
        baseline = self.height() - 34
        painter.setPen(QPen(QColor("#cfd8e3"), 1, Qt.DashLine))
        painter.drawLine(20, baseline, self.width() - 20, baseline)
        if self.is_empty():
            painter.setPen(QColor("#9aa5b1"))
            painter.drawText(QRectF(0, baseline + 4, self.width(), 26), Qt.AlignCenter, self.hint)
        self._paint_strokes(painter, 0.0, 0.0, 1.0)
        painter.end()

    def _paint_strokes(self, painter: QPainter, dx: float, dy: float, scale: float) -> None:
        for stroke in self.strokes:
            if len(stroke) == 1:
                x, y, w = stroke[0]
                painter.setPen(Qt.NoPen)
                painter.setBrush(INK)
                radius = max(w * scale / 2, 0.8)
                painter.drawEllipse(QPointF((x + dx) * scale, (y + dy) * scale), radius, radius)
                continue
            for (x1, y1, w1), (x2, y2, w2) in zip(stroke, stroke[1:]):
                pen = QPen(INK, max((w1 + w2) / 2 * scale, 0.8), Qt.SolidLine, Qt.RoundCap, Qt.RoundJoin)
                painter.setPen(pen)
                painter.drawLine(QPointF((x1 + dx) * scale, (y1 + dy) * scale),
                                 QPointF((x2 + dx) * scale, (y2 + dy) * scale))

    # --- export --------------------------------------------------------------------------------
    def ink_rect(self) -> QRectF:
        """The strokes' bounding box, widened by the pen widths."""
        path = QPainterPath()
        widest = 0.0
        for stroke in self.strokes:
            for x, y, w in stroke:
                path.addRect(QRectF(x, y, 0.01, 0.01))
                widest = max(widest, w)
        return path.boundingRect().adjusted(-widest, -widest, widest, widest)

    def to_png(self) -> bytes:
        """The signature on white, cropped to the ink with a margin, at most 600×200 px
        (grey-scale, a few kilobytes). Empty bytes when nothing was drawn."""
        if self.is_empty():
            return b""
        ink = self.ink_rect()
        width, height = ink.width() + 2 * MARGIN, ink.height() + 2 * MARGIN
        scale = min(1.0, MAX_PNG[0] / width, MAX_PNG[1] / height)
        image = QImage(max(int(width * scale + 0.5), 1), max(int(height * scale + 0.5), 1),
                       QImage.Format_RGB32)
        image.fill(QColor("white"))
        painter = QPainter(image)
        painter.setRenderHint(QPainter.Antialiasing)
        self._paint_strokes(painter, MARGIN - ink.left(), MARGIN - ink.top(), scale)
        painter.end()
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.WriteOnly)
        image.convertToFormat(QImage.Format_Grayscale8).save(buffer, "PNG")
        buffer.close()
        return bytes(data.data())
