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


def test_one_codebook_reader_whose_summary_agrees_with_the_full_codebook():
    """Every stage reads the codebook through `pipeline.coding.codebook`: the `code` stage's
    full validation and the later stages' summary see the same codes, families, labels and
    care codes."""
    from pipeline.coding import codebook as reader
    path = ROOT / "codebooks" / "trafficking_themes.yaml"
    full = reader.load_codebook(path)
    assert reader.code_families(path) == {c.id: c.family for c in full.codes}
    assert reader.code_labels(path, "es") == {c.id: c.label.es for c in full.codes}
    assert reader.family_labels(path) == {f: labels.en for f, labels in full.families.items()}
    assert reader.valence_codes(path) == [c.id for c in full.codes if c.valence]
    # YAML is parsed in these modules only (each reads its own kind of file); the codebook in
    # coding/codebook.py alone, so a second, differently tolerant codebook reader cannot creep in
    yaml_readers = set()
    for module in (ROOT / "pipeline").rglob("*.py"):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and ast.unparse(node.func).split(".")[-1] in (
                    "read_yaml", "safe_load", "load", "load_all") and (
                    "yaml" in ast.unparse(node) or ast.unparse(node.func) == "read_yaml"):
                yaml_readers.add(module.relative_to(ROOT).as_posix())
    assert yaml_readers == {"pipeline/io.py", "pipeline/params.py", "pipeline/corpus/card.py",
                            "pipeline/coding/codebook.py",
                            "pipeline/redaction/name_evidence.py"}
