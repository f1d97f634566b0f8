"""What the redaction library hands to the redact stage."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class RedactionResult:
    # participant_id -> redacted text of each turn, aligned with Transcript.turns
    turn_texts: dict[str, list[str]]
    # counts only (per entity type, per participant, per country): safe to publish
    summary: dict
    # one row per replacement (a tuple in review.REVIEW_COLUMNS order), WITH original text:
    # private review file only, never an output
    review: list[tuple] = field(default_factory=list)
