"""Another user data folder for a test (its own log, its own settings) that still opens the
databases the test run made: the run's database key is copied into it."""
import shutil
from pathlib import Path

from clinic_app import paths
from clinic_app.storage import cipher_key


def data_home_with_key(xdg: Path) -> Path:
    """``xdg`` as an ``XDG_DATA_HOME`` holding this run's database key; returns ``xdg``."""
    source = paths.user_data_dir() / cipher_key.KEY_FILE
    target = Path(xdg) / paths.APP_NAME / cipher_key.KEY_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(source, target)
    return Path(xdg)
