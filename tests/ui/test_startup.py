"""Start-up as a user meets it: the real entry point, the first window, one program per database."""
from __future__ import annotations

import os
import subprocess
import sys

from clinic_app.storage.lock import InstanceLock
from clinic_app.ui import app as app_module


def test_real_entry_point_starts_on_a_new_database_and_shows_the_first_window(tmp_path):
    db = tmp_path / "new.db"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-m", "clinic_app", "--db", str(db), "--startup-probe"],
                          capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    assert "startup_probe_shown" in done.stdout
    assert db.exists()


def test_second_start_on_the_same_database_is_refused_in_chinese(qapp, tmp_path, monkeypatch):
    db = tmp_path / "clinic.db"
    shown = []
    monkeypatch.setattr(app_module.messages, "error", lambda parent, title, text: shown.append(text))
    with InstanceLock(db):
        assert app_module.run(db_path=db) == 1
    assert shown and "另一个程序" in shown[0]


def test_backup_scheduler_backs_up_daily_and_on_exit_with_audit(qtbot, fresh_db, db_path):
    from clinic_app import paths
    from clinic_app.storage import accounts, audit, settings
    from clinic_app.ui.app import BackupScheduler
    from clinic_app.ui.session import Session

    user = accounts.create_user(fresh_db, "admin", "Qingshan2026", "admin")
    scheduler = BackupScheduler(Session(db=fresh_db, db_path=db_path, user=user))
    scheduler.daily_if_due()
    qtbot.waitUntil(lambda: settings.get(fresh_db, "last_backup_date") != "", timeout=10_000)
    scheduler.daily_if_due()  # already done today: no second copy
    scheduler.on_exit()
    backups = sorted(paths.backups_dir(db_path).glob("clinic-*.db"))
    assert len(backups) == 2
    assert [r["action"] for r in audit.recent(fresh_db, 2)] == [audit.BACKUP, audit.BACKUP]


def test_demo_mode_builds_a_synthetic_clinic_in_a_temporary_folder_with_a_demo_user():
    from clinic_app.storage import patients
    from clinic_app.storage.db import open_database

    db_path, user = app_module._demo_database()
    assert user["username"] == "demo" and user["role"] == "admin"
    assert "clinic_app_demo_" in str(db_path.parent)
    db = open_database(db_path)
    assert patients.count(db) == 200
    # specs, stock and months of dispensing: the demo's screens are not empty
    for table in ("drug_specs", "stock_batches", "dispensings"):
        assert db[table].count > 0, table
    db.conn.close()
    import shutil

    shutil.rmtree(db_path.parent)


def test_default_database_is_created_on_first_start_from_the_environment_variable(tmp_path):
    db = tmp_path / "from-env" / "clinic.db"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "CLINIC_APP_DB": str(db)}
    done = subprocess.run([sys.executable, "-m", "clinic_app", "--startup-probe"],
                          capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    assert db.exists()


def test_the_start_up_removes_copies_a_killed_backup_left(fresh_db, db_path):
    from clinic_app.ui import app

    backups = db_path.parent / "backups"
    backups.mkdir()
    (backups / ".clinic-k1.tmp").write_bytes(b"half a database")
    app._remove_debris(db_path)
    assert not list(backups.glob(".clinic-*"))


def test_the_backup_on_exit_copies_off_the_ui_thread(qtbot, fresh_db, db_path, monkeypatch):
    import threading

    from clinic_app.storage import accounts
    from clinic_app.ui.app import BackupScheduler
    from clinic_app.ui.session import Session

    user = accounts.create_user(fresh_db, "chen_gl", "Mima2026xyz", "admin", "管理员")
    scheduler = BackupScheduler(Session(fresh_db, db_path, user, {}))
    seen = []
    real = scheduler._copy
    monkeypatch.setattr(scheduler, "_copy", lambda keep: seen.append(threading.get_ident()) or real(keep))
    scheduler.on_exit()
    assert seen and seen[0] != threading.get_ident()
