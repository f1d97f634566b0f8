"""Bounded work units: a long text cut at natural breaks, a long transcript grouped into
pieces of whole turns, and the task that analyses one piece wherever it runs."""

from __future__ import annotations

import re

# Presidio's context enhancer looks up every result's token by a linear scan of the document,
# so one analyzer call is quadratic in its length: long transcripts are analysed in bounded
# chunks, cut at a turn break, else a line break, else a sentence end, else a space.
CHUNK_CHARS = 20_000
BATCH_CHARS = 40_000
_SENTENCE_END = re.compile(r"[.!?…][\"'”»)]*\s")


def _chunks(text: str, limit: int) -> list[tuple[int, str]]:
    """Split long text into pieces of at most `limit` characters at natural breaks."""
    if len(text) <= limit:
        return [(0, text)]
    out = []
    start = 0
    while start < len(text):
        end = min(len(text), start + limit)
        if end < len(text):
            floor = start + limit // 4  # never cut into tiny pieces
            cut = -1
            for sep in ("\n\n", "\n"):
                found = text.rfind(sep, floor, end)
                if found > start:
                    cut = found + len(sep)
                    break
            if cut < 0:
                ends = [m.end() for m in _SENTENCE_END.finditer(text, floor, end)]
                cut = ends[-1] if ends else text.rfind(" ", floor, end) + 1
            end = cut if cut > start else end
        out.append((start, text[start:end]))
        start = end
    return out


# A transcript longer than this is analysed in pieces (a long interview is ~100,000).
PIECE_CHARS = 200_000


def _plan_pieces(texts: list[str], limit: int = PIECE_CHARS
                 ) -> list[list[tuple[int, int, int]]]:
    """Pieces of at most ~`limit` characters: each a list of (turn, start, end) segments in
    order. Whole turns are grouped; a turn longer than `limit` is cut at natural breaks."""
    pieces: list[list[tuple[int, int, int]]] = []
    current: list[tuple[int, int, int]] = []
    size = 0
    for t, text in enumerate(texts):
        segments = ([(t, a, a + len(chunk)) for a, chunk in _chunks(text, limit)]
                    if len(text) > limit else [(t, 0, len(text))])
        for segment in segments:
            length = segment[2] - segment[1]
            if current and size + length > limit:
                pieces.append(current)
                current, size = [], 0
            current.append(segment)
            size += length
    if current or not pieces:
        pieces.append(current)
    return pieces


# The analyzer of each configuration in this process: the caller's own (local runs), or one
# built on the first task a Dask worker receives and kept for every later task.
_ANALYZERS: dict = {}


def register(analyzer) -> None:
    _ANALYZERS[analyzer.config] = analyzer


def analyze_piece(config, language: str, texts, batch_size: int) -> list:
    """Spans per text of one piece, in whichever process runs it."""
    analyzer = _ANALYZERS.get(config)
    if analyzer is None:
        from pipeline.execution import one_thread_per_worker
        from pipeline.redaction.core import get_analyzer

        one_thread_per_worker()
        analyzer = _ANALYZERS[config] = get_analyzer(config)
    return analyzer.analyze_document(language, list(texts), batch_size)
