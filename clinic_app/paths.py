"""Where things live: the user data folder, the default database, shipped resources.

One module decides every path so that the CLI, the GUI and the tests agree.
"""
from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "clinic_app"
APP_AUTHOR = "clinic_app"
DB_ENV_VAR = "CLINIC_APP_DB"
DB_FILENAME = "clinic.db"


def user_data_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))


def default_db_path() -> Path:
    """The database used when neither ``--db`` nor the environment variable says otherwise."""
    override = os.environ.get(DB_ENV_VAR)
    if override:
        return Path(override)
    return user_data_dir() / DB_FILENAME


def resolve_db_path(cli_value: str | os.PathLike | None) -> Path:
    """``--db`` beats the environment variable, which beats the user data folder."""
    if cli_value:
        return Path(cli_value)
    return default_db_path()


def backups_dir(db_path: Path) -> Path:
    """Backups sit beside the database they copy, so a USB-stick database keeps its own."""
    return Path(db_path).resolve().parent / "backups"


def resources_dir() -> Path:
    """The shipped ``resources/`` folder, in a checkout or in an installed wheel."""
    checkout = Path(__file__).resolve().parent.parent / "resources"
    if (checkout / "clinics.json").exists():
        return checkout
    import clinic_app_resources

    return Path(clinic_app_resources.__file__).resolve().parent


def resource(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)


def font_path() -> Path:
    return resource("fonts", "wqy-microhei.ttc")


def unused_path(folder: Path, stem: str, suffix: str) -> Path:
    """``folder/<stem><suffix>``, or ``<stem>-2<suffix>``, ``<stem>-3<suffix>``… when that name is
    taken: a file named by the second it was made must not overwrite one made in the same second."""
    path = folder / f"{stem}{suffix}"
    n = 2
    while path.exists():
        path = folder / f"{stem}-{n}{suffix}"
        n += 1
    return path
