"""One root for every error a user may see.

``message`` is Simplified Chinese, fit to show as it is; ``field`` names the input it is about
— a stable English key, the name of the argument that carried it (``signed_date``, ``reason``)
— so a screen puts the message beside that widget without reading the text (a dialog whose row
is named otherwise maps the one to the other, ``ActionDialog.FIELD_ROWS``). A refusal about a
record rather than an input (already voided, still under review) names no field and is shown
on the screen's general message line. The subclasses say what kind of "no" it is, which a caller may treat
differently (a permission refusal is audited, a conflict may be retried), while every one of them
is shown the same way.
"""
from __future__ import annotations


class ClinicError(Exception):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class ValidationError(ClinicError, ValueError):
    """Bad input, shown beside the field it was typed in."""


class RefusedError(ClinicError):
    """A rule of the programme says no (a collection over the limit, a closed quarter, …)."""


class NotFoundError(ClinicError):
    """The record asked for does not exist (or no longer does)."""


class PermissionDenied(ClinicError):
    """The acting user's role may not do this (domain.roles)."""


class ConflictError(ClinicError):
    """The write collides with what is already there: a duplicate, a lock held by another
    program, a change made meanwhile."""
