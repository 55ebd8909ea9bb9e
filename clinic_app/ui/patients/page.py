"""患者信息: every field of one patient, read-only, grouped like the form.

Opening the page is audited (查看); showing the full ID numbers is audited again (显示完整身份证号).
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QDialog, QGroupBox, QHBoxLayout, QLabel, QMenu, QPushButton, QScrollArea,
                               QSizePolicy, QTabWidget, QVBoxLayout, QWidget)

from ...domain import patient_fields as pf
from ...domain import roles
from ...services import patients as patient_services
from ...storage import patients
from . import display
from .field_cell import field_label
from .field_grid import FieldGrid, reflow
from .household import describe
from .list_model import age_of
from .photo_box import photo_label

REVEAL_TEXT = "显示完整号码"
FLAG_STYLE = "color: #b25e00;"
VALUE_HEIGHT = 26


def stamp(value: str | None) -> str:
    """``2024-05-01T09:30:12`` → ``2024-05-01 09:30``."""
    return value.replace("T", " ")[:16] if value else display.BLANK


class PatientPage(QDialog):
    def __init__(self, session, patient_id: int, parent=None):
        super().__init__(parent)
        self.session = session
        self.patient_id = patient_id
        self.revealed = False
        self.current_dialog = None
        self._values: dict[str, QLabel] = {}
        self._flags: dict[str, QLabel] = {}
        self._grids: list[FieldGrid] = []
        self.record = patient_services.view_patient(session.db, session.user, patient_id)
        self._build()
        self._populate()
        self.resize(960, 760)

    # --- building ------------------------------------------------------------------------
    def _build(self) -> None:
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.reveal_button = QPushButton(REVEAL_TEXT)
        self.reveal_button.setToolTip("显示患者和监护人的完整身份证号、残疾证号（将记入审计记录）")
        self.reveal_button.setEnabled(roles.can_reveal_id_numbers(self.session.role))
        self.reveal_button.clicked.connect(self.reveal)
        self.edit_button = QPushButton("编辑")
        self.edit_button.setEnabled(roles.can_edit_patients(self.session.role))
        self.edit_button.clicked.connect(self.edit)
        self.close_button = QPushButton("关闭")
        self.close_button.clicked.connect(self.reject)
        self.print_button = QPushButton("打印(&P)")
        self.print_button.setObjectName("print_menu")
        self.print_button.setEnabled(roles.may(self.session.role, "patient.print"))
        self.print_button.setToolTip("打印本患者的审批表、服务协议、领药单和救助卡（先预览，可另存为 PDF）")
        buttons = QHBoxLayout()
        buttons.addWidget(self.reveal_button)
        buttons.addStretch(1)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.close_button)
        for button in (self.reveal_button, self.edit_button):
            button.setAutoDefault(False)
        layout = QVBoxLayout(self)
        # --- 免费服药项目 tab (clinic_app.ui.enrolment) -------------------------------------------
        from ..enrolment import EnrolmentPanel

        self.enrolment = EnrolmentPanel(self.session, self.patient_id)
        self.enrolment.changed.connect(self.reload)
        enrolment_scroll = QScrollArea()
        enrolment_scroll.setWidgetResizable(True)
        enrolment_scroll.setWidget(self.enrolment)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.scroll, "基本信息")
        self.tabs.addTab(enrolment_scroll, "免费服药项目")
        layout.addWidget(self.tabs, 1)
        # --- end 免费服药项目 tab ---------------------------------------------------------------
        # --- 领药记录 tab (clinic_app.ui.dispensing) ---------------------------------------------
        from ..dispensing import DispensingPanel

        self.dispensing = DispensingPanel(self.session, self.patient_id)
        self.enrolment.changed.connect(self.dispensing.reload)  # admitted, left, card lost…
        dispensing_scroll = QScrollArea()
        dispensing_scroll.setWidgetResizable(True)
        dispensing_scroll.setWidget(self.dispensing)
        self.tabs.addTab(dispensing_scroll, "领药记录")
        # --- end 领药记录 tab -------------------------------------------------------------------
        layout.addLayout(buttons)
        self._build_print_menu()

    # --- 打印 -----------------------------------------------------------------------------------
    def _build_print_menu(self) -> None:
        """Every paper of this patient, with its shortcut shown in the menu; Ctrl+P prints the
        approval form, the patient's main document."""
        from ..printing.flow import PrintFlow

        self.print_flow = PrintFlow(self, self.session)
        menu = QMenu(self)
        self.print_actions: dict[str, QAction] = {}
        entries = (("application", "服药审批表（附件4）及申请材料清单…", self.print_application,
                    QKeySequence(QKeySequence.StandardKey.Print)),
                   ("agreement", "服务协议（待签字，供阅读）…", self.print_agreement, None),
                   (None, None, None, None),
                   ("slip", "所选领药记录的领药单…", self.dispensing.print_slip, None),
                   ("card_rows", "救助卡新记录（套打）…", self.dispensing.print_new_rows, QKeySequence("Ctrl+Shift+P")),
                   ("card", "整本救助卡…", self.dispensing.print_card, None))
        for key, text, slot, shortcut in entries:
            if key is None:
                menu.addSeparator()
                continue
            action = QAction(text, self)
            action.setObjectName(f"print_{key}")
            if shortcut is not None:
                action.setShortcut(shortcut)
                action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(lambda _checked=False, run=slot: run())
            menu.addAction(action)
            self.addAction(action)  # the shortcut works wherever the focus is on the page
            self.print_actions[key] = action
        menu.aboutToShow.connect(self._enable_print_actions)
        self.print_button.setMenu(menu)
        self._enable_print_actions()

    def _enable_print_actions(self) -> None:
        may = roles.may(self.session.role, "patient.print")
        allowed = self.dispensing.allowed()
        state = {"application": may, "agreement": may, "slip": allowed["slip"], "card_rows": allowed["card"],
                 "card": allowed["card"]}
        for key, action in self.print_actions.items():
            action.setEnabled(state[key])

    def print_application(self) -> bool:
        from ..enrolment.printouts import print_application_form

        if not roles.may(self.session.role, "patient.print"):
            return False
        return print_application_form(self.print_flow, self.session, self.patient_id)

    def print_agreement(self) -> bool:
        from ..enrolment.printouts import print_agreement_to_read

        if not roles.may(self.session.role, "patient.print"):
            return False
        return print_agreement_to_read(self.print_flow, self.session, self.patient_id, self)

    def _populate(self) -> None:
        self.setWindowTitle(f"患者信息：{self.record['name']}")
        self._values, self._flags, self._grids = {}, {}, []
        content = QWidget()
        column = QVBoxLayout(content)
        column.addWidget(self._build_header())
        flags = display.flags(self.record)
        for group in pf.GROUPS:
            column.addWidget(self._build_group(group, flags))
            if group == pf.GROUP_RESIDENCE:
                column.addWidget(self._build_household())
        column.addStretch(1)
        self.scroll.setWidget(content)  # the old content is deleted
        self._reflow()

    def _build_header(self) -> QWidget:
        name = QLabel(self.record["name"])
        name.setStyleSheet("font-size: 18pt; font-weight: bold; color: #1d4f91;")
        age = age_of(self.record.get("birth_date"))
        sub = QLabel(display.headline(self.record, age))
        sub.setStyleSheet("font-size: 12pt; color: #334e68;")
        times = QLabel(f"登记于 {stamp(self.record.get('created_at'))}　"
                       f"最后修改 {stamp(self.record.get('updated_at'))}")
        times.setStyleSheet("color: #7b8794;")
        from ..enrolment import header_text  # 免费服药项目 status and rescue card number

        self.programme_label = QLabel(header_text(self.session.db, self.patient_id))
        self.programme_label.setObjectName("programme_header")
        self.programme_label.setStyleSheet("font-size: 11pt; color: #1d4f91;")
        header = QWidget()
        layout = QVBoxLayout(header)
        for label in (name, sub, self.programme_label, times):
            layout.addWidget(label)
        return header

    def _build_group(self, group: str, flags: dict) -> QGroupBox:
        box = QGroupBox(group)
        grid = FieldGrid()
        self._grids.append(grid)
        for field in pf.ALL_FIELDS:
            if field.group == group:
                grid.add(field_label(field, min_height=VALUE_HEIGHT, mark_required=False),
                         self._value_cell(field, flags.get(field.key)),
                         wide=field.kind == pf.MULTI)
        QVBoxLayout(box).addWidget(grid)
        return box

    def _value_cell(self, field: pf.Field, flag: str | None) -> QWidget:
        if field.kind == pf.IMAGE:
            return self._photo_cell()
        value = QLabel(display.shown(field, self.record.get(field.key), self.revealed))
        value.setObjectName(f"value_{field.key}")
        value.setWordWrap(True)
        value.setMinimumHeight(VALUE_HEIGHT)
        value.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self._values[field.key] = value
        cell = QWidget()
        # Long values wrap instead of widening their column: both columns stay the same width.
        cell.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)
        layout = QVBoxLayout(cell)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(value)
        if flag:
            note = QLabel(flag)
            note.setObjectName(f"flag_{field.key}")
            note.setStyleSheet(FLAG_STYLE)
            note.setWordWrap(True)
            self._flags[field.key] = note
            layout.addWidget(note)
        layout.addStretch(1)
        return cell

    def _photo_cell(self) -> QWidget:
        """The fixed-size photo in a stretchy holder, so its column can still widen."""
        data = patients.get_photo(self.session.db, self.patient_id) if self.record.get("has_photo") else None
        cell = QWidget()
        layout = QHBoxLayout(cell)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(photo_label(data))
        layout.addStretch(1)
        return cell

    def _build_household(self) -> QGroupBox:
        box = QGroupBox("同户患者")
        layout = QVBoxLayout(box)
        members = [m for m in patients.household_members(self.session.db, self.record["household_id"])
                   if m["id"] != self.patient_id]
        if not members:
            layout.addWidget(QLabel("单独立户"))
        self.member_labels = []
        for member in members:
            link = QLabel(f'<a href="{member["id"]}">{describe(member)}</a>')
            link.setTextFormat(Qt.RichText)
            link.setToolTip("点击打开该患者")
            link.linkActivated.connect(lambda href: self.open_member(int(href)))
            layout.addWidget(link)
            self.member_labels.append(link)
        return box

    def _reflow(self) -> None:
        reflow(self._grids, self.width())

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._reflow()

    # --- reading, for tests and callers ---------------------------------------------------
    def value_text(self, key: str) -> str:
        return self._values[key].text()

    def flag_text(self, key: str) -> str:
        return self._flags[key].text() if key in self._flags else ""

    # --- actions -------------------------------------------------------------------------
    def reveal(self) -> None:
        if self.revealed or not roles.can_reveal_id_numbers(self.session.role):
            return
        patient_services.reveal_id_numbers(self.session.db, self.session.user, self.patient_id)
        self.revealed = True
        for field in pf.ALL_FIELDS:
            if field.sensitive and field.key in self._values:
                self._values[field.key].setText(display.shown(field, self.record.get(field.key), True))
        self.reveal_button.setEnabled(False)

    def reload(self) -> None:
        self.record = patients.get(self.session.db, self.patient_id)
        self._populate()

    def edit(self):
        if not roles.can_edit_patients(self.session.role):
            return None
        from .form import PatientForm

        form = PatientForm(self.session, self.patient_id, parent=self)
        form.accepted.connect(self.reload)
        form.accepted.connect(self.enrolment.reload)  # eligibility follows the edited record
        return self._show_dialog(form)

    def open_member(self, patient_id: int):
        return self._show_dialog(PatientPage(self.session, patient_id, parent=self))

    def _show_dialog(self, dialog):
        self.current_dialog = dialog
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.open()
        return dialog
