"""Parameters of the code stage (section `coding` of params.yaml)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class CodingParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    codebook: str = "codebooks/trafficking_themes.yaml"
