"""Carry the coder's own error into the country comparison.

From the validation set we know, per code, how often the automatic coder finds a theme that
is there (sensitivity) and leaves out one that is not (specificity). The Rogan–Gladen
estimator turns an observed prevalence into the prevalence those error rates imply:

    adjusted = (observed + specificity - 1) / (sensitivity + specificity - 1),  in [0, 1].

Intervals come from a bootstrap that redraws both the participants of each country and the
coder's error rates (Beta posteriors of the validation counts), so they include the
uncertainty of the coder as well as of the sample. A divergence or convergence is robust
when it still holds in at least `ROBUST_SHARE` of the bootstrap draws.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.errors import ConfigError

ROBUST_SHARE = 0.8
MIN_YOUDEN = 0.05  # sensitivity + specificity - 1 below this: the code is not informative


def load_coder_error(path: Path | str | None) -> dict[str, tuple[int, int, int, int]] | None:
    """{code: (tp, fp, fn, tn)} from the validation counts file, or None when not set."""
    if not path:
        return None
    path = Path(path)
    if not path.exists():
        raise ConfigError(f"{path}: coder-error file not found; write it with `python "
                          "bench/coding_eval.py --write-coder-error PATH` or set "
                          "compare.coder_error: null")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {code: (int(c["tp"]), int(c["fp"]), int(c["fn"]), int(c["tn"]))
                for code, c in data["codes"].items()}
    except (json.JSONDecodeError, KeyError, TypeError, ValueError):
        raise ConfigError(f"{path}: expected {{\"codes\": {{CODE: {{tp, fp, fn, tn}}}}}}; "
                          "re-write it with bench/coding_eval.py") from None


def rogan_gladen(observed, sensitivity, specificity):
    observed = np.asarray(observed, dtype=float)
    youden = np.asarray(sensitivity, dtype=float) + np.asarray(specificity, dtype=float) - 1
    safe = np.where(youden > MIN_YOUDEN, youden, 1.0)
    adjusted = np.clip((observed + np.asarray(specificity) - 1) / safe, 0.0, 1.0)
    # A coder no better than chance says nothing about prevalence: undefined, and a
    # conclusion never counts as holding in such a draw.
    return np.where(youden > MIN_YOUDEN, adjusted, np.nan)


def _draws(matrix: pd.DataFrame, countries: pd.Series, error: dict, n_boot: int, seed: int
           ) -> tuple[list[str], list[str], np.ndarray]:
    """Bootstrap draws of adjusted prevalence: (countries, codes, array[b, country, code])."""
    codes = [c for c in matrix.columns if c in error]
    labels = sorted(countries.unique())
    rng = np.random.default_rng(seed)
    values = matrix[codes].to_numpy(dtype=float)
    members = [np.flatnonzero(countries.to_numpy() == c) for c in labels]
    counts = np.array([error[c] for c in codes], dtype=float)  # tp, fp, fn, tn
    out = np.zeros((n_boot, len(labels), len(codes)))
    for b in range(n_boot):
        se = rng.beta(counts[:, 0] + 1, counts[:, 2] + 1)
        sp = rng.beta(counts[:, 3] + 1, counts[:, 1] + 1)
        for k, rows in enumerate(members):
            sample = rows[rng.integers(0, len(rows), len(rows))]
            out[b, k] = rogan_gladen(values[sample].mean(axis=0), se, sp)
    return labels, codes, out


def adjusted_prevalence(matrix: pd.DataFrame, countries: pd.Series, error: dict, *,
                        n_boot: int, seed: int, ci_level: float) -> tuple[pd.DataFrame, dict]:
    """Observed and misclassification-adjusted prevalence per country and code."""
    labels, codes, draws = _draws(matrix, countries, error, n_boot, seed)
    lo_q, hi_q = (1 - ci_level) / 2, 1 - (1 - ci_level) / 2
    rows = []
    for k, country in enumerate(labels):
        members = matrix[countries.to_numpy() == country]
        for j, code in enumerate(codes):
            tp, fp, fn, tn = error[code]
            se = tp / (tp + fn) if tp + fn else 1.0
            sp = tn / (tn + fp) if tn + fp else 1.0
            observed = float(members[code].mean())
            rows.append({"country": country, "code": code, "n_participants": len(members),
                         "observed": round(observed, 4),
                         "adjusted": round(float(rogan_gladen(observed, se, sp)), 4),
                         "adjusted_low": round(float(np.nanquantile(draws[:, k, j], lo_q)), 4)
                         if np.isfinite(draws[:, k, j]).any() else float("nan"),
                         "adjusted_high": round(float(np.nanquantile(draws[:, k, j], hi_q)), 4)
                         if np.isfinite(draws[:, k, j]).any() else float("nan"),
                         "sensitivity": round(se, 3), "specificity": round(sp, 3)})
    return pd.DataFrame(rows), {"countries": labels, "codes": codes, "draws": draws}


_COUNTRY = re.compile(r"([A-Z]{2}) \(")


def _robustness(frame: pd.DataFrame, boot: dict, flag: str, holds) -> pd.DataFrame:
    """Add the share of draws in which a conclusion (rows where `flag` is true) still holds;
    `holds(row, draws)` gives one boolean per draw, `draws` being (draw, country)."""
    frame = frame.copy()
    shares = []
    for row in frame.itertuples(index=False):
        if row.code not in boot["codes"] or not getattr(row, flag):
            shares.append(float("nan"))
            continue
        draws = boot["draws"][:, :, boot["codes"].index(row.code)]
        shares.append(float(np.mean(holds(row, draws))))
    frame["robust_share"] = np.round(shares, 3)
    frame["robust_to_coder_error"] = frame["robust_share"] >= ROBUST_SHARE
    return frame


def divergence_robustness(divergences: pd.DataFrame, boot: dict) -> pd.DataFrame:
    """Share of draws in which every country that stands out stays on its side of the
    pooled adjusted rate (pooled = mean over countries of the draw)."""
    def holds(row, draws):
        with np.errstate(invalid="ignore"):
            pooled = draws.mean(axis=1)
        ok = np.ones(len(draws), dtype=bool)
        for side, text in ((1, row.countries_above), (-1, row.countries_below)):
            for country in _COUNTRY.findall(str(text or "")):
                ok &= side * (draws[:, boot["countries"].index(country)] - pooled) > 0
        return ok
    return _robustness(divergences, boot, "divergent", holds)


def convergence_robustness(convergences: pd.DataFrame, boot: dict, min_share: float
                           ) -> pd.DataFrame:
    """Share of draws in which the code stays at `min_share` or more in every country."""
    return _robustness(convergences, boot, "convergent",
                       lambda row, draws: (draws >= min_share).all(axis=1))


def coding_reliability(error: dict) -> pd.DataFrame:
    """Per code: validation sensitivity, specificity and F1, for the report."""
    rows = []
    for code, (tp, fp, fn, tn) in sorted(error.items()):
        rows.append({"code": code, "n_validation": tp + fp + fn + tn,
                     "sensitivity": round(tp / (tp + fn), 3) if tp + fn else None,
                     "specificity": round(tn / (tn + fp), 3) if tn + fp else None,
                     "f1": round(2 * tp / (2 * tp + fp + fn), 3) if tp + fp + fn else None})
    return pd.DataFrame(rows)
