"""工作清单: the lists a clinic works through, one tab each."""
from .window import TAB_KEYS, WorkListsWindow

__all__ = ["TAB_KEYS", "WorkListsWindow"]
