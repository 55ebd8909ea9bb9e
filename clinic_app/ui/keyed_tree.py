"""Two-level trees whose rows carry a ``(kind, id)`` key, such as ``("spec", 12)`` or
``("batch", 40)``, in ``Qt.UserRole`` of column 0.

The catalogue (drugs over their specifications) and the stock window (specifications over their
batches) re-read storage after every change and rebuild their tree from scratch; the key is what
lets them find the row that was selected, or the row just changed, in the new tree.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTreeWidget, QTreeWidgetItem


def keyed_tree(columns: tuple[str, ...]) -> QTreeWidget:
    """One row selected at a time; columns fit their contents, the last one takes the rest."""
    tree = QTreeWidget()
    tree.setColumnCount(len(columns))
    tree.setHeaderLabels(list(columns))
    tree.setAlternatingRowColors(True)
    tree.setSelectionMode(QAbstractItemView.SingleSelection)
    tree.setUniformRowHeights(True)
    header = tree.header()
    header.setSectionResizeMode(QHeaderView.ResizeToContents)
    header.setStretchLastSection(True)
    return tree


def refill(tree: QTreeWidget, groups: Iterable[tuple[QTreeWidgetItem, list[QTreeWidgetItem]]]) -> None:
    """Replace every row by ``(top item, its children)`` groups, all expanded. Selection signals
    are blocked meanwhile: the rows being thrown away must not be "shown" on the way out."""
    tree.blockSignals(True)
    tree.clear()
    for top, children in groups:
        tree.addTopLevelItem(top)
        for child in children:
            top.addChild(child)
        top.setExpanded(True)
    tree.blockSignals(False)


def current_key(tree: QTreeWidget) -> tuple | None:
    item = tree.currentItem()
    return item.data(0, Qt.UserRole) if item is not None else None


def tree_items(tree: QTreeWidget) -> Iterator[QTreeWidgetItem]:
    """Every row, each top item followed by its children."""
    for i in range(tree.topLevelItemCount()):
        top = tree.topLevelItem(i)
        yield top
        for j in range(top.childCount()):
            yield top.child(j)


def find_item(tree: QTreeWidget, key: tuple | None) -> QTreeWidgetItem | None:
    if key is None:
        return None
    return next((item for item in tree_items(tree) if item.data(0, Qt.UserRole) == key), None)


def select_key(tree: QTreeWidget, key: tuple) -> None:
    """Make the row with ``key`` the current one; nothing happens when there is none."""
    item = find_item(tree, key)
    if item is not None:
        tree.setCurrentItem(item)


def keyed_item(texts: list[str], key: tuple) -> QTreeWidgetItem:
    item = QTreeWidgetItem(texts)
    item.setData(0, Qt.UserRole, key)
    return item


def set_bold(item: QTreeWidgetItem) -> None:
    """A top row's name in bold, so the groups stand out from their children."""
    font = item.font(0)
    font.setBold(True)
    item.setFont(0, font)


def tint(item: QTreeWidgetItem, columns: int, colour: QColor, background: QColor | None = None) -> None:
    """The whole row (its first ``columns`` cells) in ``colour``, on ``background`` when given."""
    for column in range(columns):
        item.setForeground(column, QBrush(colour))
        if background is not None:
            item.setBackground(column, QBrush(background))
