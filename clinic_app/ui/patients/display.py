"""How stored values read on the patient page. Plain functions; no Qt."""
from __future__ import annotations

from ...domain import privacy
from ...domain import patient_fields as pf

BLANK = "—"
FLAG = "⚠"


def shown(field: pf.Field, value, reveal: bool = False) -> str:
    """The text for one stored value; sensitive numbers masked unless ``reveal``."""
    if field.kind == pf.BOOL:
        return "是" if value else "否"
    if pf.is_blank(value):
        return BLANK
    if field.kind == pf.MULTI:
        return "、".join(value)
    if field.sensitive and not reveal:   # the page asked the policy (domain.privacy.PAGE) whether to reveal
        return privacy.id_shown(str(value), privacy.PAGE)
    return str(value)


def flags(record: dict) -> dict[str, str]:
    """Warnings the rules raise about a stored record (sex or birth date not matching the ID)."""
    values = {f.key: record.get(f.key) for f in pf.ALL_FIELDS if f.kind != pf.IMAGE}
    return {key: f"{FLAG} {message}" for key, message in pf.validate_record(values).warnings.items()}


def headline(record: dict, age: int | None) -> str:
    """``男，45岁，精神分裂症`` under the name."""
    parts = [record.get("sex") or "", f"{age}岁" if age is not None else "", record.get("diagnosis") or ""]
    return "，".join(p for p in parts if p)
