"""A lost rescue card (五、(一)9): reported, its number void for good; a new number when reissued."""
from __future__ import annotations

from ...services import enrolment as enrolment_services
from ...storage import cards, clock, patients
from .common import ActionDialog, DateField, hint_label

LOST, REISSUE = "lost", "reissue"


class CardDialog(ActionDialog):
    FIELD_ROWS = {"lost_date": "date", "issued_date": "date"}

    def __init__(self, session, patient_id: int, mode: str, parent=None):
        self.mode = mode
        name = patients.get(session.db, patient_id)["name"]
        title = "挂失救助卡" if mode == LOST else "补发救助卡"
        super().__init__(session, patient_id, f"{title}：{name}", parent)
        self.ok_button.setText("挂失" if mode == LOST else "补发")
        if mode == LOST:
            card = cards.current(self.db, patient_id)
            number = cards.display_number(card) if card else "（无有效救助卡）"
            self.info = hint_label(f"编号 {number}，{card['issued_date']} 发放" if card else number)
            self.add_row("card", "救助卡", self.info)
            self.add_row("note", "", hint_label(
                "挂失后报免费服药项目办公室，原编号作废；补发时发放新编号。挂失期间发生的费用由患者自负。",
                "warning"))
            label = "遗失日期"
        else:
            lost = cards.awaiting_reissue(self.db, patient_id)
            text = (f"原编号 {cards.display_number(lost)}，{lost['lost_date']} 挂失（已作废）"
                    if lost else "（无待补发的挂失救助卡）")
            self.info = hint_label(text)
            self.add_row("card", "挂失的卡", self.info)
            self.add_row("note", "", hint_label("补发的救助卡按本镇顺序发放新编号"))
            label = "补发日期"
        self.date = self.add_row("date", label, DateField(clock.today()))
        self.finish_layout()
        self.resize(520, 220)

    def save(self):
        date = self.date_of("date", self.date)
        if self.mode == LOST:
            return enrolment_services.report_card_lost(self.db, self.session.user, self.patient_id, date)
        return enrolment_services.reissue_card(self.db, self.session.user, self.patient_id, date)
