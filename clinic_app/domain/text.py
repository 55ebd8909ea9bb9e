"""Normalising what staff type: full-width digits and letters from Chinese IMEs, stray spaces."""

_FULLWIDTH_OFFSET = 0xFEE0


def to_halfwidth(text: str) -> str:
    """Turn full-width ASCII (０-９, Ａ-Ｚ, ｘ, （ ）) into plain ASCII; leave Chinese alone."""
    out = []
    for ch in text:
        code = ord(ch)
        if ch == "\u3000":
            out.append(" ")
        elif 0xFF01 <= code <= 0xFF5E:
            out.append(chr(code - _FULLWIDTH_OFFSET))
        else:
            out.append(ch)
    return "".join(out)


def squeeze(text: str | None) -> str:
    """Half-width, and every kind of whitespace removed (IDs and phone numbers never hold spaces)."""
    if text is None:
        return ""
    return "".join(to_halfwidth(str(text)).split())
