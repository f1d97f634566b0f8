"""Parameters of the redact stage (section `redaction` of params.yaml)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class RedactionParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    mode: Literal["tag", "surrogate"] = "tag"
    score_threshold: float = Field(0.5, ge=0.0, le=1.0)
    surrogate_seed: int = 13
    n_process: int = Field(2, ge=1)
    batch_size: int = Field(32, ge=1)
    allow_list: list[str] = Field(default_factory=list)
    deny_list: list[str] = Field(default_factory=list)
    known_identifiers_file: str | None = None
    review_dir: str | None = "private/review"
    gate_min_score: float = Field(0.85, ge=0.0, le=1.0)
    builtin_allow_list: bool = True  # countries, nationalities, institutions, trap words
    propagate_names: bool = True  # redact every other mention of a name found once
