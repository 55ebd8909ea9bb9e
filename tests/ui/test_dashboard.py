"""统计图表 on real widgets and a real SQLite file with demo dispensing: the charts and the table
show exactly ``storage.dashboard``'s figures, loading runs off the UI thread on a connection of its
own, and the window keeps answering while it counts."""
from __future__ import annotations

import shutil
import threading
import time

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QColor

from clinic_app.domain.money import yuan
from clinic_app.storage import accounts, clock, reference
from clinic_app.storage import dashboard as figures
from clinic_app.storage.db import open_database
from clinic_app.storage.demo import write_demo
from clinic_app.ui import charts
from clinic_app.ui import dashboard as ui
from clinic_app.ui.charts import EMPTY_TEXT
from clinic_app.ui.dashboard import DashboardWindow
from clinic_app.ui.session import Session
from clinic_app.storage import driver


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    """200 demo patients with six months of collections, written once per module."""
    path = tmp_path_factory.mktemp("dashboard") / "demo.db"
    db = open_database(path)
    accounts.create_user(db, "tester", "Passw0rd!x", "admin", "测试员")
    added = write_demo(db, patients=200, months=6)
    assert added["dispensings"] > 0
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.conn.close()
    return path


@pytest.fixture
def demo(demo_file, tmp_path):
    """A logged-in session on a copy of the demo file of its own."""
    path = tmp_path / "clinic.db"
    shutil.copy(demo_file, path)
    db = open_database(path)
    user = next(u for u in accounts.list_users(db) if u["username"] == "tester")
    yield Session(db, path, user, reference.clinic(db, "youxi"))
    db.conn.close()


def _open(qtbot, session, **kwargs) -> DashboardWindow:
    window = DashboardWindow(session, **kwargs)
    qtbot.addWidget(window)
    window.resize(1100, 700)
    window.show()
    _wait(qtbot, window)
    return window


def _wait(qtbot, window) -> None:
    qtbot.waitUntil(lambda: not window.loading, timeout=10_000)


def _expected(session, months=12):
    return figures.monthly(session.db, clock.today(), months)


def test_charts_show_the_monthly_figures(qtbot, demo):
    window = _open(qtbot, demo)
    monthly = _expected(demo)
    assert len(monthly) == 12 and any(m["collections"] for m in monthly)
    assert [b.value for b in window.activity.bars()] == [m["collections"] for m in monthly]
    assert [p.value for p in window.activity.points()] == [m["patients"] for m in monthly]
    assert window.activity.categories[-1] == ui.month_title(monthly[-1]["month"])
    assert window.activity.legend() == ["领药人次", "服务患者"]
    assert window.funds.legend() == ["医保特病", "民政救助", "残联", "项目资金"]
    assert window.funds.totals() == [m["total_fen"] for m in monthly]
    for month, total in zip(window.funds.categories, window.funds.totals()):
        assert sum(s.value for s in window.funds.segments() if s.category == month) == total
    for key, name in ui.FUND_NAMES:
        assert [s.value for s in window.funds.segments() if s.series == name] == \
            [m[key] for m in monthly if m[key]]
    statuses = figures.patients_by_status(demo.db)
    assert [(b.category, b.value) for b in window.statuses.bars()] == [(s["label"], s["count"]) for s in statuses]
    assert sum(b.value for b in window.statuses.bars()) == 200


def test_the_gauge_shows_the_quarter_against_its_allocation(qtbot, demo):
    window = _open(qtbot, demo)
    quarter = figures.quarter_to_date(demo.db, clock.today())
    assert window.gauge.spent == quarter["programme_fen"]
    assert window.gauge.allocated == quarter["allocated_fen"]
    assert quarter["quarter"] in window.gauge_box.title()
    window.gauge.grab()
    assert f"已用项目资金：{yuan(quarter['programme_fen'])} 元" in window.gauge.drawn_texts()


def test_over_allocation_turns_the_gauge_red(qtbot, demo):
    quarter = figures.quarter_to_date(demo.db, clock.today())
    assert quarter["programme_fen"] > 100_00
    demo.db["quarters"].upsert({"quarter": quarter["quarter"], "allocated_fen": 100_00}, pk="quarter")
    window = _open(qtbot, demo)
    assert window.gauge.is_over()
    assert window.gauge.fill_color() == QColor(charts.OVER)
    window.gauge.grab()
    texts = window.gauge.drawn_texts()
    assert "超出预拨" in texts
    assert f"超出预拨 {yuan(quarter['programme_fen'] - 100_00)} 元" in texts


def test_the_table_holds_the_figures_and_their_totals(qtbot, demo):
    window = _open(qtbot, demo)
    monthly = _expected(demo)
    rows = window.table_values()
    assert [window.table.horizontalHeaderItem(c).text() for c in range(window.table.columnCount())] == \
        ["月份", "领药人次", "服务患者", "总金额", "医保特病", "民政救助", "残联", "项目资金"]
    assert len(rows) == 13
    for row, month in zip(rows, monthly):
        assert row == [ui.month_title(month["month"]), str(month["collections"]), str(month["patients"]),
                       *(yuan(month[k]) for k in ("total_fen", "insurance_fen", "relief_fen", "disability_fen",
                                                  "programme_fen"))]
    total = rows[-1]
    assert total[0] == "合计" and total[2] == "—"
    assert total[1] == str(sum(m["collections"] for m in monthly))
    for column, key in zip(range(3, 8), ("total_fen", "insurance_fen", "relief_fen", "disability_fen",
                                         "programme_fen")):
        assert total[column] == yuan(sum(m[key] for m in monthly))
    funds = sum(sum(m[k] for m in monthly) for k in figures.FUNDS)
    assert funds == sum(m["total_fen"] for m in monthly)


def test_the_range_selector_changes_the_months(qtbot, demo):
    window = _open(qtbot, demo)
    assert window.months() == 12
    window.range.setCurrentIndex(window.range.findData(6))
    _wait(qtbot, window)
    assert len(window.activity.bars()) == 6
    assert window.table.rowCount() == 7
    assert window.funds.totals() == [m["total_fen"] for m in _expected(demo, 6)]
    window.range.setCurrentIndex(window.range.findData(24))
    _wait(qtbot, window)
    assert len(window.funds.categories) == 24 and window.table.rowCount() == 25


def test_refresh_picks_up_new_collections(qtbot, demo):
    window = _open(qtbot, demo)
    before = window.activity.bars()[-1].value
    row = demo.db.execute("SELECT * FROM dispensings WHERE kind = 'dispense' ORDER BY id DESC LIMIT 1").fetchone()
    columns = [d[0] for d in demo.db.execute("SELECT * FROM dispensings LIMIT 0").description]
    copy = dict(zip(columns, row))
    copy.pop("id")
    copy["date"] = clock.today().isoformat()
    demo.db["dispensings"].insert(copy)
    demo.db.conn.commit()
    window.refresh_button.click()
    _wait(qtbot, window)
    assert window.activity.bars()[-1].value == before + 1


def test_loading_runs_off_the_ui_thread_on_its_own_connection(qtbot, demo, monkeypatch):
    seen = {}
    real = figures.monthly

    def slow(db, today, months=12):
        seen["thread"] = threading.current_thread()
        seen["db"] = db
        time.sleep(0.6)
        return real(db, today, months)

    monkeypatch.setattr(figures, "monthly", slow)
    events: list[str] = []
    window = DashboardWindow(demo)
    qtbot.addWidget(window)
    window.loaded.connect(lambda: events.append("loaded"))
    window.show()
    assert window.loading and window.busy.isVisible() and window.status.text() == "正在统计…"
    QTimer.singleShot(50, lambda: events.append("timer"))
    qtbot.waitUntil(lambda: "timer" in events, timeout=3000)
    assert window.loading, "the UI thread kept running while the figures were counted"
    window.range.setFocus()                     # the window still answers
    assert events == ["timer"]
    _wait(qtbot, window)
    assert events == ["timer", "loaded"]
    assert not window.busy.isVisible()
    assert seen["thread"] is not threading.main_thread()
    assert seen["db"] is not demo.db
    with pytest.raises(driver.ProgrammingError):   # closed after use
        seen["db"].execute("SELECT 1")
    assert [b.value for b in window.activity.bars()] == [m["collections"] for m in _expected(demo)]


def test_only_the_latest_request_is_shown(qtbot, demo, monkeypatch):
    real = figures.monthly

    def slow_for_twelve(db, today, months=12):
        if months == 12:
            time.sleep(0.5)
        return real(db, today, months)

    monkeypatch.setattr(figures, "monthly", slow_for_twelve)
    window = DashboardWindow(demo)
    qtbot.addWidget(window)
    window.range.setCurrentIndex(window.range.findData(6))   # asked while the 12 months still count
    qtbot.waitUntil(lambda: not window.loading, timeout=5000)
    qtbot.wait(700)                                           # the stale 12-month answer arrives and is ignored
    assert len(window.activity.bars()) == 6 and window.data["months"] == 6


def test_a_failure_is_reported(qtbot, demo, monkeypatch):
    def broken(db, today, months=12):
        raise driver.OperationalError("database is locked")

    monkeypatch.setattr(figures, "monthly", broken)
    window = DashboardWindow(demo)
    qtbot.addWidget(window)
    _wait(qtbot, window)
    assert window.status.text() == "统计失败：database is locked"
    assert window.status.property("role") == "error"


def test_an_empty_database_shows_no_data(qtbot, session):
    window = _open(qtbot, session)
    for chart in (window.activity, window.funds, window.gauge, window.statuses):
        chart.grab()
        assert chart.is_empty()
        assert chart.drawn_texts() == [EMPTY_TEXT]
    assert window.table_values()[-1] == ["合计", "0", "—", "0.00", "0.00", "0.00", "0.00", "0.00"]


def test_a_fixed_day_is_honoured(qtbot, demo):
    import datetime as dt

    day = clock.today() - dt.timedelta(days=62)
    window = _open(qtbot, demo, today=day)
    assert window.data["today"] == day
    assert window.funds.totals() == [m["total_fen"] for m in figures.monthly(demo.db, day, 12)]


def test_month_helpers():
    import datetime as dt

    assert ui.month_title("2026-01") == "2026年1月"
    assert ui.month_axis_label("2026-11") == "11月\n2026"
    quarter = {"from": "2026-10-01", "to": "2026-11-22"}
    assert ui.quarter_elapsed(quarter) == pytest.approx(53 / 92)
    assert ui.quarter_elapsed({"from": "2026-01-01", "to": dt.date(2026, 3, 31).isoformat()}) == 1.0


def test_the_project_menu_opens_one_dashboard(qtbot, demo):
    from clinic_app.ui.main_window import MainWindow

    window = MainWindow(demo)
    qtbot.addWidget(window)
    assert window.dashboard_action.text() == "统计图表…"
    window.dashboard_action.trigger()
    first = window.dashboard_window
    assert first.isVisible() and first.windowTitle() == "统计图表"
    _wait(qtbot, first)
    window.dashboard_action.trigger()
    assert window.dashboard_window is first
    _wait(qtbot, first)
    first.close()
