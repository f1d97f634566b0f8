"""Agreement between automatic codes and human (gold) codes.

Participant level (always): the gold `themes.csv` format, one row per participant and code:
    participant_id,code,present,valence        (present 0/1; valence for care codes)
Segment level (optional): a CSV of human segment codings, one row per coded segment:
    segment_id,code                            (a segment_id of segments.parquet, e.g.
                                                AR-E01-T004; only rows for present codes)
compared with the automatic codings (codings.parquet) over every participant segment of the
participants in the gold file x every code.

Per code and macro-averaged: precision, recall, F1, Cohen's kappa, Krippendorff's alpha
(nominal, two coders), valence accuracy (over participants where both gold and automatic
say the care code is present); overall and per language.
"""

from __future__ import annotations

import logging
import math
from pathlib import Path

import krippendorff
import numpy as np
import pandas as pd
from sklearn.metrics import cohen_kappa_score

from pipeline.errors import InputError, Problem

log = logging.getLogger(__name__)

GOLD_COLUMNS = {"participant_id", "code", "present"}


def _clean(value: float | None) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return round(float(value), 4)


def binary_scores(gold: np.ndarray, pred: np.ndarray) -> dict:
    """P, R, F1, kappa, alpha for two 0/1 vectors (degenerate cases handled explicitly)."""
    gold = np.asarray(gold, dtype=int)
    pred = np.asarray(pred, dtype=int)
    tp = int(((gold == 1) & (pred == 1)).sum())
    fp = int(((gold == 0) & (pred == 1)).sum())
    fn = int(((gold == 1) & (pred == 0)).sum())
    tn = int(((gold == 0) & (pred == 0)).sum())
    precision = tp / (tp + fp) if tp + fp else (1.0 if fn == 0 else 0.0)
    recall = tp / (tp + fn) if tp + fn else (1.0 if fp == 0 else 0.0)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    if len(gold) == 0:
        kappa = alpha = None
    elif (gold == pred).all():
        kappa = alpha = 1.0  # perfect agreement (sklearn/krippendorff give nan on one class)
    else:
        kappa = cohen_kappa_score(gold, pred)
        try:
            alpha = krippendorff.alpha(reliability_data=np.vstack([gold, pred]).astype(float),
                                       level_of_measurement="nominal")
        except (ValueError, ZeroDivisionError):
            alpha = None
    return {"precision": _clean(precision), "recall": _clean(recall), "f1": _clean(f1),
            "kappa": _clean(kappa), "alpha": _clean(alpha), "tp": tp, "fp": fp, "fn": fn,
            "tn": tn, "n_gold": tp + fn, "n_pred": tp + fp, "n": len(gold)}


def _macro(per_code: dict[str, dict]) -> dict:
    out = {}
    for metric in ("precision", "recall", "f1", "kappa", "alpha"):
        values = [v[metric] for v in per_code.values() if v.get(metric) is not None]
        out[metric] = _clean(float(np.mean(values))) if values else None
    out["min_f1"] = _clean(min((v["f1"] for v in per_code.values()), default=None))
    valence = [v for v in per_code.values() if v.get("valence_n")]
    n = sum(v["valence_n"] for v in valence)
    out["valence_accuracy"] = (_clean(sum(v["valence_correct"] for v in valence) / n)
                               if n else None)
    out["valence_n"] = n
    return out


def read_gold(path: Path) -> pd.DataFrame:
    path = Path(path)
    if not path.is_file():
        raise InputError([Problem(str(path), "gold themes file not found (or not a file)")])
    try:
        gold = pd.read_csv(path, dtype={"participant_id": str, "code": str},
                           keep_default_na=False, encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise InputError([Problem(str(path), "not UTF-8 text; save it as UTF-8 CSV")]) from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError([Problem(str(path), "not a readable CSV file ("
                                  + str(exc).split("\n")[0][:120] + ")")]) from None
    missing = GOLD_COLUMNS - set(gold.columns)
    if missing:
        raise InputError([Problem(str(path), "missing column(s) " + ", ".join(sorted(missing))
                                  + "; expected participant_id,code,present,valence")])
    if "valence" not in gold.columns:
        gold["valence"] = ""
    gold["present"] = pd.to_numeric(gold["present"], errors="coerce").fillna(0).astype(int)
    gold["valence"] = gold["valence"].astype(str).str.strip()
    return gold


def _participant_level(gold: pd.DataFrame, pred: pd.DataFrame) -> dict:
    codes = sorted(set(gold["code"]))
    merged = gold.merge(pred[["participant_id", "code", "present", "valence"]],
                        on=["participant_id", "code"], how="left", suffixes=("_gold", "_pred"))
    merged["present_pred"] = merged["present_pred"].fillna(0).astype(int)
    merged["valence_pred"] = merged["valence_pred"].fillna("").astype(str)
    per_code = {}
    for code in codes:
        rows = merged[merged["code"] == code]
        scores = binary_scores(rows["present_gold"].to_numpy(), rows["present_pred"].to_numpy())
        both = rows[(rows["present_gold"] == 1) & (rows["present_pred"] == 1)
                    & (rows["valence_gold"] != "")]
        if len(both):
            correct = int((both["valence_gold"] == both["valence_pred"]).sum())
            scores.update(valence_n=len(both), valence_correct=correct,
                          valence_accuracy=_clean(correct / len(both)))
        per_code[code] = scores
    return {"n_participants": int(merged["participant_id"].nunique()), "macro": _macro(per_code),
            "per_code": per_code}


def _segment_level(segment_gold: Path, codings: pd.DataFrame, segments: pd.DataFrame | None,
                   participant_ids: set[str], codes: list[str]) -> dict:
    human = pd.read_csv(segment_gold, dtype=str, keep_default_na=False)
    if not {"segment_id", "code"} <= set(human.columns):
        raise InputError([Problem(str(segment_gold), "expected columns segment_id,code")])
    if segments is not None:
        universe = sorted(segments.loc[(segments["speaker"] == "participant")
                                       & segments["participant_id"].isin(participant_ids),
                                       "segment_id"])
    else:
        universe = sorted(set(human["segment_id"]) | set(codings["segment_id"]))
    index = {s: i for i, s in enumerate(universe)}
    per_code = {}
    for code in codes:
        g = np.zeros(len(universe), dtype=int)
        p = np.zeros(len(universe), dtype=int)
        for s in human.loc[human["code"] == code, "segment_id"]:
            if s in index:
                g[index[s]] = 1
        for s in codings.loc[codings["code"] == code, "segment_id"]:
            if s in index:
                p[index[s]] = 1
        per_code[code] = binary_scores(g, p)
    return {"n_segments": len(universe), "macro": _macro(per_code), "per_code": per_code}


def evaluate_coding(gold_themes_csv: Path, participant_codes: pd.DataFrame,
                    participants: pd.DataFrame, segment_gold: Path | None = None, *,
                    codings: pd.DataFrame | None = None,
                    segments: pd.DataFrame | None = None) -> dict:
    """Agreement report (a JSON-able dict): overall and per language, per code and macro.

    `participants` needs participant_id and language. Gold participants absent from
    `participants` (e.g. withdrawn consent) are left out. Segment-level agreement needs
    `segment_gold` and `codings` (codings.parquet; `segments` restricts the universe to
    participant turns).
    """
    gold = read_gold(Path(gold_themes_csv))
    included = set(participants["participant_id"].astype(str))
    left_out = sorted(set(gold["participant_id"]) - included)
    gold = gold[gold["participant_id"].isin(included)]
    codes = sorted(set(gold["code"]))
    pred = participant_codes.copy()
    pred["participant_id"] = pred["participant_id"].astype(str)
    pred["valence"] = pred["valence"].fillna("").astype(str) if "valence" in pred else ""
    unknown = sorted(set(codes) - set(pred["code"]))
    report = {"gold": str(gold_themes_csv), "codes": codes, "n_gold_left_out": len(left_out),
              "codes_missing_from_codebook": unknown,
              "overall": _participant_level(gold, pred), "by_language": {}}
    language = participants.set_index(participants["participant_id"].astype(str))["language"]
    for lang in sorted(language.unique()):
        ids = set(language[language == lang].index)
        part = gold[gold["participant_id"].isin(ids)]
        if len(part):
            report["by_language"][str(lang)] = _participant_level(part, pred)
    if segment_gold is not None:
        if codings is None:
            raise InputError([Problem(str(segment_gold), "segment-level agreement needs the "
                                      "automatic codings (codings.parquet)")])
        report["segments"] = _segment_level(Path(segment_gold), codings, segments, included, codes)
    return report


def agree(gold: Path, codes: Path, level: str = "participant") -> dict:
    """CLI helper (`testimony agree --gold FILE`): human codes vs participant_codes.csv.

    Participant languages come from ../redacted/participants.csv next to the codes file;
    `level="segment"` reads `gold` as segment-level codings (format in the module docstring).
    """
    codes = Path(codes)
    if not codes.exists():
        raise InputError([Problem(str(codes), "not found; run the code stage first")])
    table = pd.read_csv(codes, dtype={"participant_id": str}, keep_default_na=False)
    root = codes.parent.parent
    participants_csv = root / "redacted" / "participants.csv"
    if participants_csv.exists():
        participants = pd.read_csv(participants_csv, dtype={"participant_id": str})
    else:
        participants = pd.DataFrame({"participant_id": sorted(table["participant_id"].unique()),
                                     "language": "all"})
    gold = Path(gold)
    if level == "segment":
        codings = pd.read_parquet(codes.parent / "codings.parquet")
        seg_path = root / "redacted" / "segments.parquet"
        segments = pd.read_parquet(seg_path) if seg_path.exists() else None
        human = pd.read_csv(gold, dtype=str, keep_default_na=False)
        ids = set(participants["participant_id"].astype(str))
        seg = _segment_level(gold, codings, segments, ids, sorted(set(human["code"])))
        return {"gold": str(gold), "segments": seg}
    return evaluate_coding(gold, table, participants)


def format_table(report: dict, level: str = "overall") -> str:
    """A plain-text per-code table (for logs and notes)."""
    block = report[level] if level in report else report["by_language"][level]
    lines = [f"{'code':28s} {'P':>5s} {'R':>5s} {'F1':>5s} {'kappa':>6s} {'alpha':>6s} "
             f"{'gold':>4s} {'pred':>4s} {'val':>5s}"]
    for code, s in block["per_code"].items():
        val = s.get("valence_accuracy")
        lines.append(f"{code:28s} {s['precision']:5.2f} {s['recall']:5.2f} {s['f1']:5.2f} "
                     f"{(s['kappa'] if s['kappa'] is not None else float('nan')):6.2f} "
                     f"{(s['alpha'] if s['alpha'] is not None else float('nan')):6.2f} "
                     f"{s['n_gold']:4d} {s['n_pred']:4d} "
                     f"{'' if val is None else f'{val:5.2f}':>5s}")
    m = block["macro"]
    lines.append(f"{'MACRO':28s} {m['precision']:5.2f} {m['recall']:5.2f} {m['f1']:5.2f} "
                 f"{(m['kappa'] or 0):6.2f} {(m['alpha'] or 0):6.2f}   min F1 {m['min_f1']:.2f}"
                 f"  valence acc {m['valence_accuracy']} (n={m['valence_n']})")
    return "\n".join(lines)
