"""Per-code decision models: fitted weights and thresholds, stored as a data file.

One logistic model per code turns a unit's evidence (rule hit and similarity features, see
`semantic.FEATURES`) into a probability that the unit shows the code. A participant has the
code when their best unit reaches the code's threshold. Weights are fitted on the exemplar
bank (text the rules were not written from, so the model does not learn to copy the rules);
thresholds are set on the training corpus at participant level. Both are written to
`codebooks/calibration.json` by `testimony calibrate` and only read by the code stage.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from pipeline.coding.semantic import FEATURES
from pipeline.errors import ConfigError

CALIBRATION_VERSION = 1


class CodeModel(BaseModel):
    model_config = ConfigDict(extra="forbid")
    weights: list[float]
    intercept: float
    threshold: float = Field(ge=0.0, le=1.0)
    fit: dict[str, float | int | str] = Field(default_factory=dict)

    def probability(self, X: np.ndarray) -> np.ndarray:
        z = X.astype(np.float64) @ np.asarray(self.weights, dtype=np.float64) + self.intercept
        return np.round(1.0 / (1.0 + np.exp(-z)), 6)


class Calibration(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: int = CALIBRATION_VERSION
    embedder: str
    window: int = Field(ge=1, le=4)
    exemplar_digest: str
    features: list[str]
    threshold_method: str = ""
    codes: dict[str, CodeModel]

    def model(self, code: str) -> CodeModel:
        return self.codes[code]


def load_calibration(path: Path | str, code_ids: list[str], exemplar_digest: str,
                     embedder: str) -> Calibration:
    """Read the calibration file and check it matches the codebook, bank and embedder."""
    path = Path(path)
    if not path.exists():
        raise ConfigError(f"{path}: calibration file not found; run `testimony calibrate` "
                          "to fit it from the exemplar bank and the training corpus")
    try:
        calibration = Calibration.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{path}: not valid JSON (line {exc.lineno}); re-run "
                          "`testimony calibrate`") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"{path}: {where}: {first['msg']}; re-run `testimony calibrate`"
                          ) from None
    if calibration.version != CALIBRATION_VERSION:
        raise ConfigError(f"{path}: version {calibration.version}, expected "
                          f"{CALIBRATION_VERSION}; re-run `testimony calibrate`")
    if list(calibration.features) != list(FEATURES):
        raise ConfigError(f"{path}: fitted on other features; re-run `testimony calibrate`")
    missing = [c for c in code_ids if c not in calibration.codes]
    if missing:
        raise ConfigError(f"{path}: no model for code(s) {', '.join(missing)} (a code was "
                          "added to the codebook); re-run `testimony calibrate`")
    for code, model in calibration.codes.items():
        if len(model.weights) != len(FEATURES):
            raise ConfigError(f"{path}: {code} has {len(model.weights)} weights, expected "
                              f"{len(FEATURES)}; re-run `testimony calibrate`")
    if calibration.embedder != embedder:
        raise ConfigError(f"{path}: fitted with embedder '{calibration.embedder}' but "
                          f"coding.semantic.embedder is '{embedder}'; re-run "
                          "`testimony calibrate`")
    if calibration.exemplar_digest != exemplar_digest:
        raise ConfigError(f"{path}: the exemplar bank (or the codebook's examples) changed "
                          "after calibration; re-run `testimony calibrate`")
    return calibration


def fit_code_model(X: np.ndarray, y: np.ndarray, C: float = 1.0) -> tuple[list[float], float]:
    """Logistic regression with balanced classes; deterministic (lbfgs, fixed data order)."""
    from sklearn.linear_model import LogisticRegression
    if y.min() == y.max():
        raise ConfigError("a code has only positive or only negative training exemplars")
    model = LogisticRegression(C=C, class_weight="balanced", max_iter=2000)
    model.fit(X.astype(np.float64), y.astype(int))
    return [round(float(w), 6) for w in model.coef_[0]], round(float(model.intercept_[0]), 6)


def best_threshold(scores: np.ndarray, gold: np.ndarray, grid: np.ndarray | None = None,
                   floor: float = 0.5) -> tuple[float, float]:
    """Participant-level threshold maximising F1 (ties: the lower threshold); and that F1."""
    grid = np.round(np.arange(floor, 0.996, 0.01), 2) if grid is None else grid
    best = (float(grid[0]), -1.0)
    for t in grid:
        pred = scores >= t
        tp = int((pred & (gold == 1)).sum())
        fp = int((pred & (gold == 0)).sum())
        fn = int((~pred & (gold == 1)).sum())
        f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
        if f1 > best[1] + 1e-12:
            best = (float(t), f1)
    return best


def write_calibration(path: Path | str, calibration: Calibration) -> None:
    from pipeline.io import write_text
    write_text(path, json.dumps(calibration.model_dump(), indent=1, sort_keys=True) + "\n")
