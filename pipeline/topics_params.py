"""Parameters of the topics stage (section `topics` of params.yaml)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

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
    # dimension reduction before clustering: umap (seeded, stochastic) | pca (deterministic)
    reduction: Literal["umap", "pca"] = "umap"
    umap_neighbors: int = Field(15, ge=2)
    umap_components: int = Field(5, ge=2)
    cluster_selection: Literal["eom", "leaf"] = "leaf"    # HDBSCAN cluster_selection_method
    hdbscan_min_samples: int | None = Field(None, ge=1)   # null: same as min_topic_size
    nr_topics: int | Literal["auto"] | None = None        # merge topics after fitting
    reduce_outliers: bool = True
    outlier_strategy: Literal["embeddings", "c-tf-idf", "distributions"] = "embeddings"
    outlier_threshold: float = Field(0.0, ge=0.0, le=1.0)
    representation: Literal["keybert", "mmr", "ctfidf"] = "keybert"
    mmr_diversity: float = Field(0.3, ge=0.0, le=1.0)
    top_n_words: int = Field(10, ge=3, le=30)
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
