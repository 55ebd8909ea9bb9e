"""The register import dialog: check in the background, see every row and the counts, import."""
from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt

from clinic_app.domain import idnumber
from clinic_app.storage import audit, patients
from clinic_app.ui.import_dialog import COLUMNS, ImportRegisterDialog

from ..exchange.register_files import MIXED_EXPECTED, WU, ZHANG, mixed_register, write_xlsx

WAIT_MS = 10000


@pytest.fixture
def dialog(qtbot, session, monkeypatch):
    widget = ImportRegisterDialog(session)
    qtbot.addWidget(widget)
    widget.resize(1040, 640)
    confirmations = []
    monkeypatch.setattr(widget, "_confirm", lambda title, text: confirmations.append(text) or True)
    widget.confirmations = confirmations
    return widget


def load(qtbot, widget, path) -> None:
    widget.choose_file = lambda: str(path)
    with qtbot.waitSignal(widget.checked, timeout=WAIT_MS):
        widget.browse_button.click()
    assert not widget.busy


def text(widget, row: int, column: str) -> str:
    return widget.table.item(row, COLUMNS.index(column)).text()


def test_starts_empty_with_nothing_to_import(dialog):
    assert dialog.table.rowCount() == 0
    assert not dialog.import_button.isEnabled()
    assert dialog.import_button.text() == "导入 0 行"
    assert not dialog.recheck_button.isEnabled()


def test_a_mixed_file_shows_every_row_and_the_counts(qtbot, dialog, make_patient, tmp_path):
    make_patient("吴十", WU)
    load(qtbot, dialog, mixed_register(tmp_path))
    assert dialog.counts_label.text() == "可导入 4 行，错误 6 行，重复 2 行"
    assert dialog.table.rowCount() == len(MIXED_EXPECTED)
    labels = {"ok": "可导入", "error": "错误", "duplicate": "重复"}
    for number, (status, _fragment) in MIXED_EXPECTED.items():
        assert dialog.status_of(number) == labels[status]
    assert dialog.import_button.isEnabled() and dialog.import_button.text() == "导入 4 行"
    assert "微信号" in dialog.notes_label.text() and dialog.notes_label.isVisibleTo(dialog)
    first = [r for r in range(dialog.table.rowCount()) if text(dialog, r, "行号") == "4"][0]
    assert text(dialog, first, "姓名") == "张三"
    assert text(dialog, first, "身份证号") == idnumber.mask(ZHANG)
    every_cell = [dialog.table.item(r, c).text() for r in range(dialog.table.rowCount())
                  for c in range(len(COLUMNS))]
    assert not any(re.search(r"\d{17}[\dX]", cell) for cell in every_cell)  # masked, messages too
    damaged = [r for r in range(dialog.table.rowCount()) if text(dialog, r, "行号") == "6"][0]
    assert text(dialog, damaged, "身份证号") == "5.00381E+17"  # as Excel shows it
    wrong = [r for r in range(dialog.table.rowCount()) if text(dialog, r, "行号") == "7"][0]
    assert "身份证号校验位错误" in text(dialog, wrong, "说明")
    status_item = dialog.table.item(wrong, COLUMNS.index("状态"))
    assert status_item.background().color().name() == "#fbe0e0"


def test_only_problems_filter(qtbot, dialog, tmp_path):
    load(qtbot, dialog, mixed_register(tmp_path))
    dialog.problems_only.setChecked(True)
    shown = [text(dialog, r, "状态") for r in range(dialog.table.rowCount()) if not dialog.table.isRowHidden(r)]
    assert shown and "可导入" not in shown
    dialog.problems_only.setChecked(False)
    assert not any(dialog.table.isRowHidden(r) for r in range(dialog.table.rowCount()))


def test_import_writes_the_good_rows_and_says_where_the_report_is(qtbot, dialog, session, make_patient,
                                                                  tmp_path):
    make_patient("吴十", WU)
    load(qtbot, dialog, mixed_register(tmp_path))
    with qtbot.waitSignal(dialog.imported, timeout=WAIT_MS) as blocker:
        dialog.import_button.click()
    assert blocker.args == [4]
    assert "将导入 4 名患者" in dialog.confirmations[0]
    assert patients.count(session.db) == 1 + 4
    assert {p["name"] for p in patients.search(session.db, "")} == {"吴十", "张三", "孙八", "周九", "陈三"}
    entry = audit.recent(session.db, 1)[0]
    assert (entry["entity"], entry["summary"], entry["username"]) == ("import", "导入登记名单 4 行", "tester")
    report = dialog.report_path()
    assert report is not None and report.exists()
    assert str(report) in dialog.result_label.text() and dialog.result_label.isVisibleTo(dialog)
    assert dialog.status_of(4) == "已导入"
    assert dialog.status_of(7) == "错误"
    assert not dialog.import_button.isEnabled()
    assert dialog.open_folder_button.isVisibleTo(dialog)


def test_fix_and_check_again(qtbot, dialog, tmp_path):
    row = [1, "张三", "男", ZHANG[:-1] + ("0" if ZHANG[-1] != "0" else "1"), None, None, None, None, "油溪镇",
           None, None]
    path = write_xlsx(tmp_path / "fix.xlsx", [row])
    load(qtbot, dialog, path)
    assert dialog.counts_label.text() == "可导入 0 行，错误 1 行，重复 0 行"
    assert not dialog.import_button.isEnabled()
    row[3] = ZHANG
    write_xlsx(path, [row])
    with qtbot.waitSignal(dialog.checked, timeout=WAIT_MS):
        dialog.recheck_button.click()
    assert dialog.counts_label.text() == "可导入 1 行，错误 0 行，重复 0 行"
    assert dialog.import_button.isEnabled()


def test_unreadable_file_is_explained(qtbot, dialog, tmp_path):
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 64)
    load(qtbot, dialog, path)
    assert ".xls" in dialog.error and dialog.error_label.isVisibleTo(dialog)
    assert dialog.table.rowCount() == 0 and not dialog.import_button.isEnabled()


def test_a_failed_import_writes_nothing_and_says_so(qtbot, dialog, session, tmp_path, monkeypatch):
    load(qtbot, dialog, mixed_register(tmp_path))

    def fail(*args, **kwargs):
        raise RuntimeError("磁盘已满")
    monkeypatch.setattr(patients, "create", fail)
    dialog.import_button.click()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=WAIT_MS)
    assert "没有写入任何患者" in dialog.error and "磁盘已满" in dialog.error
    assert patients.count(session.db) == 0


def test_declining_the_confirmation_imports_nothing(qtbot, dialog, session, tmp_path, monkeypatch):
    load(qtbot, dialog, mixed_register(tmp_path))
    monkeypatch.setattr(dialog, "_confirm", lambda title, text: False)
    dialog.import_button.click()
    assert not dialog.busy and patients.count(session.db) == 0


def test_read_only_users_may_check_but_not_import(qtbot, readonly_session, tmp_path):
    widget = ImportRegisterDialog(readonly_session)
    qtbot.addWidget(widget)
    load(qtbot, widget, mixed_register(tmp_path))
    assert widget.counts_label.text().startswith("可导入")
    assert not widget.import_button.isEnabled()
    assert "只读" in widget.import_button.toolTip()


def test_busy_indicator_while_checking(qtbot, dialog, tmp_path):
    dialog.show()
    dialog.load(mixed_register(tmp_path))
    assert dialog.busy and dialog.progress.isVisible() and not dialog.browse_button.isEnabled()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=WAIT_MS)
    assert not dialog.progress.isVisible() and dialog.browse_button.isEnabled()
    assert dialog.cursor().shape() == Qt.ArrowCursor
