"""The administrator's view of the audit trail, with a chain check."""
from __future__ import annotations

from PySide6.QtWidgets import (QAbstractItemView, QDialog, QHBoxLayout, QLabel, QPushButton,
                               QTableWidget, QTableWidgetItem, QVBoxLayout)

from ..storage import audit
from .style import set_role

COLUMNS = ("序号", "时间", "用户", "操作", "对象", "说明")


class AuditDialog(QDialog):
    def __init__(self, session, parent=None, limit: int = 500):
        super().__init__(parent)
        self.session = session
        self.setWindowTitle("审计记录")
        self.resize(900, 520)
        rows = audit.recent(session.db, limit)
        self.table = QTableWidget(len(rows), len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        for r, row in enumerate(rows):
            values = (str(row["id"]), row["at"].replace("T", " "), row["username"] or "",
                      audit.ACTION_LABELS.get(row["action"], row["action"]),
                      f"{row['entity'] or ''} {row['entity_id'] or ''}".strip(), row["summary"] or "")
            for c, value in enumerate(values):
                self.table.setItem(r, c, QTableWidgetItem(value))
        self.table.resizeColumnsToContents()
        self.result = QLabel("")
        verify = QPushButton("校验审计链")
        verify.clicked.connect(self.verify)
        close = QPushButton("关闭")
        close.clicked.connect(self.accept)
        row = QHBoxLayout()
        row.addWidget(verify)
        row.addWidget(self.result, 1)
        row.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(row)

    def verify(self) -> bool:
        result = audit.verify(self.session.db)
        if result.ok:
            self.result.setText(f"审计链完整：共 {result.checked} 行")
            set_role(self.result, "hint")
        else:
            self.result.setText(f"审计链已被破坏：{result.reason}")
            set_role(self.result, "error")
        return result.ok
