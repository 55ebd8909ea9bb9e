"""A database as the version before a migration left it: the migration's triggers and table
dropped and the migration unrecorded, so the next ``open_database`` runs it on existing rows."""


def undo_migration(db, migration: str, table: str, triggers) -> None:
    """Undo ``migration`` (which made ``table`` and ``triggers``) and close ``db``."""
    for name in triggers:
        db.execute(f"DROP TRIGGER {name}")
    db.execute(f"DROP TABLE {table}")
    db.execute("DELETE FROM _sqlite_migrations WHERE name = ?", [migration])
    db.conn.commit()
    db.conn.close()
