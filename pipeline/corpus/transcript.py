"""Reading one transcript file, whatever its format, into a Transcript of speaker turns."""

from __future__ import annotations

from pathlib import Path

from pipeline.corpus.captions import _caption_lines
from pipeline.corpus.decoding import decode_bytes, normalise_text, split_lines
from pipeline.corpus.docx_format import _docx_lines
from pipeline.corpus.files import _read_file
from pipeline.corpus.model import Participant, Transcript
from pipeline.corpus.turns import parse_turns
from pipeline.errors import Problem
from pipeline.params import CorpusParams


def read_transcript(path: Path, participant: Participant, params: CorpusParams
                    ) -> tuple[Transcript | None, list[Problem], list[str]]:
    name = str(path)
    suffix = path.suffix.lower()
    warnings: list[str] = []
    encoding = "utf-8"
    source_lines: dict[int, int] = {}
    data, problem = _read_file(path, "transcript")
    if problem is not None:
        return None, [problem], warnings
    if suffix == ".docx":
        lines, problems = _docx_lines(path, data)
        unit = "paragraph"
    else:
        text, encoding, problems, warnings = decode_bytes(data, name)
        if text is None:
            return None, problems, warnings
        if suffix in (".vtt", ".srt"):
            if not normalise_text(text).strip():
                return None, [Problem(name, "is empty; remove the file or add the interview")], warnings
            lines, problems, source_lines = _caption_lines(path, text)
            unit = "cue"
        else:
            lines = [(n, line, None) for n, line in enumerate(split_lines(text), start=1)]
            unit = "line"
    if problems:
        return None, problems, warnings
    if not any(normalise_text(line).strip() for _, line, _ in lines):
        return None, [Problem(name, "is empty; remove the file (and its metadata row) or add "
                                    "the interview")], warnings
    turns, problems, unknown = parse_turns(lines, params, name, unit, source_lines)
    if not turns:
        return None, [Problem(name, "has no speaker label in the whole transcript; each turn "
                                    "must start with a label and a colon (INTERVIEWER:, "
                                    "PARTICIPANT:, ENTREVISTADORA:, PARTICIPANTE:, I:, P:, E:), "
                                    "or add your labels to corpus.labels in params.yaml")], warnings
    if unknown:
        warnings.append(f"{name}: {unknown} line(s) look like an unknown speaker label and were "
                        "read as continuation text; add the label to corpus.labels if needed")
    if problems:
        return None, problems, warnings
    if not any(t.speaker == "participant" and t.text for t in turns):
        return None, [Problem(name, "has no participant turn with text; check the labels")], warnings
    return Transcript(participant, path, turns, encoding), [], warnings
