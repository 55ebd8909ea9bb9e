"""Settings: checked against their declaration, changed together, audited with old and new values."""
from __future__ import annotations

from ..domain.errors import ValidationError
from ..domain.settings_spec import BY_KEY
from ..storage import audit, settings
from .use_case import use_case


def _checked(key: str, value):
    spec = BY_KEY.get(key)
    if spec is None or not spec.kind:
        raise ValidationError(f"“{key}”不是可修改的设置", field=key)
    try:
        value = spec.type(value)
    except (TypeError, ValueError):
        raise ValidationError(f"{spec.label}：“{value}”无效", field=key) from None
    if spec.type is int and ((spec.minimum is not None and value < spec.minimum)
                             or (spec.maximum is not None and value > spec.maximum)):
        raise ValidationError(f"{spec.label}应在 {spec.minimum} 到 {spec.maximum} 之间", field=key)
    if spec.choices and value not in spec.choices:
        raise ValidationError(f"{spec.label}应为 {'、'.join(spec.choices)} 之一", field=key)
    return value


def _change(db, actor, changes: dict, summary: str) -> dict:
    checked = {key: _checked(key, value) for key, value in changes.items()}
    before = {key: settings.get(db, key) for key in checked}
    changed = {key: [before[key], value] for key, value in checked.items() if value != before[key]}
    if changed:
        with db.atomic():
            for key, (_, value) in changed.items():
                settings.put(db, key, value)
            audit.record(db, audit.UPDATE, "settings", ",".join(changed), summary, detail=changed, user=actor)
    return changed


@use_case("settings.change")
def change_settings(db, actor, changes: dict) -> dict:
    """``{key: value}`` → the ones that changed, as ``{key: [old, new]}``."""
    return _change(db, actor, changes, "修改设置")


@use_case("places.set")
def set_places(db, actor, places: int) -> dict:
    before = settings.get(db, "places")
    return _change(db, actor, {"places": places}, f"修改{BY_KEY['places'].label}：{before} → {places}")
