"""Headline metrics: a few numbers per stage that DVC compares across commits and experiments.

`<out>/headline/<stage>.json` is flat (one level, scalars only) and small, so `dvc metrics
show`, `dvc metrics diff` and `dvc exp show` print a readable table. The files are committed
with `dvc.lock` (they are git-tracked, not git-ignored), so any commit or experiment can be
compared with any other. Breakdowns (per code, per type) stay in `outputs/metrics/`.
Nothing here depends on time or machine: no seconds, so a re-run changes nothing.
"""

from __future__ import annotations

import math
from pathlib import Path

from pipeline.io import write_json

FOLDER = "headline"


def _clean(value):
    if isinstance(value, bool) or value is None or isinstance(value, (int, str)):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, 4)
    return value


def write_headline(out_dir: Path | str, stage: str, values: dict) -> Path:
    flat = {key: _clean(value) for key, value in sorted(values.items())}
    bad = [k for k, v in flat.items() if isinstance(v, (dict, list))]
    if bad:
        raise ValueError(f"headline metrics must be scalars: {', '.join(bad)}")
    return write_json(Path(out_dir) / FOLDER / f"{stage}.json", flat)
