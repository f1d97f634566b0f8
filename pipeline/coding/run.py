"""Code a corpus's redacted segments: rules, then the calibrated semantic decisions."""

from __future__ import annotations

import pandas as pd

from pipeline.coding.codebook import Codebook
from pipeline.coding.matcher import Coder, participant_codes
from pipeline.coding.review import no_candidates
from pipeline.params import CodingParams


def code_corpus(segments: pd.DataFrame, codebook: Codebook, params: CodingParams,
                coder: Coder | None = None, scorer=None
                ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(codings, participant codes, review candidates) for every participant in `segments`."""
    from pipeline.coding.semantic_coder import load_scorer
    coder = coder or Coder(codebook, params)
    codings = coder.code_segments(segments)
    cands = no_candidates()
    if params.semantic.enabled:
        scorer = scorer or load_scorer(codebook, params.semantic)
        codings, cands = scorer.decide(scorer.units(segments), codings)
        codings["snippet"] = codings["snippet"].astype(str).str.slice(0, params.snippet_chars)
    participants = sorted(segments["participant_id"].astype(str).unique())
    table = participant_codes(codings, participants, codebook, params)
    return codings, table, cands
