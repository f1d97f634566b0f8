"""Shared entry-point plumbing: arguments, logging, clear errors, exit codes."""

from __future__ import annotations

import argparse
import logging
from collections.abc import Callable
from pathlib import Path

from pipeline.errors import PipelineError
from pipeline.logs import setup_logging
from pipeline.params import Params, load_params

log = logging.getLogger("pipeline")

StageFn = Callable[[Params, Path, Path], dict]


def stage_main(name: str, run: StageFn, argv: list[str] | None = None) -> int:
    """Parse `--params/--out/--corpus`, run the stage, turn errors into a message + exit 1."""
    parser = argparse.ArgumentParser(prog=f"python -m pipeline.stages.{name}")
    parser.add_argument("--params", default="params.yaml")
    parser.add_argument("--out", default="outputs")
    parser.add_argument("--corpus", default=None, help="corpus folder (default: corpus.path)")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    setup_logging(args.verbose)
    from pipeline.guards import check_out_dir, invalidate_from
    from pipeline.stages import STAGES
    started = False
    try:
        params = load_params(args.params)
        corpus_dir = Path(args.corpus or params.corpus.path)
        check_out_dir(Path(args.out), corpus_dir)
        started = True
        result = run(params, Path(args.out), corpus_dir)
    except PipelineError as exc:
        if started:
            invalidate_from(name, Path(args.out), STAGES)
        log.error("%s stage failed: %s", name, exc)
        return 1
    for key, value in (result or {}).items():
        log.info("%s: %s = %s", name, key, value)
    return 0
