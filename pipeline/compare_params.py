"""Parameters of the compare, figures and report stages."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class CompareParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    seed: int = 7
    alpha: float = Field(0.05, gt=0.0, lt=1.0)
    convergence_min_share: float = Field(0.4, ge=0.0, le=1.0)


class FigureParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    formats: list[str] = Field(default_factory=lambda: ["png", "svg", "pdf"])
    dpi: int = Field(300, ge=50, le=1200)


class ReportParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    quotes_per_theme: int = Field(3, ge=1, le=10)
