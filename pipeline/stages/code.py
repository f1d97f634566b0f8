"""code stage: redacted segments + codebook -> codings, participant codes, codebook exports.

Reads only outputs/redacted/ (never the corpus): nothing downstream of `redact` sees raw text.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pandas as pd

from pipeline.artifacts import OutputPaths
from pipeline.coding.codebook import load_codebook
from pipeline.coding.export import codebook_markdown, codebook_qdc, codebook_taguette_csv
from pipeline.coding.incremental import code_corpus_incremental
from pipeline.errors import InputError, Problem
from pipeline.guards import project_path
from pipeline.headline import write_headline
from pipeline.io import write_csv, write_parquet, write_text
from pipeline.params import Params
from pipeline.stages.common import stage_main

log = logging.getLogger(__name__)

SEGMENT_COLUMNS = {"segment_id", "participant_id", "turn_index", "speaker", "text", "start",
                   "end", "language"}


def read_segments(path: Path) -> pd.DataFrame:
    if not path.exists():
        raise InputError([Problem(str(path), "not found; run the redact stage first "
                                             "(`testimony stage redact` or `dvc repro`)")])
    segments = pd.read_parquet(path)
    missing = SEGMENT_COLUMNS - set(segments.columns)
    if missing:
        raise InputError([Problem(str(path), "missing column(s) " + ", ".join(sorted(missing))
                                  + "; re-run the redact stage")])
    return segments


def run(params: Params, out_dir: Path, corpus_dir: Path) -> dict:  # noqa: ARG001 (contract)
    paths = OutputPaths(Path(out_dir))
    began = time.perf_counter()
    codebook = load_codebook(params.coding.codebook)
    segments = read_segments(paths.segments)
    cache = project_path(params.engine.cache_dir) / "coding" if params.engine.cache_dir \
        else None
    codings, table, n_candidates = code_corpus_incremental(
        segments, codebook, params.coding, params.engine, cache,
        candidates_target=paths.review_candidates)
    participants = sorted(segments["participant_id"].astype(str).unique())
    write_parquet(paths.codings, codings)
    write_csv(paths.participant_codes, table)
    write_text(paths.codebook_qdc, codebook_qdc(codebook))
    write_text(paths.codebook_taguette, codebook_taguette_csv(codebook))
    write_text(paths.codebook_md, codebook_markdown(codebook))
    seconds = time.perf_counter() - began
    write_headline(out_dir, "code", {
        "participants": len(participants), "codes_present": int(table["present"].sum()),
        "codings": len(codings),
        "semantic_codings": int((codings["rule"] == "semantic").sum()) if len(codings) else 0})
    return {
        "participants coded": len(participants),
        "codings": len(codings),
        "semantic codings": int((codings["rule"] == "semantic").sum())
        if "rule" in codings else 0,
        "codes present (participant x code)": int(table["present"].sum()),
        "review candidates": n_candidates,
        "seconds": round(seconds, 1),
        "codings file": str(paths.codings),
        "participant codes": str(paths.participant_codes),
        "REFI-QDA codebook": str(paths.codebook_qdc),
    }


def main(argv: list[str] | None = None) -> int:
    return stage_main("code", run, argv)


if __name__ == "__main__":
    raise SystemExit(main())
