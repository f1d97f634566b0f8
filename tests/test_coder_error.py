"""Coder error carried into the comparison: Rogan-Gladen, bootstrap intervals, robustness."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from pipeline.coder_error import (
    adjusted_prevalence,
    coding_reliability,
    convergence_robustness,
    divergence_robustness,
    load_coder_error,
    rogan_gladen,
)
from pipeline.errors import ConfigError


def test_rogan_gladen_inverts_known_error_rates():
    true = np.array([0.1, 0.4, 0.8])
    se, sp = 0.8, 0.9
    observed = true * se + (1 - true) * (1 - sp)
    np.testing.assert_allclose(rogan_gladen(observed, se, sp), true)
    assert rogan_gladen(0.05, 0.8, 0.9) == 0.0          # clipped, never negative
    assert np.isnan(rogan_gladen(0.3, 0.5, 0.52))        # chance-level coder: undefined


def _matrix(rates: dict[str, float], n: int = 20) -> tuple[pd.DataFrame, pd.Series]:
    rows, countries = [], []
    for country, rate in rates.items():
        k = int(round(rate * n))
        rows += [{"A": int(i < k), "B": 1} for i in range(n)]
        countries += [country] * n
    ids = [f"P{i:03d}" for i in range(len(rows))]
    return pd.DataFrame(rows, index=ids), pd.Series(countries, index=ids)


def test_adjusted_prevalence_intervals_cover_the_point_and_are_deterministic():
    matrix, countries = _matrix({"AR": 0.2, "MX": 0.7})
    error = {"A": (18, 2, 4, 26), "B": (30, 1, 1, 18)}
    table, boot = adjusted_prevalence(matrix, countries, error, n_boot=300, seed=1,
                                      ci_level=0.95)
    again, _ = adjusted_prevalence(matrix, countries, error, n_boot=300, seed=1, ci_level=0.95)
    pd.testing.assert_frame_equal(table, again)
    assert ((table["adjusted_low"] <= table["adjusted"] + 1e-9)
            & (table["adjusted"] <= table["adjusted_high"] + 1e-9)).all()
    assert boot["draws"].shape == (300, 2, 2)


def test_robustness_marks_a_clear_divergence_and_not_a_fragile_one():
    matrix, countries = _matrix({"AR": 0.1, "MX": 0.9, "PE": 0.5})
    sharp = {"A": (45, 1, 2, 50), "B": (45, 1, 2, 50)}
    noisy = {"A": (3, 3, 3, 3), "B": (3, 3, 3, 3)}
    div = pd.DataFrame({"code": ["A"], "divergent": [True], "countries_above": ["MX (90%)"],
                        "countries_below": ["AR (10%)"]})
    _, boot = adjusted_prevalence(matrix, countries, sharp, n_boot=300, seed=2, ci_level=0.95)
    assert bool(divergence_robustness(div, boot)["robust_to_coder_error"].iloc[0])
    _, boot = adjusted_prevalence(matrix, countries, noisy, n_boot=300, seed=2, ci_level=0.95)
    assert not bool(divergence_robustness(div, boot)["robust_to_coder_error"].iloc[0])
    conv = pd.DataFrame({"code": ["B"], "convergent": [True]})
    _, boot = adjusted_prevalence(matrix, countries, sharp, n_boot=300, seed=2, ci_level=0.95)
    assert bool(convergence_robustness(conv, boot, 0.5)["robust_to_coder_error"].iloc[0])


def test_coder_error_file_is_validated(tmp_path):
    path = tmp_path / "coder_error.json"
    path.write_text(json.dumps({"codes": {"A": {"tp": 1, "fp": 0, "fn": 1, "tn": 5}}}))
    assert load_coder_error(path) == {"A": (1, 0, 1, 5)}
    assert load_coder_error(None) is None
    path.write_text(json.dumps({"codes": {"A": {"tp": 1}}}))
    with pytest.raises(ConfigError, match="coder_error.json"):
        load_coder_error(path)
    with pytest.raises(ConfigError, match="not found"):
        load_coder_error(tmp_path / "missing.json")
    table = coding_reliability({"A": (8, 2, 2, 8)})
    assert table.loc[0, "sensitivity"] == 0.8 and table.loc[0, "specificity"] == 0.8


def test_committed_coder_error_covers_every_code():
    from pipeline.coding.codebook import load_codebook
    from tests.conftest import ROOT
    error = load_coder_error(ROOT / "codebooks" / "coder_error.json")
    codebook = load_codebook(ROOT / "codebooks" / "trafficking_themes.yaml")
    assert set(error) == set(codebook.ids)
