"""The renderers' plain data, declared in ``domain.card_data`` (storage returns it too) and named
here as well, where the renderers and their tests have always found it."""
from __future__ import annotations

from ..domain.card_data import DISPENSE, VOID, CardData, CardRow, SlipData, SlipLine  # noqa: F401

__all__ = ["DISPENSE", "VOID", "CardData", "CardRow", "SlipData", "SlipLine"]
