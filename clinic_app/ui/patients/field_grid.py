"""Label + input pairs in one or two columns; reflows when the window is narrowed."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QWidget

TWO_COLUMN_MIN_WIDTH = 860  # of the dialog


class FieldGrid(QWidget):
    """Rows of (label, cell). Wide cells take a whole row; others pair up two per row."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._items: list[tuple[QWidget, QWidget, bool]] = []
        self._columns = 2
        self._grid = QGridLayout(self)
        self._grid.setHorizontalSpacing(10)
        self._grid.setVerticalSpacing(8)

    @property
    def columns(self) -> int:
        return self._columns

    def add(self, label: QWidget, cell: QWidget, wide: bool = False) -> None:
        self._items.append((label, cell, wide))
        self._place()

    def label_width(self) -> int:
        return max((label.sizeHint().width() for label, _cell, _wide in self._items), default=0)

    def set_label_width(self, width: int) -> None:
        """Line the inputs of several grids (one per group box) up with each other."""
        self._grid.setColumnMinimumWidth(0, width)
        self._grid.setColumnMinimumWidth(2, width if self._columns == 2 else 0)

    def set_columns(self, columns: int) -> None:
        columns = 1 if columns < 2 else 2
        if columns != self._columns:
            self._columns = columns
            self._place()

    def _place(self) -> None:
        for label, cell, _wide in self._items:
            self._grid.removeWidget(label)
            self._grid.removeWidget(cell)
        row, col = 0, 0
        for label, cell, wide in self._items:
            if wide and col:
                row, col = row + 1, 0
            span = 2 * self._columns - 1 if wide else 1
            self._grid.addWidget(label, row, 2 * col, Qt.AlignRight | Qt.AlignTop)
            self._grid.addWidget(cell, row, 2 * col + 1, 1, span)
            col = 0 if wide else col + 1
            if col == 0 or col >= self._columns:
                row, col = row + 1, 0
        for c in range(4):
            self._grid.setColumnStretch(c, 1 if c % 2 else 0)


def columns_for(width: int) -> int:
    return 2 if width >= TWO_COLUMN_MIN_WIDTH else 1


def reflow(grids: list[FieldGrid], width: int) -> None:
    """One or two columns for the dialog's width, labels of every group the same width."""
    columns = columns_for(width)
    label_width = max((g.label_width() for g in grids), default=0)
    for grid in grids:
        grid.set_columns(columns)
        grid.set_label_width(label_width)
