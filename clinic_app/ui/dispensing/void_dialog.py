"""作废领药记录: a final entry is never edited. A mistake is put right by voiding it — a void entry
with the opposite amounts, authorised by an administrator or officer with their password, the
drugs back into the batches they came from — and then recording the collection again."""
from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLineEdit

from ...domain import roles
from ...services import dispensing as dispensing_services
from ...storage import accounts, dispensing
from ..enrolment.common import ActionDialog, hint_label
from . import text

EXPLANATION = ("领药记录一经保存不能修改或删除。更正 = 作废 + 重新登记：作废后原记录保留不变，另记一条金额相反的"
               "作废记录，药品退回原批次库存，可用天数随之释放；再点“发药…”登记正确的领药记录。")


def authorisers(db) -> list[dict]:
    return [u for u in accounts.list_users(db) if u["role"] in dispensing.VOID_ROLES and u["active"]]


class VoidDialog(ActionDialog):
    # the entry already voided or dated after the void is the entry's row; the authoriser's
    # refusal (not one who may void, wrong password) is shown at the password typed for him
    FIELD_ROWS = {"dispensing_id": "entry", "date": "entry", "authoriser": "password"}
    OK_TEXT = "作废"

    def __init__(self, session, dispensing_id: int, parent=None):
        self.entry = dispensing.get(session.db, dispensing_id)
        super().__init__(session, self.entry["patient_id"], f"作废领药记录：{self.entry['date']}", parent)
        self.dispensing_id = dispensing_id
        self.info = hint_label(text.summary(self.entry))
        self.info.setObjectName("entry_summary")
        self.add_row("entry", "领药记录", self.info)
        self.explanation = self.add_row("explain", "", hint_label(EXPLANATION, "warning"))
        self.reason = self.add_row("reason", "作废原因", QLineEdit())
        self.reason.setPlaceholderText("如：数量录错、药品选错、重复登记")
        self.authoriser = QComboBox()
        for user in authorisers(self.db):
            self.authoriser.addItem(f"{user['display_name']}（{roles.LABELS[user['role']]}）", user["id"])
        me = session.user
        if self.authoriser.findData(me["id"]) >= 0:
            self.authoriser.setCurrentIndex(self.authoriser.findData(me["id"]))
        self.add_row("authoriser", "授权人", self.authoriser)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.Password)
        self.password.setPlaceholderText("授权人输入本人密码")
        self.add_row("password", "授权人密码", self.password)
        self.finish_layout()
        self.resize(640, 380)

    def choose_authoriser(self, user_id: int) -> None:
        self.authoriser.setCurrentIndex(self.authoriser.findData(user_id))

    def save(self):
        return dispensing_services.void_collection(self.db, self.session.user, self.dispensing_id,
                                                   self.reason.text(), self.authoriser.currentData(),
                                                   self.password.text())
