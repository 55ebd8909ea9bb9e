"""Attachment 5, 《江津区严重精神障碍患者免费服用第二代药物救助卡》: the patient's booklet.

Three things are printed from it:

- ``render_card_booklet`` (``card_booklet``): the whole card as the district made it — 封面, 封二
  (救助卡使用范围: 救助对象, 救助标准, 救助药品 word for word), 第一页 (the holder, filled in), the
  record pages 第二至第十二页 with their nine columns and the rows recorded so far, 第十三页 (blank
  but for its heading, as in the original) and 封三 (注意事项, the four notes word for word).
- ``render_card_rows`` (``card_overprint``): only the text of new rows, for printing onto a card
  that was printed before; one PDF page per card page that receives rows, nothing else on it (no
  lines, no titles), each row in the cell ``card_layout`` gives it, moved by the printer calibration.
- ``render_calibration_page`` (``card_overprint``): the record grid drawn thinly with crosshairs
  and millimetre rulers, to lay on a real card and read how far the printer is off.

The record grid and the text of its rows, which all three share, are drawn by ``card_grid``.

Everything is drawn straight on a reportlab canvas (no platypus story): the booklet of 16 pages
with a full card of rows is written in well under the 300 ms the program allows itself.

The card has no column for 民政救助 (civil-affairs relief): when a collection had some, the drug
cell says so ("含民政救助 12.00 元"), so the amounts on the line still add up to the total.

This module gathers the public names of those modules, so callers need only this one.
"""
from __future__ import annotations

from .card_booklet import (COVER_LINES, COVER_MAKER, COVER_NAME, DRUG_GROUPS, LAST_PAGE, NOTES, NOTES_TITLE,
                           SCOPE, SCOPE_TITLE, TITLE, render_card_booklet, town_parts)
from .card_data import CardData, CardRow
from .card_grid import (GRID_FRAME, GRID_LINE, ONE_LINE_SHRINK, amounts, cell_values, date_cell, draw_cell_text,
                        drug_cell, rows_by_page)
from .card_overprint import CALIBRATION_TITLE, SAMPLE_ROW, offset_text, render_calibration_page, render_card_rows
from .cjk_wrap import CANNOT_END, CANNOT_START, wrap_cjk

__all__ = ["CALIBRATION_TITLE", "CANNOT_END", "CANNOT_START", "COVER_LINES", "COVER_MAKER", "COVER_NAME",
           "DRUG_GROUPS", "GRID_FRAME", "GRID_LINE", "LAST_PAGE", "NOTES", "NOTES_TITLE", "ONE_LINE_SHRINK",
           "SAMPLE_ROW", "SCOPE", "SCOPE_TITLE", "TITLE", "CardData", "CardRow", "amounts", "cell_values",
           "date_cell", "draw_cell_text", "drug_cell", "offset_text", "render_calibration_page",
           "render_card_booklet", "render_card_rows", "rows_by_page", "town_parts", "wrap_cjk"]
