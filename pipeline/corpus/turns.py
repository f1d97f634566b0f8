"""Speaker turns: numbered lines of any format split into turns at their speaker labels."""

from __future__ import annotations

import re

from pipeline.corpus.decoding import normalise_text
from pipeline.corpus.model import Turn
from pipeline.errors import Problem
from pipeline.params import CorpusParams

_UNKNOWN_LABEL = re.compile(r"^[A-ZÁÉÍÓÚÑ]{2,20}(?: [A-ZÁÉÍÓÚÑ]{2,20}){0,2}\s*:\s")


def _label_pattern(params: CorpusParams) -> tuple[re.Pattern, dict[str, str]]:
    speakers: dict[str, str] = {}
    for label in params.labels.interviewer:
        speakers[label.upper()] = "interviewer"
    for label in params.labels.participant:
        speakers[label.upper()] = "participant"
    alternatives = "|".join(re.escape(lbl) for lbl in sorted(speakers, key=len, reverse=True))
    pattern = re.compile(rf"^\s*(?P<label>{alternatives})\s*:[ \t]*", re.IGNORECASE)
    return pattern, speakers


def parse_turns(lines: list[tuple[int, str, str | None]], params: CorpusParams, name: str,
                unit: str = "line", source_lines: dict[int, int] | None = None
                ) -> tuple[list[Turn], list[Problem], int]:
    """Turn (line number, text, voice) triples into speaker turns.

    A line that starts with a known label (or a cue with a voice tag) opens a turn; any other
    non-blank line continues the previous turn. Returns turns, problems, and the number of
    lines that look like an unknown speaker label. `source_lines` maps a unit number (a cue)
    to its line in the file, for the problems.
    """
    pattern, speakers = _label_pattern(params)
    turns: list[dict] = []
    problems: list[Problem] = []
    unknown_labels = 0
    for number, raw, voice in lines:
        line = normalise_text(raw).strip()
        where = source_lines.get(number) if source_lines else None
        speaker = label = None
        if voice is not None:
            key = voice.upper()
            if key in speakers:
                speaker, label = speakers[key], voice
            else:
                problems.append(Problem(name, f"{unit} {number}: voice tag is not a known "
                                              "speaker label; add it to corpus.labels in "
                                              "params.yaml", line=where))
                continue
            match = pattern.match(line)
            if match:  # a label repeated inside a voiced cue
                line = line[match.end():]
        else:
            match = pattern.match(line)
            if match:
                label = match.group("label")
                speaker = speakers[label.upper()]
                line = line[match.end():].strip()
        if speaker is not None:
            turns.append({"speaker": speaker, "label": label, "lines": [line] if line else [],
                          "line": number})
            continue
        if not line:
            continue
        if _UNKNOWN_LABEL.match(line):
            unknown_labels += 1
        if not turns:
            problems.append(Problem(name, f"{unit} {number}: text before the first speaker "
                                          "label; every turn must start with a label such as "
                                          "INTERVIEWER: or PARTICIPANTE:", line=where))
            continue
        turns[-1]["lines"].append(line)
    result = [Turn(index=i, speaker=t["speaker"], label=t["label"], text="\n".join(t["lines"]),
                   line=t["line"]) for i, t in enumerate(turns)]
    return result, problems, unknown_labels
