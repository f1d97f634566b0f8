"""The corpus data model: participants, speaker turns, transcripts and the corpus."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Participant:
    participant_id: str
    country: str
    language: str
    profile: str
    exploitation: str
    organization: str
    consent: str
    interview_year: int

    def as_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Turn:
    index: int
    speaker: str  # "interviewer" | "participant"
    label: str  # the label as written in the source (e.g. "ENTREVISTADORA", "P")
    text: str  # normalised text, continuation lines joined with "\n"
    line: int  # line (paragraph, cue) where the turn starts


@dataclass
class Transcript:
    participant: Participant
    source: Path
    turns: list[Turn]
    encoding: str = "utf-8"

    @property
    def participant_id(self) -> str:
        return self.participant.participant_id


@dataclass
class Corpus:
    root: Path
    transcripts: list[Transcript]
    n_withdrawn: int = 0
    warnings: list[str] = field(default_factory=list)
    # from the corpus's own `corpus.yaml` (optional): every transcript is invented
    synthetic: bool = False

    @property
    def participants(self) -> list[Participant]:
        return [t.participant for t in self.transcripts]
