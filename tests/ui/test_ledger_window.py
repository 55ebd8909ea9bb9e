"""季度台账与上报 on real widgets and a real SQLite file: the figures shown are the ledger's to the
fen, the export writes a verified package with its progress reaching 100 %, a full stick leaves
nothing and says so in Chinese, closing freezes the quarter (storage then refuses a collection
dated in it), reopening needs an administrator and a reason, and the window keeps answering while
it reads a quarter and while it writes the package."""
from __future__ import annotations

import errno
import os
import threading
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer

from clinic_app.domain import quarters as dq
from clinic_app.domain.ledger import FUNDS
from clinic_app.domain.money import yuan
from clinic_app.exchange import ledger_export as le
from clinic_app.storage import audit, quarters, reference
from clinic_app.storage import ledger as ledger_storage
from clinic_app.storage.errors import StorageError
from clinic_app.ui import ledger_window as lw
from clinic_app.ui.ledger_model import VOID_COLOR, quarter_choices
from clinic_app.ui.ledger_window import CLOSE_EXPLANATION, LedgerWindow, ReasonDialog
from clinic_app.ui.session import Session
from tests.dispensing_data import fast_passwords, fix_today, line
from tests.ledger_data import Q1, Q4, ledger_world, move_to_2027
from clinic_app.storage import driver

PACKAGE = "youxi_2026Q4"


@pytest.fixture(autouse=True)
def _setup(monkeypatch):
    fast_passwords(monkeypatch)
    fix_today(monkeypatch)  # 2026-12-31: the world's collections are dated in 2026Q4


@pytest.fixture
def world(session):
    built, entries = ledger_world(session.db)
    quarters.set_allocation(session.db, Q4, 100_000, built.admin)
    return built, entries


@pytest.fixture
def stick(tmp_path) -> Path:
    folder = tmp_path / "U盘"
    folder.mkdir()
    return folder


@pytest.fixture
def answers(monkeypatch, stick):
    """Every question answered without a modal loop: the folder is the stick, confirmations say
    yes (``answers["confirm"] = False`` to say no), error boxes and opened folders are collected."""
    seen = {"errors": [], "confirms": [], "opened": [], "confirm": True, "folder": str(stick), "reason": None}

    def confirm(self, title, text):
        seen["confirms"].append((title, text))
        return seen["confirm"]

    monkeypatch.setattr(LedgerWindow, "_choose_folder", lambda self: seen["folder"])
    monkeypatch.setattr(LedgerWindow, "_confirm", confirm)
    monkeypatch.setattr(LedgerWindow, "_show_error", lambda self, title, text: seen["errors"].append((title, text)))
    monkeypatch.setattr(LedgerWindow, "_open_folder", lambda self, path: seen["opened"].append(Path(path)))
    monkeypatch.setattr(LedgerWindow, "_ask_reason", lambda self, label: seen["reason"])
    return seen


def _open(qtbot, session, **kwargs) -> LedgerWindow:
    window = LedgerWindow(session, **kwargs)
    qtbot.addWidget(window)
    window.resize(1240, 820)
    window.show()
    _wait(qtbot, window)
    return window


def _wait(qtbot, window) -> None:
    qtbot.waitUntil(lambda: not window.loading, timeout=15_000)


def _export(qtbot, window):
    with qtbot.waitSignal(window.export_finished, timeout=20_000) as blocker:
        assert window.export_package()
    if window.export_box is not None:
        window.export_box.close()
    return blocker.args[0]


def _listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def _other_session(session, user) -> Session:
    return Session(session.db, session.db_path, user, reference.clinic(session.db, "youxi"))


# --- what is shown ------------------------------------------------------------------------------

def test_the_window_opens_on_the_current_quarter(qtbot, session, world, monkeypatch):
    move_to_2027(monkeypatch)
    window = _open(qtbot, session)
    assert window.quarter().code == Q1                      # the quarter staff are working in
    assert window.quarter_box.currentIndex() == 0           # the current one comes first
    assert window.quarter_box.currentText() == "2027年第一季度（本季度）"
    assert window.period_label.text() == "2027年第一季度（2027-01-01 至 2027-03-31）"
    assert window.shown_rows() == 0                         # the world's collections are all in 2026Q4
    assert window.quarter_box.itemData(1) == Q4


def test_the_totals_are_the_ledgers(qtbot, session, world, monkeypatch):
    move_to_2027(monkeypatch)
    window = _open(qtbot, session, quarter=Q4)
    assert window.quarter().code == Q4
    expected = ledger_storage.ledger(session.db, Q4)
    assert window.shown_totals() == {k: f"{yuan(getattr(expected.totals, k))} 元" for k in FUNDS}
    assert expected.totals.total > 0 and expected.totals.programme > 0
    assert window.patients_value.text() == f"{expected.patients_served} 人" == "2 人"
    assert window.period_label.text() == "2026年第四季度（2026-10-01 至 2026-12-31）"
    assert window.state_label.text() == "未结账"
    assert window.tabs.tabText(0) == f"台账明细（{len(expected.rows)} 行）"


def test_the_rows_are_the_ledgers_with_masked_id_numbers(qtbot, session, world, monkeypatch):
    move_to_2027(monkeypatch)
    window = _open(qtbot, session, quarter=Q4)
    expected = ledger_storage.ledger(session.db, Q4)
    model = window.rows_model
    assert window.shown_rows() == len(expected.rows) == 5
    assert [model.row_texts(r) for r in range(model.rowCount())] == expected.text_rows
    assert all("*" in r.id_number for r in expected.rows)
    assert window.rows_view.model() is model and model.headerData(3, Qt.Horizontal) == "身份证号"
    voids = [n for n, r in enumerate(expected.rows) if r.kind == "void"]
    assert voids and model.data(model.index(voids[0], 0), Qt.ForegroundRole) == VOID_COLOR
    assert model.data(model.index(voids[0], 0), Qt.ToolTipRole).startswith("作废 2026-12-02 的领药")
    assert model.data(model.index(0, 0), Qt.ForegroundRole) is None
    drugs = window.shown_drugs()
    assert [d[:3] for d in drugs[:-1]] == [[d.drug, d.specification, str(d.packs)] for d in expected.by_drug]
    assert drugs[-1][0] == "合计" and drugs[-1][4:] == [yuan(getattr(expected.totals, k)) for k in FUNDS]


def test_the_allocation_against_the_programme_money_and_red_when_over(qtbot, session, world, monkeypatch):
    move_to_2027(monkeypatch)
    window = _open(qtbot, session, quarter=Q4)
    expected = ledger_storage.ledger(session.db, Q4)
    assert window.allocation.text() == "1000.00"
    assert window.spent_value.text() == f"{yuan(expected.programme_spent_fen)} 元"
    assert window.balance_value.text() == f"{yuan(100_000 - expected.programme_spent_fen)} 元"
    assert not window.balance_over

    window.allocation.setText("1.5")
    assert window.save_allocation()
    assert quarters.get(session.db, Q4)["allocated_fen"] == 150
    balance = 150 - expected.programme_spent_fen
    assert window.balance_value.text() == f"{yuan(balance)} 元（超支 {yuan(-balance)} 元）"
    assert window.balance_over and "#c62828" in window.balance_value.styleSheet()
    assert any("预拨经费：1000.00 元 → 1.50 元" in r["summary"] for r in audit.recent(session.db, 10))
    assert window.shown_events()[0][1:3] == ["预拨经费", "测试员"]

    window.allocation.setText("12.345")
    assert not window.save_allocation()
    assert window.allocation_error.isVisibleTo(window) and "两位小数" in window.allocation_error.text()
    assert quarters.get(session.db, Q4)["allocated_fen"] == 150


def test_only_staff_who_manage_the_quarter_may_change_the_allocation(qtbot, session, world, readonly_session):
    window = _open(qtbot, readonly_session, quarter=Q4)
    assert window.allocation.isReadOnly() and not window.allocation_button.isEnabled()
    assert not window.export_button.isEnabled() and not window.close_button.isEnabled()
    assert window.close_hint.text().endswith("只有管理员、精防人员可以结账。")


def test_quarter_choices_go_back_to_the_first_collection(session, world):
    choices = quarter_choices(session.db, dq.parse("2028Q2").first_day)
    assert choices[0].code == "2028Q2" and choices[-1].code == "2026Q3"  # at least eight quarters
    choices = quarter_choices(session.db, dq.parse("2030Q1").first_day)
    assert choices[-1].code == Q4                                       # the first collection's


# --- exporting -----------------------------------------------------------------------------------

def test_export_writes_a_verified_package_and_shows_its_totals(qtbot, session, world, answers, stick, monkeypatch):
    move_to_2027(monkeypatch)
    window = _open(qtbot, session, quarter=Q4)
    package = _export(qtbot, window)
    assert package is not None and package.path == stick / PACKAGE
    assert _listing(stick) == [PACKAGE]
    manifest = le.verify_package(package.path)
    assert manifest["quarter"] == Q4 and manifest["row_count"] == 5
    values = window.progress_values
    assert values[0] == 0 and values[-1] == 100 and values == sorted(values) and len(values) >= 5
    assert not window.exporting and not window.export_bar.isVisible()
    expected = ledger_storage.ledger(session.db, Q4)
    summary = f"共 5 行；项目资金合计 {yuan(expected.totals.programme)} 元"
    assert summary in window.export_result.text() and str(package.path) in window.export_result.text()
    assert summary in window.export_box.informativeText()
    window.open_folder_button.click()
    assert answers["opened"] == [package.path]
    assert answers["errors"] == []
    export = quarters.latest_export(session.db, Q4)
    assert export["detail"]["path"] == str(package.path)
    assert export["detail"]["manifest_sha256"] == package.manifest_sha256
    assert window.export_label.text().startswith("最近导出：") and str(package.path) in window.export_label.text()
    assert window.shown_events()[0][1] == "导出台账"
    assert window.close_button.isEnabled()                  # ended and exported: it can be closed


def test_an_existing_package_is_replaced_only_when_asked(qtbot, session, world, answers, stick, monkeypatch):
    move_to_2027(monkeypatch)
    window = _open(qtbot, session, quarter=Q4)
    first = _export(qtbot, window)
    answers["confirm"] = False
    assert not window.export_package()                      # the user kept the old package
    assert "已经存在" in answers["confirms"][-1][1]
    assert len([e for e in quarters.events(session.db, Q4) if e["kind"] == "export"]) == 1
    answers["confirm"] = True
    second = _export(qtbot, window)
    assert second.path == first.path and _listing(stick) == [PACKAGE]
    le.verify_package(second.path)
    assert len([e for e in quarters.events(session.db, Q4) if e["kind"] == "export"]) == 2


def test_a_full_stick_says_so_and_leaves_nothing(qtbot, session, world, answers, stick, monkeypatch):
    move_to_2027(monkeypatch)
    real = le._write_file
    calls = []

    def write(path, data):  # two files written, half of the third, then the stick is full
        calls.append(path)
        if len(calls) > 2:
            with open(path, "wb") as f:
                f.write(data[: len(data) // 2])
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real(path, data)

    monkeypatch.setattr(le, "_write_file", write)
    window = _open(qtbot, session, quarter=Q4)
    assert _export(qtbot, window) is None
    assert len(calls) == 3
    [(title, text)] = answers["errors"]
    assert title == "台账未能导出"
    assert text.startswith("U盘空间不足") and "未留下不完整的文件" in text
    assert _listing(stick) == []                            # no package, no temporary folder
    assert quarters.latest_export(session.db, Q4) is None
    assert window.export_result.text().startswith("导出失败：U盘空间不足")
    assert not window.exporting and window.export_button.isEnabled()
    assert not window.close_button.isEnabled()


def test_a_refused_export_says_nothing_was_written(qtbot, session, world, answers, tmp_path, monkeypatch):
    move_to_2027(monkeypatch)
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    answers["folder"] = str(blocker / "inside")             # can not be made: not a folder
    window = _open(qtbot, session, quarter=Q4)
    assert _export(qtbot, window) is None
    [(_title, text)] = answers["errors"]
    assert text.startswith("无法写入") and "台账未能导出，也未留下不完整的文件" in text
    assert blocker.read_text() == "not a folder"


def test_cancelling_the_folder_choice_does_nothing(qtbot, session, world, answers):
    answers["folder"] = None
    window = _open(qtbot, session, quarter=Q4)
    assert not window.export_package() and not window.exporting


# --- closing and reopening -------------------------------------------------------------------------

def test_closing_freezes_the_quarter(qtbot, session, world, answers, monkeypatch):
    w, _entries = world
    move_to_2027(monkeypatch)
    window = _open(qtbot, session, quarter=Q4)
    assert not window.close_button.isEnabled()
    assert "请先导出2026年第四季度的台账" in window.close_hint.text()   # the rule's own words (storage)
    assert CLOSE_EXPLANATION in window.close_hint.text()
    _export(qtbot, window)
    assert window.close_button.isEnabled()
    assert window.close_quarter()
    assert CLOSE_EXPLANATION in answers["confirms"][-1][1]
    assert window.state_label.text().startswith("已结账（") and "测试员" in window.state_label.text()
    assert quarters.is_closed(session.db, Q4)
    assert window.quarter_box.currentText() == "2026年第四季度（已结账）"
    assert window.allocation.isReadOnly() and not window.close_button.isVisibleTo(window)
    assert window.reopen_button.isVisibleTo(window) and window.reopen_button.isEnabled()
    assert [e[1] for e in window.shown_events()][:2] == ["结账", "导出台账"]
    with pytest.raises(StorageError, match="已结账"):
        w.dispense("2026-12-15", [line(w.risperidone, 1, "1")])
    assert answers["errors"] == []
    reopened = _open(qtbot, session, quarter=Q4)           # a new window reads the closed state
    assert reopened.state_label.text().startswith("已结账")


def test_a_quarter_not_ended_can_not_be_closed(qtbot, session, world, answers):
    window = _open(qtbot, session, quarter=Q4)              # today is 2026-12-31, the quarter's last day
    _export(qtbot, window)
    assert not window.close_button.isEnabled()
    assert "尚未结束" in window.close_hint.text()
    assert not window.close_quarter()                       # storage says why
    assert answers["errors"] and "尚未结束" in answers["errors"][-1][1]
    assert not quarters.is_closed(session.db, Q4)


def test_a_change_after_the_export_asks_for_a_new_export(qtbot, session, world, answers, monkeypatch):
    w, entries = world
    move_to_2027(monkeypatch)
    window = _open(qtbot, session, quarter=Q4)
    _export(qtbot, window)
    w.void(entries["second"]["id"], "录错患者", date="2026-12-20")
    window.reload()
    _wait(qtbot, window)
    assert not window.close_button.isEnabled()
    assert "导出之后2026年第四季度的台账又有变动" in window.close_hint.text()
    assert "请重新导出" in window.export_label.text()
    _export(qtbot, window)
    assert window.close_button.isEnabled()


def test_reopening_needs_an_administrator_and_a_reason(qtbot, session, world, answers, monkeypatch):
    w, _entries = world
    move_to_2027(monkeypatch)
    window = _open(qtbot, session, quarter=Q4)
    _export(qtbot, window)
    assert window.close_quarter()

    officer_window = _open(qtbot, _other_session(session, w.officer), quarter=Q4)
    assert officer_window.reopen_button.isVisibleTo(officer_window)
    assert not officer_window.reopen_button.isEnabled()
    assert "只有管理员可以重新开账" in officer_window.close_hint.text()
    answers["reason"] = "补登漏登的领药"
    assert not officer_window.reopen_quarter()
    assert answers["errors"][-1] == ("不能重新开账", "只有管理员可以重新开账")
    assert quarters.is_closed(session.db, Q4)

    answers["reason"] = None                                # the reason dialog was cancelled
    assert not window.reopen_quarter()
    answers["reason"] = "   "
    assert not window.reopen_quarter()
    assert answers["errors"][-1] == ("不能重新开账", "请写明重新开账的原因")
    assert quarters.is_closed(session.db, Q4)

    answers["reason"] = "补登漏登的领药"
    assert window.reopen_quarter()
    assert window.state_label.text() == "未结账" and not quarters.is_closed(session.db, Q4)
    assert window.shown_events()[0][1:] == ["重新开账", "测试员", "原因：补登漏登的领药"]
    assert "请先导出" in window.close_hint.text()          # the old export no longer counts
    assert window.quarter_box.currentText() == "2026年第四季度"
    w.dispense("2026-12-15", [line(w.risperidone, 1, "1")])  # storage takes it again


def test_the_reason_dialog_refuses_a_blank_reason(qtbot):
    dialog = ReasonDialog("2026年第四季度")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.accept()
    assert dialog.result() != ReasonDialog.Accepted and dialog.isVisible()
    assert dialog.error.isVisible() and dialog.error.text() == "请写明重新开账的原因"
    dialog.reason.setText("  补登  ")
    dialog.accept()
    assert dialog.result() == ReasonDialog.Accepted and dialog.value() == "补登"


# --- responsive -------------------------------------------------------------------------------------

def test_reading_a_quarter_runs_off_the_ui_thread_on_its_own_connection(qtbot, session, world, monkeypatch):
    seen = {}
    real = ledger_storage.ledger

    def slow(db, quarter, whole_id_numbers=None):
        seen["thread"], seen["db"] = threading.current_thread(), db
        time.sleep(0.6)
        return real(db, quarter, whole_id_numbers)

    monkeypatch.setattr(ledger_storage, "ledger", slow)
    events: list[str] = []
    window = LedgerWindow(session, quarter=Q4)
    qtbot.addWidget(window)
    window.loaded.connect(lambda: events.append("loaded"))
    window.show()
    assert window.loading and window.busy.isVisible() and window.status.text() == "正在读取台账…"
    assert not window.export_button.isEnabled()
    QTimer.singleShot(50, lambda: events.append("timer"))
    qtbot.waitUntil(lambda: "timer" in events, timeout=3000)
    assert window.loading and events == ["timer"]           # the UI thread kept going while it read
    _wait(qtbot, window)
    assert events == ["timer", "loaded"]
    assert seen["thread"] is not threading.main_thread() and seen["db"] is not session.db
    with pytest.raises(driver.ProgrammingError):           # closed after use
        seen["db"].execute("SELECT 1")
    assert window.shown_rows() == 5


def test_the_window_answers_while_the_package_is_written(qtbot, session, world, answers, monkeypatch):
    move_to_2027(monkeypatch)
    real = le.write_package
    threads = []

    def slow(job, out_dir, progress=None, replace=False):
        threads.append(threading.current_thread())
        progress("生成 Excel 文件", 0.05)
        time.sleep(0.6)
        return real(job, out_dir, progress, replace)

    monkeypatch.setattr(le, "write_package", slow)
    window = _open(qtbot, session, quarter=Q4)
    events: list[str] = []
    window.export_finished.connect(lambda package: events.append("done"))
    assert window.export_package()
    assert window.exporting and window.export_bar.isVisible() and not window.export_button.isEnabled()
    assert not window.quarter_box.isEnabled()
    QTimer.singleShot(50, lambda: events.append("timer"))
    qtbot.waitUntil(lambda: "timer" in events, timeout=3000)
    assert window.exporting and events == ["timer"]
    qtbot.waitUntil(lambda: 5 in window.progress_values, timeout=3000)  # relayed from the worker
    assert window.exporting
    window.close()                                          # not while the package is written
    assert window.isVisible() and "请等导出完成" in window.status.text()
    qtbot.waitUntil(lambda: "done" in events, timeout=20_000)
    window.export_box.close()
    assert threads and threads[0] is not threading.main_thread()
    assert window.progress_values[-1] == 100
    le.verify_package(window.last_package.path)


def test_a_large_quarter_is_shown_through_the_model(qtbot, session, world):
    from benchmarks.ledger_bench import fill_quarter

    count = fill_quarter(session.db, dq.parse(Q4), 30_000)
    window = LedgerWindow(session, quarter=Q4)
    qtbot.addWidget(window)
    window.show()
    assert window.loading                                   # the constructor did not wait for the rows
    _wait(qtbot, window)
    expected = ledger_storage.ledger(session.db, Q4)
    assert window.shown_rows() == len(expected.rows) == count >= 30_000
    assert window.shown_totals()["programme"] == f"{yuan(expected.totals.programme)} 元"
    last = window.rows_model.rowCount() - 1
    assert window.rows_model.row_texts(last) == expected.text_rows[last]


def test_the_project_menu_opens_one_ledger_window(qtbot, session, world):
    from clinic_app.ui.main_window import MainWindow

    main = MainWindow(session)
    qtbot.addWidget(main)
    assert main.ledger_action.text() == "季度台账与上报…"
    main.ledger_action.trigger()
    first = main.ledger_window
    assert isinstance(first, LedgerWindow) and first.isVisible() and first.windowTitle() == "季度台账与上报"
    _wait(qtbot, first)
    main.ledger_action.trigger()
    assert main.ledger_window is first
    _wait(qtbot, first)
    first.close()
    assert lw.CLOSE_EXPLANATION.startswith("结账后")


def test_a_package_that_reads_back_wrong_is_not_kept(qtbot, session, world, answers, stick, monkeypatch):
    move_to_2027(monkeypatch)
    monkeypatch.setattr(le, "_read_file", lambda path: b"{}")   # the stick gives back something else
    window = _open(qtbot, session, quarter=Q4)
    assert _export(qtbot, window) is None
    [(_title, text)] = answers["errors"]
    assert text.startswith("读回的台账清单与写入的不一致") and text.endswith(lw.NOTHING_WRITTEN)
    assert _listing(stick) == [] and quarters.latest_export(session.db, Q4) is None


def test_an_allocation_with_commas_out_of_their_groups_is_refused_at_the_field(qtbot, session, world,
                                                                               monkeypatch):
    move_to_2027(monkeypatch)
    window = _open(qtbot, session, quarter=Q4)
    before = quarters.get(session.db, Q4)["allocated_fen"]
    window.allocation.setText("1,2,3")
    assert not window.save_allocation()
    assert window.allocation.text() == "1,2,3"
    assert window.allocation_error.isVisibleTo(window)
    assert "千位分隔须每三位一组，如 1,234.50" in window.allocation_error.text()
    assert quarters.get(session.db, Q4)["allocated_fen"] == before
    window.allocation.setText("12,345.60")
    assert window.save_allocation()
    assert quarters.get(session.db, Q4)["allocated_fen"] == 1_234_560


def test_a_psychiatrist_is_refused_the_export_before_a_folder_is_asked_for(qtbot, session, world, answers,
                                                                          stick, monkeypatch):
    built, _ = world
    asked = []
    monkeypatch.setattr(LedgerWindow, "_choose_folder", lambda self: asked.append("folder") or str(stick))
    doctor = Session(session.db, session.db_path, built.doctor, reference.clinic(session.db, "youxi"))
    window = _open(qtbot, doctor)
    before = audit.recent(session.db, 1)[0]["id"]
    assert window.export_package() is False
    assert answers["errors"] == [("台账未能导出", "只有管理员、精防人员（发药人）可以导出季度台账")]
    assert asked == [] and not window.exporting and list(stick.iterdir()) == []
    assert audit.recent(session.db, 1)[0]["id"] == before


def test_the_ledger_prints_through_the_preview_as_the_packages_pdf(qtbot, session, world, monkeypatch, tmp_path):
    from tests.print_measure import page_sizes_mm
    from tests.ui.print_support import answer_previews

    move_to_2027(monkeypatch)
    previews = answer_previews(monkeypatch, tmp_path)
    window = _open(qtbot, session)
    window.quarter_box.setCurrentIndex(window.quarter_box.findData(Q4))  # it opens on the current one
    qtbot.waitUntil(lambda: window.print_button.isEnabled() and "第四季度" in window.windowTitle()
                    + window.quarter_box.currentText(), timeout=20_000)
    assert window.print_button.shortcut().toString() == "Ctrl+P" and window.print_button.isEnabled()
    assert window.print_ledger()
    qtbot.waitUntil(lambda: len(previews.printed) == 1 and not window.print_flow.busy, timeout=30_000)
    assert previews.titles == ["打印预览：2026年第四季度台账（季度台账）"]
    assert all(w > h and abs(w - 297) < 0.5 and abs(h - 210) < 0.5 for w, h in page_sizes_mm(previews.printed[0]))
    row = audit.recent(session.db, 1)[0]
    assert (row["action"], row["entity"], row["entity_id"]) == (audit.PRINT, "quarter", Q4)
    assert row["summary"].startswith("打印2026年第四季度台账")
