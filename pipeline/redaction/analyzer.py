"""Presidio analyzer in English and Spanish, batched and parallel, with project post-processing.

`Analyzer.analyze_documents` takes documents (each a list of turn texts, with a language) and
returns the spans to replace in each turn. The spaCy work runs through `nlp.pipe`, one
document per task, and documents are spread over `n_process` forked workers.
"""

from __future__ import annotations

import bisect
import logging
import multiprocessing
import os
import re
import sys
from dataclasses import dataclass
from functools import lru_cache

from pipeline.logs import progress
from pipeline.params import SPACY_MODELS
from pipeline.redaction import lexicon
from pipeline.redaction.forms import is_form_label
from pipeline.redaction.kept import inside, kept_ranges
from pipeline.redaction.name_evidence import NameScorer
from pipeline.redaction.spans import Span
from pipeline.redaction.textutil import (
    find_folded,
    fold,
    fold_with_map,
    has_upper,
    is_sentence_initial,
)

log = logging.getLogger(__name__)

EXCLUDE = {"en": ["parser", "lemmatizer", "attribute_ruler"], "es": ["parser"]}

# Presidio entity -> project type (the tag written in place of the text)
TYPE_MAP = {
    "PERSON": "PERSON", "LOCATION": "LOCATION", "ORGANIZATION": "ORG",
    "PHONE_NUMBER": "PHONE", "EMAIL_ADDRESS": "EMAIL", "URL": "URL", "ID_NUMBER": "ID",
    "CREDIT_CARD": "ID", "IBAN_CODE": "ID", "ADDRESS": "ADDRESS", "DATE": "DATE",
    "HANDLE": "HANDLE", "PLATE": "PLATE",
}
DIRECT_TYPES = frozenset({"PERSON", "PHONE", "ID", "EMAIL", "ADDRESS", "HANDLE", "URL", "PLATE"})
NAMED_TYPES = frozenset({"PERSON", "LOCATION", "ORG"})
# when spans overlap, the higher score wins; ties go to the more specific type
TYPE_PRIORITY = {"EMAIL": 9, "URL": 8, "HANDLE": 8, "ID": 7, "PHONE": 7, "PLATE": 6,
                 "ADDRESS": 5, "DATE": 4, "PERSON": 3, "ORG": 2, "LOCATION": 1}
# recognizers whose names are never dropped by the allow-list (the context proves a name)
STRONG_RECOGNIZERS = frozenset({"TitleNameRecognizer", "NicknameRecognizer", "known_identifier",
                                "deny_list", "FormFieldPerson", "FormFieldLocation",
                                "SpelledNameRecognizer", "CapsNameRecognizer"})
ACRONYM = re.compile(r"[A-ZÁÉÍÓÚÑ]{2,10}")
UNTRIMMED_RECOGNIZERS = frozenset({"GazetteerPlaceRecognizer", "ColloquialPlaceRecognizer",
                                   "AreaNumberRecognizer", "SpelledNameRecognizer"})
EDGE_WORDS = frozenset(["de", "del", "la", "las", "los", "el", "y", "the", "of", "and", "a",
                        "en", "in", "at", "mi", "my", "su", "his", "her", "un", "una"])


def configure_tldextract_offline() -> None:
    """Make Presidio's email/URL validation use tldextract's bundled suffix snapshot."""
    import tldextract
    import tldextract.tldextract as tld_module

    extractor = tldextract.TLDExtract(cache_dir=None, suffix_list_urls=(),
                                      fallback_to_snapshot=True)
    tld_module.TLD_EXTRACTOR = extractor
    tldextract.TLD_EXTRACTOR = extractor  # type: ignore[attr-defined]


def quiet_presidio() -> None:
    """Presidio's debug logs quote the words around each match: never let them through."""
    for name in ("presidio-analyzer", "presidio_analyzer", "presidio-anonymizer", "tldextract"):
        logging.getLogger(name).setLevel(logging.WARNING)


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
    """Presidio engines for en/es plus the project's filters; picklable by fork only."""

    def __init__(self, config: AnalyzerConfig, languages: tuple[str, ...] = ("en", "es")):
        configure_tldextract_offline()
        quiet_presidio()
        import spacy
        from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
        from presidio_analyzer.nlp_engine import NerModelConfiguration, SpacyNlpEngine
        from presidio_analyzer.predefined_recognizers import (
            CreditCardRecognizer,
            EmailRecognizer,
            IbanRecognizer,
            SpacyRecognizer,
            UrlRecognizer,
        )

        from pipeline.redaction.recognizers import project_recognizers

        self.config = config
        self.languages = languages
        ner_config = NerModelConfiguration(
            model_to_presidio_entity_mapping={
                "PER": "PERSON", "PERSON": "PERSON", "LOC": "LOCATION", "GPE": "LOCATION",
                "FAC": "LOCATION", "ORG": "ORGANIZATION"},
            labels_to_ignore=["MISC", "NORP", "DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY",
                              "PERCENT", "QUANTITY", "EVENT", "LANGUAGE", "LAW", "PRODUCT",
                              "WORK_OF_ART"],
            low_score_entity_names=[], default_score=0.85)
        models = [{"lang_code": lang, "model_name": SPACY_MODELS[lang]} for lang in languages]
        self.nlp_engine = SpacyNlpEngine(models=models, ner_model_configuration=ner_config)
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # Not needed, so skipped for speed: the dependency parser (NER does not use it);
            # the English lemmatizer and attribute ruler (more than half of the English
            # pipeline's time: context words then match the lower-cased text instead).
            self.nlp_engine.nlp = {lang: spacy.load(SPACY_MODELS[lang], exclude=EXCLUDE[lang])
                                   for lang in languages}
        recognizers = []
        for lang in languages:
            recognizers += [
                SpacyRecognizer(supported_language=lang,
                                supported_entities=["PERSON", "LOCATION", "ORGANIZATION"]),
                EmailRecognizer(supported_language=lang,
                                context=["email", "correo", "mail", "gmail", "hotmail"]),
                UrlRecognizer(supported_language=lang,
                              context=["url", "página", "pagina", "web", "link", "enlace",
                                       "site", "facebook", "instagram"]),
                CreditCardRecognizer(supported_language=lang,
                                     context=["tarjeta", "card", "crédito", "credit"]),
                IbanRecognizer(supported_language=lang),
                *project_recognizers(lang),
            ]
        registry = RecognizerRegistry(recognizers=recognizers, supported_languages=list(languages))
        from pipeline.redaction.context import FastLemmaContextAwareEnhancer
        enhancer = FastLemmaContextAwareEnhancer(context_similarity_factor=0.35,
                                                 min_score_with_context_similarity=0.5,
                                                 context_prefix_count=5,
                                                 context_suffix_count=2)
        self.engine = AnalyzerEngine(registry=registry, nlp_engine=self.nlp_engine,
                                     supported_languages=list(languages),
                                     context_aware_enhancer=enhancer)
        builtin = tuple(lexicon.builtin_allow_list()) if config.builtin_allow_list else ()
        self._allow = _AllowList(builtin, config.allow_list)
        self._scorers = {lang: NameScorer(lang, allowed=self._allow.user) for lang in languages}
        _warm_up(languages)

    # ------------------------------------------------------------------ public API

    def analyze_documents(self, documents: list[tuple[str, list[str]]], n_process: int = 1,
                          batch_size: int = 32) -> list[list[list[Span]]]:
        """For each (language, turn texts) document: the final spans of each turn.

        A document longer than PIECE_CHARS is analysed in pieces of whole turns (a longer
        turn is cut at a natural break), so memory stays bounded and one long transcript
        uses every worker. Pieces share no state; names found in one piece are replaced in
        the others by the leakage gate's repair, and pseudonyms are per participant, so the
        same name gets the same tag in every piece."""
        if not documents:
            return []
        plans = [_plan_pieces(texts, PIECE_CHARS) for _, texts in documents]
        tasks = [((d, p), documents[d][0], [documents[d][1][t][a:b] for t, a, b in piece],
                  batch_size)
                 for d, plan in enumerate(plans) for p, piece in enumerate(plan)]
        # largest pieces first so the workers finish together
        tasks.sort(key=lambda task: -sum(map(len, task[2])))
        n_process = max(1, min(n_process, len(tasks)))
        found: dict[tuple[int, int], list[list[Span]]] = {}
        if n_process == 1 or not _fork_available():
            for task in progress(tasks, desc="redacting transcripts"):
                key, spans = _analyze_task(self, task)
                found[key] = spans
        else:
            global _WORKER_ANALYZER
            _WORKER_ANALYZER = self
            ctx = multiprocessing.get_context("fork")
            try:
                with ctx.Pool(n_process, initializer=_one_thread) as pool:
                    done = pool.imap_unordered(_worker_analyze, tasks, chunksize=1)
                    for key, spans in progress(done, desc="redacting transcripts",
                                               total=len(tasks)):
                        found[key] = spans
            finally:
                _WORKER_ANALYZER = None
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

    def analyze_document(self, language: str, texts: list[str], batch_size: int = 32
                         ) -> list[list[Span]]:
        """Spans per turn. Turns are analysed together as one text (fewer analyzer calls);
        every span is then cut back to the turn it lies in."""
        nlp = self.nlp_engine.get_nlp(language)
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
            artifacts = self._artifacts(doc, language)
            results = self.engine.analyze(text=chunk, language=language,
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

    def _artifacts(self, doc, language: str):
        """Presidio's NlpArtifacts; lemmas fall back to the lower-cased token."""
        from presidio_analyzer.nlp_engine import NlpArtifacts

        engine = self.nlp_engine
        entities, scores = engine._get_updated_entities(engine._get_entities(doc),
                                                        engine._get_scores_for_entities(doc))
        from spacy.attrs import IDX, LEMMA, LOWER

        strings = doc.vocab.strings
        array = doc.to_array([IDX, LEMMA, LOWER])
        lemmas = [strings[int(lemma or lower)] for _, lemma, lower in array]
        return NlpArtifacts(entities=entities, tokens=doc,
                            tokens_indices=[int(i) for i in array[:, 0]], lemmas=lemmas,
                            nlp_engine=engine, language=language, scores=scores)

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
                cleaned = self._clean(text, span, language)
                if cleaned is not None and cleaned.type in NAMED_TYPES and is_form_label(
                        text, cleaned.start, cleaned.end):
                    continue  # "Provincia:", "Sexo:" open a field; they are no name
                if cleaned is None or (
                        cleaned.type in NAMED_TYPES
                        and cleaned.recognizer not in ("deny_list", "known_identifier")
                        and inside(ranges, cleaned.start, cleaned.end)):
                    continue  # "Luján" in "la Virgen de Luján", "Beta" in "Grupo Beta"
                out.append(cleaned)
            kept.append(out)
        folded = [fold_with_map(t) for t in texts]
        for i, fm in enumerate(folded):
            for kind, value in self.config.deny_list:
                for s, e in _find(fm, fold(value)):
                    kept[i].append(Span(s, e, kind, 1.0, "deny_list"))
        scorer = self._scorers.get(language)
        if scorer is None:
            scorer = self._scorers[language] = NameScorer(language, allowed=self._allow.user)
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

    def _clean(self, text: str, span: Span, language: str = "en") -> Span | None:
        """Trim titles/articles/allowed words at the edges of names; apply the allow-list."""
        if span.type not in NAMED_TYPES or span.recognizer in ("deny_list", "known_identifier"):
            return span
        if span.recognizer in UNTRIMMED_RECOGNIZERS:
            # whole gazetteer entries ("Madre de Dios"), "barrio Cuba", "zona 15", "el Defe"
            return None if self._allow.always(fold(text[span.start:span.end])) else span
        start, end = span.start, span.end
        # trim edge tokens that are articles, titles or allowed words
        while True:
            m = re.match(r"\s*([\w'’.]+)\s*", text[start:end])
            if not m or m.end() >= end - start:
                break
            word = fold(m.group(1).rstrip("."))
            if (word in EDGE_WORDS or word in _titles() or word in _interjections()
                    or self._allow.edge(word)):
                start += m.end()
                continue
            break
        while True:
            m = re.search(r"\s*([\w'’.]+)\s*$", text[start:end])
            if not m or m.start() == 0:
                break
            word = fold(m.group(1).rstrip("."))
            if word in EDGE_WORDS or self._allow.edge(word):
                end = start + m.start()
                continue
            break
        value = text[start:end].strip(" \n\t.,;:")
        if not value:
            return None
        start = text.index(value, start)
        end = start + len(value)
        folded = re.sub(r"['’]s\b", "", fold(value))  # "God's" is checked as "god"
        strong = span.recognizer in STRONG_RECOGNIZERS
        if "\n" in value:
            return None
        tokens = folded.split()
        if len(tokens) == 1 and (tokens[0] in _titles() or tokens[0] in EDGE_WORDS):
            return None
        if not strong:
            if not has_upper(value):
                return None
            if (ACRONYM.fullmatch(value) and span.recognizer != "BusinessNameRecognizer"
                    and span.type != "LOCATION"):
                return None  # "SENAF", "DINAPEN": acronyms in testimony name public bodies
            if len(tokens) == 1 and (tokens[0] in _interjections() or len(tokens[0]) < 2):
                return None
            if self._allow.blocks(folded, text, start, language):
                return None
        elif self._allow.always(folded):
            return None
        return Span(start, end, span.type, span.score, span.recognizer)


_APOSTROPHE_TAIL = re.compile(r"^[’'ʼ`´‘]\w+")
_APOSTROPHE_HEAD = re.compile(r"\b\w{1,3}[’'ʼ`´‘]$")


def whole_name(text: str, span: Span) -> Span:
    """Extend a name over an apostrophe joined to it: "O’Brien", "D'Angelo", "N’Dour".

    Without this, a name recogniser that stops at "O" leaves "’Brien" in the text.
    """
    if span.type not in NAMED_TYPES:
        return span
    start, end = span.start, span.end
    tail = _APOSTROPHE_TAIL.match(text[end:])
    if tail and end > start and text[end - 1].isalpha() and tail.group()[1:].lower() != "s":
        end += tail.end()
    head = _APOSTROPHE_HEAD.search(text[max(0, start - 4):start])
    if head and start < len(text) and text[start].isalpha():
        start = max(0, start - 4) + head.start()
    if (start, end) == (span.start, span.end):
        return span
    return Span(start, end, span.type, span.score, span.recognizer)


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


def _doubtful_ner(doc, text: str, start: int, end: int) -> bool:
    """A sentence-initial NER hit with no proper noun in it ("Estuve", "¿Sabe") is noise."""
    if not is_sentence_initial(text, start):
        return False
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return False
    if len(span) == 1 and span[0].lemma_ and span[0].lemma_.lower() != span[0].text.lower():
        return True  # an inflected word ("Anda" -> andar) is not a name
    return not any(token.pos_ == "PROPN" or token.tag_ in ("NNP", "NNPS") for token in span)


def _analyze_task(analyzer: Analyzer, task) -> tuple[tuple[int, int], list[list[Span]]]:
    key, language, texts, batch_size = task
    return key, analyzer.analyze_document(language, texts, batch_size)


def _one_thread() -> None:
    """Each worker uses one BLAS/OpenMP thread: the workers are the parallelism (two
    workers of two threads each on two cores ran slower than one worker)."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1)


def _worker_analyze(task):
    return _analyze_task(_WORKER_ANALYZER, task)


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


_WORKER_ANALYZER: Analyzer | None = None


def _warm_up(languages: tuple[str, ...]) -> None:
    """Load gazetteers, word frequencies and the big compiled patterns once, before workers
    are forked (each worker would otherwise load them again)."""
    from pipeline.redaction import gazetteer
    from pipeline.redaction.kept import kept_ranges
    from pipeline.redaction.places import _first_words

    gazetteer.given_names(), gazetteer.surnames(), gazetteer.places(), _first_words()
    for language in languages:
        gazetteer.word_zipf("casa", language)
    kept_ranges("Fiscalía")


def _fork_available() -> bool:
    return sys.platform.startswith("linux") and os.environ.get("REDACTION_NO_FORK") != "1"


def _find(fm: tuple[str, list[int]], needle: str) -> list[tuple[int, int]]:
    folded_text, index = fm
    return [(index[s], index[e - 1] + 1) for s, e in find_folded(folded_text, needle.strip())]


@lru_cache(maxsize=1)
def _titles() -> frozenset[str]:
    return frozenset(fold(t) for t in lexicon.TITLES)


@lru_cache(maxsize=1)
def _interjections() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS as EN_STOP
    from spacy.lang.es.stop_words import STOP_WORDS as ES_STOP

    words = set(EN_STOP) | set(ES_STOP) | set("""
    gracias claro bueno ay oye mire mira pues nomás nomas ajá aja órale orale chévere bacán
    che hola perdón perdon disculpe ok okay sí yes no nada nadie diosito ahí alli allí
    entonces después despues luego también tambien ya yeah well oh uh um eh mmm hmm
    """.split())
    return frozenset(fold(w) for w in words)


class _AllowList:
    """Words and phrases that keep their meaning: never redacted when they stand alone.

    Trap words (esperanza, paz, rosa, hope...) are kept as words but not when capitalised in
    the middle of a sentence; nationalities ("la Gringa", "el Chino") can be nicknames after
    a title or an article. Entries the user lists in params.yaml always apply.
    """

    def __init__(self, builtin: tuple[str, ...], user: tuple[str, ...]):
        fold_all = lambda items: frozenset(fold(e).strip() for e in items if e.strip())  # noqa: E731
        self.user = fold_all(user)
        self.trap = fold_all(lexicon.TRAP_WORDS) - self.user
        # Spanish nationality words are nicknames when capitalised ("la Gringa", "el Chino")
        spanish_nat = [w for w in lexicon.NATIONALITIES
                       if not re.search(r"(an|ese|ish|ic|ine|ean)$", w)
                       and w not in lexicon.COUNTRIES and w not in lexicon.LANGUAGES]
        self.soft = (fold_all(spanish_nat) | self.trap) - self.user
        self.entries = fold_all(builtin) | self.user
        self.words = frozenset(e for e in self.entries if " " not in e)
        self.months_days = fold_all(lexicon.MONTHS_ES + lexicon.DAYS_ES) - self.user
        self.hard = fold_all(lexicon.INSTITUTIONS + lexicon.COUNTRIES + lexicon.NATIONALITIES
                             + lexicon.TITLES) | frozenset(e for e in self.user if " " not in e)

    def edge(self, folded_word: str) -> bool:
        """Trimmed from the edges of a name: 'Fiscalía de [Puno]', 'señora [Julia]'."""
        return folded_word in self.hard and folded_word not in self.soft

    def always(self, folded: str) -> bool:
        return folded in self.entries and folded not in self.soft

    def blocks(self, folded: str, text: str, start: int, language: str = "en") -> bool:
        soft = self.trap | (self.months_days if language == "es" else frozenset())
        if language != "es" and folded in self.months_days and folded not in self.user:
            return False  # "Julio", "Abril" in English text are names
        if folded not in self.entries:
            tokens = folded.split()
            # every token an institution or place word ("Fiscalía Especializada", "Cruz Roja");
            # "Santo Domingo" is not, though each word alone is allowed
            return bool(tokens) and all(t in self.hard for t in tokens)
        if folded in soft or folded in self.soft:
            # "esperanza" as a word is kept; a capitalised trap word mid-sentence is a name
            # (so is a capitalised month in Spanish: "la Abril")
            return not text[start].isupper() or is_sentence_initial(text, start)
        return True


def _ordinary_word(value: str, language: str) -> bool:
    """A common word of the language that no name or place gazetteer knows."""
    from pipeline.redaction import gazetteer

    lower, folded = value.lower(), fold(value)
    return (gazetteer.word_zipf(lower, "es" if language == "es" else "en") >= 3.0
            and folded not in gazetteer.given_names() and folded not in gazetteer.surnames()
            and folded not in gazetteer.places())


def _lowercase_words(texts: list[str]) -> frozenset[str]:
    words: set[str] = set()
    for text in texts:
        words.update(fold(w) for w in re.findall(r"(?<![\w])[a-záéíóúñü]{3,}(?![\w])", text))
    return frozenset(words)


def _propagate(texts: list[str], folded: list[tuple[str, list[int]]],
               kept: list[list[Span]], confident_score: float = 0.85) -> None:
    """Find every other mention of names already found in the document.

    Any case and any accents ("la julia" after "Julia Mamani"); a name that is also a common
    word ("Rosa", "Blanco") only where it is capitalised as in the found mention. A less
    confident name that the text also writes in lower case (perhaps an ordinary word) is
    propagated only in its capitalised form; a confident one (>= `confident_score`, what the
    leakage gate checks) in every spelling, so the gate and the redaction agree.
    """
    common = lexicon.common_words() | _interjections()
    never = _titles() | EDGE_WORDS
    lower_words = _lowercase_words(texts)
    given, surnames = lexicon.name_lexicon()
    insensitive: dict[str, str] = {}
    exact: dict[str, str] = {}
    for text, spans in zip(texts, kept, strict=True):
        for span in spans:
            if span.type not in NAMED_TYPES or span.score < 0.5:
                continue
            original = text[span.start:span.end]
            value = fold(original)
            if len(value) < 3:
                continue
            words = [(w, fold(w)) for w in re.split(r"[\s\-]+", original) if w]
            parts = [(original, value)]
            if span.type == "PERSON":
                parts += [(w, f) for w, f in words if len(f) >= 3]
            for raw, f in parts:
                if f in never:
                    continue
                # the whole mention of a confident name is what the leakage gate re-checks
                gate_checked = span.score >= confident_score and raw == original
                if f in common or (not gate_checked and f in lower_words
                                   and f not in given and f not in surnames
                                   and not _mostly_capitalised(texts, f)):
                    if raw[:1].isupper():
                        exact.setdefault(raw, span.type)
                else:
                    insensitive.setdefault(f, span.type)
    for i, (text, fm) in enumerate(zip(texts, folded, strict=True)):
        for value in sorted(insensitive):
            for s, e in _find(fm, value):
                kept[i].append(Span(s, e, insensitive[value], 0.7, "name_propagation"))
        for raw in sorted(exact):
            for m in re.finditer(rf"(?<!\w){re.escape(raw)}(?!\w)", text):
                kept[i].append(Span(m.start(), m.end(), exact[raw], 0.7, "name_propagation"))


def _mostly_capitalised(texts: list[str], folded_word: str) -> bool:
    """True if the word is written capitalised more often than in lower case."""
    upper = lower = 0
    for text in texts:
        for m in re.finditer(r"\w+", text):
            if len(m.group(0)) == len(folded_word) and fold(m.group(0)) == folded_word:
                if m.group(0)[0].isupper():
                    upper += 1
                else:
                    lower += 1
    return upper > lower


_DIMINUTIVE = re.compile(r"(?:cita|cito|ita|ito|ucha|ucho|y|i|e)$")


def _hypocorisms(texts: list[str], kept: list[list[Span]]) -> None:
    """'Gaby' after 'Gabriela', 'Vale' after 'Valentina', 'Claudita' after 'Claudia'."""
    names: set[str] = set()
    for text, spans in zip(texts, kept, strict=True):
        for span in spans:
            if span.type == "PERSON" and span.score >= 0.6:
                names.update(t for t in fold(text[span.start:span.end]).split() if len(t) >= 5)
    if not names:
        return
    never = _interjections() | _titles() | EDGE_WORDS
    for i, text in enumerate(texts):
        for m in re.finditer(r"(?<![\w@.])[A-ZÁÉÍÓÚÑ][a-záéíóúñü]{2,9}(?![\w@])", text):
            word = fold(m.group(0))
            if word in never or word in names:
                continue
            stem = _DIMINUTIVE.sub("", word) if len(word) > 4 else word
            if len(stem) >= 3 and any(n.startswith(stem) and n != stem for n in names):
                kept[i].append(Span(m.start(), m.end(), "PERSON", 0.6, "hypocorism"))


_PLACE_AFTER_COMMA = re.compile(r",\s+([A-ZÁÉÍÓÚÑ][a-záéíóúñü]+(?:\s+[A-ZÁÉÍÓÚÑ][a-záéíóúñü]+)?)\b")


def _place_lists(texts: list[str], kept: list[list[Span]]) -> None:
    """'Puerto Asís, Putumayo': a capitalised name right after a found place is a place too."""
    allowed = frozenset(fold(w) for w in lexicon.COUNTRIES + lexicon.INSTITUTIONS
                        + lexicon.MONTHS + lexicon.DAYS) | _interjections()
    for i, text in enumerate(texts):
        for span in list(kept[i]):
            if span.type != "LOCATION":
                continue
            m = _PLACE_AFTER_COMMA.match(text, span.end)
            if m and not all(t in allowed for t in fold(m.group(1)).split()):
                kept[i].append(Span(m.start(1), m.end(1), "LOCATION", 0.6, "place_list"))


def resolve(spans: list[Span]) -> list[Span]:
    """Merge overlapping spans into one (union of characters, type of the best span)."""
    if not spans:
        return []
    ordered = sorted(spans, key=lambda s: (s.start, -s.end))
    merged: list[list[Span]] = []
    group = [ordered[0]]
    group_end = ordered[0].end
    for span in ordered[1:]:
        if span.start < group_end:
            group.append(span)
            group_end = max(group_end, span.end)
        else:
            merged.append(group)
            group = [span]
            group_end = span.end
    merged.append(group)
    out = []
    for g in merged:
        # structured types (address, ID, phone...) describe the span better than NER labels
        best = max(g, key=lambda s: (s.type not in NAMED_TYPES, s.score,
                                     TYPE_PRIORITY.get(s.type, 0), s.end - s.start, s.recognizer))
        out.append(Span(min(s.start for s in g), max(s.end for s in g), best.type, best.score,
                        best.recognizer))
    return out


from pipeline.redaction.known_identifiers import (  # noqa: E402,F401 (re-export)
    guess_type,
    load_known_identifiers,
)
