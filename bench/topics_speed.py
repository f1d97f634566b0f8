"""Time the topics stage on a corpus that has been through redact (and code).

    HF_HUB_OFFLINE=1 .venv/bin/python bench/topics_speed.py [--out outputs] [--params params.yaml]
    .venv/bin/python bench/topics_speed.py --compare   # also compare units and backends

Target: the stage finishes in under 60 s on 2 cores for the demo corpus (after setup, i.e.
with the packages installed and imported). Prints one JSON line per run (times and the
metrics that choose the defaults: topics, outliers, NPMI coherence, stability). No text.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pipeline  # noqa: E402,F401 - first: pins numpy's CPU code path (cpu_paths.py)

# isort: split
import pandas as pd  # noqa: E402

from pipeline.artifacts import OutputPaths  # noqa: E402
from pipeline.coding.codebook import code_entries  # noqa: E402
from pipeline.logs import setup_logging  # noqa: E402
from pipeline.params import load_params  # noqa: E402
from pipeline.topics import model_topics, sentence_model  # noqa: E402

# alternatives measured by --compare (each overrides params.topics)
VARIANTS = {
    "default": {},
    "single_turns": {"unit": "turn"},
    "chunks_of_2_turns": {"unit": "chunk", "chunk_turns": 2},
    "chunks_of_3_turns": {"unit": "chunk", "chunk_turns": 3},
    "all_tfidf": {"embedding": {"en": "tfidf", "es": "tfidf", "mixed": "tfidf"}},
    "all_sentence": {"embedding": {"en": "sentence", "es": "sentence", "mixed": "sentence"}},
    "joint_bilingual_model": {"mixed_strategy": "joint"},
    "hdbscan_eom": {"cluster_selection": "eom"},
}


def summary(metrics: dict) -> dict:
    keys = ("n_units", "n_topics", "outlier_share_before_reduction", "outlier_share",
            "npmi_coherence", "npmi_coherence_representation", "stability_ari",
            "stability_ari_by_language", "stability_ari_perturbed", "stability_word_overlap",
            "n_emergent_topics", "n_topics_per_run")
    out = {k: metrics.get(k) for k in keys}
    out["models"] = [f"{m['language']}:{m['embedding_backend']}:{m['n_topics']}topics:"
                     f"npmi={m['npmi_coherence']}" for m in metrics["models"]]
    return out


def grid_variants(specs: list[str]) -> dict[str, dict]:
    """`key=v1,v2` settings -> one variant per combination (values parsed as YAML)."""
    import itertools

    import yaml

    axes = []
    for spec in specs:
        key, _, values = spec.partition("=")
        axes.append([(key, yaml.safe_load(v)) for v in values.split(",")])
    return {" ".join(f"{k}={v}" for k, v in combo): dict(combo)
            for combo in itertools.product(*axes)}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="outputs")
    parser.add_argument("--params", default="params.yaml")
    parser.add_argument("--compare", action="store_true")
    parser.add_argument("--grid", nargs="+", metavar="KEY=V1,V2",
                        help="fit every combination of these topics settings, e.g. "
                             "umap_neighbors=15,20,30 min_topic_size=10,12")
    parser.add_argument("--stage", action="store_true",
                        help="time the whole stage (writes outputs/topics and the metrics)")
    args = parser.parse_args()
    setup_logging()
    params = load_params(args.params)
    paths = OutputPaths(Path(args.out))

    if args.stage:
        from pipeline.stages.topics import run

        t0 = time.perf_counter()
        run(params, Path(args.out), Path("unused"))
        print(json.dumps({"run": "stage", "seconds": round(time.perf_counter() - t0, 1)}))
        return 0

    segments = pd.read_parquet(paths.segments)
    codings = pd.read_parquet(paths.codings) if paths.codings.exists() else None
    codebook = code_entries(params.coding.codebook)
    t0 = time.perf_counter()
    sentence = sentence_model()
    load = time.perf_counter() - t0
    variants = VARIANTS if args.compare else {"default": {}}
    if args.grid:
        variants = grid_variants(args.grid)
    for name, override in variants.items():
        topic_params = params.topics.model_copy(update={}).model_validate(
            {**params.topics.model_dump(), **override})
        t0 = time.perf_counter()
        result = model_topics(segments, topic_params, codings, codebook, sentence=sentence)
        seconds = time.perf_counter() - t0
        print(json.dumps({"run": name, "seconds": round(seconds, 1),
                          "sentence_model_load_s": round(load, 1),
                          **summary(result.metrics)}), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
