"""新建/编辑患者: the application form's fields, built from ``domain.patient_fields``.

The form holds no rules: every check, every derived value (sex and birth date from the ID
number) and every message comes from ``validate_field`` / ``validate_record``.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (QDialog, QGroupBox, QHBoxLayout, QLabel, QPushButton, QScrollArea,
                               QVBoxLayout, QWidget)

from ...domain.errors import ClinicError
from ...domain import choices
from ...domain import patient_fields as pf
from ...services import patients as patient_services
from ...storage import patients, reference
from ...storage.errors import DuplicateError
from .. import messages
from ..keyboard import focus_first, set_tab_order
from .editors import Editor, make_editor
from .field_cell import FieldCell, field_label
from .field_grid import FieldGrid, reflow
from .household import SHARED_KEYS, HouseholdBox, describe
from .saving import save_patient

DEFAULTS = {"ethnicity": choices.ETHNICITIES[0]}  # 汉族
WIDE_TEXT_LENGTH = 100
HINT = "带 * 的为必填项；日期写作 2020-01-05；填好身份证号后，性别和出生年月会自动填写。"


def is_wide(field: pf.Field) -> bool:
    return field.kind == pf.MULTI or (field.kind == pf.TEXT and field.max_length > WIDE_TEXT_LENGTH)


def town_choices(session) -> tuple[list[str], int]:
    """Every town, this clinic's own first; and how many are its own (a separator follows)."""
    own = [t for t in (session.clinic or {}).get("towns", [])]
    rest = [t for t in reference.towns(session.db) if t not in own]
    return own + rest, (len(own) if own and rest else 0)


def _unset(value) -> bool:
    return pf.is_blank(value) or value is False


class PatientForm(QDialog):
    def __init__(self, session, patient_id: int | None = None, parent=None):
        super().__init__(parent)
        self.session = session
        self.patient_id = patient_id
        self.saved_patient_id: int | None = None
        self._editors: dict[str, Editor] = {}
        self._cells: dict[str, FieldCell] = {}
        self._grids: list[FieldGrid] = []
        self._existing = patients.get(session.db, patient_id) if patient_id else None
        self._original_photo = patients.get_photo(session.db, patient_id) if patient_id else None
        if self._existing:  # the edit form shows ID numbers whole: that is a reveal
            patient_services.reveal_id_numbers(session.db, session.user, patient_id,
                                               f"打开编辑（显示完整证件号码）：{self._existing['name']}")
        self.setWindowTitle(f"编辑患者：{self._existing['name']}" if self._existing else "新建患者")
        self._build()
        self._load()
        self._initial = self._snapshot()
        self.resize(1020, 780)
        focus_first(self.tab_fields())

    # --- building ------------------------------------------------------------------------
    def _build(self) -> None:
        content = QWidget()
        column = QVBoxLayout(content)
        hint = QLabel(HINT)
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #52606d;")
        column.addWidget(hint)
        for group in pf.GROUPS:
            column.addWidget(self._build_group(group))
            if group == pf.GROUP_RESIDENCE:
                column.addWidget(self._build_household())
        column.addStretch(1)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFocusPolicy(Qt.NoFocus)  # the cursor starts in 姓名, not on the scroll area
        self.scroll.setWidget(content)
        layout = QVBoxLayout(self)
        layout.addWidget(self.scroll, 1)
        layout.addLayout(self._build_buttons())
        set_tab_order([*self.tab_fields(), self.save_button, self.cancel_button])

    def _build_group(self, group: str) -> QGroupBox:
        box = QGroupBox(group)
        grid = FieldGrid()
        self._grids.append(grid)
        for field in pf.ALL_FIELDS:
            if field.group == group:
                self._add_field(grid, field)
        QVBoxLayout(box).addWidget(grid)
        return box

    def _add_field(self, grid: FieldGrid, field: pf.Field) -> None:
        if field.key == "town":
            editor = make_editor(field, *town_choices(self.session))
        else:
            editor = make_editor(field)
        cell = FieldCell(field.key, editor.widget, hint=field.hint)
        editor.widget.ensurePolished()  # so the style sheet's padding counts in the height
        height = editor.widget.sizeHint().height() if field.kind not in (pf.MULTI, pf.IMAGE) else 0
        grid.add(field_label(field, editor.widget, height), cell, is_wide(field))
        editor.finished.connect(lambda key=field.key: self.check_field(key))
        cell.suggestion_taken.connect(lambda text, key=field.key: self._take_suggestion(key, text))
        self._editors[field.key] = editor
        self._cells[field.key] = cell

    def _build_household(self) -> HouseholdBox:
        existing = self._existing or {}
        self.household = HouseholdBox(self.session, self.patient_id, existing.get("household_id"))
        self.household.chosen.connect(self._offer_copy_from)
        return self.household

    def _build_buttons(self) -> QHBoxLayout:
        self.save_button = QPushButton("保存")
        self.save_button.setShortcut(QKeySequence("Ctrl+S"))
        self.save_button.setToolTip("保存（Ctrl+S）")
        self.save_button.setProperty("primary", True)
        self.save_button.clicked.connect(self.save)
        self.cancel_button = QPushButton("取消")
        self.cancel_button.clicked.connect(self.reject)
        row = QHBoxLayout()
        row.addStretch(1)
        for button in (self.save_button, self.cancel_button):
            button.setAutoDefault(False)
            row.addWidget(button)
        return row

    def _load(self) -> None:
        if self._existing is None:
            for key, value in DEFAULTS.items():
                self.set_value(key, value)
            return
        for key, editor in self._editors.items():
            if key == "photo":
                if self._original_photo:
                    editor.set_value((self._original_photo, None))
            else:
                editor.set_value(self._existing.get(key))
        typed = self.values()
        self._apply_derived(pf.validate_record(typed), typed)  # e.g. sex not matching the ID

    def tab_fields(self) -> list[QWidget]:
        """The inputs in the order Tab visits them: the declared order of ``patient_fields``, group
        by group as laid out, with 同户患者 after the residence group."""
        order: list[QWidget] = []
        for group in pf.GROUPS:
            order += [self._editors[f.key].widget for f in pf.ALL_FIELDS if f.group == group]
            if group == pf.GROUP_RESIDENCE:
                order.append(self.household)
        return order

    # --- the small interface tests and callers use -----------------------------------------
    def field_widget(self, key: str):
        return self._editors[key].widget

    def error_text(self, key: str) -> str:
        return self._cells[key].text()

    def message_kind(self, key: str) -> str:
        return self._cells[key].kind

    def suggestion_button(self, key: str) -> QPushButton:
        return self._cells[key].suggest_button

    def set_value(self, key: str, value) -> None:
        self._editors[key].set_value(value)

    def value(self, key: str):
        return self._editors[key].value()

    def values(self) -> dict:
        return {k: e.value() for k, e in self._editors.items() if e.field.kind != pf.IMAGE}

    # --- checking ------------------------------------------------------------------------
    def check_field(self, key: str) -> None:
        """The user has left a field: check it alone, then what depends on it."""
        editor, cell = self._editors[key], self._cells[key]
        if editor.field.kind == pf.IMAGE:
            return
        value = editor.value()
        if pf.is_blank(value) and cell.kind != "error":
            cell.clear()  # "please fill in" waits for 保存, so tabbing past does not nag
        else:
            result = pf.validate_field(key, value, self.values())
            self._show_one(key, result)
            self._tidy(key, result)
        typed = self.values()
        self._apply_derived(pf.validate_record(typed), typed)

    def _show_one(self, key: str, result: pf.Validated) -> None:
        cell = self._cells[key]
        if key in result.errors:
            cell.show_error(result.errors[key], result.suggestions.get(key, ""))
        elif key in result.warnings:
            cell.show_warning(result.warnings[key])
        else:
            cell.clear()

    def _tidy(self, key: str, result: pf.Validated) -> None:
        """Show a valid value the way it is stored (2020/1/5 → 2020-01-05, lowercase x → X)."""
        editor = self._editors[key]
        cleaned = result.values.get(key)
        if key not in result.errors and editor.field.kind in (pf.TEXT, pf.DATE) \
                and isinstance(cleaned, str) and cleaned != editor.value():
            editor.set_value(cleaned)

    def _apply_derived(self, result: pf.Validated, typed: dict) -> None:
        """Fill what the rules derived for empty fields; show or drop their warnings."""
        for key, cell in self._cells.items():
            derived = result.values.get(key)
            if _unset(typed.get(key)) and not _unset(derived) and key not in result.errors \
                    and self._editors[key].field.kind not in (pf.IMAGE, pf.MULTI):
                self._editors[key].set_value(derived)
                cell.clear()
            if key in result.warnings and cell.kind != "error":
                cell.show_warning(result.warnings[key])
            elif key not in result.warnings and cell.kind == "warning":
                cell.clear()

    def _take_suggestion(self, key: str, text: str) -> None:
        self.set_value(key, text)
        self.check_field(key)
        self._editors[key].focus()

    # --- household -----------------------------------------------------------------------
    def _offer_copy_from(self, patient_id: int) -> None:
        other = self.household.partner or patients.get(self.session.db, patient_id)
        if self._confirm("同户患者", f"是否将 {describe(other)} 的住址和监护人信息复制到本表？"):
            self.copy_from(other)

    def copy_from(self, other: dict) -> None:
        for key in SHARED_KEYS:
            if not pf.is_blank(other.get(key)):
                self.set_value(key, other[key])
                self._cells[key].clear()

    # --- saving --------------------------------------------------------------------------
    def save(self) -> bool:
        typed = self.values()
        result = pf.validate_record(typed)
        self._show_all(result)
        self._apply_derived(result, typed)
        if not result.ok:
            self._focus_first(result.errors)
            return False
        if result.warnings and not self._confirm_warnings(result.warnings):
            return False
        try:
            self.saved_patient_id = self._store(result.values)
        except DuplicateError as exc:
            self._cells["id_number"].show_error(exc.message)
            self._focus_first({"id_number": exc.message})
            return False
        except ClinicError as exc:
            self._show_error("保存失败", exc.message)
            return False
        self._initial = self._snapshot()
        self.accept()
        return True

    def _show_all(self, result: pf.Validated) -> None:
        for key, cell in self._cells.items():
            self._show_one(key, result)

    def _focus_first(self, errors: dict) -> None:
        for field in pf.ALL_FIELDS:
            if field.key in errors:
                self.scroll.ensureWidgetVisible(self._cells[field.key], 20, 40)
                self._editors[field.key].focus()
                return

    def _confirm_warnings(self, warnings: dict) -> bool:
        lines = [f"{pf.BY_KEY[k].label}：{msg}" for k, msg in warnings.items()]
        return self._confirm("请核对", "\n".join(lines) + "\n\n仍要保存吗？")

    def _store(self, values: dict) -> int:
        return save_patient(self.session, self.patient_id, values,
                            self.household.household_id_to_save(), self._editors["photo"].value())

    # --- closing -------------------------------------------------------------------------
    def _snapshot(self) -> tuple:
        photo = self._editors["photo"].value()
        return self.values(), photo[0] if photo else None, self.household.household_id

    def reject(self) -> None:
        if self._snapshot() != self._initial and not self._confirm("尚未保存", "填写的内容尚未保存，确定要关闭吗？"):
            return
        super().reject()

    def keyPressEvent(self, event) -> None:  # noqa: N802
        """Enter moves to the next field, as on paper; only 保存 (Ctrl+S) saves."""
        if event.key() in (Qt.Key_Return, Qt.Key_Enter) and not event.modifiers():
            self.focusNextChild()
            return
        super().keyPressEvent(event)

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        reflow(self._grids, event.size().width())

    # --- overridable so tests need no modal loop ------------------------------------------
    def _confirm(self, title: str, text: str) -> bool:
        return messages.confirm(self, title, text)

    def _show_error(self, title: str, text: str) -> None:
        messages.error(self, title, text)
