from PySide6.QtGui import QImage

from clinic_app.ui.lists import TAB_KEYS
from clinic_app.ui.screenshots import save_all


def test_screenshots_command_saves_every_main_screen_as_a_real_image(qapp, tmp_path):
    saved = save_all(tmp_path)
    assert [p.name for p in saved][:2] == ["01_wizard_welcome.png", "02_wizard_clinic.png"]
    assert len(saved) == 18 + len(TAB_KEYS)  # one picture per work-list tab
    assert any(p.name == "07b_patient_programme.png" for p in saved)
    for path in saved:
        image = QImage(str(path))
        assert not image.isNull() and image.width() > 300 and image.height() > 150, path.name
