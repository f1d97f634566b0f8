"""The numeric code paths are pinned before numpy, OpenBLAS and numba load (issue 12)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from pipeline.cpu_paths import (
    OPT_OUT_VARIABLE,
    PIN_VARIABLES,
    PINNED_LEVEL,
    cpu_flags,
    pin_numeric_code_paths,
    pinned_environment,
)

HASWELL = frozenset("fpu sse sse2 ssse3 sse4_1 sse4_2 popcnt avx avx2 fma f16c bmi1 bmi2 "
                    "movbe".split())
SKYLAKE_X = HASWELL | {"avx512f", "avx512dq", "avx512bw", "avx512vl"}
SANDY_BRIDGE = frozenset("fpu sse sse2 ssse3 sse4_1 sse4_2 popcnt avx".split())
HERE_PINNED = pinned_environment(cpu_flags(), os.uname().machine) != {}


def test_avx512_machine_switches_off_numpy_avx512_and_pins_openblas_and_numba():
    env = pinned_environment(SKYLAKE_X, "x86_64")
    assert env == {"OPENBLAS_CORETYPE": "Haswell", "NUMBA_CPU_NAME": "haswell",
                   "NUMBA_CPU_FEATURES": "", "NPY_DISABLE_CPU_FEATURES":
                   "X86_V4 AVX512_ICL AVX512_SPR"}


def test_avx2_machine_has_no_numpy_groups_to_switch_off():
    env = pinned_environment(HASWELL, "x86_64")
    assert "NPY_DISABLE_CPU_FEATURES" not in env and env["OPENBLAS_CORETYPE"] == "Haswell"


@pytest.mark.parametrize("flags, machine", [(SANDY_BRIDGE, "x86_64"), (SKYLAKE_X, "aarch64"),
                                            (None, "x86_64")])
def test_machines_below_the_level_are_left_native(flags, machine):
    """Forcing AVX2 kernels on a CPU without AVX2 would crash; other architectures differ
    anyway."""
    environ = {}
    assert pinned_environment(flags, machine) == {}
    assert pin_numeric_code_paths(environ, flags or frozenset(), machine).startswith("native")
    assert environ == {}


def test_values_already_set_are_replaced_and_opt_out_leaves_them():
    environ = {"OPENBLAS_CORETYPE": "SkylakeX", "NUMBA_CPU_NAME": "host"}
    pin_numeric_code_paths(environ, SKYLAKE_X, "x86_64")
    assert environ["OPENBLAS_CORETYPE"] == "Haswell" and environ["NUMBA_CPU_NAME"] == "haswell"
    environ = {"OPENBLAS_CORETYPE": "SkylakeX", OPT_OUT_VARIABLE: "1"}
    assert pin_numeric_code_paths(environ, SKYLAKE_X, "x86_64").startswith("native")
    assert environ == {"OPENBLAS_CORETYPE": "SkylakeX", OPT_OUT_VARIABLE: "1"}


def test_cpu_flags_reads_the_flags_line(tmp_path):
    info = tmp_path / "cpuinfo"
    info.write_text("processor\t: 0\nflags\t\t: fpu avx avx2 fma\n", encoding="utf-8")
    assert cpu_flags(info) == {"fpu", "avx", "avx2", "fma"}
    assert cpu_flags(tmp_path / "missing") is None


def _run(code: str, folder) -> subprocess.CompletedProcess:
    """`code` as a script file (a spawned child imports it again) in a clean environment."""
    script = folder / "probe.py"
    script.write_text(code, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in PIN_VARIABLES + (OPT_OUT_VARIABLE,)}
    return subprocess.run([sys.executable, str(script)], env=env, capture_output=True,
                          text=True, timeout=120)


@pytest.mark.skipif(not HERE_PINNED, reason=f"this CPU is not x86-64 at {PINNED_LEVEL}")
def test_a_new_process_and_its_children_run_the_pinned_code_paths(tmp_path):
    """What the libraries report once loaded after `import pipeline`, in the process and in a
    spawned child (as Dask starts its workers)."""
    code = """
import multiprocessing, os, pipeline
from threadpoolctl import threadpool_info
import numpy._core._multiarray_umath as m
import numba.core.config as nc

def child(queue):
    queue.put(os.environ.get("OPENBLAS_CORETYPE"))

if __name__ == "__main__":
    print(pipeline.NUMERIC_CODE_PATH)
    print(sorted({i.get("architecture") for i in threadpool_info() if i["internal_api"] == "openblas"}))
    print(m.__cpu_features__["X86_V4"] and "X86_V4" not in os.environ.get("NPY_DISABLE_CPU_FEATURES", ""))
    print(nc.CPU_NAME, repr(nc.CPU_FEATURES))
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    process = ctx.Process(target=child, args=(queue,))
    process.start(); print(queue.get()); process.join()
"""
    script = _run(code, tmp_path)
    assert script.returncode == 0, script.stderr[-1500:]
    lines = script.stdout.splitlines()
    assert lines[0] == f"pinned to {PINNED_LEVEL}"
    assert lines[1] == "['Haswell']"
    assert lines[2] == "False"  # numpy's AVX-512 loops off (or none on this CPU)
    assert lines[3] == "haswell ''"
    assert lines[4] == "Haswell"


def test_numpy_loaded_first_is_reported(tmp_path):
    script = _run("import numpy, pipeline; print(pipeline.NUMERIC_CODE_PATH)", tmp_path)
    assert script.returncode == 0, script.stderr[-1500:]
    if HERE_PINNED:
        assert script.stdout.strip() == "partly pinned"


def test_caches_key_on_the_code_path(monkeypatch, tmp_path):
    """Results computed under another code path are never reused as this path's: the tag
    goes into every cache's code version and names the embedding cache's folder."""
    from types import SimpleNamespace

    from pipeline import cpu_paths
    from pipeline.coding.embedding import CachedEmbedder
    from pipeline.io import code_digest

    monkeypatch.setitem(cpu_paths._outcome, "this_process", f"pinned to {PINNED_LEVEL}")
    assert cpu_paths.code_path_tag() == PINNED_LEVEL
    pinned_digest = code_digest([], tmp_path, ())
    cache = CachedEmbedder(SimpleNamespace(name="model", dim=3), tmp_path)
    assert cache.cache_dir == tmp_path / "model" / PINNED_LEVEL

    monkeypatch.setitem(cpu_paths._outcome, "this_process", "native (TESTIMONY_NATIVE_CPU)")
    native = cpu_paths.code_path_tag()
    assert native.startswith("native-") and code_digest([], tmp_path, ()) != pinned_digest
    monkeypatch.setenv("OPENBLAS_CORETYPE", "SkylakeX")
    assert cpu_paths.code_path_tag() not in (native, PINNED_LEVEL)
