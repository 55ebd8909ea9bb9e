"""Shared fixtures. Qt runs offscreen: no display is needed, and none is used."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from hypothesis import settings as hypothesis_settings  # noqa: E402

# CI explores the same examples every run, so a red run always means a change broke something;
# local runs keep exploring new examples (and have found real bugs that way).
hypothesis_settings.register_profile("ci", derandomize=True, max_examples=200)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")

from clinic_app.storage.db import open_database  # noqa: E402


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "clinic.db"


@pytest.fixture
def fresh_db(db_path):
    """A real SQLite file, migrated and loaded with reference data."""
    db = open_database(db_path)
    yield db
    db.conn.close()
