"""The search index of the patient list: short keys that find short queries without a scan.

SQLite's LIKE ``'%q%'`` reads every patient; FTS5's trigram tokenizer cannot find queries under
three characters (``张``, ``zs``). ``search_index(kind, key, patient_id)`` holds, per patient:

* ``NAME_SUFFIX`` — every suffix of the lowercased name: a name fragment of any length is a
  prefix of one of them (a range scan);
* ``NAME`` — the whole lowercased name (ranking: names starting with the query);
* ``ID_NUMBER`` — the lowercased ID number (ranking: ID numbers starting with the query);
* ``NUMBER_GRAM`` — every 4-character piece of each number in ``search_numbers`` (ID, insurance,
  special-disease, disability, phones, rescue cards): a number query of 4 or more digits contains
  each of its 4-grams, so the rarest of them gives the candidates; shorter number queries match
  too many patients for an index to help and are answered by a scan from the newest patient;
* ``PINYIN`` — every variant in ``search_initials`` and ``search_pinyin`` (a prefix range).

The index only proposes candidates: ``patients.search`` checks every candidate with the same
LIKE conditions and ranks with the same ORDER BY as a plain scan, so a key too many costs time,
never a wrong result; a key too few would lose a match, so the keys are written by triggers on
``patients`` — the one place every insert, edit and delete passes, in the same transaction.

Derived data, rebuilt from ``patients``: deliberately not sealed (like ``line_cover``).
"""
from __future__ import annotations

NAME_SUFFIX, NAME, ID_NUMBER, NUMBER_GRAM, PINYIN = 1, 2, 3, 4, 5
GRAM = 4  # characters in a NUMBER_GRAM key
KEYED_COLUMNS = ("id", "name", "id_number", "search_numbers", "search_initials", "search_pinyin")


def keys_sql(row: str, source: str = "") -> str:
    """A SELECT of (kind, key, patient_id) for the patient ``row`` (``NEW``/``OLD`` in a trigger,
    or an alias of ``source``, e.g. ``FROM patients p``)."""
    r = row
    return f"""
WITH RECURSIVE v(id, nm, idn, nums, py) AS (
    SELECT {r}.id, lower({r}.name), lower({r}.id_number), lower(coalesce({r}.search_numbers, '')),
           ' ' || lower(coalesce({r}.search_initials, '')) || ' '
               || lower(coalesce({r}.search_pinyin, '')) || ' ' {source}),
  pos(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM pos
             WHERE n < (SELECT max(max(length(nm)), max(length(nums)), max(length(py))) FROM v))
SELECT {NAME_SUFFIX} AS kind, substr(nm, n) AS key, id AS patient_id FROM v JOIN pos ON n <= length(nm)
UNION ALL SELECT {NAME}, nm, id FROM v WHERE nm IS NOT NULL
UNION ALL SELECT {ID_NUMBER}, idn, id FROM v WHERE idn IS NOT NULL
UNION ALL SELECT {NUMBER_GRAM}, substr(nums, n, {GRAM}), id FROM v JOIN pos ON n <= length(nums) - {GRAM - 1}
    WHERE instr(substr(nums, n, {GRAM}), ' ') = 0
UNION ALL SELECT {PINYIN}, substr(py, n + 1, instr(substr(py, n + 1), ' ') - 1), id FROM v
    JOIN pos ON n < length(py) WHERE substr(py, n, 1) = ' ' AND substr(py, n + 1, 1) <> ' '"""


TRIGGERS = ("search_index_insert", "search_index_update", "search_index_delete")


def create(db) -> None:
    """The table and its triggers (in migration m011)."""
    db.execute("CREATE TABLE IF NOT EXISTS search_index (kind INTEGER NOT NULL, key TEXT NOT NULL, "
               "patient_id INTEGER NOT NULL, PRIMARY KEY (kind, key, patient_id)) WITHOUT ROWID")
    install_triggers(db)


def _delete_old() -> str:
    return (f"DELETE FROM search_index WHERE patient_id = OLD.id AND (kind, key) IN "
            f"(SELECT kind, key FROM ({keys_sql('OLD')}));")


def install_triggers(db) -> None:
    for name in TRIGGERS:
        db.execute(f"DROP TRIGGER IF EXISTS {name}")
    changed = " OR ".join(f"OLD.[{c}] IS NOT NEW.[{c}]" for c in KEYED_COLUMNS)
    columns = ", ".join(f"[{c}]" for c in KEYED_COLUMNS)
    db.execute(f"CREATE TRIGGER search_index_insert AFTER INSERT ON patients BEGIN "
               f"INSERT OR IGNORE INTO search_index (kind, key, patient_id) {keys_sql('NEW')}; END")
    db.execute(f"CREATE TRIGGER search_index_update AFTER UPDATE OF {columns} ON patients "
               f"WHEN {changed} BEGIN {_delete_old()} "
               f"INSERT OR IGNORE INTO search_index (kind, key, patient_id) {keys_sql('NEW')}; END")
    db.execute(f"CREATE TRIGGER search_index_delete AFTER DELETE ON patients BEGIN {_delete_old()} END")


def rebuild(db) -> None:
    """Fill the index from every patient, in key order (much quicker than row by row)."""
    db.execute("DELETE FROM search_index")
    db.execute("INSERT OR IGNORE INTO search_index (kind, key, patient_id) "
               f"SELECT * FROM ({keys_sql('p', 'FROM patients p')}) ORDER BY 1, 2, 3")


def expected_rows(db) -> set[tuple]:
    """What the index should hold (tests compare it with the table)."""
    return set(db.execute(keys_sql("p", "FROM patients p")).fetchall())
