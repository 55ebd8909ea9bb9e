"""What someone with the sqlite3 shell does first: drop every trigger (the append-only ones and
the seal triggers, which call functions only the program has), so that any edit goes through."""


def drop_all_triggers(conn) -> None:
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        conn.execute(f"DROP TRIGGER [{name}]")
