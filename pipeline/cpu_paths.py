"""One numeric code path on every x86-64 machine, so a fresh clone reproduces `dvc.lock`.

numpy, OpenBLAS and numba each choose their machine code when they load, from the CPU they
find: AVX-512 loops here, AVX2 loops on an older or an AMD machine. The instructions differ,
so the order in which floating-point numbers are added differs, and the last bits of the
results differ. UMAP and HDBSCAN turn such differences into other topics (measured: each of
the three switches below, alone, changed the demo's topics).

`pin_numeric_code_paths` sets, before those libraries load, the environment variables with
which each of them chooses one fixed level instead: x86-64-v3 (AVX2 and FMA; every Intel CPU
since 2013 and every AMD CPU since 2015 has it).

- OpenBLAS (inside numpy and scipy): `OPENBLAS_CORETYPE=Haswell`.
- numpy's own SIMD loops: `NPY_DISABLE_CPU_FEATURES` switches off the AVX-512 groups (only on
  a CPU that has them: there is nothing to switch off elsewhere).
- numba (UMAP, pynndescent): `NUMBA_CPU_NAME=haswell` with `NUMBA_CPU_FEATURES` empty, so
  LLVM compiles for Haswell's own features rather than for this machine's.

Values already in the environment are replaced: reproducibility is the point. Child
processes (the Dask workers) inherit the variables. `TESTIMONY_NATIVE_CPU=1` leaves every
library to choose for itself: faster on some machines, but outputs may then differ from
`dvc.lock` in their last bits and, through them, in topics.

Not covered: spaCy's matrix library (BLIS) chooses its kernels from the CPU and has no
switch in the build on PyPI, so NER scores can differ in their last bits between machines;
a redaction decision changes only if two entity readings tie to the last bit.
"""

from __future__ import annotations

import hashlib
import logging
import os
import platform
import sys
from collections.abc import MutableMapping
from pathlib import Path

log = logging.getLogger(__name__)

PINNED_LEVEL = "x86-64-v3"
OPT_OUT_VARIABLE = "TESTIMONY_NATIVE_CPU"
# CPU flags (as /proc/cpuinfo names them) the pinned level needs.
REQUIRED_FLAGS = frozenset({"avx", "avx2", "fma", "f16c", "bmi1", "bmi2", "movbe"})
NUMPY_AVX512_GROUPS = "X86_V4 AVX512_ICL AVX512_SPR"
# Libraries that read the variables once, when they load.
_LOADS_AT_IMPORT = ("numpy", "numba", "scipy")
# what the pin sets (and what a test's emulated machine sets instead)
PIN_VARIABLES = ("OPENBLAS_CORETYPE", "NPY_DISABLE_CPU_FEATURES", "NUMBA_CPU_NAME",
              "NUMBA_CPU_FEATURES")
_outcome = {"this_process": ""}


def cpu_flags(cpuinfo: Path = Path("/proc/cpuinfo")) -> frozenset[str] | None:
    """The CPU's feature flags, or None where /proc/cpuinfo cannot be read (not Linux)."""
    try:
        with cpuinfo.open(encoding="utf-8", errors="replace") as handle:
            for line in handle:
                if line.startswith("flags"):
                    return frozenset(line.partition(":")[2].split())
    except OSError:
        return None
    return None


def pinned_environment(flags: frozenset[str] | None, machine: str) -> dict[str, str]:
    """The variables that pin numpy, OpenBLAS and numba to PINNED_LEVEL on this CPU; empty
    where the CPU cannot run that level (or is not x86-64)."""
    if machine.lower() not in {"x86_64", "amd64"} or flags is None:
        return {}
    if not REQUIRED_FLAGS <= flags:
        return {}
    variables = {"OPENBLAS_CORETYPE": "Haswell", "NUMBA_CPU_NAME": "haswell",
                 "NUMBA_CPU_FEATURES": ""}
    if "avx512f" in flags:
        variables["NPY_DISABLE_CPU_FEATURES"] = NUMPY_AVX512_GROUPS
    return variables


def pin_numeric_code_paths(environ: MutableMapping[str, str] | None = None,
                           flags: frozenset[str] | None = None,
                           machine: str | None = None) -> str:
    """Pin the code paths (see the module docstring); returns what was done, for the log."""
    this_process = environ is None
    environ = os.environ if environ is None else environ
    if environ.get(OPT_OUT_VARIABLE, "").strip() not in ("", "0"):
        outcome = "native (TESTIMONY_NATIVE_CPU is set): outputs may differ between CPU types"
    else:
        variables = pinned_environment(cpu_flags() if flags is None else flags,
                                       platform.machine() if machine is None else machine)
        loaded = [name for name in _LOADS_AT_IMPORT if name in sys.modules]
        changed = [name for name, value in variables.items() if environ.get(name) != value]
        environ.update(variables)
        if not variables:
            outcome = (f"native: this CPU is not x86-64 with {PINNED_LEVEL}, so outputs may "
                       "differ from machines that are")
        elif loaded and changed:
            # info, not a warning: notebooks that only read outputs load numpy first (their
            # plotting backend does), and every stage process imports the pipeline first
            log.info("%s loaded before the pipeline: its CPU code path is not pinned, so "
                     "what this process computes may differ from other machines in its "
                     "last bits (import pipeline first)", " and ".join(loaded))
            outcome = "partly pinned"
        else:
            outcome = f"pinned to {PINNED_LEVEL}"
    if this_process:
        _outcome["this_process"] = outcome
    return outcome


def code_path_tag() -> str:
    """A short name for the code path this process computes with, for cache keys: results
    computed under another path (an unpinned run, another CPU) are never reused as if they
    were this path's. PINNED_LEVEL when pinned; otherwise `native-` and a hash of the
    CPU's flags and the variables the libraries read."""
    if _outcome["this_process"] == f"pinned to {PINNED_LEVEL}":
        return PINNED_LEVEL
    digest = hashlib.sha256(platform.machine().encode())
    digest.update(" ".join(sorted(cpu_flags() or ())).encode())
    for name in PIN_VARIABLES:
        digest.update(f"\0{name}={os.environ.get(name, '')}".encode())
    return "native-" + digest.hexdigest()[:12]
