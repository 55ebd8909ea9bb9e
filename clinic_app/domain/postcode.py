"""Postal codes: six digits (江津 is 402260)."""
from .errors import ValidationError
from .text import squeeze


def normalize(raw: str | None) -> str:
    text = squeeze(raw)
    if not (len(text) == 6 and text.isdigit()):
        raise ValidationError("邮政编码应为6位数字，如 402260")
    return text
