"""新增规格: one specification of a catalogue drug, with its first price when known — and the
fields the catalogue dialog shares with it (units, pack units, who pays, a price typed in yuan)."""
from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLineEdit, QSpinBox

from ..domain.errors import ValidationError
from ..domain.money import parse_yuan
from ..services import catalogue as catalogue_services
from ..storage import catalogue, clock
from .enrolment.common import ActionDialog, DateField, FieldError, hint_label

UNITS = ("片", "粒", "支", "袋", "ml")
PACK_UNITS = ("盒", "瓶", "板", "袋", "支")
PAYS = {1: "项目支付", 0: "自费"}


def combo(values, editable: bool = True) -> QComboBox:
    box = QComboBox()
    box.setEditable(editable)
    box.addItems(list(values))
    return box


def pays_combo() -> QComboBox:
    box = QComboBox()
    for value, text in PAYS.items():
        box.addItem(text, value)
    return box


def set_pays(box: QComboBox, value) -> None:
    box.setCurrentIndex(box.findData(1 if value else 0))


def count_box() -> QSpinBox:
    box = QSpinBox()
    box.setRange(1, 100000)
    box.setValue(20)
    return box


def default_name(drug: dict) -> str:
    """What staff would most likely call the specification: 利培酮 → 利培酮片."""
    name = drug["name"]
    if name.endswith("片"):
        return name
    if name.endswith("类"):   # 苯二氮卓类: a class, the actual drug must be typed
        return ""
    return name + ("注射液" if drug.get("dosage_form") == "针" else "片")


def price_fen(text: str, what: str = "价格") -> int:
    """Yuan typed by staff → fen; a blank or zero price is refused here, in words for the field."""
    if not text.strip():
        raise ValidationError(f"请填写{what}（元）")
    fen = parse_yuan(text)
    if fen <= 0:
        raise ValidationError(f"{what}应大于0")
    return fen


class SpecDialog(ActionDialog):
    """新增规格 for one catalogue drug, with its first price when known."""

    FIELD_ROWS = {"effective_date": "price_date"}

    def __init__(self, session, drug: dict, parent=None):
        super().__init__(session, None, f"新增规格 — {drug['name']}", parent)
        self.drug = drug
        self._pays_touched = False
        self.add_row("drug", "目录药品", hint_label(f"{drug['seq']}. {drug['name']}（{drug['dosage_form']}，"
                                                   f"{drug['drug_class']}，医保{drug['insurance_class']}）"))
        self.name = self.add_row("name", "品名", QLineEdit(default_name(drug)))
        self.strength = self.add_row("strength", "规格", QLineEdit())
        self.strength.setPlaceholderText("如 1mg、0.25g、50mg/1ml")
        self.unit = self.add_row("unit", "最小单位", combo(UNITS))
        if drug.get("dosage_form") == "针":
            self.unit.setCurrentText("支")
        self.units_per_pack = self.add_row("units_per_pack", "每包装数量", count_box())
        self.pack_unit = self.add_row("pack_unit", "包装单位", combo(PACK_UNITS))
        self.pays = self.add_row("pays", "支付", pays_combo())
        self.price = self.add_row("price", "价格（元/包装）", QLineEdit())
        self.price.setPlaceholderText("可稍后设定，如 18.50")
        self.price_date = self.add_row("price_date", "价格生效日期", DateField(clock.today()))
        self.preview = self.add_row("preview", "显示为", hint_label())
        self._default_pays()
        self.name.textChanged.connect(self._default_pays)
        self.pays.activated.connect(self._touch_pays)
        for signal in (self.name.textChanged, self.strength.textChanged, self.unit.currentTextChanged,
                       self.units_per_pack.valueChanged, self.pack_unit.currentTextChanged):
            signal.connect(self._update_preview)
        self._update_preview()
        self.finish_layout()
        self.setMinimumWidth(460)

    def _touch_pays(self, *_args) -> None:
        self._pays_touched = True

    def _default_pays(self, *_args) -> None:
        if not self._pays_touched:
            set_pays(self.pays, catalogue.default_programme_pays(self.drug, self.name.text()))

    def values(self) -> dict:
        return {"name": self.name.text(), "strength": self.strength.text(), "unit": self.unit.currentText(),
                "units_per_pack": self.units_per_pack.value(), "pack_unit": self.pack_unit.currentText()}

    def _update_preview(self, *_args) -> None:
        values = self.values()
        self.preview.setText(catalogue.label({k: v.strip() if isinstance(v, str) else v for k, v in values.items()}))

    def save(self) -> dict:
        price, day = None, None
        if self.price.text().strip():
            try:
                price = price_fen(self.price.text())
            except ValidationError as exc:
                raise FieldError("price", exc.message) from None
            day = self.date_of("price_date", self.price_date)
        spec = catalogue_services.add_spec(self.db, self.session.user, self.drug["id"], **self.values(),
                                           programme_pays=self.pays.currentData())
        if price is not None:
            catalogue_services.set_price(self.db, self.session.user, spec["id"], price, day, "")
        return spec
