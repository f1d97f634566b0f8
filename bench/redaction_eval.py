"""Redaction quality on the train, validation and test sets, per language and entity type.

    python bench/redaction_eval.py                 # train + validation
    python bench/redaction_eval.py --test          # also the frozen test set (evaluate ONCE)
    python bench/redaction_eval.py --misses /tmp/misses.tsv   # private list for the developer

Each corpus is redacted afresh into bench/results/runs/<corpus>/ (git-ignored) with the
project's params.yaml and scored by the evaluate stage's own scorer
(`pipeline.redaction.evaluate`): direct and quasi leakage (share of gold occurrences still
found in the redacted text) and over-redaction (share of preserve strings lost). The misses
file holds gold strings: write it outside the repository and never commit it.
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pipeline  # noqa: E402,F401 - first: pins numpy's CPU code path (cpu_paths.py)

# isort: split
import pandas as pd  # noqa: E402

from pipeline.params import load_params  # noqa: E402
from pipeline.redaction.evaluate import evaluate_redaction, surviving  # noqa: E402

SETS = {"train": ["corpora/demo"], "validation": ["corpora/heldout", "corpora/validation"],
        "validation2": ["corpora/validation2"], "validation3": ["corpora/validation3"],
        "test": ["corpora/test"]}
RUNS = ROOT / "bench" / "results" / "runs"


def redact(corpus: Path, params) -> Path:
    from pipeline.stages import redact as stage
    out = RUNS / corpus.name
    for sub in ("redacted", "coding"):
        shutil.rmtree(out / sub, ignore_errors=True)
    stage.run(params, out, corpus)
    return out


def _merge(reports: list[dict]) -> dict:
    """Sum counts of several corpora's reports into rates per class, language and type."""
    rows = []
    for rep in reports:
        for klass in ("direct_leakage", "quasi_leakage"):
            for lang, v in rep[klass].items():
                rows.append({"what": klass.split("_")[0], "lang": lang,
                             "n": v["occurrences"], "bad": v["survived"]})
        for lang, v in rep["over_redaction"].items():
            rows.append({"what": "over", "lang": lang, "n": v["strings"], "bad": v["lost"]})
        for kind, per in rep["by_type"].items():
            for lang, v in per.items():
                rows.append({"what": f"type:{kind}", "lang": lang, "n": v["occurrences"],
                             "bad": v["survived"]})
    frame = pd.DataFrame(rows).groupby(["what", "lang"], as_index=False)[["n", "bad"]].sum()
    frame["rate"] = (frame["bad"] / frame["n"]).round(4)
    return {f"{r.what}|{r.lang}": {"n": int(r.n), "bad": int(r.bad), "rate": float(r.rate)}
            for r in frame.itertuples()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--test", action="store_true", help="also score the frozen test set")
    parser.add_argument("--sets", nargs="*", default=None)
    parser.add_argument("--misses", type=Path, default=None,
                        help="write surviving gold strings and lost preserve strings here")
    parser.add_argument("--json", type=Path, default=ROOT / "bench/results/redaction_eval.json")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    params = load_params(ROOT / "params.yaml")
    names = args.sets or (["train", "validation", "validation2", "validation3"]
                          + (["test"] if args.test else []))
    results, misses = {}, []
    for name in names:
        reports = []
        for corpus in SETS[name]:
            out = redact(ROOT / corpus, params)
            ids = sorted(pd.read_csv(out / "redacted" / "participants.csv", dtype=str)["participant_id"])
            gold = ROOT / corpus / "gold"
            reports.append(evaluate_redaction(gold, out / "redacted" / "transcripts", ids))
            if args.misses:
                misses += [{"set": name, "corpus": corpus, **m}
                           for m in surviving(gold, out / "redacted" / "transcripts", ids)]
        results[name] = _merge(reports)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=1, sort_keys=True), encoding="utf-8")
    for name, table in results.items():
        print(f"== {name}")
        for key in sorted(table):
            what, lang = key.split("|")
            if what in ("direct", "quasi", "over") or lang == "all":
                v = table[key]
                print(f"  {what:18s} {lang:4s} {v['bad']:4d}/{v['n']:<5d} {100 * v['rate']:5.1f}%")
    if args.misses:
        pd.DataFrame(misses).to_csv(args.misses, sep="\t", index=False)


if __name__ == "__main__":
    main()
