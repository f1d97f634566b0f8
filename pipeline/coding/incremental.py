"""The code stage's corpus run: participant by participant, cached results reused, the rest
coded on the executor (this process, or Dask workers that load the models once each).

Coding one participant never looks at another (rules match within a turn and its question;
semantic units are the participant's own sentences), so coding participants apart, in any
order and on any worker, gives the same codings as coding the corpus at once.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd

from pipeline.coding.aggregate import participant_codes
from pipeline.coding.cache import CodingCache, settings_digest, turn_text
from pipeline.coding.codebook import Codebook, load_codebook
from pipeline.coding.language import CODING_COLUMNS
from pipeline.coding.review import CANDIDATE_COLUMNS
from pipeline.coding.semantic_coder import AUDIT_COLUMNS
from pipeline.execution import Private

log = logging.getLogger(__name__)

# Participants per task sent to a worker: enough to amortise the hand-off, few enough that
# the two workers stay busy to the end.
TASK_PARTICIPANTS = 8

# The coder and scorer of each settings digest in this process (a Dask worker keeps its own).
_CODERS: dict[str, tuple] = {}


def _tools(digest: str, coding_params):
    tools = _CODERS.get(digest)
    if tools is None:
        from pipeline.coding.matcher import Coder
        from pipeline.coding.semantic_coder import load_scorer
        from pipeline.execution import one_thread_per_worker

        one_thread_per_worker()
        codebook = load_codebook(coding_params.codebook)
        scorer = load_scorer(codebook, coding_params.semantic) \
            if coding_params.semantic.enabled else None
        tools = _CODERS[digest] = (codebook, Coder(codebook, coding_params), scorer)
    return tools


def code_participants(digest: str, coding_params, records) -> list[tuple[list, list]]:
    """(codings, candidates) as records for each participant in `records` (their segments)."""
    from pipeline.coding.run import code_corpus

    codebook, coder, scorer = _tools(digest, coding_params)
    segments = pd.DataFrame(list(records))
    codings, _, cands = code_corpus(segments, codebook, coding_params, coder=coder,
                                    scorer=scorer)
    out = []
    for pid in sorted(segments["participant_id"].astype(str).unique()):
        mine = codings[codings["participant_id"] == pid] if len(codings) else codings
        theirs = cands[cands["participant_id"] == pid] if len(cands) else cands
        out.append((mine.to_dict("records"), theirs.to_dict("records")))
    return out


def _frame(rows: list[dict], columns: list[str], sort: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(rows, columns=columns) if rows else \
        pd.DataFrame(columns=columns)
    return frame.sort_values(sort, kind="stable").reset_index(drop=True)


def code_corpus_incremental(segments: pd.DataFrame, codebook: Codebook, coding, engine,
                            cache_folder: Path | None
                            ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(codings, participant codes, review candidates), as `run.code_corpus` gives them, with
    each participant's result reused from the cache (under `cache_folder`; None: no cache)
    when nothing that decides it changed. `engine`: params.engine (where the rest runs)."""
    from pipeline.execution import LocalExecutor, executor_for

    digest = settings_digest(coding)
    cache = CodingCache(cache_folder, digest) if cache_folder is not None else None
    by_participant = {str(pid): group for pid, group in
                      segments.groupby(segments["participant_id"].astype(str), sort=True)}
    results: dict[str, tuple[list, list]] = {}
    todo: list[str] = []
    for pid, group in by_participant.items():
        cached = cache.get(cache.key(group), turn_text(group)) if cache else None
        if cached is None:
            todo.append(pid)
        else:
            results[pid] = cached
    tasks = [(digest, coding, Private(rec for pid in todo[i:i + TASK_PARTICIPANTS]
                                      for rec in by_participant[pid].to_dict("records")))
             for i in range(0, len(todo), TASK_PARTICIPANTS)]
    # one task is coded here: starting a cluster would cost more than it saves
    runner = executor_for(engine) if len(tasks) > 1 or engine.scheduler else LocalExecutor()
    with runner as executor:
        batches = [todo[i:i + TASK_PARTICIPANTS] for i in range(0, len(todo), TASK_PARTICIPANTS)]
        for pids, batch in zip(batches, executor.map(code_participants, tasks, desc="coding"),
                               strict=True):
            for pid, result in zip(pids, batch, strict=True):
                results[pid] = result
                if cache is not None:
                    group = by_participant[pid]
                    cache.put(cache.key(group), turn_text(group), *result)
    if cache is not None:
        log.info("code: %d participant(s) coded, %d reused from the cache", len(todo),
                 len(by_participant) - len(todo))
    semantic = coding.semantic.enabled
    columns = list(CODING_COLUMNS) + (AUDIT_COLUMNS if semantic else [])
    codings = _frame([row for pid in by_participant for row in results[pid][0]], columns,
                     ["participant_id", "start", "code", "rule"])
    cands = _frame([row for pid in by_participant for row in results[pid][1]],
                   list(CANDIDATE_COLUMNS), ["participant_id", "start", "code"])
    table = participant_codes(codings, list(by_participant), codebook, coding)
    return codings, table, cands
