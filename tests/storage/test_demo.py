"""Demo data: four accounts and a synthetic register, written fast and shaped like real entries."""
import datetime as dt
from contextlib import closing

import pytest

from clinic_app import cli
from clinic_app.domain import idnumber, roles, synthetic
from clinic_app.domain.patient_fields import validate_record
from clinic_app.storage import accounts, audit, demo, patients, reference, settings
from clinic_app.storage.db import open_database
from clinic_app.storage.errors import StorageError
from clinic_app.storage.db import open_file

N = 300


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """One demo database for the tests that only read (four argon2 hashes per database add up)."""
    db = open_database(tmp_path_factory.mktemp("demo") / "clinic.db")
    result = demo.write_demo(db, patients=N, seed=11)
    yield db, result
    db.conn.close()


@pytest.fixture
def demo_db(fresh_db):
    """A demo database of the test's own, for tests that write."""
    result = demo.write_demo(fresh_db, patients=N, seed=11)
    return fresh_db, result


def test_counts_returned_match_what_is_stored(shared):
    db, result = shared
    assert result == {"patients": N, "households": db["households"].count, "users": 4,
                      "dispensings": 0}
    assert patients.count(db) == N
    assert N * 0.9 < result["households"] < N


def test_every_stored_patient_revalidates_unchanged(shared):
    db, _ = shared
    keys = synthetic.RECORD_KEYS
    for (patient_id,) in db.execute("SELECT id FROM patients"):
        stored = patients.get(db, patient_id)
        values = {k: stored[k] for k in keys}
        result = validate_record(values)
        assert result.ok, result.errors
        assert not result.warnings
        assert {k: result.values[k] for k in keys} == values


def test_rows_are_shaped_exactly_as_patients_create_makes_them(demo_db):
    db, _ = demo_db
    # one with no programme history, so it can be deleted and typed in again
    demo_id = db.execute(
        "SELECT id FROM patients p WHERE programme_status IS NULL "
        "AND NOT EXISTS (SELECT 1 FROM applications a WHERE a.patient_id = p.id) "
        "AND NOT EXISTS (SELECT 1 FROM risk_assessments r WHERE r.patient_id = p.id) "
        "ORDER BY id LIMIT 1").fetchone()[0]
    values = {k: v for k, v in patients.get(db, demo_id).items() if k in synthetic.RECORD_KEYS}
    stored_row = next(db.query("SELECT * FROM patients WHERE id = ?", [demo_id]))
    db.execute("DELETE FROM patients WHERE id = ?", [demo_id])
    again = patients.create(db, values)
    created_row = next(db.query("SELECT * FROM patients WHERE id = ?", [again]))
    ignore = {"id", "household_id", "guardian_id", "created_at", "updated_at"}
    assert {k: v for k, v in stored_row.items() if k not in ignore} == \
        {k: v for k, v in created_row.items() if k not in ignore}


def test_households_with_two_patients_share_guardian_and_address(shared):
    db, _ = shared
    pairs = list(db.query(
        "SELECT household_id, count(*) AS n, count(DISTINCT guardian_id) AS guardians, "
        "count(DISTINCT address) AS addresses FROM patients GROUP BY household_id HAVING n > 1"))
    assert pairs
    assert all(p["n"] == 2 and p["guardians"] == 1 and p["addresses"] == 1 for p in pairs)


def test_some_guardians_are_older_than_sixty_five(shared):
    db, _ = shared
    today = dt.date.today()
    ages = [idnumber.age_on(idnumber.parse(n).birth_date, today)
            for (n,) in db.execute("SELECT id_number FROM guardians WHERE id_number IS NOT NULL")]
    elderly = sum(a > 65 for a in ages)
    assert 0.05 * len(ages) < elderly < 0.3 * len(ages)


def test_search_keys_are_filled_so_demo_patients_can_be_found(shared):
    db, _ = shared
    row = next(db.query("SELECT id, name, id_number FROM patients ORDER BY id LIMIT 1"))
    initials = patients.search_keys({"name": row["name"]})["search_initials"].split()[0]
    assert row["id"] in {r["id"] for r in patients.search(db, initials)}
    assert row["id"] in {r["id"] for r in patients.search(db, row["id_number"][-6:])}
    assert row["id"] in {r["id"] for r in patients.search(db, row["name"])}


def _snapshot(path):
    with closing(open_file(path)) as conn:
        return conn.execute(
            "SELECT p.name, p.id_number, p.address, p.diagnosis, p.subsidies, p.household_id, "
            "g.name, g.id_number FROM patients p LEFT JOIN guardians g ON g.id = p.guardian_id "
            "ORDER BY p.id").fetchall()


def test_same_seed_gives_the_same_database(tmp_path):
    for name in ("a.db", "b.db", "c.db"):
        db = open_database(tmp_path / name)
        demo.write_demo(db, patients=80, seed=5 if name != "c.db" else 6)
        db.conn.close()
    assert _snapshot(tmp_path / "a.db") == _snapshot(tmp_path / "b.db")
    assert _snapshot(tmp_path / "a.db") != _snapshot(tmp_path / "c.db")


def test_running_twice_adds_neither_users_nor_the_same_patients_again(demo_db):
    db, _ = demo_db
    again = demo.write_demo(db, patients=N, seed=11)
    assert again == {"patients": 0, "households": 0, "users": 0, "dispensings": 0}
    assert accounts.count(db) == 4 and patients.count(db) == N


def test_another_seed_adds_more_patients_but_no_users(demo_db):
    db, _ = demo_db
    more = demo.write_demo(db, patients=40, seed=12)
    assert more["patients"] == 40 and more["users"] == 0
    assert patients.count(db) == N + 40


def test_demo_accounts_have_their_roles_and_the_documented_password(fresh_db):
    db = fresh_db
    demo.write_demo(db, patients=0)
    users = {u["username"]: u for u in accounts.list_users(db)}
    for username, role, display_name in demo.DEMO_USERS:
        assert (users[username]["role"], users[username]["display_name"]) == (role, display_name)
        assert roles.password_problem(demo.DEMO_PASSWORD, username) is None
    assert accounts.authenticate(db, "demo", demo.DEMO_PASSWORD)["role"] == roles.ADMIN
    assert {u[1] for u in demo.DEMO_USERS} == set(roles.ROLES)


def test_existing_accounts_are_left_alone(fresh_db):
    accounts.create_user(fresh_db, "demo", "Another2026", roles.OFFICER, "Someone")
    result = demo.write_demo(fresh_db, patients=5)
    assert result["users"] == 3
    assert accounts.authenticate(fresh_db, "demo", "Another2026")["role"] == roles.OFFICER


def test_the_clinic_is_set_only_when_none_is_set(fresh_db, tmp_path):
    demo.write_demo(fresh_db, patients=5)
    assert settings.get(fresh_db, "clinic_code") == demo.DEFAULT_CLINIC
    other = open_database(tmp_path / "other.db")
    settings.put(other, "clinic_code", "baisha")
    demo.write_demo(other, patients=20)
    assert settings.get(other, "clinic_code") == "baisha"
    towns = {r[0] for r in other.execute("SELECT town FROM patients")}
    assert towns & set(reference.towns(other, "baisha"))
    other.conn.close()


def test_a_chosen_clinic_supplies_the_towns(fresh_db):
    demo.write_demo(fresh_db, patients=60, clinic_code="dushi")
    own = set(reference.towns(fresh_db, "dushi"))
    towns = [r[0] for r in fresh_db.execute("SELECT town FROM patients")]
    assert sum(t in own for t in towns) > 0.8 * len(towns)


def test_an_unknown_clinic_is_refused_and_nothing_is_written(fresh_db):
    with pytest.raises(StorageError):
        demo.write_demo(fresh_db, patients=5, clinic_code="nowhere")
    assert patients.count(fresh_db) == 0 and accounts.count(fresh_db) == 0


def test_one_audit_row_summarises_the_import_and_the_chain_holds(shared):
    db, _ = shared
    rows = audit.recent(db, entity="demo")
    assert [(r["action"], r["summary"]) for r in rows] == [("create", f"写入演示数据 {N} 名患者")]
    assert audit.verify(db).ok


def test_zero_patients_writes_only_the_accounts(fresh_db):
    assert demo.write_demo(fresh_db, patients=0) == {"patients": 0, "households": 0, "users": 4,
                                                               "dispensings": 0}
    assert not audit.recent(fresh_db, entity="demo")


def test_cli_demo_command_writes_the_database(tmp_path, capsys):
    path = tmp_path / "cli.db"
    assert cli.main(["demo", "--db", str(path), "--patients", "50"]) == 0
    assert "50 名患者" in capsys.readouterr().out
    with closing(open_file(path)) as conn:
        assert conn.execute("SELECT count(*) FROM patients").fetchone()[0] == 50


def test_demo_programme_history_folds_into_each_stored_status_and_fills_the_places(demo_db):
    from clinic_app.domain import programme_status as ps
    from clinic_app.storage import cards, programme

    db, _ = demo_db
    statuses = dict(db.execute("SELECT id, programme_status FROM patients").fetchall())
    assert {ps.ENROLLED} <= set(statuses.values())
    for pid, status in statuses.items():
        history = [ps.Event(e["kind"], e["date"]) for e in programme.events(db, pid)]
        assert ps.fold(history) == status
        if status in ps.HOLDS_PLACE:
            assert cards.current(db, pid) is not None
    summary = programme.places_summary(db)
    assert summary["occupied"] <= summary["places"]


def test_demo_enrolled_patients_have_a_signed_agreement_dated_after_enrolment_and_not_in_the_future(demo_db):
    from clinic_app.domain import programme_status as ps
    from clinic_app.storage import agreements, clock, programme

    db, _ = demo_db
    enrolled = [pid for (pid,) in db.execute("SELECT id FROM patients WHERE programme_status = ?", [ps.ENROLLED])]
    assert enrolled
    for pid in enrolled:
        signed = agreements.latest(db, pid)
        assert signed is not None and signed["signed_date"] <= clock.today().isoformat()
        assert signed["signed_date"] >= agreements.earliest_signing(db, pid)[0]


def test_demo_months_write_dispensing_that_follows_the_rules_and_verifies(fresh_db):
    from clinic_app.storage import dispensing

    result = demo.write_demo(fresh_db, patients=120, months=6)
    assert result["dispensings"] > 0
    entries = [r[0] for r in fresh_db.execute("SELECT id FROM dispensings")]
    assert all(dispensing.verify(fresh_db, i) for i in entries)
    over = fresh_db.execute(
        "SELECT count(*) FROM dispensing_lines l JOIN dispensings d ON d.id = l.dispensing_id "
        "WHERE l.cover_until > date(d.date, '+3 months')").fetchone()[0]
    assert over == 0
    parts = fresh_db.execute(
        "SELECT count(*) FROM dispensings WHERE insurance_fen + relief_fen + disability_fen + programme_fen "
        "!= total_fen").fetchone()[0]
    assert parts == 0


def test_demo_dispensing_writes_the_recomputed_cover_of_every_line(fresh_db):
    """line_cover is written in bulk alongside the demo's collections and equals a from-scratch
    rebuild; every line's stored cover agrees with it (the demo writes in date order, no voids)."""
    from clinic_app.storage import cover

    demo.write_demo(fresh_db, patients=120, months=6)
    written = sorted(fresh_db.execute("SELECT line_id, cover_start, cover_until FROM line_cover").fetchall())
    assert len(written) == fresh_db["dispensing_lines"].count > 0
    assert written == sorted(fresh_db.execute(
        "SELECT id, cover_start, cover_until FROM dispensing_lines").fetchall())
    cover.rebuild_all(fresh_db)
    assert sorted(fresh_db.execute("SELECT line_id, cover_start, cover_until FROM line_cover").fetchall()) == written


def test_a_demo_clinic_has_specs_prices_stock_and_months_of_dispensing_and_not_everyone_overdue(fresh_db):
    """What ``--demo`` and ``clinic-app demo`` build by default: every screen has something to
    show, through the same rules — and the work lists look like a clinic's, not a backlog."""
    from clinic_app.storage import catalogue, clock, followup, stock

    db = fresh_db
    result = demo.write_demo(db, patients=200, months=demo.DEFAULT_MONTHS)
    today = clock.today()
    specs = catalogue.specs(db)
    paid = [s for s in specs if s["programme_pays"]]
    assert len(paid) >= 10 and all(s["price_fen"] for s in specs)
    on_hand = {e["spec_id"]: e for e in stock.on_hand(db, on=None)}
    assert all(on_hand[s["id"]]["usable_packs"] > 0 for s in paid)   # every programme drug in stock
    expiring = [b for e in on_hand.values() for b in e["batches"]
                if 0 <= (dt.date.fromisoformat(b["expiry_date"]) - today).days <= stock.EXPIRY_WARNING_DAYS]
    assert expiring   # one delivery close to its expiry date, for the stock window's warning
    assert result["dispensings"] > 150
    first, last = db.execute("SELECT min(date), max(date) FROM dispensings").fetchone()
    assert (today - dt.date.fromisoformat(first)).days > 150 and (today - dt.date.fromisoformat(last)).days < 30
    enrolled = db.execute("SELECT count(*) FROM patients WHERE programme_status = 'enrolled'").fetchone()[0]
    overdue = followup.overdue(db, today)
    assert enrolled > 40 and len(overdue) < enrolled * 0.2
    assert followup.due_this_month(db, today)
    assert followup.worsening(db, today) and followup.paused(db, today)
    assert len(followup.adherence_list(db, today)) < enrolled * 0.25   # a year of history to judge by
    assert audit.verify(db).ok


def test_the_cli_demo_writes_months_of_dispensing_by_default(tmp_path):
    path = tmp_path / "cli.db"
    assert cli.main(["demo", "--db", str(path), "--patients", "60"]) == 0
    db = open_database(path)
    try:
        assert db["dispensings"].count > 0 and db["stock_batches"].count > 0
    finally:
        db.conn.close()
