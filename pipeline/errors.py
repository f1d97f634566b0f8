"""Errors that carry a message meant for an analyst, never raw transcript text."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where it is and what to do about it."""

    file: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        return f"{where}: {self.message}"


class PipelineError(Exception):
    """An error with a message safe to show (no transcript text)."""


class InputError(PipelineError):
    """Bad input: lists every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        lines = [str(p) for p in self.problems]
        head = "1 problem found" if len(lines) == 1 else f"{len(lines)} problems found"
        super().__init__(head + ":\n  " + "\n  ".join(lines))


class ConfigError(PipelineError):
    """params.yaml (or another config file) is invalid."""


class LeakageError(PipelineError):
    """The leakage gate found personal data in redacted text."""
