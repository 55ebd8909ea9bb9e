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


def _combos(options: list[tuple[str, ...]]):
    """Every choice of one option per character, fewest departures from the first option first.

    A plain ``itertools.product`` capped at MAX_VARIANTS varies the last character fastest, so a
    polyphonic surname (曾 ceng/zeng) with a polyphonic given name lost its second reading.
    """
    if not options:
        return
    for departures in range(len(options) + 1):
        for positions in itertools.combinations(range(len(options)), departures):
            choices = [options[i][1:] if i in positions else options[i][:1]
                       for i in range(len(options))]
            yield from itertools.product(*choices)


def _capped(options: list[tuple[str, ...]]) -> list[str]:
    """Distinct variants, stopping at MAX_VARIANTS: a long name must not enumerate them all."""
    found: dict[str, None] = {}
    for combo in _combos(options):
        found["".join(combo)] = None
        if len(found) == MAX_VARIANTS:
            break
    return list(found)


def name_keys(name: str) -> tuple[list[str], list[str]]:
    """Return (initials variants, full pinyin variants) for a name, lowercase ASCII."""
    chars = [c for c in (name or "") if not c.isspace()]
    readings = [_readings(c) for c in chars]
    initials = [tuple(dict.fromkeys(r[0] for r in options)) for options in readings]
    return _capped(initials), _capped(readings)


def search_initials(name: str) -> str:
    """Space-led, space-separated variants, so ``LIKE '% zs%'`` is a prefix match on any of them."""
    initials, _ = name_keys(name)
    return "".join(" " + v for v in initials) + " "


def search_pinyin(name: str) -> str:
    _, full = name_keys(name)
    return "".join(" " + v for v in full) + " "
