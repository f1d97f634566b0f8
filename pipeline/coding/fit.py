"""Fit the per-code decision models (`testimony calibrate`).

Data discipline: weights are fitted on the exemplar bank only (each exemplar compared with
every other, never with itself), with the rules' hits on the exemplars as a feature, so the
model learns how much to trust a rule on text the rules were not written from. Thresholds
are then set per code on the TRAINING corpus (the demo corpus and its gold), at participant
level. Validation and test corpora are never read here.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from pipeline.coding.calibration import (
    Calibration,
    CodeModel,
    best_threshold,
    fit_code_model,
)
from pipeline.coding.semantic import FEATURES
from pipeline.coding.semantic_coder import SemanticScorer, exemplar_segments

log = logging.getLogger(__name__)

# A threshold is never set below this: below it a single loosely similar sentence in a long
# interview would code a theme.
THRESHOLD_FLOOR = 0.5
# Shrink each code's fitted threshold toward the median of all codes, by this weight: with a
# few dozen training participants per code, one participant can move an F1-optimal
# threshold a long way.
SHRINK = 0.5
# Added to every threshold. Rule evidence always codes, so the semantic threshold only
# governs what the rules missed; 0.04 was selected on the VALIDATION set among
# {-0.04, -0.02, 0, 0.02, 0.04} (README), never on the test set.
SEMANTIC_MARGIN = 0.04
THRESHOLD_CAP = 0.995


def exemplar_training(scorer: SemanticScorer, coder) -> tuple[dict, pd.DataFrame]:
    """Features of every exemplar (leave-one-out) and the exemplar table."""
    bank = scorer.bank
    segments = exemplar_segments(bank)
    codings = coder.code_segments(segments)
    units = pd.DataFrame({"unit_id": segments["segment_id"],
                          "segment_id": segments["segment_id"],
                          "participant_id": segments["participant_id"],
                          "language": segments["language"], "start": 0,
                          "end": segments["end"], "text": segments["text"]})
    position = {eid: i for i, eid in enumerate(scorer.index.ids)}
    self_cols = np.array([position[e] for e in units["unit_id"]], dtype=np.int64)
    _, feats = scorer.features(units, codings, self_columns=self_cols)
    table = pd.DataFrame([{"id": e.id, "code": e.code, "polarity": e.polarity}
                          for e in bank.exemplars])
    return feats, table


def cv_auc(X: np.ndarray, y: np.ndarray, folds: int = 5, seed: int = 0) -> float:
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import StratifiedKFold
    if min(y.sum(), len(y) - y.sum()) < folds:
        return float("nan")
    scores = np.zeros(len(y))
    for train, test in StratifiedKFold(folds, shuffle=True, random_state=seed).split(X, y):
        w, b = fit_code_model(X[train], y[train])
        scores[test] = X[test] @ np.asarray(w) + b
    return round(float(roc_auc_score(y, scores)), 4)


def participant_scores(scorer: SemanticScorer, segments: pd.DataFrame, codings: pd.DataFrame,
                       models: dict[str, CodeModel]) -> pd.DataFrame:
    """Best unit probability per participant and code (participants x codes)."""
    units = scorer.units(segments)
    _, feats = scorer.features(units, codings)
    frame = pd.DataFrame({"participant_id": units["participant_id"]})
    for code in scorer.codes:
        frame[code] = models[code].probability(feats[code]["X"])
    participants = sorted(segments["participant_id"].astype(str).unique())
    return frame.groupby("participant_id").max().reindex(participants).fillna(0.0)


def calibrate(scorer: SemanticScorer, coder, train_segments: pd.DataFrame,
              train_gold: pd.DataFrame, embedder_kind: str) -> Calibration:
    feats, table = exemplar_training(scorer, coder)
    models: dict[str, CodeModel] = {}
    for code in scorer.codes:
        y = ((table["code"] == code) & (table["polarity"] == "positive")).to_numpy().astype(int)
        X = feats[code]["X"]
        weights, intercept = fit_code_model(X, y)
        models[code] = CodeModel(weights=weights, intercept=intercept, threshold=0.5, fit={
            "exemplars_positive": int(y.sum()), "exemplars_negative": int(len(y) - y.sum()),
            "cv_auc_exemplars": cv_auc(X, y)})
    train_codings = coder.code_segments(train_segments)
    scores = participant_scores(scorer, train_segments, train_codings, models)
    gold = train_gold.pivot_table(index="participant_id", columns="code", values="present",
                                  aggfunc="max").reindex(scores.index).fillna(0).astype(int)
    raw = {}
    for code in scorer.codes:
        t, f1 = best_threshold(scores[code].to_numpy(), gold[code].to_numpy(),
                               floor=THRESHOLD_FLOOR)
        raw[code] = (t, f1)
    median = float(np.median([t for t, _ in raw.values()]))
    for code, (t, f1) in raw.items():
        shrunk = round(min(THRESHOLD_CAP, max(THRESHOLD_FLOOR, SHRINK * median
                                              + (1 - SHRINK) * t) + SEMANTIC_MARGIN), 3)
        models[code].threshold = shrunk
        models[code].fit.update({"threshold_train_f1_optimal": t, "train_f1_at_optimal":
                                 round(f1, 4)})
    return Calibration(embedder=embedder_kind, window=scorer.window,
                       exemplar_digest=scorer.bank.digest, features=list(FEATURES),
                       threshold_method=f"train-F1 per code, shrunk {SHRINK} to the median, "
                                        f"floor {THRESHOLD_FLOOR}, + margin {SEMANTIC_MARGIN} "
                                        "(selected on validation)",
                       codes=models)


def calibrate_files(params, train_out) -> tuple[Calibration, str]:
    """Fit from the train corpus's redacted segments (under `train_out`) and gold themes."""
    from pathlib import Path

    from pipeline.coding.calibration import write_calibration
    from pipeline.coding.codebook import load_codebook
    from pipeline.coding.matcher import Coder
    from pipeline.coding.semantic_coder import load_scorer
    from pipeline.errors import InputError, Problem

    semantic = params.coding.semantic
    segments_path = Path(train_out) / "redacted" / "segments.parquet"
    gold_path = Path(semantic.train_corpus) / "gold" / "themes.csv"
    for path, hint in ((segments_path, "redact the training corpus first: `testimony stage "
                        f"redact --corpus {semantic.train_corpus} --out {train_out}`"),
                       (gold_path, "the training corpus needs gold/themes.csv")):
        if not path.exists():
            raise InputError([Problem(str(path), "not found; " + hint)])
    codebook = load_codebook(params.coding.codebook)
    scorer = load_scorer(codebook, semantic, with_calibration=False)
    coder = Coder(codebook, params.coding)
    segments = pd.read_parquet(segments_path)
    calibration = calibrate(scorer, coder, segments, pd.read_csv(gold_path), semantic.embedder)
    write_calibration(semantic.calibration, calibration)
    return calibration, semantic.calibration
