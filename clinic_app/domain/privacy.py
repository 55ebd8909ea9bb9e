"""When an ID number is shown whole: one policy, by purpose (六、七、(二): patient data only to
those who need it, and who saw what is recorded).

Lists on screen and on paper that pass from hand to hand (work lists, the patient list, the
slip, the import preview) always mask. The patient page masks until the user reveals, which is
audited, and only a role the permission table lets reveal may. The forms that carry the number as
one of their fields (the application form, the agreement, the rescue card, the register of
Attachment 8, the edit form, itself a reveal) show it whole. The quarterly ledger masks unless the
administrator's setting asks for whole numbers (the programme office may).
"""
from __future__ import annotations

from . import idnumber, roles

LIST, PAGE, FORM, LEDGER = "list", "page", "form", "ledger"
PURPOSES = {
    LIST: "清单（屏幕和打印的名单、领药单、导入预览）",
    PAGE: "患者页面（点“显示完整号码”后显示，记入审计）",
    FORM: "表格本身的栏目（审批表、服务协议、救助卡、登记名单、编辑患者）",
    LEDGER: "季度台账（设置中可选完整号码）",
}


def shows_whole(purpose: str, role: str | None = None, *, revealed: bool = False,
                ledger_whole: bool = False) -> bool:
    """Whether ``purpose`` shows the number whole for ``role``."""
    if purpose not in PURPOSES:
        raise KeyError(purpose)
    if purpose == FORM:
        return True
    if purpose == PAGE:
        return revealed and roles.may(role, "patient.reveal_id")
    if purpose == LEDGER:
        return ledger_whole
    return False


def id_shown(number: str | None, purpose: str, role: str | None = None, *, revealed: bool = False,
             ledger_whole: bool = False) -> str:
    """The number as ``purpose`` shows it: whole, or ``500381********123X``."""
    if shows_whole(purpose, role, revealed=revealed, ledger_whole=ledger_whole):
        return "" if number is None else str(number)
    return idnumber.mask(number)
