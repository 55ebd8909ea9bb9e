"""工作清单: the lists a clinic works through — review deadlines, places and the waiting list,
agreements about to end, and the follow-up lists (随访, 六): who is due this month, who has not
come, whose yearly review is due, who is in hospital, who is worsening (to report to 综治办 and
派出所), and whose adherence is low.

A window of its own (not modal), so staff can keep it open beside the patient list. The follow-up
lists load off the UI thread, each on a connection of its own, so the window opens at once and
stays responsive on a big clinic; each tab shows its count when it is in.
"""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QTabWidget, QVBoxLayout

from ...storage import clock, settings
from ..style import set_role
from ..worker import refresh_on_change
from . import content
from . import followup_content as fc
from .places import PlacesTab
from .table import ListTab

TAB_KEYS = ("deadlines", "places", "agreements", "due", "overdue", "reviews", "paused", "worsening",
            "adherence")
TAB_TITLES = {"deadlines": "审核期限", "places": "名额与候补", "agreements": "协议到期", "due": "本月到期",
              "overdue": "逾期未领药", "reviews": "年审到期", "paused": "住院暂停", "worsening": "病情加重",
              "adherence": "依从性低"}
TAB_HINTS = {
    "deadlines": "初审在受理后5个工作日内完成；初审通过的申请每月20日前报送区精神卫生中心复审。",
    "agreements": "服务协议有效期一年；续签前须完成年度资格审核。",
    "due": "药品按月计划领取，每次限领3个月服用量。请提前电话提醒患者或监护人按时来领药。",
    "overdue": "请电话或入户随访，了解未领药原因；已住院的请在患者页面登记入院（暂停领药、保留名额）。",
    "reviews": "每年对在册患者进行一次资格审核；服务协议有效期一年，续签前须完成年度资格审核。",
    "paused": "住院期间暂停领药，保留名额；出院后在患者页面登记出院即恢复。",
    "worsening": "病情加重的患者须报告综治办和派出所；已送治或病情稳定后在患者页面解除标记。"
                 "打印件注明“仅供综治办、派出所信息交换使用”。",
    "adherence": "依从性按领药记录计算：有药天数占在家天数的比例。请随访了解断药原因，与精神科医生沟通调整用药。",
}
BACKGROUND_LOADERS = {  # key: builder(db, today), run on a worker thread with its own connection
    "due": fc.due_this_month,
    "overdue": fc.overdue,
    "reviews": fc.annual_reviews,
    "paused": fc.paused,
    "worsening": fc.worsening,
    "adherence": fc.adherence,
}


class WorkListsWindow(QDialog):
    def __init__(self, session, parent=None, today: dt.date | None = None):
        super().__init__(parent)
        self.session = session
        self.today = today or clock.today()
        self.current_dialog = None
        self.setWindowTitle("工作清单")
        self.setWindowFlag(Qt.WindowMaximizeButtonHint, True)
        self.resize(1240, 680)
        db = session.db

        loaders = {
            "deadlines": lambda: content.deadlines(db, self.today),
            "agreements": lambda: content.expiring_agreements(db, self.today),
        }
        self.tabs = QTabWidget()
        self.tabs.setUsesScrollButtons(True)
        self.pages: dict = {}
        for key in TAB_KEYS:
            if key == "places":
                page = PlacesTab(session, self.today, self.open_patient, self.refresh, self)
                page.list.loaded.connect(lambda key=key: self._show_count(key))
            elif key in BACKGROUND_LOADERS:
                build = BACKGROUND_LOADERS[key]
                page = ListTab(session, lambda db, build=build: build(db, self.today), self, self.open_patient,
                               TAB_HINTS[key], background=True)
            else:
                page = ListTab(session, loaders[key], self, self.open_patient, TAB_HINTS[key])
            if isinstance(page, ListTab):
                page.loaded.connect(lambda key=key: self._show_count(key))
            self.pages[key] = page
            self.tabs.addTab(page, self.tab_title(key))

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
        refresh_on_change(self, self.refresh, skip_own=True)

    # --- tabs ----------------------------------------------------------------------------
    def page(self, key: str):
        return self.pages[key]

    def show_tab(self, key: str) -> None:
        self.tabs.setCurrentIndex(TAB_KEYS.index(key))

    @property
    def loading(self) -> bool:
        """Some list is still being read (tests and screenshots wait for it)."""
        return any(self._list(key).loading for key in TAB_KEYS)

    def _list(self, key: str) -> ListTab:
        page = self.pages[key]
        return page.list if key == "places" else page

    def refresh(self) -> None:
        """Read every list again; the slow ones come in from the background as they are ready."""
        for page in self.pages.values():
            page.refresh()

    def tab_title(self, key: str) -> str:
        """The list's name with its count once it is in (依从性 names its line from the settings)."""
        shown = self._list(key).content
        if key == "adherence" and shown is None:
            return fc.adherence_title(settings.get(self.session.db, "adherence_threshold_percent"))
        title = TAB_TITLES[key] if key == "places" or shown is None else shown.title
        return title if shown is None else f"{title}（{len(shown.rows)}）"

    def _show_count(self, key: str) -> None:
        self.tabs.setTabText(TAB_KEYS.index(key), self.tab_title(key))

    # --- opening a patient ---------------------------------------------------------------
    def open_patient(self, patient_id: int):
        from ..patients import PatientPage

        page = PatientPage(self.session, patient_id, parent=self)
        page.setAttribute(Qt.WA_DeleteOnClose)
        page.finished.connect(lambda _result: self.refresh())
        self.current_dialog = page
        page.open()
        return page
