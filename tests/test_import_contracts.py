"""The layers of issue 9, enforced: ``lint-imports`` checks the contracts in ``pyproject.toml``
(ui | cli > services > documents | exchange > storage > domain, no circles inside a layer, and
documents and exchange reading no database),
so a new import that reaches upwards fails the test run, not a later review."""
from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["clinic_app.ui | clinic_app.cli", "clinic_app.services", "clinic_app.documents | clinic_app.exchange",
          "clinic_app.storage", "clinic_app.domain"]


def _lint_imports(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """``lint-imports`` of this interpreter's environment, in ``cwd`` with ``cwd`` importable."""
    script = Path(sys.executable).with_name("lint-imports")
    command = [str(script)] if script.exists() else [
        sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command; "
                              "sys.exit(lint_imports_command())"]
    env = {**os.environ, "PYTHONPATH": str(cwd) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.run([*command, "--no-cache", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)


def test_every_import_contract_is_kept():
    run = _lint_imports()
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 broken" in run.stdout


def test_the_contract_is_the_one_issue_9_names():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    assert config["root_package"] == "clinic_app"
    layers = next(c for c in config["contracts"] if c["type"] == "layers")
    assert layers["layers"] == LAYERS
    assert all(rule.startswith("clinic_app.cli -> clinic_app.ui.") for rule in layers.get("ignore_imports", []))
    acyclic = next(c for c in config["contracts"] if c["type"] == "acyclic_siblings")
    assert "clinic_app.storage" in acyclic["ancestors"]
    forbidden = next(c for c in config["contracts"] if c["type"] == "forbidden")
    assert forbidden["source_modules"] == ["clinic_app.documents", "clinic_app.exchange"]
    assert forbidden["forbidden_modules"] == ["clinic_app.storage"]


def test_an_upward_import_is_caught(tmp_path):
    """The checker is not a formality: a storage module importing documents breaks the contract."""
    package = tmp_path / "layered"
    for name in ("storage", "documents"):
        (package / name).mkdir(parents=True)
        (package / name / "__init__.py").write_text("", encoding="utf-8")
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "storage" / "rows.py").write_text("from ..documents import layout  # noqa\n", encoding="utf-8")
    (package / "documents" / "layout.py").write_text("", encoding="utf-8")
    config = tmp_path / "contracts.ini"
    config.write_text("[importlinter]\nroot_package = layered\n\n[importlinter:contract:one]\nname = Layers\n"
                      "type = layers\nlayers =\n    layered.documents\n    layered.storage\n", encoding="utf-8")
    run = _lint_imports("--config", str(config), cwd=tmp_path)
    assert run.returncode != 0
    assert "layered.storage.rows -> layered.documents.layout" in run.stdout
