"""Printing the collection slip and the rescue card — the whole booklet, or only the new rows
onto the card already printed — through the print preview (``ui.printing``).

The jobs themselves (use cases of ``clinic_app.services.printing``) check the right, read the
database, draw the PDF and record who printed what; they run on a worker thread. Card rows are
never marked printed by printing them: once the pages went to the printer the program asks
"新记录是否已正确打印在救助卡上？" — only 是 marks them (``confirm_card_rows_printed``, audited);
否 offers to print exactly those rows again, at the same lines (or one page of them).
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox

from ...documents import card_layout as CL
from ...storage import card_rows, cards
from .. import messages
from ..printing.flow import PRINTED, SAVED, PrintFlow
from ..worker import write_op

SLIP, NEW_ROWS, CARD = "slip", "new_rows", "card"
PRINT_KINDS = {SLIP: "slip", NEW_ROWS: "card_rows", CARD: "card"}
WHAT = {SLIP: "领药单", NEW_ROWS: "救助卡新记录", CARD: "救助卡"}
ROWS_QUESTION = "新记录是否已正确打印在救助卡上？"
CARD_QUESTION = "救助卡是否已正确打印？（其中的领药记录将登记为已打印在卡上）"
NOTHING_NEW = "救助卡上没有待打印的新记录"


def _job(kind: str):
    from ...services import printing

    return {SLIP: printing.print_slip, NEW_ROWS: printing.print_new_card_rows,
            CARD: printing.print_card}[kind]


class CardPrinter(QObject):
    """One print at a time for its owner; ``say(text, role)`` shows how it went. ``printed``
    after the preview closed (whatever was chosen in it), ``confirmed`` once rows were marked."""

    printed = Signal(str, str)  # kind, outcome
    failed = Signal(str, str)   # kind, message
    confirmed = Signal(int)     # rows marked printed

    def __init__(self, owner, session, say):
        super().__init__(owner)
        self.owner = owner
        self.session = session
        self.say = say
        self.flow = PrintFlow(owner, session)
        self.flow.finished.connect(self._closed)
        self._kind = SLIP
        self.asking = False
        self.last_result = None
        self._signals = None

    @property
    def busy(self) -> bool:
        return self.flow.busy or self.asking

    def nothing_new(self, patient_id: int) -> str | None:
        """Why "打印新记录" has nothing to print, said before anything is asked; None when it has."""
        card = cards.current(self.session.db, patient_id)
        if card is None:
            return "没有有效的救助卡，无卡可打印"
        if not card_rows.unprinted(self.session.db, card["id"]):
            return NOTHING_NEW
        return None

    def start(self, kind: str, target_id: int, default_name: str, row_ids=None) -> bool:
        """Draw the document in the background and open the print preview; ``False`` when
        nothing was started (busy, or no new rows)."""
        if self.busy:
            self.say("正在打印，请稍候…", "hint")
            return False
        if kind == NEW_ROWS and row_ids is None:
            reason = self.nothing_new(target_id)
            if reason:
                self.say(reason, "hint")
                return False
        job = _job(kind)
        user = self.session.user
        if row_ids is not None:
            op = lambda db, out: job(db, user, target_id, out, row_ids=list(row_ids))  # noqa: E731
        else:
            op = lambda db, out: job(db, user, target_id, out)  # noqa: E731
        started = self.flow.start(PRINT_KINDS[kind], WHAT[kind], default_name, op=op, what="card_rows",
                                  on_printed=lambda document: self._printed(kind, document, default_name),
                                  on_failed=lambda message: self._failed(kind, message))
        if started:
            self._kind = kind
            self.say(f"正在生成{WHAT[kind]}…", "hint")
        return started

    def _closed(self, outcome: str, document) -> None:
        kind = getattr(self, "_kind", SLIP)
        if outcome == SAVED and self.flow.last_saved is not None:
            self.say(f"{WHAT[kind]}已另存为 PDF：{self.flow.last_saved}（未登记为已打印在卡上）"
                     if kind != SLIP else f"{WHAT[kind]}已另存为 PDF：{self.flow.last_saved}", "hint")
        elif outcome not in (PRINTED, "failed"):
            self.say(f"{WHAT[kind]}未打印", "hint")
        if outcome != "failed":
            self.printed.emit(kind, outcome)

    def _failed(self, kind: str, message: str) -> None:
        self.say(f"{WHAT[kind]}打印失败：{message}", "error")
        self.failed.emit(kind, message)

    # --- after the pages went to the printer -------------------------------------------------
    def _printed(self, kind: str, document, default_name: str) -> None:
        result = document.result
        self.last_result = result
        if kind == SLIP or not getattr(result, "row_ids", None):
            self.say(f"{WHAT[kind]}已送往打印机", "hint")
            return
        self.say(f"{WHAT[kind]}已送往打印机：{result.instruction()}", "hint")
        self.asking = True
        try:
            right = self.ask_printed(ROWS_QUESTION if kind == NEW_ROWS else CARD_QUESTION, result)
            again = None if right else self.choose_reprint(kind, result)
        finally:
            self.asking = False
        if right:
            self._confirm(result)
        elif again:
            self.say("请放好救助卡，重新打印同一位置的记录", "warning")
            self.start(NEW_ROWS if kind == NEW_ROWS else CARD, result.patient_id, default_name,
                       row_ids=again if kind == NEW_ROWS else None)
        else:
            self.say(f"{WHAT[kind]}未登记为已打印在卡上；可再点“打印新记录”重新打印同样的记录", "warning")

    def _confirm(self, result) -> None:
        from ...services import printing

        user, pid, ids = self.session.user, result.patient_id, list(result.row_ids)
        self.asking = True

        def done(marked: int) -> None:
            self.asking = False
            self.say(f"已登记：{len(ids)} 条领药记录已打印在救助卡上", "ok")
            self.confirmed.emit(marked)

        def failed(exc) -> None:
            self.asking = False
            self._failed(NEW_ROWS, getattr(exc, "message", None) or str(exc))

        self._signals = write_op(self.session.db_path,
                                 lambda db: printing.confirm_card_rows_printed(db, user, pid, ids),
                                 done, failed, what="card_rows")

    # --- the questions (tests replace these) ---------------------------------------------------
    def ask_printed(self, question: str, result) -> bool:
        return messages.confirm(self.owner, "救助卡打印", f"{question}\n\n{result.instruction()}")

    def choose_reprint(self, kind: str, result) -> list[int] | None:
        """否: print the same rows again at the same lines — all of them, or one card page of
        them; None when staff would rather not."""
        box = QMessageBox(QMessageBox.Icon.Question, "重新打印",
                          "这些记录仍未登记为已打印。\n重新打印时记录位置不变，请把救助卡翻到同一页重新放好。",
                          QMessageBox.StandardButton.NoButton, self.owner)
        pages = sorted(set(result.pages))
        everything = box.addButton(f"重新打印这 {result.rows} 条记录" if kind == NEW_ROWS else "重新打印整本救助卡",
                                   QMessageBox.ButtonRole.AcceptRole)
        by_page = {}
        if kind == NEW_ROWS and len(pages) > 1:
            for page in pages:
                by_page[box.addButton(f"只重印{CL.page_label(page)}", QMessageBox.ButtonRole.AcceptRole)] = page
        box.addButton("不重印", QMessageBox.ButtonRole.RejectRole)
        box.exec()
        clicked = box.clickedButton()
        if clicked is everything:
            return list(result.row_ids)
        if clicked in by_page:
            return result.rows_on_page(by_page[clicked])
        return None
