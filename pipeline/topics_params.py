"""Parameters of the topics stage (section `topics` of params.yaml)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class TopicParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    seed: int = 42
    min_topic_size: int = Field(8, ge=2)
