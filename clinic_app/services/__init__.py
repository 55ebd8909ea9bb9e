"""The one door for every write: one function per use case.

Each use case takes the acting user, checks the role against ``domain.roles.PERMISSIONS``, checks
the programme's rule (the same ``*_refusal`` function a screen uses to explain itself), writes in
one transaction and leaves its audit row. The GUI and every CLI command call these, and nothing
below them, to change anything; storage underneath stays plain reads and writes.
"""
from __future__ import annotations

from .acting import acting_user, require  # noqa: F401
