"""名额与候补: how many places the clinic has and holds, and the waiting list in the order places
are given (first approved first, 五、(一)6).

纳入第一位 gives a free place to the first in line — storage refuses when none is free or when
someone else is first, so the button only mirrors that. The number of places is the
administrator's to change (it comes from the programme office), and every change is audited.
"""
from __future__ import annotations

from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from ...domain import roles
from ...domain.errors import ClinicError
from ...domain.settings_spec import BY_KEY
from ...services import settings as setting_services
from ...storage import cards, programme, settings
from ...storage.errors import StorageError
from .. import messages
from ..style import set_role
from .content import places_text, waiting
from .table import ListTab

PLACES = BY_KEY["places"]


class PlacesTab(QWidget):
    def __init__(self, session, today, open_patient=None, on_change=None, parent=None):
        super().__init__(parent)
        self.session = session
        self.today = today
        self.on_change = on_change
        self.summary: dict = {}
        self.can_enrol = roles.may(session.role, "places.enrol")
        self.can_set_places = roles.may(session.role, "places.set")

        self.summary_label = QLabel()
        set_role(self.summary_label, "title")
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        set_role(self.hint, "hint")

        self.places_box = QLineEdit()  # typed: the programme office gives a number
        self.places_box.setValidator(QIntValidator(PLACES.minimum or 0, PLACES.maximum or 100000, self))
        self.places_box.setFixedWidth(90)
        self.places_box.returnPressed.connect(self.save_places)
        self.places_box.setEnabled(self.can_set_places)
        self.places_button = QPushButton("修改名额")
        self.places_button.setEnabled(self.can_set_places)
        self.places_button.setAutoDefault(False)
        self.places_button.clicked.connect(self.save_places)
        if not self.can_set_places:
            tip = "名额由免费服药办公室核定，只有管理员可以修改"
            self.places_box.setToolTip(tip)
            self.places_button.setToolTip(tip)
        places_row = QHBoxLayout()
        places_row.addWidget(QLabel(PLACES.label + "："))
        places_row.addWidget(self.places_box)
        places_row.addWidget(self.places_button)
        places_row.addStretch(1)

        self.list = ListTab(session, lambda: waiting(session.db), self, open_patient)
        self.list.layout().setContentsMargins(0, 0, 0, 0)
        self.enrol_button = QPushButton("纳入第一位")
        self.enrol_button.setProperty("primary", True)
        self.enrol_button.setAutoDefault(False)
        self.enrol_button.clicked.connect(self.enrol_first)
        self.list.top_layout.insertWidget(1, self.enrol_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.summary_label)
        layout.addLayout(places_row)
        layout.addWidget(self.hint)
        layout.addWidget(self.list, 1)

    # --- loading -------------------------------------------------------------------------
    def refresh(self) -> None:
        db = self.session.db
        self.summary = programme.places_summary(db)
        self.summary_label.setText(places_text(self.summary))
        self.places_box.setText(str(self.summary["places"]))
        self.list.refresh()
        first = programme.next_in_line(db)
        free = self.summary["free"]
        self.enrol_button.setEnabled(self.can_enrol and first is not None and free > 0)
        if first is None:
            hint = "候补名单为空。"
        elif free <= 0:
            hint = f"名额已满：有患者退出或名额增加后，才能纳入候补第一位 {first['name']}。"
        else:
            hint = f"有 {free} 个空余名额：可纳入候补第一位 {first['name']}（{first['approved_date']} 复审通过）。"
        if first is not None and first.get("skipped"):
            hint += "".join(f"（候补第 {s['position']} 位 {s['name']} 自 {s['admitted_on']} 起住院治疗，出院后方可纳入）"
                            for s in first["skipped"])
        if self.summary["occupied"] > self.summary["places"]:
            hint += f"已用名额（{self.summary['occupied']}）多于核定名额。"
        if not self.can_enrol:
            hint += "（只读用户不能纳入患者）"
        self.hint.setText(hint)

    # --- actions -------------------------------------------------------------------------
    def enrol_first(self):
        """Give the first in line a place and a rescue card; returns the card, or None."""
        if not self.can_enrol:
            return None
        db = self.session.db
        first = programme.next_in_line(db)
        if first is None:
            self._show_error("无法纳入", "候补名单为空")
            return None
        if not self._confirm("纳入第一位", f"将候补第一位 {first['name']}（{first['approved_date']} 复审通过）"
                                         f"纳入免费服药，并发放救助卡？"):
            return None
        try:
            card = programme.enrol(db, first["id"], self.today.isoformat(), self.session.user)
        except StorageError as exc:
            self._show_error("无法纳入", exc.message)
            self.refresh()
            return None
        self._changed()
        self._show_info("已纳入", f"{first['name']} 已纳入免费服药，救助卡编号：{cards.display_number(card)}")
        return card

    def save_places(self) -> bool:
        if not self.can_set_places:
            return False
        db = self.session.db
        before = settings.get(db, "places")
        if not self.places_box.hasAcceptableInput():
            self._show_error("无法修改名额", f"名额应为 {PLACES.minimum or 0} 到 {PLACES.maximum} 之间的整数")
            self.places_box.setText(str(before))
            return False
        after = int(self.places_box.text())
        if after == before:
            return False
        occupied = programme.places_summary(db)["occupied"]
        if after < occupied and not self._confirm(
                "修改名额", f"已有 {occupied} 名患者占用名额，多于新的名额 {after}。\n"
                           "已纳入的患者保留名额，但在有人退出之前不能再纳入新患者。确定修改吗？"):
            self.places_box.setText(str(before))
            return False
        try:
            setting_services.set_places(db, self.session.user, after)
        except ClinicError as exc:
            self._show_error("无法修改名额", exc.message)
            self.places_box.setText(str(before))
            return False
        self._changed()
        return True

    def _changed(self) -> None:
        self.refresh()
        if self.on_change:
            self.on_change()

    # --- dialogs (tests replace these) ---------------------------------------------------
    def _confirm(self, title: str, text: str) -> bool:
        return messages.confirm(self, title, text)

    def _show_info(self, title: str, text: str) -> None:
        messages.info(self, title, text)

    def _show_error(self, title: str, text: str) -> None:
        messages.error(self, title, text)
