"""Printing the collection slip and the rescue card's record rows off the UI thread.

The jobs themselves (use cases of ``clinic_app.services.printing``) check the right, read the
database, write the PDF and record who printed what in the audit trail. The owner widget chooses where to save through its
``_save_path(title, default_name)``, which tests replace.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from ..worker import write_op

SLIP, NEW_ROWS, CARD = "slip", "new_rows", "card"
TITLES = {SLIP: "保存领药单（PDF）", NEW_ROWS: "保存救助卡新记录（PDF，套打到卡上）",
          CARD: "保存救助卡（PDF）"}
WHAT = {SLIP: "领药单", NEW_ROWS: "救助卡新记录", CARD: "救助卡"}


def _job(kind: str):
    from ...services import printing

    return {SLIP: printing.print_slip, NEW_ROWS: printing.print_new_card_rows,
            CARD: printing.print_card}[kind]


class CardPrinter(QObject):
    """One print at a time for its owner; ``say(text, role)`` shows how it went."""

    printed = Signal(str, str)  # kind, path
    failed = Signal(str, str)   # kind, message

    def __init__(self, owner, session, say):
        super().__init__(owner)
        self.owner = owner
        self.session = session
        self.say = say
        self.busy = False
        self.last_path: str | None = None
        self._signals = None

    def start(self, kind: str, target_id: int, default_name: str) -> bool:
        """Ask where to save, then print in the background; ``False`` when nothing was started."""
        if self.busy:
            self.say("正在打印，请稍候…", "hint")
            return False
        path = self.owner._save_path(TITLES[kind], default_name)
        if not path:
            return False
        if not str(path).lower().endswith(".pdf"):
            path = f"{path}.pdf"
        job = _job(kind)
        user = self.session.user
        self.busy = True
        self.say(f"正在生成{WHAT[kind]} PDF…", "hint")
        self._signals = write_op(self.session.db_path, lambda db: job(db, user, target_id, path),
                                 lambda result: self._done(kind, path, result),
                                 lambda exc: self._failed(kind, exc), what="card_rows")
        return True

    def _done(self, kind: str, path: str, result=None) -> None:
        self.busy = False
        self.last_path = path
        how = getattr(result, "instruction", None)  # rows onto the card: which pages to feed in
        self.say(f"{WHAT[kind]}已保存：{path}" + (f"\n{how()}" if callable(how) else ""), "hint")
        self.printed.emit(kind, path)

    def _failed(self, kind: str, exc: Exception) -> None:
        self.busy = False
        message = getattr(exc, "message", None) or str(exc)
        self.say(f"{WHAT[kind]}打印失败：{message}", "error")
        self.failed.emit(kind, message)
