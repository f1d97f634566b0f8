"""The bench/ scripts stay importable as the library changes (they are run by hand, not here)."""

from __future__ import annotations

import importlib.util

import pytest

from tests.conftest import ROOT

SCRIPTS = sorted(p for p in (ROOT / "bench").glob("*.py"))


@pytest.mark.parametrize("path", SCRIPTS, ids=[p.name for p in SCRIPTS])
def test_bench_script_imports(path):
    spec = importlib.util.spec_from_file_location(f"bench_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # top level only: no benchmark runs
    if not path.name.startswith("_"):
        assert hasattr(module, "main")
