"""危险性评估 (level 0–5, each with the national norm's definition in full) and 病情加重 flags."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QButtonGroup, QGridLayout, QLabel, QLineEdit, QRadioButton, QWidget

from ...domain import risk as risk_rules
from ...services import enrolment as enrolment_services
from ...storage import clock, patients

from .common import ActionDialog, DateField, FieldError, hint_label

FLAG, CLEAR = "flag", "clear"


class _Definition(QLabel):
    """The definition beside its radio button; clicking the text picks the level too."""

    def __init__(self, text: str, radio: QRadioButton):
        super().__init__(text)
        self.radio = radio
        self.setWordWrap(True)
        self.setCursor(Qt.PointingHandCursor)

    def mousePressEvent(self, event) -> None:  # noqa: N802
        self.radio.setChecked(True)
        self.radio.setFocus(Qt.MouseFocusReason)
        super().mousePressEvent(event)


class RiskDialog(ActionDialog):
    OK_TEXT = "保存评估"

    def __init__(self, session, patient_id: int, parent=None):
        name = patients.get(session.db, patient_id)["name"]
        super().__init__(session, patient_id, f"危险性评估：{name}", parent)
        levels = QWidget()
        levels.setObjectName("levels")
        grid = QGridLayout(levels)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(10)
        grid.setColumnStretch(1, 1)
        self.level_group = QButtonGroup(levels)
        self.levels: dict[int, QRadioButton] = {}
        self.definitions: dict[int, QLabel] = {}
        for row, (level, text) in enumerate(risk_rules.LEVELS.items()):
            radio = QRadioButton(risk_rules.label(level))
            radio.setObjectName(f"level_{level}")
            self.level_group.addButton(radio, level)
            definition = _Definition(text, radio)
            definition.setObjectName(f"definition_{level}")
            grid.addWidget(radio, row, 0, Qt.AlignTop)
            grid.addWidget(definition, row, 1)
            self.levels[level] = radio
            self.definitions[level] = definition
        grid.addWidget(hint_label(f"分级依据：{risk_rules.SOURCE}"), len(risk_rules.LEVELS), 0, 1, 2)
        self.add_row("level", "危险性等级", levels, focus=self.levels[0])
        self.date = self.add_row("date", "评估日期", DateField(clock.today()))
        self.assessor = QLineEdit(session.user.get("display_name") or "")
        self.assessor.setMaxLength(30)
        self.add_row("assessor", "评估人", self.assessor)
        self.note = QLineEdit()
        self.note.setMaxLength(200)
        self.add_row("note", "备注", self.note)
        self.finish_layout()
        self.resize(680, 460)

    def choose(self, level: int) -> None:
        self.levels[level].setChecked(True)

    def save(self):
        level = self.level_group.checkedId()
        if level < 0:
            raise FieldError("level", "请选择危险性等级（0–5级）")
        return enrolment_services.assess_risk(self.db, self.session.user, self.patient_id, level,
                                              self.date_of("date", self.date), self.assessor.text(), self.note.text())


class WorseningDialog(ActionDialog):
    """``flag``: the psychiatrist reports a worsening; ``clear``: close the open flag with a note."""

    def __init__(self, session, patient_id: int, mode: str = FLAG, flag: dict | None = None, parent=None):
        self.mode = mode
        self.flag = flag
        name = patients.get(session.db, patient_id)["name"]
        title = "标记病情加重" if mode == FLAG else "解除病情加重标记"
        super().__init__(session, patient_id, f"{title}：{name}", parent)
        self.ok_button.setText("标记" if mode == FLAG else "解除")
        if mode == FLAG:
            self.add_row("info", "", hint_label(
                "精神科医师报告病情加重后，卫生院须报告综治办和派出所；未解除前列入“病情加重”名单。", "warning"))
        else:
            self.add_row("info", "标记", hint_label(
                f"{flag['date']} 标记病情加重" + (f"：{flag['note']}" if flag and flag.get("note") else "")))
        self.date = self.add_row("date", "日期" if mode == FLAG else "解除日期", DateField(clock.today()))
        self.note = QLineEdit()
        self.note.setMaxLength(200)
        self.note.setPlaceholderText("如：医师报告病情波动，已通知综治办、派出所" if mode == FLAG
                                     else "如：已送治 / 病情已稳定")
        self.add_row("note", "说明", self.note)
        self.finish_layout()
        self.resize(560, 240)

    def save(self):
        date = self.date_of("date", self.date)
        if self.mode == FLAG:
            return enrolment_services.flag_worsening(self.db, self.session.user, self.patient_id, date,
                                                     self.note.text())
        return enrolment_services.clear_worsening(self.db, self.session.user, self.flag["id"], date, self.note.text())
