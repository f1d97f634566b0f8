"""topics stage: redacted segments (+ codings, codebook) -> topic model, tables, metrics.

Reads only outputs of earlier stages, never the corpus folder.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd

from pipeline.artifacts import OutputPaths
from pipeline.coding.codebook import code_entries
from pipeline.errors import PipelineError
from pipeline.headline import write_headline
from pipeline.io import atomic_dir, write_csv, write_json, write_parquet
from pipeline.params import Params
from pipeline.stages.common import stage_main
from pipeline.topics import model_topics, save_model

log = logging.getLogger(__name__)


def run(params: Params, out_dir: Path, corpus_dir: Path) -> dict:  # noqa: ARG001 - by contract
    paths = OutputPaths(Path(out_dir))
    if not paths.segments.exists():
        raise PipelineError(f"{paths.segments} not found; run the redact stage first")
    segments = pd.read_parquet(paths.segments)
    codings = None
    if paths.codings.exists():
        codings = pd.read_parquet(paths.codings)
    else:
        log.warning("topics: %s not found; topics are not compared with codes", paths.codings)
    codebook = code_entries(params.coding.codebook)
    if not codebook:
        log.warning("topics: codebook %s not found or empty", params.coding.codebook)

    result = model_topics(segments, params.topics, codings, codebook, engine=params.engine)

    with atomic_dir(paths.topics) as tmp:
        write_csv(tmp / paths.topic_info.name, result.topic_info)
        write_parquet(tmp / paths.doc_topics.name, result.doc_topics)
        write_csv(tmp / paths.topics_by_country.name, result.by_country)
        write_csv(tmp / paths.topic_code_overlap.name, result.overlap)
        emergent = result.topic_info[result.topic_info["emergent"]]
        write_csv(tmp / paths.emergent_topics.name, emergent)
        save_model(result, tmp / paths.topic_model.name)
    metrics_path = paths.topic_metrics
    write_json(metrics_path, result.metrics)
    m = result.metrics
    write_headline(out_dir, "topics", {
        "topics": m["n_topics"], "npmi": m.get("npmi_coherence"),
        "share_bilingual": m.get("share_topics_both_languages"),
        "outlier_share_before_reduction": m.get("outlier_share_before_reduction"),
        **{f"stability_ari_{k}": v for k, v in (m.get("stability_ari_by_language") or {}).items()}})
    return {
        "units modelled": m["n_units"],
        "models": ", ".join(f"{g['language']}:{g['embedding_backend']}" for g in m["models"]),
        "topics": m["n_topics"],
        "outlier share": m["outlier_share"],
        "emergent topics": m["n_emergent_topics"],
        "outputs": str(paths.topics),
        "metrics": str(metrics_path),
    }


def main(argv: list[str] | None = None) -> int:
    return stage_main("topics", run, argv)


if __name__ == "__main__":
    raise SystemExit(main())
