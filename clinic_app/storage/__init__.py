"""SQLite storage through sqlite-utils. Functions take a ``Database`` and return plain dicts."""
from .errors import NotFoundError, StorageError  # noqa: F401
