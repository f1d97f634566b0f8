"""Coding quality on the train, validation and test sets (participant level).

    python bench/coding_eval.py                  # train + validation
    python bench/coding_eval.py --test           # also the frozen test set (evaluate ONCE)
    python bench/coding_eval.py --write-coder-error codebooks/coder_error.json

For each set and language: macro precision, recall and F1 over the codes, the lowest code
F1, the mean absolute error of country prevalence (points, per country x code), and how many
of the conclusions the human codes give (divergent and convergent codes under the compare
stage's own rules) the automatic codes reproduce, and how many they add falsely.
Redaction runs once per corpus into bench/results/runs/<corpus> (git-ignored).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pipeline  # noqa: E402,F401 - first: pins numpy's CPU code path (cpu_paths.py)

# isort: split
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from pipeline import compare  # noqa: E402
from pipeline.coding.codebook import load_codebook  # noqa: E402
from pipeline.coding.matcher import Coder  # noqa: E402
from pipeline.coding.run import code_corpus  # noqa: E402
from pipeline.params import load_params  # noqa: E402

SETS = {"train": ["corpora/demo"], "calibration": ["corpora/calibration"],
        "validation": ["corpora/heldout", "corpora/validation",
                                                  "corpora/validation2"],
        "validation3": ["corpora/validation3"], "test": ["corpora/test"]}
RUNS = ROOT / "bench" / "results" / "runs"


def redacted(corpus: Path, params) -> Path:
    out = RUNS / corpus.name
    if not (out / "redacted" / "segments.parquet").exists():
        from pipeline.stages import redact
        redact.run(params, out, corpus)
    return out


def f1_table(gold: pd.DataFrame, pred: pd.DataFrame, codes: list[str]) -> dict:
    per = {}
    for code in codes:
        known = gold[code].notna().to_numpy()   # a corpus whose gold leaves a code out
        if not known.any():
            continue
        g = gold[code].to_numpy()[known] == 1
        p = pred[code].to_numpy()[known] == 1
        tp, fp, fn = int((g & p).sum()), int((~g & p).sum()), int((g & ~p).sum())
        tn = int((~g & ~p).sum())
        prec = tp / (tp + fp) if tp + fp else (1.0 if not fn else 0.0)
        rec = tp / (tp + fn) if tp + fn else 1.0
        f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0
        per[code] = {"precision": prec, "recall": rec, "f1": f1, "tp": tp, "fp": fp,
                     "fn": fn, "tn": tn}
    scored = [v for v in per.values() if v["tp"] + v["fp"] + v["fn"]]
    return {"macro_precision": float(np.mean([v["precision"] for v in scored])),
            "macro_recall": float(np.mean([v["recall"] for v in scored])),
            "macro_f1": float(np.mean([v["f1"] for v in scored])),
            "min_f1": float(min(v["f1"] for v in scored)), "per_code": per}


def conclusions(matrix: pd.DataFrame, meta: pd.DataFrame, settings) -> set[tuple[str, str]]:
    long = matrix.stack().rename("present").reset_index()
    long.columns = ["participant_id", "code", "present"]
    div = compare.divergences(long, meta, alpha=settings.alpha, n_permutations=2000,
                              residual_threshold=settings.residual_threshold,
                              seed=settings.seed)
    prev = compare.prevalence_by(long, meta, "country")
    conv = compare.convergences(prev, min_share=settings.convergence_min_share)
    return ({("divergent", c) for c in div.loc[div["divergent"], "code"]}
            | {("convergent", c) for c in conv.loc[conv["convergent"], "code"]})


def evaluate_set(name: str, corpora: list[str], params, codebook, coder) -> dict:
    golds, preds, metas = [], [], []
    for corpus in corpora:
        corpus = ROOT / corpus
        if not corpus.exists():
            continue
        out = redacted(corpus, params)
        segments = pd.read_parquet(out / "redacted" / "segments.parquet")
        _, table, _ = code_corpus(segments, codebook, params.coding, coder=coder)
        preds.append(table.pivot_table(index="participant_id", columns="code",
                                       values="present", aggfunc="max"))
        gold = pd.read_csv(corpus / "gold" / "themes.csv", dtype={"participant_id": str})
        gold = gold.pivot_table(index="participant_id", columns="code", values="present",
                                aggfunc="max")
        golds.append(gold)  # codes a gold file has no rows for stay unknown (NaN) below
        metas.append(pd.read_csv(out / "redacted" / "participants.csv",
                                 dtype={"participant_id": str}))
    meta = pd.concat(metas, ignore_index=True)
    ids = sorted(meta["participant_id"])
    codes = codebook.ids
    gold = pd.concat(golds).reindex(index=ids).fillna(0).reindex(columns=codes)
    pred = pd.concat(preds).reindex(index=ids, columns=codes).fillna(0).astype(int)
    lang = meta.set_index("participant_id")["language"].reindex(ids)
    country = meta.set_index("participant_id")["country"].reindex(ids)
    report = {"set": name, "corpora": corpora, "n": len(ids), "by_language": {}}
    for language in sorted(lang.unique()):
        mask = (lang == language).to_numpy()
        report["by_language"][language] = {"n": int(mask.sum()),
                                           **f1_table(gold[mask], pred[mask], codes)}
    report["all"] = f1_table(gold, pred, codes)
    errors = []
    for c in sorted(country.unique()):
        mask = (country == c).to_numpy()
        known = gold[mask].notna()
        errors.extend((np.abs(gold[mask].mean() - pred[mask].where(known).mean()) * 100)
                      .dropna())
    report["prevalence_mae_points"] = float(np.mean(errors))
    kept = [c for c in codes if gold[c].notna().all()]  # conclusions on codes with gold
    human = conclusions(gold[kept].astype(int), meta, params.compare)
    auto = conclusions(pred[kept], meta, params.compare)
    report["conclusions"] = {"human": len(human), "recovered": len(human & auto),
                             "false": len(auto - human),
                             "missed": sorted(f"{k}:{c}" for k, c in human - auto),
                             "added": sorted(f"{k}:{c}" for k, c in auto - human)}
    return report


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--test", action="store_true", help="also evaluate the frozen test set")
    parser.add_argument("--write-coder-error", type=Path, default=None,
                        help="write per-code sensitivity/specificity counts from validation")
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "results" /
                        "coding_eval.json")
    parser.add_argument("--params", type=Path, default=ROOT / "params.yaml",
                        help="another params file, for an experiment (e.g. another encoder)")
    parser.add_argument("--sets", nargs="+", default=None,
                        help="only these sets (train, calibration, validation, test)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    params = load_params(args.params)
    codebook = load_codebook(ROOT / params.coding.codebook)
    coder = Coder(codebook, params.coding)
    names = ["train", "calibration", "validation", "validation3"] + (["test"] if args.test else [])
    if args.sets:
        names = [n for n in args.sets if n != "test" or args.test]
    reports = [evaluate_set(n, SETS[n], params, codebook, coder) for n in names]
    print(f"{'set':11s} {'lang':4s} {'n':>3s} {'P':>6s} {'R':>6s} {'F1':>6s} {'minF1':>6s}")
    for r in reports:
        for language, m in r["by_language"].items():
            print(f"{r['set']:11s} {language:4s} {m['n']:3d} {m['macro_precision']:6.3f} "
                  f"{m['macro_recall']:6.3f} {m['macro_f1']:6.3f} {m['min_f1']:6.3f}")
        c = r["conclusions"]
        print(f"{r['set']:11s} prevalence MAE {r['prevalence_mae_points']:.1f} points; "
              f"conclusions recovered {c['recovered']}/{c['human']}, false {c['false']}")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(reports, indent=1, sort_keys=True) + "\n")
    if args.write_coder_error:
        val = next(r for r in reports if r["set"] == "validation")
        counts = {code: {k: v[k] for k in ("tp", "fp", "fn", "tn")}
                  for code, v in val["all"]["per_code"].items()}
        args.write_coder_error.write_text(json.dumps(
            {"source": "validation set (" + ", ".join(SETS["validation"]) + ")",
             "codes": counts}, indent=1, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
