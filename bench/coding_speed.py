"""Time the code stage on an outputs folder that already has redacted segments.

Usage: python bench/coding_speed.py [OUT_DIR] [--cold] [--reuse] [--one-process]
(default OUT_DIR: outputs)

Includes loading the spaCy models and the sentence encoder, embedding the exemplar bank and
every participant unit. --cold uses an empty embedding cache (the first run on a corpus);
without it the project's cache is used as a re-run would. Every participant is coded
(`engine.cache_dir` off) unless --reuse lets the per-participant cache answer. Workers come
from params.yaml's `engine` (two local Dask workers by default; --one-process: none). Prints
peak RSS of this process (with Dask, each worker's is its own: use --one-process for the
stage's memory).
"""

from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.params import load_params  # noqa: E402
from pipeline.stages import code  # noqa: E402

log = logging.getLogger("bench.coding")


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    import resource
    import tempfile
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    out = Path(args[0] if args else "outputs")
    params = load_params("params.yaml")
    if "--reuse" not in sys.argv:
        params.engine.cache_dir = None  # code every participant (no per-participant cache)
    if "--one-process" in sys.argv:
        params.engine.workers = 1  # everything here: the peak RSS is the whole stage's
    began = time.perf_counter()
    with tempfile.TemporaryDirectory() as cold:
        if "--cold" in sys.argv:
            params.coding.semantic.cache_dir = cold
        summary = code.run(params, out, Path(params.corpus.path))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    log.info("coded %s participants, %s codings (%s semantic) in %.1f s, peak RSS %.0f MB%s",
             summary["participants coded"], summary["codings"], summary["semantic codings"],
             time.perf_counter() - began, peak, " (cold cache)" if "--cold" in sys.argv else "")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
