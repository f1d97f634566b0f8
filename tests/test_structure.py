"""The shape the code keeps: small modules, stages that meet only through the artefact
contract, no import that runs back up, one settings module."""

from __future__ import annotations

import ast

import pytest

from tests.conftest import ROOT

PIPELINE = ROOT / "pipeline"
MODULES = sorted(PIPELINE.rglob("*.py"))


def imports_of(path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_module_is_over_350_lines(path):
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 350


def test_no_stage_imports_another_stage():
    for path in sorted((PIPELINE / "stages").glob("*.py")):
        if path.name in ("__init__.py", "common.py"):
            continue
        others = {name for name in imports_of(path)
                  if name.startswith("pipeline.stages.") and name != "pipeline.stages.common"
                  and not name.startswith("pipeline.stages.common.")}
        assert not others, f"{path.name} imports {sorted(others)}"


def test_no_import_runs_back_up_to_the_stages_or_the_command():
    for path in MODULES:
        relative = path.relative_to(PIPELINE).as_posix()
        if relative.startswith("stages/") or relative == "cli.py":
            continue
        upward = {name for name in imports_of(path)
                  if name.startswith(("pipeline.stages", "pipeline.cli"))}
        assert not upward, f"{relative} imports {sorted(upward)}"


def test_settings_live_in_one_module():
    stray = [p.relative_to(ROOT).as_posix() for p in MODULES
             if p.name.endswith("params.py") and p != PIPELINE / "params.py"]
    assert not stray
