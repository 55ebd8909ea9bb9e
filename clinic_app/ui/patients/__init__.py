"""Patients: the searchable list, the registration form and the read-only patient page."""
from .form import PatientForm
from .list_widget import PatientListWidget
from .page import PatientPage

__all__ = ["PatientListWidget", "PatientForm", "PatientPage"]
