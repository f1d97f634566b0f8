"""Similarity features of text units against the exemplar bank, per code.

For each unit and code the scorer measures how close the unit is to the code's positive
exemplars (best and mean of the three best), to its near-misses, to other codes' positives
and to neutral talk. Near-misses matter most: almost every participant says something
topically close to some example, and what separates "nobody offered me therapy" (lacking
psychological care: present) from "the police came to the party, but for the noise"
(not an official's empathy) is which side of the line the closest examples sit on.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pipeline.coding.exemplars import NONE_CODE, ExemplarBank

FEATURES = ("rule", "pos_top1", "pos_top3", "near_top1", "margin", "other_top1",
            "neutral_top1")
TOP_K = 3
BLOCK = 2048  # units scored per block: bounded memory whatever the corpus size


@dataclass
class ExemplarIndex:
    """Embedded exemplars, with the columns of each code's positives and near-misses."""

    ids: list[str]
    vectors: np.ndarray            # (n_exemplars, dim)
    codes: list[str]
    positives: dict[str, np.ndarray]   # code -> column indices
    near: dict[str, np.ndarray]
    neutral: np.ndarray
    valence: list[str]             # per exemplar ("" when none)

    @classmethod
    def build(cls, bank: ExemplarBank, codes: list[str], embed) -> ExemplarIndex:
        exemplars = bank.exemplars
        vectors = embed([e.text for e in exemplars])
        col = np.arange(len(exemplars))
        code_of = np.array([e.code for e in exemplars])
        pol = np.array([e.polarity for e in exemplars])
        return cls(
            ids=[e.id for e in exemplars], vectors=vectors, codes=list(codes),
            positives={c: col[(code_of == c) & (pol == "positive")] for c in codes},
            near={c: col[(code_of == c) & (pol == "near_miss")] for c in codes},
            neutral=col[(code_of == NONE_CODE) | (pol == "neutral")],
            valence=[e.valence for e in exemplars])


def _top(sims: np.ndarray, cols: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray,
                                                             np.ndarray]:
    """Best, mean of k best, and the column of the best, over `cols` (rows of `sims`)."""
    n = sims.shape[0]
    if cols.size == 0:
        zero = np.zeros(n, dtype=np.float32)
        return zero, zero, np.full(n, -1)
    sub = sims[:, cols]
    best = np.argmax(sub, axis=1)
    top1 = sub[np.arange(n), best]
    k = min(k, cols.size)
    if k == 1:
        return top1, top1, cols[best]
    part = -np.partition(-sub, k - 1, axis=1)[:, :k]
    return top1, part.mean(axis=1), cols[best]


def similarity_features(unit_vectors: np.ndarray, index: ExemplarIndex,
                        rule_hits: dict[str, np.ndarray] | None = None,
                        self_columns: np.ndarray | None = None) -> dict[str, dict]:
    """Per code: `X` (n_units, len(FEATURES)) and `nearest` (best positive's column).

    `rule_hits[code]`: 0/1 per unit, whether a codebook rule coded it. `self_columns`: for
    units that are themselves exemplars, their column, left out of their own comparison
    (leave-one-out, so fitting never sees a unit compared with itself).
    """
    n = unit_vectors.shape[0]
    out = {c: {"X": np.zeros((n, len(FEATURES)), dtype=np.float32),
               "nearest": np.full(n, -1, dtype=np.int64)} for c in index.codes}
    # float64 products, then float32: in float32, OpenBLAS's AVX2 kernels give a row other
    # last bits when it sits in another place of the block (the edge of a tile is computed
    # by another kernel), so a unit's scores depended on which units were coded with it
    # (in one process, or in tasks on Dask workers). In float64 the two differ far below
    # float32's precision, and the rounding to float32 makes them equal.
    exemplars = index.vectors.astype(np.float64).T
    for lo in range(0, n, BLOCK):
        hi = min(n, lo + BLOCK)
        sims = (unit_vectors[lo:hi].astype(np.float64) @ exemplars).astype(np.float32)
        if self_columns is not None:
            rows = np.arange(hi - lo)
            own = self_columns[lo:hi]
            mask = own >= 0
            sims[rows[mask], own[mask]] = -1.0
        neutral_best = _top(sims, index.neutral, 1)[0]
        # each code's best positive; "best positive of another code" is then the best of
        # the other columns (one pass, not one scan of every other code's exemplars per code)
        best = np.full((hi - lo, len(index.codes)), -np.inf, dtype=np.float32)
        tops = {}
        for j, code in enumerate(index.codes):
            tops[code] = _top(sims, index.positives[code], TOP_K)
            if index.positives[code].size:
                best[:, j] = tops[code][0]
        if len(index.codes) > 1:
            two = -np.partition(-best, 1, axis=1)[:, :2]
            first, second = two.max(axis=1), two.min(axis=1)
            leader = np.argmax(best, axis=1)
        for j, code in enumerate(index.codes):
            top1, top3, nearest = tops[code]
            near1 = _top(sims, index.near[code], 1)[0]
            other1 = (np.where(leader == j, second, first) if len(index.codes) > 1
                      else np.full(hi - lo, -np.inf))
            other1 = np.where(np.isfinite(other1), other1, 0.0)
            block = out[code]["X"][lo:hi]
            block[:, 0] = rule_hits[code][lo:hi] if rule_hits is not None else 0.0
            block[:, 1] = top1
            block[:, 2] = top3
            block[:, 3] = near1
            block[:, 4] = top1 - near1
            block[:, 5] = other1
            block[:, 6] = neutral_best
            out[code]["nearest"][lo:hi] = nearest
    return out


def knn_valence(sims_row: np.ndarray, cols: np.ndarray, valences: list[str], k: int = 5) -> str:
    """Valence of a unit from its k nearest positive exemplars that carry one (weighted)."""
    cols = np.array([c for c in cols if valences[c]], dtype=np.int64)
    if cols.size == 0:
        return ""
    order = cols[np.argsort(-sims_row[cols], kind="stable")[:k]]
    votes = {"positive": 0.0, "negative": 0.0, "mixed": 0.0}
    for c in order:
        votes[valences[c]] += max(float(sims_row[c]), 0.0)
    return max(sorted(votes), key=lambda v: votes[v])
