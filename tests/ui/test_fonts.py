from PySide6.QtGui import QFontDatabase, QFontMetrics

from clinic_app import paths
from clinic_app.ui.fonts import family, load_app_font


def test_app_font_registers_and_draws_chinese_and_digits(qapp):
    assert QFontDatabase.addApplicationFont(str(paths.font_path())) >= 0
    font = load_app_font()
    assert family() and font.family() == family()
    metrics = QFontMetrics(font)
    for ch in "张三身份证号0123456789X":
        assert metrics.inFontUcs4(ord(ch)), ch
