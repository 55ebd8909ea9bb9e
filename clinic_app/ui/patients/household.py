"""同户患者: stay a household of one, or share the household of a patient already registered."""
from __future__ import annotations

from PySide6.QtCore import QStringListModel, QTimer, Signal
from PySide6.QtWidgets import (QCompleter, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QPushButton,
                               QVBoxLayout)

from ...domain import privacy
from ...domain import patient_fields as pf
from ...storage import patients

ALONE = "单独立户"
MAX_CANDIDATES = 15
# What two patients of one household usually have in common, offered for copying.
ADDRESS_KEYS = ("town", "village", "address", "postcode", "hukou_type")
SHARED_KEYS = ADDRESS_KEYS + tuple(f.key for f in pf.GUARDIAN_FIELDS
                                   if f.key != "guardian_relationship")


def describe(row: dict) -> str:
    return f"{row['name']}（{privacy.id_shown(row.get('id_number'), privacy.LIST)}）"


class HouseholdBox(QGroupBox):
    """Emits ``chosen(patient_id)`` when the user picks a patient to share a household with."""

    chosen = Signal(int)

    def __init__(self, session, patient_id: int | None = None, household_id: int | None = None,
                 parent=None):
        super().__init__("同户患者", parent)
        self.session = session
        self.patient_id = patient_id
        self.original_household_id = household_id
        self.household_id = household_id
        self.partner: dict | None = None
        self._candidates: dict[str, int] = {}
        self._build()
        self._show_state()

    def _build(self) -> None:
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.search = QLineEdit()
        self.search.setPlaceholderText("输入同户患者的姓名、拼音首字母或身份证号，从列表中选择")
        self.search.setClearButtonEnabled(True)
        self._model = QStringListModel(self)
        self.completer = QCompleter(self._model, self)
        self.completer.setCompletionMode(QCompleter.UnfilteredPopupCompletion)
        self.completer.setMaxVisibleItems(MAX_CANDIDATES)
        self.search.setCompleter(self.completer)
        self.search.textEdited.connect(self.update_candidates)
        self.completer.activated[str].connect(self._choose_text)
        self.alone_button = QPushButton(ALONE if self.original_household_id is None else "恢复原户")
        self.alone_button.setAutoDefault(False)
        self.alone_button.clicked.connect(self.reset)
        self.split_button = QPushButton("迁出，另立一户")
        self.split_button.setAutoDefault(False)
        self.split_button.clicked.connect(self.split)
        row = QHBoxLayout()
        row.addWidget(self.search, 1)
        row.addWidget(self.alone_button)
        row.addWidget(self.split_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addLayout(row)

    # --- choosing ------------------------------------------------------------------------
    def update_candidates(self, text: str) -> list[dict]:
        rows = [r for r in patients.search(self.session.db, text, limit=MAX_CANDIDATES)
                if r["id"] != self.patient_id] if text.strip() else []
        self._candidates = {}
        for r in rows:
            label = describe(r)
            if label in self._candidates:
                label = f"{label} #{r['id']}"
            self._candidates[label] = r["id"]
        self._model.setStringList(list(self._candidates))
        return rows

    def _choose_text(self, text: str) -> None:
        if text in self._candidates:
            self.choose(self._candidates[text])

    def choose(self, patient_id: int) -> None:
        self.partner = patients.get(self.session.db, patient_id)
        self.household_id = self.partner["household_id"]
        QTimer.singleShot(0, self.search.clear)  # after the completer has written its choice in
        self._show_state()
        self.chosen.emit(patient_id)

    def reset(self) -> None:
        self.partner = None
        self.household_id = self.original_household_id
        self.search.clear()
        self._show_state()

    def split(self) -> None:
        """An existing patient leaves a shared household for one of his own."""
        self.partner = None
        self.household_id = patients.NEW_HOUSEHOLD
        self.search.clear()
        self._show_state()

    def household_id_to_save(self) -> int | None:
        """For storage: ``None`` keeps things as they are (a new household for a new patient)."""
        return self.household_id if self.household_id != self.original_household_id else None

    # --- showing -------------------------------------------------------------------------
    def _members(self) -> list[dict]:
        if self.household_id in (None, patients.NEW_HOUSEHOLD):
            return []
        return [m for m in patients.household_members(self.session.db, self.household_id)
                if m["id"] != self.patient_id]

    def _show_state(self) -> None:
        members = self._members()
        if not members:
            text = ALONE
        else:
            text = "与 " + "、".join(describe(m) for m in members) + " 同户"
        if self.household_id_to_save() is not None:
            text += "（保存后生效）"
        self.status.setText(text)
        self.alone_button.setVisible(self.household_id != self.original_household_id)
        self.split_button.setVisible(self.patient_id is not None and bool(members)
                                     and self.household_id == self.original_household_id)
