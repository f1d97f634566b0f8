"""evaluate stage: quality of redaction and coding against a corpus's gold/ annotations.

The only stage after `redact` that reads the corpus folder, and only its gold/ annotations;
it writes figures (rates, counts), never text.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd

from pipeline.artifacts import OutputPaths
from pipeline.headline import write_headline
from pipeline.io import write_json
from pipeline.params import Params
from pipeline.stages.common import stage_main

log = logging.getLogger(__name__)


def run(params: Params, out_dir: Path, corpus_dir: Path) -> dict:
    paths = OutputPaths(Path(out_dir))
    gold_dir = Path(params.evaluate.gold_dir) if params.evaluate.gold_dir else Path(corpus_dir) / "gold"
    participants = pd.read_csv(paths.participants, dtype=str)
    ids = sorted(participants["participant_id"])
    redaction_path = paths.redaction_metrics
    coding_path = paths.coding_metrics
    if not gold_dir.is_dir():
        note = {"available": False, "reason": "the corpus has no gold/ folder"}
        write_json(redaction_path, note)
        write_json(coding_path, note)
        return {"evaluation": "skipped (no gold annotations)"}

    from pipeline.coding.agreement import evaluate_coding
    from pipeline.redaction.evaluate import evaluate_redaction

    summary: dict = {}
    if (gold_dir / "pii.jsonl").exists():
        redaction = evaluate_redaction(gold_dir, paths.redacted_transcripts, ids)
        write_json(redaction_path, redaction)
        summary["redaction metrics"] = str(redaction_path)
    else:
        write_json(redaction_path, {"available": False, "reason": "no gold/pii.jsonl"})
    themes = gold_dir / "themes.csv"
    if themes.exists():
        codes = pd.read_csv(paths.participant_codes, dtype={"valence": str})
        segment_gold = gold_dir / "segments.csv"
        coding = evaluate_coding(themes, codes, participants,
                                 segment_gold if segment_gold.exists() else None)
        write_json(coding_path, coding)
        summary["coding metrics"] = str(coding_path)
    else:
        write_json(coding_path, {"available": False, "reason": "no gold/themes.csv"})
    write_headline(out_dir, "evaluate", headline_values(redaction_path, coding_path))
    return summary


def headline_values(redaction_path: Path, coding_path: Path) -> dict:
    import json
    values: dict = {}
    redaction = json.loads(redaction_path.read_text(encoding="utf-8"))
    for kind in ("direct_leakage", "quasi_leakage", "over_redaction"):
        for lang, block in sorted((redaction.get(kind) or {}).items()):
            key = "over_redaction" if kind == "over_redaction" else "leakage"
            if isinstance(block, dict) and key in block:
                values[f"{kind}_{lang}"] = block[key]
    coding = json.loads(coding_path.read_text(encoding="utf-8"))
    for lang, block in sorted((coding.get("by_language") or {}).items()):
        values[f"macro_f1_{lang}"] = block["macro"]["f1"]
    return values


def main(argv: list[str] | None = None) -> int:
    return stage_main("evaluate", run, argv)


if __name__ == "__main__":
    raise SystemExit(main())
