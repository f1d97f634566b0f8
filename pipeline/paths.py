"""Where each stage reads and writes, relative to the output folder (the output contract)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class OutputPaths:
    root: Path

    # redact
    @property
    def redacted(self) -> Path: return self.root / "redacted"
    @property
    def redacted_transcripts(self) -> Path: return self.redacted / "transcripts"
    @property
    def segments(self) -> Path: return self.redacted / "segments.parquet"
    @property
    def participants(self) -> Path: return self.redacted / "participants.csv"
    @property
    def redaction_summary(self) -> Path: return self.redacted / "redaction_summary.json"
    # code
    @property
    def coding(self) -> Path: return self.root / "coding"
    @property
    def codings(self) -> Path: return self.coding / "codings.parquet"
    @property
    def participant_codes(self) -> Path: return self.coding / "participant_codes.csv"
    @property
    def review_candidates(self) -> Path: return self.coding / "review_candidates.parquet"
    # topics
    @property
    def topics(self) -> Path: return self.root / "topics"
    @property
    def doc_topics(self) -> Path: return self.topics / "doc_topics.parquet"
    # compare, figures, report
    @property
    def tables(self) -> Path: return self.root / "tables"
    @property
    def figures(self) -> Path: return self.root / "figures"
    @property
    def report(self) -> Path: return self.root / "report"
    # evaluate and stage metrics
    @property
    def metrics(self) -> Path: return self.root / "metrics"


# What each stage owns under the output folder (folders and files), in pipeline order: when a
# stage fails, what it and every later stage own is removed, so no stale output (for
# example of a participant who has since withdrawn consent) survives a failed re-run.
STAGE_OUTPUTS = {
    "redact": ["redacted", "headline/redact.json"],
    "code": ["coding", "review", "headline/code.json"],
    "topics": ["topics", "metrics/topics.json", "headline/topics.json"],
    "compare": ["tables", "headline/compare.json"],
    "figures": ["figures"],
    "report": ["report"],
    "evaluate": ["metrics/redaction.json", "metrics/coding.json", "headline/evaluate.json"],
}
INCOMPLETE_MARKER = "RUN_INCOMPLETE.txt"
