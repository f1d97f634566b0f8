"""Time the code stage on an outputs folder that already has redacted segments.

Usage: python bench/coding_speed.py [OUT_DIR]   (default: outputs)
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
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "outputs")
    params = load_params("params.yaml")
    began = time.perf_counter()
    summary = code.run(params, out, Path(params.corpus.path))
    log.info("coded %s participants, %s codings in %.1f s", summary["participants coded"],
             summary["codings"], time.perf_counter() - began)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
