"""Time the code stage on an outputs folder that already has redacted segments.

Usage: python bench/coding_speed.py [OUT_DIR] [--cold]   (default: outputs)

Includes loading the spaCy models and the sentence encoder, embedding the exemplar bank and
every participant unit. --cold uses an empty embedding cache (the first run on a corpus);
without it the project's cache is used as a re-run would. Prints peak RSS.
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
