"""The lines of the rescue card's record pages (第二至第十二页) and how they are named.

Which collection sits on which line is stored (``storage.card_rows``) and drawn
(``documents.card_layout``); both count the lines the same way, so the counting lives here, below
both, with no paper geometry in it: a row's (page, line) never depends on the paper size.
"""
from __future__ import annotations

FIRST_RECORD_PAGE, LAST_RECORD_PAGE = 2, 12
RECORD_PAGES = tuple(range(FIRST_RECORD_PAGE, LAST_RECORD_PAGE + 1))
ROWS_PER_PAGE = 12
CAPACITY = len(RECORD_PAGES) * ROWS_PER_PAGE

CHINESE_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 13 → 十三 (the card's pages run to 十三)."""
    if n < 10:
        return CHINESE_DIGITS[n]
    tens, ones = divmod(n, 10)
    return (CHINESE_DIGITS[tens] if tens > 1 else "") + "十" + (CHINESE_DIGITS[ones] if ones else "")


def page_label(page: int) -> str:
    """"第二页", as the booklet's pages are headed."""
    return f"第{chinese_number(page)}页"


def position_label(page: int, line: int) -> str:
    """"第3页第5行", how a void entry names the line it cancels."""
    return f"第{page}页第{line}行"


def check_line(line: int) -> None:
    if not 1 <= line <= ROWS_PER_PAGE:
        raise ValueError(f"line {line} is outside 1..{ROWS_PER_PAGE}")


def slots() -> list[tuple[int, int]]:
    """Every (page, line) of the card in the order they are filled."""
    return [(page, line) for page in RECORD_PAGES for line in range(1, ROWS_PER_PAGE + 1)]


def slot_index(page: int, line: int) -> int:
    """0 for page 2 line 1, … CAPACITY - 1 for the last line of page 12."""
    if page not in RECORD_PAGES:
        raise ValueError(f"page {page} is not a record page")
    check_line(line)
    return (page - FIRST_RECORD_PAGE) * ROWS_PER_PAGE + line - 1


def slot_at(index: int) -> tuple[int, int]:
    if not 0 <= index < CAPACITY:
        raise ValueError(f"slot {index} is outside the card")
    page, line = divmod(index, ROWS_PER_PAGE)
    return (page + FIRST_RECORD_PAGE, line + 1)
