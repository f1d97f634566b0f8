"""Bounded work units: a long text cut at natural breaks, a long transcript grouped into
pieces of whole turns, and the pool of forked workers that analyses them."""

from __future__ import annotations

import multiprocessing
import os
import re
import sys

from pipeline.logs import progress

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


def _fork_available() -> bool:
    return sys.platform.startswith("linux") and os.environ.get("REDACTION_NO_FORK") != "1"


def run_tasks(analyzer, tasks: list, n_process: int) -> dict:
    """key -> spans of each (key, language, texts, batch_size) task, in `n_process` forked
    workers (the analyzer's models are shared by fork) or in this process."""
    found = {}
    if n_process == 1 or not _fork_available():
        for task in progress(tasks, desc="redacting transcripts"):
            key, spans = _analyze_task(analyzer, task)
            found[key] = spans
        return found
    global _WORKER_ANALYZER
    _WORKER_ANALYZER = analyzer
    ctx = multiprocessing.get_context("fork")
    try:
        with ctx.Pool(n_process, initializer=_one_thread) as pool:
            done = pool.imap_unordered(_worker_analyze, tasks, chunksize=1)
            for key, spans in progress(done, desc="redacting transcripts", total=len(tasks)):
                found[key] = spans
    finally:
        _WORKER_ANALYZER = None
    return found


def _analyze_task(analyzer, task) -> tuple:
    key, language, texts, batch_size = task
    return key, analyzer.analyze_document(language, texts, batch_size)


def _one_thread() -> None:
    """Each worker uses one BLAS/OpenMP thread: the workers are the parallelism (two
    workers of two threads each on two cores ran slower than one worker)."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1)


def _worker_analyze(task):
    return _analyze_task(_WORKER_ANALYZER, task)


_WORKER_ANALYZER = None
