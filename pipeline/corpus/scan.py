"""Reading a whole corpus folder (metadata, transcripts, card) with every problem collected."""

from __future__ import annotations

import logging
from pathlib import Path

from pipeline.corpus.card import CORPUS_CARD, read_corpus_card
from pipeline.corpus.files import _find_transcripts
from pipeline.corpus.metadata import _read_metadata
from pipeline.corpus.model import Corpus, Transcript
from pipeline.corpus.transcript import read_transcript
from pipeline.errors import InputError, Problem
from pipeline.params import CorpusParams

# The logger keeps the name it had when the reader was one module (log lines show it).
log = logging.getLogger("pipeline.corpus")


def _scan(root: Path, params: CorpusParams) -> tuple[Corpus, list[Problem]]:
    root = Path(root)
    participants, problems, named_ids = _read_metadata(root / "metadata.csv", params)
    files, file_problems, skipped = _find_transcripts(root / "transcripts")
    problems.extend(file_problems)
    warnings: list[str] = []
    transcripts: list[Transcript] = []
    withdrawn = 0
    for participant in sorted(participants, key=lambda p: p.participant_id):
        if participant.consent == "withdrawn":
            withdrawn += 1
            continue
        path = files.get(participant.participant_id)
        if path is None:
            if participant.participant_id in skipped:
                continue  # already reported: the file is there but cannot be read
            problems.append(Problem(str(root / "metadata.csv"), f"participant "
                                    f"{participant.participant_id} has no transcript in "
                                    f"{root / 'transcripts'} (expected "
                                    f"{participant.participant_id}.txt/.docx/.vtt/.srt)"))
            continue
        transcript, t_problems, t_warnings = read_transcript(path, participant, params)
        problems.extend(t_problems)
        warnings.extend(t_warnings)
        if transcript is not None:
            transcripts.append(transcript)
    if named_ids is not None:
        for stem, path in files.items():
            if stem not in named_ids:
                problems.append(Problem(str(path), f"no row for {stem} in metadata.csv; add one "
                                                   "or remove the file"))
    synthetic, card_problems = read_corpus_card(root / CORPUS_CARD)
    problems.extend(card_problems)
    for warning in warnings:
        log.warning(warning)
    corpus = Corpus(root=root, transcripts=transcripts, n_withdrawn=withdrawn, warnings=warnings,
                    synthetic=synthetic)
    return corpus, problems


def validate_corpus(root: Path | str, params: CorpusParams) -> list[Problem]:
    """Every problem of a corpus, not just the first."""
    _, problems = _scan(Path(root), params)
    return problems


def load_corpus(root: Path | str, params: CorpusParams) -> Corpus:
    """Read a corpus or raise InputError listing every problem."""
    corpus, problems = _scan(Path(root), params)
    if problems:
        raise InputError(problems)
    log.info("corpus: %d participants read, %d excluded (consent withdrawn)",
             len(corpus.transcripts), corpus.n_withdrawn)
    return corpus
