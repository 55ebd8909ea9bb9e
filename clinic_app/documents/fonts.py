"""The shipped CJK font registered with reportlab, so every PDF embeds it and prints the same
on a workstation without any Chinese font."""
from __future__ import annotations

from functools import lru_cache

from .. import paths

FONT_NAME = "WenQuanYiMicroHei"


@lru_cache(maxsize=1)
def register() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont(FONT_NAME, str(paths.font_path()), subfontIndex=0))
    return FONT_NAME
