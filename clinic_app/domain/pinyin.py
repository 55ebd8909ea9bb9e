"""Pinyin keys for searching Chinese names by initials (``zs`` finds 张三) or full pinyin.

Polyphonic characters (曾 zeng/ceng, 单 shan/dan) give every reading, capped, so staff find a
patient whichever reading they think of. pypinyin is imported on first use: it costs start-up time.
"""
from __future__ import annotations

import itertools
from functools import lru_cache

MAX_VARIANTS = 8


@lru_cache(maxsize=1)
def _pypinyin():
    import pypinyin

    return pypinyin


@lru_cache(maxsize=4096)
def _readings(ch: str) -> tuple[str, ...]:
    p = _pypinyin()
    found = p.pinyin(ch, style=p.Style.NORMAL, heteronym=True, errors=lambda x: [x.lower()])
    return tuple(dict.fromkeys(r.lower() for r in found[0])) if found else (ch.lower(),)


def name_keys(name: str) -> tuple[list[str], list[str]]:
    """Return (initials variants, full pinyin variants) for a name, lowercase ASCII."""
    chars = [c for c in (name or "") if not c.isspace()]
    readings = [_readings(c) for c in chars]
    combos = list(itertools.islice(itertools.product(*readings), MAX_VARIANTS)) if readings else []
    initials = list(dict.fromkeys("".join(r[0] for r in combo) for combo in combos))
    full = list(dict.fromkeys("".join(combo) for combo in combos))
    return initials, full


def search_initials(name: str) -> str:
    """Space-led, space-separated variants, so ``LIKE '% zs%'`` is a prefix match on any of them."""
    initials, _ = name_keys(name)
    return "".join(" " + v for v in initials) + " "


def search_pinyin(name: str) -> str:
    _, full = name_keys(name)
    return "".join(" " + v for v in full) + " "
