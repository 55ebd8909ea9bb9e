"""The layers stay apart: only the UI touches Qt, and the domain rules touch no database.

Imports are read with ``ast``, so one hidden inside a function is caught as well.
"""
import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "clinic_app"
MODULES = sorted(PACKAGE.rglob("*.py"))


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> list[tuple[int, str]]:
    package = _module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    return _imports_in(path.read_text(encoding="utf-8"), package)


def _imports_in(source: str, package: list[str]) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import anywhere in the source, nested ones too."""
    tree = ast.parse(source)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(node, package)
            found.append((node.lineno, base))
            # ``from . import storage`` names a module in the alias, not in ``module``.
            found.extend((node.lineno, f"{base}.{alias.name}") for alias in node.names)
    return found


def _resolve(node: ast.ImportFrom, package: list[str]) -> str:
    if not node.level:
        return node.module or ""
    base = package[:len(package) - (node.level - 1)] if node.level > 1 else package
    return ".".join(base + ([node.module] if node.module else []))


def _starts(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def _violations(paths, forbidden) -> list[str]:
    return [f"{p.relative_to(PACKAGE.parent)}:{line} imports {name}"
            for p in paths for line, name in _imports(p)
            if any(_starts(name, prefix) for prefix in forbidden)]


def _under(folder: str):
    return [p for p in MODULES if p.relative_to(PACKAGE).parts[0] == folder]


def test_the_package_is_found():
    assert PACKAGE / "cli.py" in MODULES
    assert _under("domain") and _under("storage")


def test_only_the_ui_imports_qt():
    outside_ui = [p for p in MODULES if p.relative_to(PACKAGE).parts[0] != "ui"]
    assert _violations(outside_ui, ["PySide6", "shiboken6"]) == []


def test_the_domain_does_not_touch_the_database():
    assert _violations(_under("domain"),
                       ["sqlite3", "sqlite_utils", "clinic_app.storage", "clinic_app.ui"]) == []


# --- the checker itself ------------------------------------------------------------------------

@pytest.mark.parametrize("source, expected", [
    ("import PySide6.QtWidgets", "PySide6.QtWidgets"),
    ("from PySide6 import QtCore", "PySide6"),
    ("def f():\n    from PySide6.QtGui import QFont\n", "PySide6.QtGui"),
    ("class A:\n    def m(self):\n        import sqlite3\n", "sqlite3"),
    ("from ..storage import db", "clinic_app.storage"),
    ("from .. import storage", "clinic_app.storage"),
    ("from ..storage.db import connect", "clinic_app.storage.db"),
    ("try:\n    import sqlite_utils\nexcept ImportError:\n    pass\n", "sqlite_utils"),
])
def test_the_checker_sees_every_form_of_import(source, expected):
    names = [name for _, name in _imports_in(source, ["clinic_app", "domain"])]
    assert expected in names


def test_the_checker_does_not_flag_lookalikes():
    assert not _starts("PySide6x", "PySide6")
    assert not _starts("sqlite3_extra", "sqlite3")
    assert _starts("clinic_app.storage.db", "clinic_app.storage")


# --- no SQL above storage ------------------------------------------------------------------------

SQL_CALLS = {"execute", "executemany", "executescript", "query"}


def _sql_in(source: str) -> list[tuple[int, str]]:
    """(line, what) of every call that runs SQL (``db.execute``, ``db.query``, …) and every table
    reached as ``db["…"]``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in SQL_CALLS:
            found.append((node.lineno, f"calls .{node.func.attr}()"))
        elif (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == "db"
              and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str)):
            found.append((node.lineno, f"reads db[{node.slice.value!r}]"))
    return found


@pytest.mark.parametrize("folder", ["ui", "documents"])
def test_screens_and_documents_run_no_sql_of_their_own(folder):
    """They read through ``storage`` functions: the SQL stays in one layer."""
    hits = [f"{p.relative_to(PACKAGE.parent)}:{line} {what}"
            for p in _under(folder) for line, what in _sql_in(p.read_text(encoding="utf-8"))]
    assert hits == []


def test_the_sql_checker_sees_calls_and_tables():
    source = 'def f(db):\n    db.execute("SELECT 1")\n    return db["patients"].get(1)\n'
    assert sorted(_sql_in(source)) == [(2, "calls .execute()"), (3, "reads db['patients']")]
