"""A found piece of personal data: where it is in a turn, its type, score and recognizer."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    type: str  # project type: PERSON, LOCATION, ORG, PHONE, ID, ...
    score: float
    recognizer: str
