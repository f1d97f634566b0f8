"""Presidio analyzer in English and Spanish, batched and parallel, with project post-processing.

`analyze_documents` takes documents (each a list of turn texts, with a language) and returns
the spans to replace in each turn. The spaCy work runs through `nlp.pipe`; documents, and
pieces of long ones (`pieces`), run on an executor (this process or Dask workers,
`pipeline.execution`), and a cache returns the pieces analysed before. The engines
are built in `engine`, entity tables live in `entities`, filters in `filters`, and finding a
found name everywhere in `propagation`.
"""

from __future__ import annotations

import bisect
import logging
from dataclasses import dataclass, replace

from pipeline.execution import LocalExecutor, Private
from pipeline.redaction import gazetteer, lexicon, pieces
from pipeline.redaction.engine import build_engines, nlp_artifacts
from pipeline.redaction.entities import NAMED_TYPES, TYPE_MAP, resolve
from pipeline.redaction.filters import (
    AllowList,
    _doubtful_ner,
    _lowercase_words,
    _ordinary_word,
    clean_span,
    whole_name,
)
from pipeline.redaction.forms import is_form_label
from pipeline.redaction.kept import inside, kept_ranges, opens_local_place, uncovered
from pipeline.redaction.name_evidence import NameScorer
from pipeline.redaction.pieces import BATCH_CHARS, CHUNK_CHARS, _chunks, _plan_pieces
from pipeline.redaction.propagation import _find, _hypocorisms, _place_lists, _propagate
from pipeline.redaction.spans import Span
from pipeline.redaction.textutil import fold, fold_with_map, is_sentence_initial

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AnalyzerConfig:
    score_threshold: float
    allow_list: tuple[str, ...]  # the user's entries (params.yaml)
    deny_list: tuple[tuple[str, str], ...]  # (type, value)
    propagate_names: bool = True
    builtin_allow_list: bool = True
    # names at least this confident are propagated to every spelling the leakage gate checks
    confident_score: float = 0.85


class Analyzer:
    """Presidio engines for en/es plus the project's filters (one per process: a Dask worker
    builds its own from the config it receives)."""

    def __init__(self, config: AnalyzerConfig, languages: tuple[str, ...] = ("en", "es")):
        self.config = config
        self.languages = languages
        self._engines: dict[str, tuple] = {}
        builtin = tuple(lexicon.builtin_allow_list()) if config.builtin_allow_list else ()
        self._allow = AllowList(builtin, config.allow_list)
        self._scorers: dict[str, NameScorer] = {}
        _warm_up()

    def engines(self, language: str) -> tuple:
        """(nlp_engine, analyzer_engine) of one language, built on its first text: a run
        that analyses only Spanish (a few new transcripts) never loads the English model."""
        if language not in self.languages:
            raise ValueError(f"no analyzer for language {language!r} "
                             f"(languages: {', '.join(self.languages)})")
        if language not in self._engines:
            self._engines[language] = build_engines((language,))
            self._scorer(language)
            _warm_up_language(language)
        return self._engines[language]

    def _scorer(self, language: str) -> NameScorer:
        """The language's name scorer, built once."""
        if language not in self._scorers:
            self._scorers[language] = NameScorer(language, allowed=self._allow.user)
        return self._scorers[language]

    # ------------------------------------------------------------------ public API

    def analyze_documents(self, documents: list[tuple[str, list[str]]], batch_size: int = 32,
                          executor=None, cache=None) -> list[list[list[Span]]]:
        """`analyze_documents` with this analyzer for the pieces run in this process."""
        pieces.register(self)
        return analyze_documents(self.config, documents, batch_size, executor, cache)

    def analyze_document(self, language: str, texts: list[str], batch_size: int = 32
                         ) -> list[list[Span]]:
        """Spans per turn. Turns are analysed together as one text (fewer analyzer calls);
        every span is then cut back to the turn it lies in."""
        nlp_engine, engine = self.engines(language)
        nlp = nlp_engine.get_nlp(language)
        separator = "\n\n"
        offsets = []
        position = 0
        for text in texts:
            offsets.append(position)
            position += len(text) + len(separator)
        joined = separator.join(texts)
        raw: list[list[Span]] = [[] for _ in texts]
        if not joined.strip():
            return raw
        chunks = _chunks(joined, limit=min(CHUNK_CHARS, nlp.max_length // 2))
        # at most ~BATCH_CHARS of text in spaCy at once: memory stays bounded
        per_batch = max(1, min(batch_size, BATCH_CHARS // CHUNK_CHARS))
        for (chunk_start, chunk), doc in zip(chunks, nlp.pipe((c for _, c in chunks),
                                                              batch_size=per_batch),
                                             strict=True):
            artifacts = nlp_artifacts(nlp_engine, doc, language)
            results = engine.analyze(text=chunk, language=language,
                                          nlp_artifacts=artifacts, score_threshold=0.0)
            for r in results:
                kind = TYPE_MAP.get(r.entity_type)
                if kind is None:
                    continue
                name = (r.recognition_metadata or {}).get("recognizer_name", "unknown")
                if name == "SpacyRecognizer" and _doubtful_ner(doc, chunk, r.start, r.end):
                    continue
                start, end = r.start + chunk_start, r.end + chunk_start
                i = bisect.bisect_right(offsets, start) - 1
                while i < len(texts) and end > offsets[i]:
                    s0 = max(start, offsets[i]) - offsets[i]
                    e0 = min(end, offsets[i] + len(texts[i])) - offsets[i]
                    if e0 > s0:
                        raw[i].append(Span(s0, e0, kind, round(float(r.score), 4), name))
                    i += 1
        return self.postprocess(texts, raw, language)

    # ------------------------------------------------------------------ post-processing

    def postprocess(self, texts: list[str], raw: list[list[Span]], language: str = "en"
                    ) -> list[list[Span]]:
        threshold = self.config.score_threshold
        lower_words = _lowercase_words(texts)
        given, _ = lexicon.name_lexicon()
        kept: list[list[Span]] = []
        public = [kept_ranges(text) for text in texts]
        for text, spans, ranges in zip(texts, raw, public, strict=True):
            out: list[Span] = []
            for span in spans:
                if span.score < threshold:
                    continue
                if span.recognizer == "SpacyRecognizer" and is_sentence_initial(text, span.start):
                    word = fold(text[span.start:span.end])
                    # "Vino", "Miedo", "Plata": the same word is written lower-case elsewhere
                    if " " not in word and word in lower_words and word not in given:
                        continue
                    if " " not in word and _ordinary_word(text[span.start:span.end], language):
                        continue  # "Volví", "Regresé": a verb opening a sentence
                cleaned = clean_span(text, span, self._allow, language)
                if cleaned is not None and cleaned.type in NAMED_TYPES and is_form_label(
                        text, cleaned.start, cleaned.end):
                    continue  # "Provincia:", "Sexo:" open a field; they are no name
                if cleaned is None:
                    continue
                if cleaned.type in NAMED_TYPES and cleaned.recognizer not in (
                        "deny_list", "known_identifier") and ranges:
                    if inside(ranges, cleaned.start, cleaned.end):
                        continue  # "Luján" in "la Virgen de Luján", "Beta" in "Grupo Beta"
                    if (fold(text[cleaned.start:cleaned.end]) not in gazetteer.places()
                            and not opens_local_place(text, cleaned.start)):
                        # a span across a kept name keeps only what lies outside it
                        # ("[Fiscalía de] Puno" -> "Puno"; "[Centro ...] del [INABIF]" ->
                        # nothing); a place stays whole ("Madre de Dios" is a region), and
                        # so does a hospital's or a street's name ("Hospital Virgen de X")
                        out += [replace(cleaned, start=a, end=b) for a, b in
                                uncovered(text, ranges, cleaned.start, cleaned.end)]
                        continue
                out.append(cleaned)
            kept.append(out)
        folded = [fold_with_map(t) for t in texts]
        for i, fm in enumerate(folded):
            for kind, value in self.config.deny_list:
                for s, e in _find(fm, fold(value)):
                    kept[i].append(Span(s, e, kind, 1.0, "deny_list"))
        scorer = self._scorer(language)
        for i, text in enumerate(texts):
            public_spans = [Span(a, b, "KEPT", 0.0, "kept") for a, b in public[i]]
            kept[i] += scorer.find(text, kept[i] + public_spans)
        if self.config.propagate_names:
            _place_lists(texts, kept)
            _hypocorisms(texts, kept)
            _propagate(texts, folded, kept, self.config.confident_score)
        derived = ("name_propagation", "hypocorism", "place_list")
        kept = [[sp for sp in spans
                 if not (sp.recognizer in derived and inside(ranges, sp.start, sp.end))
                 and not (sp.type in NAMED_TYPES and is_form_label(text, sp.start, sp.end))]
                for text, spans, ranges in zip(texts, kept, public, strict=True)]
        return [resolve([whole_name(text, sp) for sp in spans])
                for text, spans in zip(texts, kept, strict=True)]


def analyze_documents(config: AnalyzerConfig, documents: list[tuple[str, list[str]]],
                      batch_size: int = 32, executor=None, cache=None
                      ) -> list[list[list[Span]]]:
    """For each (language, turn texts) document: the final spans of each turn.

    A document longer than PIECE_CHARS is analysed in pieces of whole turns (a longer turn
    is cut at a natural break), so memory stays bounded and one long transcript uses every
    worker. Pieces share no state; names found in one piece are replaced in the others by
    the leakage gate's repair, and pseudonyms are per participant, so the same name gets the
    same tag in every piece. `executor` runs the pieces (pipeline.execution; default: this
    process); `cache` (an AnalysisCache) returns pieces analysed before."""
    if not documents:
        return []
    plans = [_plan_pieces(texts, pieces.PIECE_CHARS) for _, texts in documents]
    tasks = [((d, p), documents[d][0], [documents[d][1][t][a:b] for t, a, b in piece])
             for d, plan in enumerate(plans) for p, piece in enumerate(plan)]
    # largest pieces first so the workers finish together
    tasks.sort(key=lambda task: -sum(map(len, task[2])))
    found: dict[tuple[int, int], list[list[Span]]] = {}
    settings = repr(config)
    pending = []
    for key, language, texts in tasks:
        cache_key = cache.key(settings, language, texts) if cache is not None else None
        hit = cache.get(cache_key) if cache is not None else None
        if hit is not None and len(hit) == len(texts):
            found[key] = hit
        else:
            pending.append((key, cache_key, language, texts))
    executor = (executor or LocalExecutor()).for_work(
        sum(len(text) for *_, texts in pending for text in texts))
    done = executor.map(pieces.analyze_piece,
                        [(config, language, Private(texts), batch_size)
                         for _, _, language, texts in pending], desc="redacting transcripts")
    for (key, cache_key, _, _), spans in zip(pending, done, strict=True):
        found[key] = spans
        if cache is not None:
            cache.put(cache_key, spans)
    results = []
    for d, plan in enumerate(plans):
        turns: list[list[Span]] = [[] for _ in documents[d][1]]
        for p, piece in enumerate(plan):
            for (t, a, _), spans in zip(piece, found.pop((d, p)), strict=True):
                turns[t] += [Span(s.start + a, s.end + a, s.type, s.score, s.recognizer)
                             for s in spans] if a else spans
        if len(plan) > 1:
            turns = [resolve(spans) for spans in turns]
        results.append(turns)
    return results


def _warm_up() -> None:
    """Load gazetteers and the big compiled patterns when the analyzer is built, not inside
    the first piece it analyses."""
    from pipeline.redaction import gazetteer
    from pipeline.redaction.kept import kept_ranges
    from pipeline.redaction.places import _first_words

    gazetteer.given_names(), gazetteer.surnames(), gazetteer.places(), _first_words()
    kept_ranges("Fiscalía")


def _warm_up_language(language: str) -> None:
    """A language's word frequencies, with its engines."""
    from pipeline.redaction import gazetteer

    gazetteer.word_zipf("casa", language)


from pipeline.redaction.known_identifiers import (  # noqa: E402,F401 (re-export)
    guess_type,
    load_known_identifiers,
)
