"""A refusal is shown at the widget its ``field`` names — no screen reads the Chinese text to find
the place (issue 9): a source scan keeps it that way, and each enrolment dialog's refusals from
storage land at their rows. (The stock, catalogue, void and signing dialogs are tested beside
their other tests.)"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLineEdit

import clinic_app.ui
from clinic_app.domain.errors import RefusedError
from clinic_app.storage import agreements, applications, programme
from clinic_app.ui.enrolment.common import ActionDialog

from .enrolment_support import Panel, application, dated, eligible, fix_today, initial, send, through_approval

UI = Path(clinic_app.ui.__file__).parent

# Wording tests on a message that decide no widget: (module, the line's code), each with its reason.
NOT_PLACING = {
    # the export's own refusal already says nothing was left behind; the text is composed, not placed
    ("ledger_exporting.py", 'text = message if "未留下" in message else f"{message}\\n\\n{NOTHING_WRITTEN}"'),
    # Qt's own log messages, filtered while taking screenshots: not an error shown to anyone
    ("screenshots.py", 'if "propagateSizeHints" not in message:'),
}


def _message_names(func: ast.AST) -> set[str]:
    """Names holding an error's message: a parameter called ``message``, or a local bound to one
    (``message = exc.message``, ``getattr(exc, "message", None)``)."""
    names = {a.arg for a in (*func.args.posonlyargs, *func.args.args, *func.args.kwonlyargs)
             if a.arg == "message"}
    for node in ast.walk(func):
        if isinstance(node, ast.Assign) and any(_is_message(v, set()) for v in ast.walk(node.value)):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    return names


def _is_message(node: ast.AST, names: set[str]) -> bool:
    if isinstance(node, ast.Attribute) and node.attr == "message":
        return True
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "getattr":
        return len(node.args) > 1 and isinstance(node.args[1], ast.Constant) and node.args[1].value == "message"
    return isinstance(node, ast.Name) and node.id in names


def message_readings(source: str) -> list[str]:
    """The lines that look inside an error's message: ``… in exc.message``, ``message.startswith(…)``,
    ``re.search(…, message)`` — how a screen finds a widget by keyword."""
    tree = ast.parse(source)
    found = []
    lines = source.splitlines()
    for func in [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]:
        names = _message_names(func)
        for node in ast.walk(func):
            hit = False
            if isinstance(node, ast.Compare) and any(isinstance(op, (ast.In, ast.NotIn)) for op in node.ops):
                hit = any(_is_message(c, names) for c in node.comparators)
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                if node.func.attr in ("startswith", "endswith", "find", "index", "count", "split", "partition"):
                    hit = _is_message(node.func.value, names)
                elif isinstance(node.func.value, ast.Name) and node.func.value.id == "re":
                    hit = any(_is_message(a, names) for a in node.args)
            if hit:
                found.append(lines[node.lineno - 1].strip())
    return found


def test_the_scan_finds_a_screen_that_places_by_keyword():
    source = '''
def place_of(self, exc):
    if "日期" in exc.message:
        return "date"
def refused(self, exc):
    message = getattr(exc, "message", None) or str(exc)
    if message.startswith("不符合"):
        return "eligibility"
def place_by_keyword(message):
    return next((key for word, key in PLACES if word in message), None)
def shown(self, exc):
    return exc.message
'''
    assert message_readings(source) == ['if "日期" in exc.message:', 'if message.startswith("不符合"):',
                                        'return next((key for word, key in PLACES if word in message), None)']


def test_no_screen_reads_an_error_message_to_choose_a_widget():
    offenders = []
    for path in sorted(UI.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        name = path.relative_to(UI).as_posix()
        if "ERROR_PLACES" in source:
            offenders.append(f"{name}: ERROR_PLACES")
        offenders += [f"{name}: {line}" for line in message_readings(source) if (name, line) not in NOT_PLACING]
    assert offenders == []


def test_a_refusal_without_a_field_or_with_a_hidden_row_goes_to_the_message_line(qtbot, session, make_patient):
    pid = eligible(make_patient, "钱零", "19800101", "123")

    class Probe(ActionDialog):
        FIELD_ROWS = {"received_date": "date"}

        def __init__(self):
            super().__init__(session, pid, "probe")
            self.add_row("date", "日期", QLineEdit())
            self.add_row("late", "逾期原因", QLineEdit())
            self.set_row_visible("late", False)
            self.finish_layout()

    dialog = Probe()
    qtbot.addWidget(dialog)
    assert dialog.place_of_error(RefusedError("受理日期不能晚于今天", field="received_date")) == "date"
    assert dialog.place_of_error(RefusedError("日期不能早于上一次状态变更", field="date")) == "date"
    assert dialog.place_of_error(RefusedError("日期写错了")) is None            # the wording is not read
    assert dialog.place_of_error(RefusedError("请填写逾期原因", field="late")) is None   # hidden row
    assert dialog.place_of_error(RefusedError("请选择", field="nothing_here")) is None


# --- each enrolment dialog: a refusal from storage at its row --------------------------------------

@pytest.fixture(autouse=True)
def today(monkeypatch):
    fix_today(monkeypatch)   # 2026-11-20


def test_a_received_date_after_today_is_refused_at_the_received_date(qtbot, session, make_patient):
    pid = eligible(make_patient, "孙一", "19800101", "123")
    panel = Panel(qtbot, session, pid)
    dialog = panel.act("apply", application("2026-11-21"))
    assert not dialog.accepted_ok
    assert dialog.error_text("received") == "受理日期不能晚于今天"
    assert dialog.error_text() == "" and not dialog.row_visible("eligibility")
    assert applications.for_patient(session.db, pid) == []


def test_sending_before_the_initial_review_is_refused_at_the_date(qtbot, session, make_patient):
    pid = eligible(make_patient, "李二", "19800101", "123")
    panel = Panel(qtbot, session, pid)
    panel.act("apply", application("2026-03-10"))
    panel.act("initial", initial("2026-03-12"))
    dialog = panel.act("send", send("2026-03-11"))
    assert not dialog.accepted_ok
    assert dialog.error_text("date") == "报送日期不能早于初审日期"
    assert dialog.date.text() == "2026-03-11"


def test_a_status_change_before_the_last_one_is_refused_at_the_date(qtbot, session, make_patient):
    pid = eligible(make_patient, "周三", "19800101", "123")
    panel = Panel(qtbot, session, pid)
    through_approval(panel)   # enrolled 2026-03-18
    dialog = panel.act("admit", dated("2026-03-17", "区精神卫生中心住院"))
    assert not dialog.accepted_ok
    assert dialog.error_text("date") == "日期不能早于上一次状态变更（2026-03-18）"
    assert dialog.note.text() == "区精神卫生中心住院"
    assert programme.in_hospital_since(session.db, pid) is None


def test_a_blank_assessor_is_refused_at_the_assessor(qtbot, session, make_patient):
    pid = eligible(make_patient, "吴四", "19800101", "123")
    panel = Panel(qtbot, session, pid)
    through_approval(panel)

    def fill(dialog):
        dialog.choose(2)
        dialog.date.setText("2026-11-10")
        dialog.assessor.setText("  ")
    dialog = panel.act("risk", fill)
    assert not dialog.accepted_ok
    assert dialog.error_text("assessor") == "请填写评估人"
    assert dialog.error_text("level") == "" and dialog.error_text() == ""


def test_a_clinic_not_on_the_list_is_refused_at_the_clinic(qtbot, session, make_patient):
    pid = eligible(make_patient, "郑五", "19800101", "123")
    panel = Panel(qtbot, session, pid)
    through_approval(panel)

    def fill(dialog):
        dialog.choose_clinic("not-a-clinic")
        dialog.signed.setText("2026-11-20")
    dialog = panel.act("agreement", fill)
    assert not dialog.accepted_ok
    assert dialog.error_text("clinic") == "定点医院只能从附件6《设服药门诊医院名单》中选择"
    assert dialog.error_text("signed") == ""
    assert agreements.latest(session.db, pid) is None
