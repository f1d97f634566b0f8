"""Testimony analysis pipeline: redact, code, model topics, compare countries."""

from pipeline.cpu_paths import pin_numeric_code_paths

# Before numpy, OpenBLAS or numba load anywhere in this process (see pipeline/cpu_paths.py).
NUMERIC_CODE_PATH = pin_numeric_code_paths()

__version__ = "0.1.0"
