"""Which database the program opens: --db, then the environment variable, then the data folder."""
from pathlib import Path

from clinic_app import paths


def test_cli_value_beats_the_environment_variable(monkeypatch, tmp_path):
    monkeypatch.setenv(paths.DB_ENV_VAR, str(tmp_path / "env.db"))
    assert paths.resolve_db_path(str(tmp_path / "cli.db")) == tmp_path / "cli.db"


def test_environment_variable_beats_the_user_data_folder(monkeypatch, tmp_path):
    monkeypatch.setenv(paths.DB_ENV_VAR, str(tmp_path / "env.db"))
    assert paths.resolve_db_path(None) == tmp_path / "env.db"


def test_default_database_lives_in_the_user_data_folder(monkeypatch):
    monkeypatch.delenv(paths.DB_ENV_VAR, raising=False)
    default = paths.resolve_db_path(None)
    assert default.name == paths.DB_FILENAME
    assert default.parent == paths.user_data_dir()
    assert "clinic_app" in str(default)


def test_backups_sit_beside_their_database(tmp_path):
    assert paths.backups_dir(tmp_path / "clinic.db") == (tmp_path / "backups").resolve()


def test_resources_are_found_in_a_checkout():
    assert (paths.resources_dir() / "catalogue.json").exists()
    assert isinstance(paths.font_path(), Path) and paths.font_path().exists()
