"""Finding English a user would read: every visible button, label, title, tooltip, placeholder,
tab, group box, table header, list and combo entry and menu entry of a window, searched for runs
of Latin letters that are not on the allowlist (file formats, units, key names, paper sizes).
Paths, ID-like strings (``youxi_2026Q4``, ``500381…123X``), hyphenated commands and codes
(``clinic-app recover-key``) and single letters are not words."""
from __future__ import annotations

import re

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (QAbstractButton, QComboBox, QGroupBox, QLabel, QLineEdit, QListWidget, QMainWindow,
                               QMenu, QStackedWidget, QTableView, QTabWidget, QTreeView, QWidget, QWizard)

ALLOWED = {
    # file formats and devices
    "PDF", "pdf", "USB", "xlsx", "xls", "XLSX", "CSV", "csv", "Excel", "PNG", "png", "jpg", "jpeg", "bmp", "JSON",
    "json", "GBK", "UTF", "BOM", "SHA", "HMAC", "SQLite",
    # keys
    "Ctrl", "Shift", "Alt", "Enter", "Esc", "Tab", "Del", "Delete", "Backspace", "Space", "Home", "End", "Ins",
    "PgUp", "PgDn", "Up", "Down", "Left", "Right",
    # units and sizes
    "GB", "MB", "KB", "mg", "ml", "mm", "cm", "pt",
    # the command named in messages (its sub-commands and options are hyphenated, see below),
    # and pinyin search examples
    "verify", "restore", "zs",
    # data the tests themselves typed: the session's user name (a name staff choose, not the program's text)
    "tester",
}
WORD = re.compile(r"[A-Za-z]{2,}")
TAG = re.compile(r"<[^>]+>")
ENTITY = re.compile(r"&[a-z]+;")


def english_words(text: str) -> list[str]:
    """The Latin words in ``text`` a user would read as English."""
    if not text:
        return []
    text = ENTITY.sub(" ", TAG.sub(" ", text)).replace("&&", "&")
    found = []
    for token in re.split(r"[\s，。；：、（）()“”‘’《》【】「」\[\]{}|,;:!?！？=+·…—→×％%*]+", text):
        if not token or "/" in token or "\\" in token or "_" in token or "@" in token:
            continue  # a path, an ID-like name or an address: data, not words
        if token.startswith("--") or re.search(r"[A-Za-z0-9]-[A-Za-z0-9]", token):
            continue  # a command, an option or a code: clinic-app recover-key, --db, ABCD-1234
        for word in WORD.findall(token.replace("&", "")):
            if word not in ALLOWED:
                found.append(word)
    return found


def _shown(widget: QWidget, top: QWidget) -> bool:
    return widget is top or widget.isVisibleTo(top)


def texts(top: QWidget) -> list[tuple[str, str]]:
    """(where, text) of everything readable in ``top`` as it is shown now."""
    out = [("窗口标题", top.windowTitle())]
    for widget in [top, *top.findChildren(QWidget)]:
        if not _shown(widget, top):
            continue
        kind = type(widget).__name__
        if widget.toolTip():
            out.append((f"{kind} 提示", widget.toolTip()))
        if isinstance(widget, QAbstractButton):
            out.append((kind, widget.text()))
        elif isinstance(widget, QLabel):
            out.append((kind, widget.text()))
        elif isinstance(widget, QLineEdit):
            out.append((f"{kind} 提示文字", widget.placeholderText()))
        elif isinstance(widget, QComboBox):
            out.extend((kind, widget.itemText(i)) for i in range(widget.count()))
        if isinstance(widget, QGroupBox):
            out.append((kind, widget.title()))
        if isinstance(widget, QTabWidget):
            for i in range(widget.count()):
                out.append(("标签页", widget.tabText(i)))
                out.append(("标签页提示", widget.tabToolTip(i)))
        if isinstance(widget, QListWidget):
            out.extend((kind, widget.item(i).text()) for i in range(widget.count()))
        header = widget.horizontalHeader() if isinstance(widget, QTableView) else (
            widget.header() if isinstance(widget, QTreeView) else None)
        if header is not None and header.isVisibleTo(top) and widget.model() is not None:
            model = widget.model()
            for c in range(model.columnCount(QModelIndex())):
                out.append((f"{kind} 表头", str(model.headerData(c, Qt.Horizontal, Qt.DisplayRole) or "")))
        if isinstance(widget, QWizard):
            out.append(("向导页标题", widget.currentPage().title() if widget.currentPage() else ""))
            out.append(("向导页说明", widget.currentPage().subTitle() if widget.currentPage() else ""))
    if isinstance(top, QMainWindow):
        out.extend(_menu_texts(top.menuBar().actions()))
    return [(where, text) for where, text in out if text]


def _menu_texts(actions) -> list[tuple[str, str]]:
    out = []
    for action in actions:
        out.append(("菜单", action.text()))
        if action.toolTip() and action.toolTip() != action.text().replace("&", ""):
            out.append(("菜单提示", action.toolTip()))
        menu: QMenu | None = action.menu()
        if menu is not None:
            out.extend(_menu_texts(menu.actions()))
    return out


def english(top: QWidget) -> list[tuple[str, str]]:
    """(where, text) of each readable text of ``top`` that has English in it, every page of its tabs,
    stacks and wizard visited."""
    seen: set[tuple[str, str]] = set()
    for _ in _every_page(top):
        seen.update(texts(top))
    return sorted((where, text) for where, text in seen if english_words(text))


def _every_page(top: QWidget):
    """Yield once per page of every tab widget and stacked widget (each left as it was found)."""
    yield None
    for pages in [*top.findChildren(QTabWidget), *top.findChildren(QStackedWidget)]:
        if not _shown(pages, top):
            continue
        current = pages.currentIndex()
        for index in range(pages.count()):
            if index != current:
                pages.setCurrentIndex(index)
                yield index
        pages.setCurrentIndex(current)
