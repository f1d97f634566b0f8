"""redact stage: corpus -> redacted transcripts, segments, summary (the privacy boundary)."""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd

from pipeline.artifacts import PARTICIPANT_COLUMNS, OutputPaths
from pipeline.corpus import load_corpus, render_transcript
from pipeline.execution import executor_for
from pipeline.guards import check_out_dir, check_review_dir, project_path
from pipeline.headline import write_headline
from pipeline.io import atomic_dir, write_csv, write_json, write_parquet
from pipeline.params import Params
from pipeline.redaction import redact_corpus
from pipeline.redaction.cache import AnalysisCache
from pipeline.redaction.review import write_review_file
from pipeline.stages.common import stage_main

log = logging.getLogger(__name__)



def run(params: Params, out_dir: Path, corpus_dir: Path) -> dict:
    paths = OutputPaths(Path(out_dir))
    check_out_dir(Path(out_dir), Path(corpus_dir))
    check_review_dir(params.redaction.review_dir, Path(out_dir), Path(corpus_dir))
    corpus = load_corpus(corpus_dir, params.corpus)
    cache = AnalysisCache(project_path(params.engine.cache_dir) / "redaction") \
        if params.engine.cache_dir else None
    with executor_for(params.engine) as executor:
        result = redact_corpus(corpus, params.redaction, executor=executor, cache=cache)
    if cache is not None:
        log.info("redact: %d piece(s) analysed, %d reused from the cache", cache.misses,
                 cache.hits)

    rows: list[dict] = []
    with atomic_dir(paths.redacted_transcripts) as tmp:
        for transcript in corpus.transcripts:
            pid = transcript.participant_id
            texts = result.turn_texts[pid]
            text, offsets = render_transcript(
                [(turn.label, red) for turn, red in zip(transcript.turns, texts, strict=True)])
            (tmp / f"{pid}.txt").write_text(text, encoding="utf-8")
            meta = transcript.participant
            for turn, red, (start, end) in zip(transcript.turns, texts, offsets, strict=True):
                rows.append({
                    "segment_id": f"{pid}-T{turn.index:03d}", "participant_id": pid,
                    "turn_index": turn.index, "speaker": turn.speaker, "label": turn.label,
                    "text": red, "start": start, "end": end,
                    **{c: getattr(meta, c) for c in PARTICIPANT_COLUMNS[1:]},
                })
    segments = pd.DataFrame(rows)
    write_parquet(paths.segments, segments)
    participants = pd.DataFrame([{c: getattr(p, c) for c in PARTICIPANT_COLUMNS}
                                 for p in corpus.participants])
    write_csv(paths.participants, participants)
    summary = dict(result.summary)
    summary["participants_processed"] = len(corpus.transcripts)
    summary["participants_excluded_withdrawn"] = corpus.n_withdrawn
    summary["corpus_synthetic"] = corpus.synthetic  # from the corpus's corpus.yaml
    write_json(paths.redaction_summary, summary)
    review_path = write_review_file(result.review, params.redaction)
    write_headline(out_dir, "redact", {
        "participants": len(corpus.transcripts), "excluded_withdrawn": corpus.n_withdrawn,
        "replacements": int(summary.get("replacements_total", 0))})
    return {
        "participants processed": len(corpus.transcripts),
        "participants excluded (consent withdrawn)": corpus.n_withdrawn,
        "redacted transcripts": str(paths.redacted_transcripts),
        "segments": str(paths.segments),
        "summary": str(paths.redaction_summary),
        "private review file": str(review_path) if review_path else "not written",
    }


def main(argv: list[str] | None = None) -> int:
    return stage_main("redact", run, argv)


if __name__ == "__main__":
    raise SystemExit(main())
