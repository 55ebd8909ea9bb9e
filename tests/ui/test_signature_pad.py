"""The guardian's signature pad: mouse and tablet strokes, clearing, and the PNG kept with the entry."""
from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QImage, QInputDevice, QPointingDevice, QTabletEvent
from PySide6.QtWidgets import QApplication

from clinic_app.ui.dispensing import SignaturePad
from clinic_app.ui.dispensing.signature_pad import MAX_PNG, MAX_WIDTH, MIN_WIDTH, width_for

from .dispensing_support import STROKES, sign


def make_pad(qtbot, width: int = 600) -> SignaturePad:
    pad = SignaturePad()
    qtbot.addWidget(pad)
    pad.resize(width, 170)
    pad.show()
    return pad


def image(data: bytes) -> QImage:
    picture = QImage()
    assert picture.loadFromData(data, "PNG")
    return picture


def dark_pixels(picture: QImage) -> int:
    return sum(1 for y in range(picture.height()) for x in range(picture.width())
               if QColor(picture.pixel(x, y)).lightness() < 128)


def test_a_new_pad_is_empty_and_gives_no_image(qtbot):
    pad = make_pad(qtbot)
    assert pad.is_empty() and pad.strokes == []
    assert pad.to_png() == b""


def test_mouse_strokes_are_kept_and_the_png_is_cropped_to_the_ink_on_white(qtbot):
    pad = make_pad(qtbot)
    changes = []
    pad.changed.connect(lambda: changes.append(1))
    sign(qtbot, pad)
    assert not pad.is_empty()
    assert len(pad.strokes) == 2 and len(changes) == 2
    assert [(round(x), round(y)) for x, y, _w in pad.strokes[0]] == STROKES[0]
    data = pad.to_png()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) < 20_000
    picture = image(data)
    # the ink spans x 30…240, y 45…110: cropped to that with a margin, not the whole pad
    assert 210 < picture.width() < 260 and 65 < picture.height() < 110
    for x, y in ((0, 0), (picture.width() - 1, 0), (0, picture.height() - 1)):
        assert QColor(picture.pixel(x, y)).lightness() > 250  # white around the signature
    assert dark_pixels(picture) > 100


def test_a_moving_mouse_without_a_press_draws_nothing(qtbot):
    pad = make_pad(qtbot)
    qtbot.mouseMove(pad, QPoint(20, 20))
    qtbot.mouseMove(pad, QPoint(80, 80))
    assert pad.is_empty()


def test_the_clear_button_empties_the_pad(qtbot):
    pad = make_pad(qtbot)
    sign(qtbot, pad)
    qtbot.mouseClick(pad.clear_button, Qt.LeftButton)
    assert pad.is_empty() and pad.to_png() == b""
    sign(qtbot, pad, [[(10, 10), (40, 40)]])
    assert len(pad.strokes) == 1


def test_a_wide_signature_is_scaled_down_to_a_reasonable_size(qtbot):
    pad = make_pad(qtbot, 1400)
    sign(qtbot, pad, [[(5, 5), (700, 160), (1390, 5)]])
    picture = image(pad.to_png())
    assert picture.width() <= MAX_PNG[0] and picture.height() <= MAX_PNG[1]
    assert picture.width() == MAX_PNG[0]


def _pen() -> QPointingDevice:
    return QPointingDevice("签名板", 7, QInputDevice.DeviceType.Stylus, QPointingDevice.PointerType.Pen,
                           QInputDevice.Capability.Position | QInputDevice.Capability.Pressure, 1, 3)


def _tablet(pad, kind, x: float, y: float, pressure: float, device) -> QTabletEvent:
    buttons = Qt.NoButton if kind == QTabletEvent.TabletRelease else Qt.LeftButton
    event = QTabletEvent(kind, device, QPointF(x, y), pad.mapToGlobal(QPointF(x, y)), pressure, 0, 0, 0.0,
                         0.0, 0.0, Qt.NoModifier, Qt.LeftButton, buttons)
    QApplication.sendEvent(pad, event)
    return event


def test_a_signature_pad_acting_as_a_tablet_draws_with_its_pressure(qtbot):
    pad = make_pad(qtbot)
    device = _pen()
    press = _tablet(pad, QTabletEvent.TabletPress, 20, 40, 0.1, device)
    assert press.isAccepted()  # no mouse event is made from it
    _tablet(pad, QTabletEvent.TabletMove, 60, 60, 0.5, device)
    _tablet(pad, QTabletEvent.TabletMove, 120, 80, 1.0, device)
    _tablet(pad, QTabletEvent.TabletRelease, 121, 80, 0.0, device)
    assert len(pad.strokes) == 1
    widths = [w for _x, _y, w in pad.strokes[0]]
    assert widths[0] < widths[1] < widths[2]  # pressure → pen width
    assert MIN_WIDTH <= min(widths) and max(widths) <= MAX_WIDTH
    assert not pad.is_empty() and image(pad.to_png()).width() > 100


def test_pen_width_follows_pressure_and_a_pad_without_pressure_still_writes():
    assert width_for(0.0) > MIN_WIDTH
    assert width_for(0.1) < width_for(0.9) <= MAX_WIDTH
    assert width_for(5.0) == MAX_WIDTH
