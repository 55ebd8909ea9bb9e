"""An installed wheel must hold every package and resource a checkout has."""
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _declared() -> set[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return set(config["tool"]["setuptools"]["packages"])


def test_every_python_package_in_the_tree_is_declared_for_the_wheel():
    found = {".".join(p.parent.relative_to(ROOT).parts)
             for p in (ROOT / "clinic_app").rglob("__init__.py")}
    assert found - _declared() == set()


def test_resources_ship_as_their_own_package():
    assert "clinic_app_resources" in _declared()
    assert (ROOT / "resources" / "__init__.py").exists()
