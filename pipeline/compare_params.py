"""Parameters of the compare, figures and report stages."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class CompareParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    seed: int = Field(7, ge=0, le=2**31 - 1)
    alpha: float = Field(0.05, gt=0.0, lt=1.0, description="BH false-discovery rate for divergences")
    n_permutations: int = Field(9999, ge=99, le=200000)
    residual_threshold: float = Field(1.96, gt=0.0)
    convergence_min_share: float = Field(0.5, ge=0.0, le=1.0)
    ci_level: float = Field(0.95, gt=0.5, lt=1.0)
    # Per-code validation counts of the automatic coder (tp, fp, fn, tn): prevalence is also
    # reported adjusted for coder error (Rogan-Gladen) and each conclusion marked robust or
    # not. null: no adjustment.
    coder_error: str | None = "codebooks/coder_error.json"
    bootstrap: int = Field(1000, ge=100, le=100000)


class FigureParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    formats: list[str] = Field(default_factory=lambda: ["png", "svg", "pdf"])
    dpi: int = Field(300, ge=50, le=1200)


class ReportParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    quotes_per_theme: int = Field(3, ge=1, le=10)
    quote_max_chars: int = Field(400, ge=80, le=2000)
    quote_seed: int = Field(11, ge=0, le=2**31 - 1)
    synthetic_data: bool = False
    title: str = "Testimony analysis"
