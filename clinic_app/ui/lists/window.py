"""工作清单: the lists a clinic works through — review deadlines, places and the waiting list,
agreements about to end, patients in hospital, and worsening patients to report (六).

A window of its own (not modal), so staff can keep it open beside the patient list.
"""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QTabWidget, QVBoxLayout

from ...storage import clock
from ..style import set_role
from . import content
from .places import PlacesTab
from .table import ListTab

TAB_KEYS = ("deadlines", "places", "agreements", "paused", "worsening")
TAB_TITLES = {"deadlines": "审核期限", "places": "名额与候补", "agreements": "协议到期",
              "paused": "住院暂停", "worsening": "病情加重"}
TAB_HINTS = {
    "deadlines": "初审在受理后5个工作日内完成；初审通过的申请每月20日前报送区精神卫生中心复审。",
    "agreements": "服务协议有效期一年；续签前须完成年度资格审核。",
    "paused": "住院期间暂停领药，保留名额；出院后在患者页面登记出院即恢复。",
    "worsening": "病情加重的患者须报告综治办和派出所；已送治或病情稳定后在患者页面解除标记。",
}


class WorkListsWindow(QDialog):
    def __init__(self, session, parent=None, today: dt.date | None = None):
        super().__init__(parent)
        self.session = session
        self.today = today or clock.today()
        self.current_dialog = None
        self.setWindowTitle("工作清单")
        self.setWindowFlag(Qt.WindowMaximizeButtonHint, True)
        self.resize(1100, 640)
        db = session.db

        loaders = {
            "deadlines": lambda: content.deadlines(db, self.today),
            "agreements": lambda: content.expiring_agreements(db, self.today),
            "paused": lambda: content.paused(db),
            "worsening": lambda: content.worsening(db, self.today),
        }
        self.tabs = QTabWidget()
        self.pages: dict = {}
        for key in TAB_KEYS:
            if key == "places":
                page = PlacesTab(session, self.today, self.open_patient, self.refresh, self)
            else:
                page = ListTab(session, loaders[key], self, self.open_patient, TAB_HINTS[key])
            self.pages[key] = page
            self.tabs.addTab(page, TAB_TITLES[key])

        self.date_label = QLabel(f"日期：{self.today.isoformat()}")
        set_role(self.date_label, "hint")
        refresh = QPushButton("刷新")
        refresh.setShortcut("F5")
        refresh.setToolTip("重新读取所有清单（F5）")
        refresh.clicked.connect(self.refresh)
        close = QPushButton("关闭")
        close.clicked.connect(self.close)
        for button in (refresh, close):
            button.setAutoDefault(False)
        bottom = QHBoxLayout()
        bottom.addWidget(self.date_label, 1)
        bottom.addWidget(refresh)
        bottom.addWidget(close)

        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bottom)
        self.refresh()

    # --- tabs ----------------------------------------------------------------------------
    def page(self, key: str):
        return self.pages[key]

    def show_tab(self, key: str) -> None:
        self.tabs.setCurrentIndex(TAB_KEYS.index(key))

    def refresh(self) -> None:
        for key, page in self.pages.items():
            page.refresh()
            count = page.list.row_count() if key == "places" else page.row_count()
            self.tabs.setTabText(TAB_KEYS.index(key), f"{TAB_TITLES[key]}（{count}）")

    # --- opening a patient ---------------------------------------------------------------
    def open_patient(self, patient_id: int):
        from ..patients import PatientPage

        page = PatientPage(self.session, patient_id, parent=self)
        page.setAttribute(Qt.WA_DeleteOnClose)
        page.finished.connect(lambda _result: self.refresh())
        self.current_dialog = page
        page.open()
        return page
