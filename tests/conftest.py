"""Shared fixtures. Qt runs offscreen: no display is needed, and none is used."""
import os
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The installation's database key (and anything else kept in the user data folder) goes to a
# folder of this test run, never to the developer's own; the OS credential store is not used
# (tests/storage/test_cipher_key.py gives keyring a backend of its own to test that path).
os.environ["XDG_DATA_HOME"] = tempfile.mkdtemp(prefix="clinic-tests-data-")
os.environ["CLINIC_APP_KEYRING"] = "off"

import pytest  # noqa: E402
from hypothesis import settings as hypothesis_settings  # noqa: E402

# CI explores the same examples every run, so a red run always means a change broke something;
# local runs keep exploring new examples (and have found real bugs that way).
hypothesis_settings.register_profile("ci", derandomize=True, max_examples=200)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")

from clinic_app.storage import cipher_key  # noqa: E402
from clinic_app.storage.db import open_database  # noqa: E402

# Made now, and its one showing taken, so no command under test prints the recovery code.
cipher_key.installation_key(create=True)
cipher_key.take_unshown_code()


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "clinic.db"


@pytest.fixture
def fresh_db(db_path):
    """A real SQLite file, migrated and loaded with reference data."""
    db = open_database(db_path)
    yield db
    db.conn.close()
