"""The topics stage alone on the demo's redacted turns copied N times, every copy different.

    .venv/bin/python bench/topics_scale.py --factor 100 [--out outputs] [--json OUT]

Needs a finished `make repro` (it reads `<out>/redacted/segments.parquet` and
`<out>/coding/codings.parquet`). Copy k of a participant gets a new id (AR-E01 -> AR-E01-K001)
and, for k > 0, its participant turns in an order shuffled by an RNG seeded with (k, id):
the topic units (chunks of consecutive turns) are then new combinations of real answers, so
their texts differ from every other copy's and each one is embedded, while what the corpus
talks about stays that of the demo. (bench/scale.py varies names and digits before
redaction, which redaction then replaces by the same tags: its copies reach the topics stage
as near-duplicates and hit the embedding cache.)

The stage runs in a child process with a cold, temporary embedding cache; the script prints
units, wall seconds, peak RSS of the child and the topic metrics. No text is printed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pipeline  # noqa: E402,F401 - first: pins numpy's CPU code path (cpu_paths.py)

# isort: split
import pandas as pd  # noqa: E402

from pipeline.artifacts import OutputPaths  # noqa: E402


def copies(segments: pd.DataFrame, codings: pd.DataFrame, factor: int, seed: int = 0
           ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The segments and codings `factor` times, each copy with new ids (see module doc)."""
    seg_parts, cod_parts = [], []
    for k in range(factor):
        seg = segments.copy()
        suffix = f"-K{k:03d}"
        new_id = {sid: f"{sid}{suffix}" for sid in seg["segment_id"]}
        if k:
            order = []
            for pid, group in seg.groupby("participant_id", sort=True):
                turns = group[group["speaker"] == "participant"]["turn_index"].tolist()
                shuffled = turns[:]
                random.Random(f"{seed}-{k}-{pid}").shuffle(shuffled)
                order += list(zip(group.index[group["speaker"] == "participant"], shuffled,
                                  strict=True))
            for index, turn in order:
                seg.at[index, "turn_index"] = turn
        seg["participant_id"] = seg["participant_id"].astype(str) + suffix
        seg["segment_id"] = seg["segment_id"].map(new_id)
        seg_parts.append(seg)
        if codings is not None and not codings.empty:
            cod = codings.copy()
            cod["participant_id"] = cod["participant_id"].astype(str) + suffix
            cod["segment_id"] = cod["segment_id"].map(new_id)
            cod_parts.append(cod)
    both = pd.concat(seg_parts, ignore_index=True)
    return both, (pd.concat(cod_parts, ignore_index=True) if cod_parts else codings)


def run(factor: int, out: Path, params_path: Path) -> dict:
    source = OutputPaths(out)
    segments = pd.read_parquet(source.segments)
    codings = pd.read_parquet(source.codings) if source.codings.exists() else None
    big_segments, big_codings = copies(segments, codings, factor)
    with tempfile.TemporaryDirectory(prefix="topics-scale-") as tmp:
        target = OutputPaths(Path(tmp) / "out")
        target.redacted.mkdir(parents=True)
        target.coding.mkdir(parents=True)
        big_segments.to_parquet(target.segments, index=False)
        if big_codings is not None:
            big_codings.to_parquet(target.codings, index=False)
        params = yaml.safe_load(params_path.read_text(encoding="utf-8"))
        params["topics"]["cache_dir"] = str(Path(tmp) / "cache")   # cold: every unit embedded
        params["coding"]["codebook"] = str(ROOT / params["coding"]["codebook"])
        tmp_params = Path(tmp) / "params.yaml"
        tmp_params.write_text(yaml.safe_dump(params, sort_keys=False), encoding="utf-8")
        began = time.perf_counter()
        result = subprocess.run([sys.executable, "-m", "pipeline.stages.topics", "--params",
                                 str(tmp_params), "--out", str(target.root)], cwd=ROOT,
                                capture_output=True, text=True,
                                env=dict(os.environ, HF_HUB_OFFLINE="1"))
        seconds = time.perf_counter() - began
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        if result.returncode:
            return {"factor": factor, "ok": False, "stderr_tail": result.stderr[-800:]}
        metrics = json.loads(target.topic_metrics.read_text(encoding="utf-8"))
        # byte digest of the topic outputs: equal between two runs = deterministic
        digest = hashlib.sha256()
        for path in sorted(target.topics.glob("*.*")) + [target.topic_metrics]:
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return {"factor": factor, "ok": True, "participants": int(big_segments["participant_id"]
                                                            .nunique()),
            "units": metrics["n_units"], "seconds": round(seconds, 1),
            "peak_rss_mb": round(peak_mb), "topics": metrics["n_topics"],
            "share_bilingual": metrics.get("share_topics_both_languages"),
            "npmi": metrics.get("npmi_coherence"),
            "stability_ari_by_language": metrics.get("stability_ari_by_language"),
            "stability_ari_perturbed": metrics.get("stability_ari_perturbed"),
            "outputs_sha256": digest.hexdigest()[:16]}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--factor", type=int, default=100)
    parser.add_argument("--out", type=Path, default=ROOT / "outputs")
    parser.add_argument("--params", type=Path, default=ROOT / "params.yaml")
    parser.add_argument("--json", type=Path,
                        default=ROOT / "bench" / "results" / "topics_scale.json")
    args = parser.parse_args()
    figures = run(args.factor, args.out, args.params)
    print(json.dumps(figures))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0 if figures["ok"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
