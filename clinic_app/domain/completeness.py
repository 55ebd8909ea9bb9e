"""Which required fields of the application form a stored patient still lacks.

Patients imported from a register (Attachment 8) have only the register's columns, so the
patient page can say "资料不全：缺 民族、疾病诊断" until staff fill in the rest.
"""
from __future__ import annotations

from .patient_fields import ALL_FIELDS, Field, is_blank


def _blank(value) -> bool:
    return is_blank(value) or (isinstance(value, str) and not value.strip())


def missing_required(record: dict, fields: tuple[Field, ...] = ALL_FIELDS) -> list[str]:
    """Labels of the required fields that are empty in ``record``, in form order."""
    return [f.label for f in fields if f.required and _blank(record.get(f.key))]


def summary(record: dict) -> str:
    """``资料不全：缺 民族、疾病诊断``, or ``""`` when nothing required is missing."""
    missing = missing_required(record)
    return f"资料不全：缺 {'、'.join(missing)}" if missing else ""
