"""The README says what the program does; the parts generated from code must stay equal to it."""
from __future__ import annotations

from pathlib import Path

from clinic_app.domain import roles

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_the_readme_holds_the_permission_table_as_the_code_has_it():
    assert roles.permission_table_markdown() in README


def test_the_readme_points_to_nothing_outside_the_repository():
    assert "../shared" not in README and "/work/" not in README


def test_the_readme_begins_with_the_two_commands():
    head = README[:800]
    assert "./run.sh" in head and "./test.sh" in head
