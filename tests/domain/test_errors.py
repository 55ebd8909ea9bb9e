"""One error root: every kind carries a Chinese message and, where it has one, the field."""
from __future__ import annotations

import pytest

from clinic_app.domain import errors
from clinic_app.storage import errors as storage_errors


@pytest.mark.parametrize("kind", [errors.ValidationError, errors.RefusedError, errors.NotFoundError,
                                  errors.PermissionDenied, errors.ConflictError, storage_errors.StorageError,
                                  storage_errors.NotFoundError, storage_errors.DuplicateError])
def test_every_kind_is_a_clinic_error_with_message_and_field(kind):
    error = kind("身份证号校验位不对", field="id_number")
    assert isinstance(error, errors.ClinicError)
    assert (error.message, error.field, str(error)) == ("身份证号校验位不对", "id_number", "身份证号校验位不对")
    assert kind("无字段").field is None


def test_storage_kinds_are_the_domain_kinds():
    assert issubclass(storage_errors.NotFoundError, errors.NotFoundError)
    assert issubclass(storage_errors.DuplicateError, errors.ConflictError)
    assert issubclass(storage_errors.StorageError, errors.RefusedError)
    assert issubclass(errors.ValidationError, ValueError)   # callers that caught ValueError still do
