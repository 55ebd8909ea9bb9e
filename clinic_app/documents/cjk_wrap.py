"""Breaking Chinese text into lines drawn one by one on a canvas (the card's fixed pages and the
calibration page's instructions), without a reportlab paragraph."""
from __future__ import annotations

from . import layout as L

# Chinese line breaking: these never start a line (they hang in the margin instead), these never
# end one (they move down with the next character).
CANNOT_START = "，。、；：？！）》」』】〕…％,.;:?!)]%"
CANNOT_END = "（《「『【〔(["


def wrap_cjk(value: str, size: float, width: float, indent: float = 0) -> list[str]:
    """Lines of Chinese text no wider than ``width`` (the first ``indent`` narrower), broken
    between any two characters but never before a closing mark or after an opening one, and
    never inside a run of Latin letters and digits ("0.5g", "65")."""
    lines: list[str] = []
    line, used, limit = "", 0.0, width - indent
    tokens = _tokens(value)
    for token in tokens:
        w = L.text_width(token, size)
        if line and used + w > limit + 0.01 and token not in CANNOT_START:
            carry = ""
            while line and line[-1] in CANNOT_END:
                carry, line = line[-1] + carry, line[:-1]
            lines.append(line)
            line, used, limit = carry, L.text_width(carry, size), width
        line += token
        used += w
    if line:
        lines.append(line)
    return lines


def _tokens(value: str) -> list[str]:
    """Characters, with runs of ASCII letters, digits and ./-% kept together."""
    tokens: list[str] = []
    for ch in value:
        if ch.isascii() and (ch.isalnum() or ch in "./%-") and tokens and tokens[-1][-1:].isascii() \
                and (tokens[-1][-1].isalnum() or tokens[-1][-1] in "./%-"):
            tokens[-1] += ch
        else:
            tokens.append(ch)
    merged: list[str] = []  # "片/针" is one piece: never broken at its slash
    for token in tokens:
        if merged and (token == "/" or merged[-1].endswith("/")):
            merged[-1] += token
        else:
            merged.append(token)
    return merged
