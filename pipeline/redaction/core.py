"""redact_corpus: analyse every transcript, replace, audit, count."""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections import Counter, defaultdict
from functools import lru_cache

from pipeline.params import RedactionParams
from pipeline.redaction import gate
from pipeline.redaction.analyzer import (
    Analyzer,
    AnalyzerConfig,
    Span,
    analyze_documents,
    guess_type,
    load_known_identifiers,
)
from pipeline.redaction.pseudonyms import Pseudonymizer
from pipeline.redaction.result import RedactionResult
from pipeline.redaction.review import review_row
from pipeline.redaction.textutil import fold

log = logging.getLogger(__name__)
CONTEXT_CHARS = 40


def analyzer_config(params: RedactionParams,
                    known: list[tuple[str, str]] | None = None) -> AnalyzerConfig:
    allow = list(params.allow_list)
    deny = [(guess_type(v), v) for v in params.deny_list] + list(known or [])
    return AnalyzerConfig(score_threshold=params.score_threshold,
                          allow_list=tuple(sorted(set(allow))),
                          deny_list=tuple(sorted(set(deny))),
                          propagate_names=params.propagate_names,
                          builtin_allow_list=params.builtin_allow_list,
                          confident_score=params.gate_min_score)


@lru_cache(maxsize=2)
def get_analyzer(config: AnalyzerConfig) -> Analyzer:
    """One analyzer per configuration per process (loading spaCy takes a few seconds)."""
    return Analyzer(config)


def gated_key(cache, params: RedactionParams, known: list[tuple[str, str]], pid: str,
               language: str, texts: list[str]) -> str:
    """Cache key of a transcript's repaired spans that passed the gate: everything the repair
    and the gate read (the texts, the known identifiers, every redaction setting, the
    participant id that seeds the pseudonyms, the code version inside `cache.key`)."""
    # where the review file goes and what the known-identifiers file is called decide
    # nothing here (the identifiers themselves are in the key)
    decisive = params.model_dump(mode="json", exclude={"review_dir", "known_identifiers_file"})
    settings = json.dumps({"gated": 1, "params": decisive,
                           "known": sorted(known), "participant": pid}, sort_keys=True,
                          ensure_ascii=False)
    return cache.key(hashlib.sha256(settings.encode()).hexdigest(), language, texts)


def language_of(code: str) -> str:
    return "es" if code.lower().startswith("es") else "en"


def apply_spans(text: str, spans: list[Span], replace) -> str:
    parts = []
    position = 0
    for span in spans:
        parts.append(text[position:span.start])
        parts.append(replace(span))
        position = span.end
    parts.append(text[position:])
    return "".join(parts)


def redact_corpus(corpus, params: RedactionParams, executor=None,
                  cache=None) -> RedactionResult:
    """Redact every transcript. `executor` (pipeline.execution) runs the analysis, in this
    process by default; `cache` (redaction.cache.AnalysisCache) reuses unchanged pieces."""
    started = time.perf_counter()
    known = load_known_identifiers(params.known_identifiers_file)
    transcripts = list(corpus.transcripts)
    gate.check_participant_ids([t.participant_id for t in transcripts], known)
    documents = [(language_of(t.participant.language), [turn.text for turn in t.turns])
                 for t in transcripts]
    all_spans = analyze_documents(analyzer_config(params, known), documents,
                                  batch_size=params.batch_size, executor=executor, cache=cache)
    # repaired spans that passed the gate, beside the analysis cache (counted apart from it)
    gated_cache = type(cache)(cache.folder / "gated") if cache is not None else None
    turn_texts: dict[str, list[str]] = {}
    review: list[tuple] = []
    by_type: Counter[str] = Counter()
    by_participant: dict[str, dict[str, int]] = {}
    by_country: dict[str, Counter[str]] = defaultdict(Counter)
    by_language: dict[str, Counter[str]] = defaultdict(Counter)
    for transcript, (language, texts), spans in zip(transcripts, documents, all_spans,
                                                    strict=True):
        pid = transcript.participant_id
        # a transcript whose analysis, repair and gate gave these spans before (same inputs,
        # same code) passes again: its repaired spans come from the cache and the gate, a
        # deterministic function of the same inputs, is not run a second time
        key = gated_key(gated_cache, params, known, pid, language, texts) \
            if gated_cache is not None else None
        gated = gated_cache.get(key) if key is not None else None
        spans = gated if gated is not None else gate.repair(texts, spans, known,
                                                            params.gate_min_score)
        originals = {fold(text[s.start:s.end]) for text, ss in zip(texts, spans, strict=True)
                     for s in ss}
        originals |= {fold(v) for _, v in known}
        originals |= {t for o in list(originals) for t in o.split()}
        pseudo = Pseudonymizer(pid, params.mode, params.surrogate_seed, language, originals)
        redacted_turns = []
        counts: Counter[str] = Counter()
        for turn, text, turn_spans in zip(transcript.turns, texts, spans, strict=True):
            def replace(span: Span, text=text, turn=turn, pseudo=pseudo, counts=counts,
                        pid=pid) -> str:
                original = text[span.start:span.end]
                value = pseudo.replacement(span.type, original)
                counts[span.type] += 1
                review.append(review_row(
                    participant_id=pid, turn_index=turn.index, speaker=turn.speaker,
                    start=span.start, end=span.end, entity_type=span.type,
                    replacement=value, original=original, score=span.score,
                    recognizer=span.recognizer,
                    context=text[max(0, span.start - CONTEXT_CHARS):span.end + CONTEXT_CHARS]))
                return value
            redacted_turns.append(apply_spans(text, turn_spans, replace))
        if gated is None:
            gate.check_transcript(pid, texts, redacted_turns, spans, known,
                                  params.gate_min_score,
                                  generated=getattr(pseudo, "generated", frozenset()))
            if key is not None:
                gated_cache.put(key, spans)
        turn_texts[pid] = redacted_turns
        by_type.update(counts)
        by_participant[pid] = dict(sorted(counts.items()))
        by_country[transcript.participant.country].update(counts)
        by_language[language].update(counts)
    summary = {
        "mode": params.mode,
        "replacements_total": int(sum(by_type.values())),
        "replacements_by_type": dict(sorted(by_type.items())),
        "replacements_by_participant": dict(sorted(by_participant.items())),
        "replacements_by_country": {c: dict(sorted(v.items())) for c, v in sorted(by_country.items())},
        "replacements_by_language": {c: dict(sorted(v.items()))
                                     for c, v in sorted(by_language.items())},
        "known_identifiers_checked": len(known),
        "leakage_gate": "passed",
    }
    log.info("redacted %d transcripts: %d replacements in %.1f s", len(transcripts),
             summary["replacements_total"], time.perf_counter() - started)
    return RedactionResult(turn_texts=turn_texts, summary=summary, review=review)
