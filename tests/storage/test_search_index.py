"""The patient search index (storage.search_index): search gives exactly what a plain LIKE scan
gives, on any data, and the index stays in step with every insert, edit and delete."""
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from clinic_app.storage import patients, search_index
from clinic_app.storage.db import open_database

from .older_version import undo_migration

NAME_CHARS = "张王李赵秀英丽华曾单A b"
DIGITS = "0123456789x"


def _insert(db, pid: int, name: str, id_number: str, numbers: list[str]) -> None:
    values = {"name": name, "id_number": id_number, "phone": numbers[0] if numbers else None,
              "insurance_card_no": numbers[1] if len(numbers) > 1 else None,
              "guardian_phone": numbers[2] if len(numbers) > 2 else None}
    db.execute("INSERT INTO patients (id, name, id_number, phone, insurance_card_no, search_initials, "
               "search_pinyin, search_numbers) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
               [pid, name, id_number, values["phone"], values["insurance_card_no"],
                *patients.search_keys(values).values()])


def _index(db) -> set[tuple]:
    return set(db.execute("SELECT kind, key, patient_id FROM search_index").fetchall())


names = st.text(NAME_CHARS, min_size=1, max_size=4)
numbers = st.text(DIGITS, min_size=1, max_size=12)
people = st.lists(st.tuples(names, numbers, st.lists(numbers, max_size=3)), min_size=1, max_size=25)


def _queries(draw_people):
    """Fragments of the stored values, and a few things nobody stored."""
    fragments = st.sampled_from(["张", "秀英", "zs", "z", "x", "12", "1234", "%", "a", "曾"])
    return st.one_of(fragments, st.text(NAME_CHARS + DIGITS + "szhlwq", min_size=1, max_size=5))


@pytest.fixture
def small_caps(monkeypatch):
    """So the few rows of an example already switch between the index and the walk."""
    monkeypatch.setattr(patients, "MIN_CAP", 3)
    monkeypatch.setattr(patients, "CAP_PER_ROW", 1)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(people=people, queries=st.lists(_queries(None), min_size=1, max_size=6),
       limit=st.sampled_from([1, 2, 3, 5, 500]))
def test_search_equals_a_plain_like_scan(fresh_db, small_caps, people, queries, limit):
    db = fresh_db
    db.conn.execute("SAVEPOINT example")
    try:
        for pid, (name, id_number, others) in enumerate(people, start=1):
            _insert(db, pid, name, f"{id_number}-{pid}", others)
        stored = [r[0] for r in db.execute("SELECT name FROM patients").fetchall()]
        for q in queries + [n[1:3] or n for n in stored[:3]]:
            assert patients.search(db, q, limit=limit) == patients.scan(db, q, limit=limit), q
        assert _index(db) == search_index.expected_rows(db)
    finally:
        db.conn.execute("ROLLBACK TO example")
        db.conn.execute("RELEASE example")


def test_the_index_follows_inserts_edits_and_deletes(fresh_db):
    db = fresh_db
    _insert(db, 1, "张秀英", "500381198001011234", ["13812345678"])
    _insert(db, 2, "李四", "500381199002022345", ["13987654321", "YB1234"])
    assert _index(db) == search_index.expected_rows(db)
    assert [r["id"] for r in patients.search(db, "秀")] == [1]
    db.execute("UPDATE patients SET name = '王秀', search_initials = ' wx ', search_pinyin = ' wangxiu ' "
               "WHERE id = 2")
    db.execute("UPDATE patients SET search_numbers = ' 500381198001011234 15500001111' WHERE id = 1")
    assert _index(db) == search_index.expected_rows(db)
    assert [r["id"] for r in patients.search(db, "秀")] == [2, 1]
    assert [r["id"] for r in patients.search(db, "wx")] == [2]
    assert patients.search(db, "5678") == []
    assert [r["id"] for r in patients.search(db, "0000111")] == [1]
    db.execute("UPDATE patients SET programme_status = 'enrolled' WHERE id = 1")  # no key changed
    db.execute("DELETE FROM patients WHERE id = 2")
    assert _index(db) == search_index.expected_rows(db)
    assert not db.execute("SELECT 1 FROM search_index WHERE patient_id = 2").fetchall()
    assert [r["id"] for r in patients.search(db, "秀")] == [1]


def test_the_program_s_own_writes_keep_the_index(fresh_db):
    from .test_patients import other_record, record

    db = fresh_db
    first = patients.create(db, record())
    patients.create(db, other_record())
    patients.update(db, first, record(name="张秀英", phone="13511112222"))
    assert _index(db) == search_index.expected_rows(db)
    assert [r["name"] for r in patients.search(db, "秀英")] == ["张秀英"]
    assert [r["name"] for r in patients.search(db, "3511112")] == ["张秀英"]


def test_the_migration_fills_the_index_of_an_older_file(db_path):
    from .test_patients import other_record, record

    db = open_database(db_path)
    patients.create(db, record())
    patients.create(db, other_record())
    undo_migration(db, "m011_search_index", "search_index", search_index.TRIGGERS)
    db = open_database(db_path)
    try:
        assert _index(db) == search_index.expected_rows(db) and len(_index(db)) > 20
        assert [r["name"] for r in patients.search(db, "李")] == ["李四"]
    finally:
        db.conn.close()


def _plans(db, query: str) -> list[str]:
    """The query plan of every statement ``search`` runs for ``query``."""
    statements = []
    with db.tracer(lambda sql, params: statements.append((sql, params))):
        patients.search(db, query)
    plans = []
    for sql, params in statements:
        rows = db.conn.execute("EXPLAIN QUERY PLAN " + sql, params or []).fetchall()
        plans.append("\n".join(r[-1] for r in rows))
    return plans


@pytest.mark.parametrize("query", ["秀", "秀英", "zs", "1234", "198001"])
def test_the_search_reads_the_index_not_every_patient(fresh_db, query):
    db = fresh_db
    for pid in range(1, 40):
        _insert(db, pid, "张秀英" if pid % 7 == 0 else "李四", f"5003811980{pid:04d}1234",
                [f"138{pid:08d}"])
    plans = _plans(db, query)
    fetches = [p for p in plans if "SCAN p" not in p and "p USING INTEGER PRIMARY KEY" in p]
    assert fetches, plans
    for plan in plans:
        assert "SCAN p\n" not in plan + "\n" and "SCAN patients" not in plan, plan
    assert any("search_index USING PRIMARY KEY" in p for p in plans), plans
