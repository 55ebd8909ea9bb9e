"""The errors storage raises: the domain's error kinds (domain.errors), under the names storage
has always used. Messages are Chinese and fit to show to staff."""
from __future__ import annotations

from ..domain import errors as _kinds
from ..domain.errors import ClinicError, ConflictError, PermissionDenied, RefusedError  # noqa: F401


class StorageError(RefusedError):
    """A write or read refused by a rule or by the state of the database."""


class NotFoundError(StorageError, _kinds.NotFoundError):
    pass


class DuplicateError(StorageError, ConflictError):
    pass
