"""The patient list as a table model: rows from ``storage.patients.search``, ID numbers masked."""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

from ...domain import idnumber, privacy
from ...domain.programme_status import STATUS_LABELS

SORT_ROLE = Qt.UserRole + 1

COLUMNS = ("姓名", "性别", "年龄", "身份证号", "镇（街）", "村（社区）", "疾病诊断", "项目状态", "监护人",
           "联系电话")
AGE_COLUMN = COLUMNS.index("年龄")
PHONE_COLUMN = COLUMNS.index("联系电话")


def age_of(birth_date: str | None, today: dt.date | None = None) -> int | None:
    if not birth_date:
        return None
    try:
        born = dt.date.fromisoformat(birth_date)
    except ValueError:
        return None
    return idnumber.age_on(born, today or dt.date.today())


def contact_phone(row: dict) -> str:
    """The patient's own phone, else the guardian's."""
    return row.get("phone") or row.get("guardian_phone") or ""


def cells(row: dict, today: dt.date | None = None) -> tuple:
    """What each column shows for one search row; the ID number is always masked."""
    return (
        row.get("name") or "",
        row.get("sex") or "",
        age_of(row.get("birth_date"), today),
        privacy.id_shown(row.get("id_number"), privacy.LIST),
        row.get("town") or "",
        row.get("village") or "",
        row.get("diagnosis") or "",
        STATUS_LABELS.get(row.get("programme_status"), ""),
        row.get("guardian_name") or "",
        contact_phone(row),
    )


class PatientTableModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[dict] = []
        self._cells: list[tuple] = []

    def set_rows(self, rows: list[dict]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        today = dt.date.today()
        self._cells = [cells(r, today) for r in self._rows]
        self.endResetModel()

    def patient_id(self, row: int) -> int:
        return self._rows[row]["id"]

    def row_of(self, patient_id: int) -> int | None:
        for i, r in enumerate(self._rows):
            if r["id"] == patient_id:
                return i
        return None

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        value = self._cells[index.row()][index.column()]
        if role == Qt.DisplayRole:
            return "" if value is None else value
        if role == SORT_ROLE:
            return -1 if value is None else value
        if role == Qt.ToolTipRole and index.column() == PHONE_COLUMN:
            row = self._rows[index.row()]
            if not row.get("phone") and row.get("guardian_phone"):
                return "监护人联系电话"
        if role == Qt.TextAlignmentRole and index.column() == AGE_COLUMN:
            return int(Qt.AlignRight | Qt.AlignVCenter)
        return None

    def headerData(self, section, orientation, role=Qt.DisplayRole):  # noqa: N802
        if role == Qt.DisplayRole and orientation == Qt.Horizontal:
            return COLUMNS[section]
        if role == Qt.DisplayRole and orientation == Qt.Vertical:
            return section + 1
        return None
