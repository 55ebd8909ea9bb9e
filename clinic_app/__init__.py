"""clinic_app: the programme's desktop program.

The database is encrypted with SQLCipher (``sqlcipher3``, a fork of ``pysqlite3`` with the same
API). sqlite-utils uses ``pysqlite3`` when it can import it, so ``sqlcipher3`` is registered under
that name before anything imports sqlite-utils: its own ``except OperationalError`` clauses then
catch the errors of the connections it is actually given. ``storage.driver`` checks it worked.
"""
import sys

__version__ = "0.1.0"


def _sqlite_utils_on_sqlcipher() -> None:
    if "sqlite_utils" in sys.modules:
        return  # too late to choose: storage.driver reports it
    try:
        import sqlcipher3
        import sqlcipher3.dbapi2
    except ImportError:
        return  # storage.driver says what is missing
    sys.modules["pysqlite3"] = sqlcipher3
    sys.modules["pysqlite3.dbapi2"] = sqlcipher3.dbapi2


_sqlite_utils_on_sqlcipher()
