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

from pipeline.coding.aggregate import CODING_COLUMNS, participant_codes
from pipeline.coding.cache import CodingCache, participant_inputs, settings_digest
from pipeline.coding.codebook import Codebook, load_codebook
from pipeline.coding.review import CANDIDATE_COLUMNS, candidate_schema
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
        from pipeline.imports import import_spacy

        import_spacy()  # before the coder's modules import it: without torch
        from pipeline.coding.matcher import Coder
        from pipeline.coding.semantic_coder import load_scorer
        from pipeline.execution import one_thread_per_worker

        one_thread_per_worker()
        codebook = load_codebook(coding_params.codebook)
        scorer = load_scorer(codebook, coding_params.semantic) \
            if coding_params.semantic.enabled else None
        tools = _CODERS[digest] = (codebook, Coder(codebook, coding_params), scorer)
    return tools


def code_participants(digest: str, coding_params, records
                      ) -> list[tuple[list, pd.DataFrame]]:
    """(codings as records, review candidates as a table) for each participant in `records`
    (their segments)."""
    codebook, coder, scorer = _tools(digest, coding_params)
    from pipeline.coding.run import code_corpus  # after _tools: it imports spaCy, torch hidden
    segments = pd.DataFrame(list(records))
    codings, _, cands = code_corpus(segments, codebook, coding_params, coder=coder,
                                    scorer=scorer)
    out = []
    for pid in sorted(segments["participant_id"].astype(str).unique()):
        mine = codings[codings["participant_id"] == pid] if len(codings) else codings
        theirs = cands[cands["participant_id"] == pid] if len(cands) else cands
        out.append((mine.to_dict("records"), theirs[list(CANDIDATE_COLUMNS)]
                    .reset_index(drop=True)))
    return out


def _in_review_order(cands: pd.DataFrame) -> pd.DataFrame:
    return cands.sort_values(["participant_id", "start", "code"],
                             kind="stable").reset_index(drop=True)


def _frame(rows: list[dict], columns: list[str], sort: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(rows, columns=columns) if rows else \
        pd.DataFrame(columns=columns)
    return frame.sort_values(sort, kind="stable").reset_index(drop=True)


def code_corpus_incremental(segments: pd.DataFrame, codebook: Codebook, coding, engine,
                            cache_folder: Path | None, candidates_target: Path
                            ) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """(codings, participant codes, number of review candidates), as `run.code_corpus`
    codes them, with each participant's result reused from the cache (under `cache_folder`;
    None: no cache) when nothing that decides it changed. `engine`: params.engine (where the
    rest runs). The review candidates (thousands of rows per participant) are streamed to
    the Parquet file `candidates_target` participant by participant: memory holds one
    participant's candidates, not the corpus's."""
    from pipeline.execution import LocalExecutor, executor_for
    from pipeline.io import ParquetStream

    digest = settings_digest(coding)
    cache = CodingCache(cache_folder, digest) if cache_folder is not None else None
    by_participant = {str(pid): group for pid, group in
                      segments.groupby(segments["participant_id"].astype(str), sort=True)}
    # who must be coded; a cached result is read only when its turn comes below, so the
    # cached candidates are never all in memory at once
    inputs = participant_inputs(segments) if cache is not None else {}
    keys = {pid: cache.key_of(key_input) for pid, (key_input, _) in inputs.items()}
    todo = [pid for pid in by_participant if cache is None or not cache.has(keys[pid])]
    batches = [todo[i:i + TASK_PARTICIPANTS] for i in range(0, len(todo), TASK_PARTICIPANTS)]
    # made one by one as the executor asks for them: the records of the whole corpus are
    # never all copied into tasks at once
    tasks = ((digest, coding, Private(rec for pid in batch
                                      for rec in by_participant[pid].to_dict("records")))
             for batch in batches)
    # one task is coded here: starting a cluster would cost more than it saves
    runner = executor_for(engine) if len(batches) > 1 or engine.scheduler else LocalExecutor()
    sink = ParquetStream(candidates_target, candidate_schema())
    codings_rows: list[dict] = []
    to_code = set(todo)
    with runner as executor, sink:
        fresh = _in_participant_order(batches, executor.map(code_participants, tasks,
                                                            desc="coding",
                                                            total=len(batches)))
        for pid, group in by_participant.items():
            if pid not in to_code:
                result = cache.get(keys[pid], inputs[pid][1])
                if result is None:  # unreadable since it was listed: code it here
                    rows, cands = code_participants(digest, coding,
                                                    group.to_dict("records"))[0]
                    result = (rows, _in_review_order(cands))
            else:
                rows, cands = next(fresh)
                # sorted before the cache: a cached result is written as it is read
                result = (rows, _in_review_order(cands))
                if cache is not None:
                    cache.put(keys[pid], inputs[pid][1], *result)
            codings_rows.extend(result[0])
            sink.write(result[1])
    if cache is not None:
        log.info("code: %d participant(s) coded, %d reused from the cache", len(todo),
                 len(by_participant) - len(todo))
    semantic = coding.semantic.enabled
    columns = list(CODING_COLUMNS) + (AUDIT_COLUMNS if semantic else [])
    codings = _frame(codings_rows, columns, ["participant_id", "start", "code", "rule"])
    table = participant_codes(codings, list(by_participant), codebook, coding)
    return codings, table, sink.rows


def _in_participant_order(batches: list[list[str]], results):
    """One (codings, candidates) per participant, from per-task lists of them."""
    for batch, result in zip(batches, results, strict=True):
        if len(batch) != len(result):
            raise RuntimeError(f"a coding task returned {len(result)} results for "
                               f"{len(batch)} participants")
        yield from result
