"""One decision per unit and code: rule evidence and exemplar similarity, combined.

The rule coder (`matcher.Coder`) finds auditable evidence, which always codes; this module
scores every participant sentence and two-sentence window against the exemplar bank, feeds
the rule hit and the similarities into the code's calibrated model (`calibration.json`) and
adds a semantic coding where a unit no rule covered reaches the code's threshold. Each coding records what decided it: the rule id, or `semantic` with the
nearest exemplar's id, and the probability.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.coding.aggregate import is_answer
from pipeline.coding.calibration import Calibration
from pipeline.coding.codebook import Codebook
from pipeline.coding.embedding import CachedEmbedder
from pipeline.coding.exemplars import ExemplarBank
from pipeline.coding.semantic import ExemplarIndex, knn_valence, similarity_features
from pipeline.coding.units import participant_units

log = logging.getLogger(__name__)

SEMANTIC_RULE = "semantic"
AUDIT_COLUMNS = ["unit_start", "unit_end", "score", "threshold", "exemplar"]


def rule_hits(units: pd.DataFrame, codings: pd.DataFrame, codes: list[str]
              ) -> dict[str, np.ndarray]:
    """Per code, 1 for units that contain the start of a rule coding of that code."""
    hits = {c: np.zeros(len(units), dtype=np.float32) for c in codes}
    if codings.empty or units.empty:
        return hits
    evidence = codings[~is_answer(codings)]
    starts = units["start"].to_numpy()
    ends = units["end"].to_numpy()
    by_pid = {pid: np.flatnonzero(units["participant_id"].to_numpy() == pid)
              for pid in units["participant_id"].unique()}
    for row in evidence.itertuples(index=False):
        rows = by_pid.get(row.participant_id)
        if rows is None or row.code not in hits:
            continue
        inside = rows[(starts[rows] <= row.start) & (row.start < ends[rows])]
        hits[row.code][inside] = 1.0
    return hits


def exemplar_segments(bank: ExemplarBank) -> pd.DataFrame:
    """The bank as segments (one participant turn each), to run the rules over it."""
    rows = [{"segment_id": e.id, "participant_id": e.id, "turn_index": 0,
             "speaker": "participant", "text": e.text, "start": 0, "end": len(e.text),
             "language": e.language} for e in bank.exemplars]
    return pd.DataFrame(rows)


class SemanticScorer:
    """Scores units against the exemplar bank with the calibrated per-code models."""

    def __init__(self, codebook: Codebook, bank: ExemplarBank, embedder: CachedEmbedder,
                 calibration: Calibration | None, window: int = 2):
        self.codes = codebook.ids
        self.valence_codes = {c.id for c in codebook.codes if c.valence}
        self.fixed = {c.id: c.fixed_valence for c in codebook.codes if c.fixed_valence}
        self.family = {c.id: c.family for c in codebook.codes}
        self.bank = bank
        self.embedder = embedder
        self.calibration = calibration
        self.window = window
        self.index = ExemplarIndex.build(bank, self.codes, embedder.embed)

    def units(self, segments: pd.DataFrame) -> pd.DataFrame:
        return participant_units(segments, self.window)

    def features(self, units: pd.DataFrame, codings: pd.DataFrame,
                 self_columns: np.ndarray | None = None) -> tuple[np.ndarray, dict]:
        vectors = self.embedder.embed(units["text"].astype(str).tolist())
        hits = rule_hits(units, codings, self.codes)
        return vectors, similarity_features(vectors, self.index, hits, self_columns)

    def probabilities(self, feats: dict) -> dict[str, np.ndarray]:
        assert self.calibration is not None
        return {c: self.calibration.model(c).probability(feats[c]["X"]) for c in self.codes}

    def decide(self, units: pd.DataFrame, codings: pd.DataFrame
               ) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Accepted codings (rule evidence in accepted units, semantic codings elsewhere) and
        the review candidates (every unit x code decision that was not a certain no)."""
        from pipeline.coding.review import candidates, no_candidates
        assert self.calibration is not None
        columns = list(codings.columns) + AUDIT_COLUMNS
        if units.empty:
            return pd.DataFrame(columns=columns), no_candidates()
        vectors, feats = self.features(units, codings)
        probs = self.probabilities(feats)
        cands = candidates(
            units, probs, {c: self.calibration.model(c).threshold for c in self.codes},
            {c: [self.index.ids[j] if j >= 0 else "" for j in feats[c]["nearest"]]
             for c in self.codes})
        starts = units["start"].to_numpy()
        ends = units["end"].to_numpy()
        pids = units["participant_id"].to_numpy()
        rows: list[dict] = []
        answers = codings[is_answer(codings)] if not codings.empty else codings
        evidence = codings[~is_answer(codings)] if not codings.empty else codings
        for code in self.codes:
            model = self.calibration.model(code)
            p = probs[code]
            accepted = p >= model.threshold
            covered = np.zeros(len(units), dtype=bool)
            code_rows = evidence[evidence["code"] == code] if not evidence.empty else evidence
            for row in code_rows.to_dict("records"):
                inside = np.flatnonzero((pids == row["participant_id"])
                                        & (starts <= row["start"]) & (row["start"] < ends))
                if inside.size == 0:
                    continue
                best = inside[np.argmax(p[inside])]
                # Rule evidence always codes: rules are precise and auditable; the
                # semantic layer adds what they miss (chosen on validation over letting
                # the model veto rules, which lost recall there).
                covered[inside] = True
                rows.append({**row, "unit_start": int(starts[best]), "unit_end": int(ends[best]),
                             "score": float(p[best]), "threshold": model.threshold,
                             "exemplar": self._nearest(feats, code, best)})
            rows.extend(self._semantic_rows(units, vectors, feats, code, p, accepted, covered))
        for row in answers.to_dict("records"):
            rows.append({**row, "unit_start": -1, "unit_end": -1, "score": float("nan"),
                         "threshold": float("nan"), "exemplar": ""})
        frame = pd.DataFrame(rows, columns=columns)
        return frame.sort_values(["participant_id", "start", "code", "rule"],
                                 kind="stable").reset_index(drop=True), cands

    def _nearest(self, feats: dict, code: str, i: int) -> str:
        col = int(feats[code]["nearest"][i])
        return self.index.ids[col] if col >= 0 else ""

    def _semantic_rows(self, units, vectors, feats, code, p, accepted, covered) -> list[dict]:
        """Semantic codings: accepted units no rule covered; sentences before windows."""
        rows = []
        family = self.family[code]
        taken: dict[str, list[tuple[int, int]]] = {}
        order = sorted(np.flatnonzero(accepted & ~covered),
                       key=lambda i: (units["end"].iat[i] - units["start"].iat[i], i))
        for i in order:
            unit = units.iloc[i]
            span = (int(unit["start"]), int(unit["end"]))
            spans = taken.setdefault(unit["participant_id"], [])
            if any(lo < span[1] and span[0] < hi for lo, hi in spans):
                continue
            spans.append(span)
            valence = ""
            if code in self.valence_codes:
                valence = self.fixed.get(code) or knn_valence(
                    vectors[i] @ self.index.vectors.T, self.index.positives[code],
                    self.index.valence)
            text = str(unit["text"])
            rows.append({
                "segment_id": unit["segment_id"], "participant_id": unit["participant_id"],
                "language": unit["language"], "code": code, "family": family,
                "rule": SEMANTIC_RULE, "start": span[0], "end": span[1], "evidence": text,
                "snippet": text, "negated": False, "valence": valence,
                "unit_start": span[0], "unit_end": span[1], "score": float(p[i]),
                "threshold": self.calibration.model(code).threshold,
                "exemplar": self._nearest(feats, code, i)})
        return rows


def load_scorer(codebook: Codebook, semantic, with_calibration: bool = True
                ) -> SemanticScorer:
    """Bank, embedder (with its cache) and, unless fitting, the calibration file."""
    from pipeline.coding.calibration import load_calibration
    from pipeline.coding.embedding import get_embedder
    from pipeline.coding.exemplars import load_exemplars
    bank = load_exemplars(semantic.exemplars, codebook)
    embedder = CachedEmbedder(get_embedder(semantic.embedder),
                              Path(semantic.cache_dir) if semantic.cache_dir else None)
    calibration = load_calibration(semantic.calibration, codebook.ids, bank.digest,
                                   semantic.embedder) if with_calibration else None
    if calibration is not None and calibration.window != semantic.window:
        from pipeline.errors import ConfigError
        raise ConfigError(f"{semantic.calibration}: fitted with window {calibration.window} "
                          f"but coding.semantic.window is {semantic.window}; re-run "
                          "`testimony calibrate`")
    return SemanticScorer(codebook, bank, embedder, calibration, semantic.window)
