"""One seeded, deterministic BERTopic fit (reduction, clustering, outlier reduction) and the
combination of per-language fits into one set of topic ids."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from pipeline.errors import PipelineError
from pipeline.params import TopicParams
from pipeline.topics.backends import Embedder
from pipeline.topics.text import TOKEN_PATTERN

OUTLIER = -1   # the topic id of units in no topic (HDBSCAN's noise label)


@dataclass
class Fit:
    model: Any
    topics: np.ndarray
    probs: np.ndarray
    reassigned: np.ndarray
    outliers_before: float


def _hdbscan(params: TopicParams, n_docs: int):
    from hdbscan import HDBSCAN

    size = max(2, min(params.min_topic_size, n_docs // 2))
    return HDBSCAN(min_cluster_size=size, min_samples=params.hdbscan_min_samples or None,
                   metric="euclidean", cluster_selection_method=params.cluster_selection, prediction_data=True,
                   core_dist_n_jobs=1)


class SpectralReduction:
    """Laplacian eigenmaps as BERTopic's reduction step: the units' nearest-neighbour graph
    (cosine: the vectors are unit length) and the eigenvectors of its Laplacian with the
    smallest eigenvalues, one per dimension kept (sklearn's SpectralEmbedding).

    Why, not UMAP: UMAP lays the graph out by stochastic gradient descent, and a change in
    the 6th decimal of the vectors (another CPU's arithmetic) or another seed moves that
    layout enough to change the topics (measured on the demo: 1e-6 noise on the vectors left
    an adjusted Rand of 0.67 to 0.94 with the unperturbed topics). Eigenvectors are a
    continuous function of the graph, and the graph changes only where two neighbours are
    tied to the 6th decimal: the same noise leaves the topics unchanged (adjusted Rand 1.0).
    The seed only sets ARPACK's start vector. Signs are fixed by sklearn.

    Units cannot be added to a fitted model (no out-of-sample extension): `transform`
    accepts only the vectors it was fitted on, which is all BERTopic's fit asks.
    """

    def __init__(self, n_components: int, n_neighbors: int, seed: int):
        self.n_components = n_components
        self.n_neighbors = n_neighbors
        self.seed = seed

    def fit(self, X, y=None):  # noqa: ARG002 - BERTopic passes y
        import warnings

        from sklearn.manifold import SpectralEmbedding

        X = np.asarray(X)
        self._fitted_on = _digest(X)
        with warnings.catch_warnings():  # a graph in pieces: each piece still gets its axes
            warnings.filterwarnings("ignore", message="Graph is not fully connected")
            self.embedding_ = SpectralEmbedding(
                n_components=self.n_components, affinity="nearest_neighbors",
                n_neighbors=self.n_neighbors, random_state=self.seed,
                n_jobs=1).fit_transform(X)
        return self

    def transform(self, X):
        if _digest(np.asarray(X)) != self._fitted_on:
            raise PipelineError("the spectral topic reduction cannot place new units in a "
                                "fitted model; fit the topics stage again")
        return self.embedding_


def _digest(X: np.ndarray) -> str:
    import hashlib

    return hashlib.sha256(np.ascontiguousarray(X).tobytes()).hexdigest()


def _umap(params: TopicParams, n_docs: int, seed: int):
    neighbors = max(2, min(params.umap_neighbors, n_docs - 1))
    components = max(2, min(params.umap_components, n_docs - 2))
    if params.reduction == "spectral":
        return SpectralReduction(components, neighbors, seed)
    if params.reduction == "pca":
        # deterministic: a full SVD has no random start, so every seed and every machine
        # with the same inputs gives the same components (sklearn fixes the signs)
        from sklearn.decomposition import PCA
        return PCA(n_components=max(2, min(params.umap_components, n_docs - 2)),
                   svd_solver="full")
    from umap import UMAP

    from pipeline.topics.startup import cache_umap_compilation

    cache_umap_compilation()
    return UMAP(n_neighbors=neighbors, n_components=components, min_dist=0.0, metric="cosine",
                random_state=seed, n_jobs=1, low_memory=True)


def _representation(params: TopicParams, seed: int):
    from bertopic.representation import KeyBERTInspired, MaximalMarginalRelevance

    if params.representation == "keybert":
        return KeyBERTInspired(top_n_words=params.top_n_words, nr_repr_docs=5, nr_samples=500,
                               nr_candidate_words=max(40, 4 * params.top_n_words),
                               random_state=seed)
    if params.representation == "mmr":
        return MaximalMarginalRelevance(diversity=params.mmr_diversity,
                                        top_n_words=params.top_n_words)
    return None


def fit_model(docs: list[str], embedder: Embedder, params: TopicParams, stops: list[str],
              seed: int, seeds: list[list[str]] | None = None,
              representation: bool = True) -> Fit:
    """One seeded BERTopic fit (+ outlier reduction). Pure function of its inputs."""
    from bertopic import BERTopic
    from bertopic.vectorizers import ClassTfidfTransformer
    from sklearn.feature_extraction.text import CountVectorizer

    n_docs = len(docs)
    if n_docs < max(10, 2 * params.min_topic_size):
        raise PipelineError(f"only {n_docs} participant units long enough to model (need at "
                            f"least {max(10, 2 * params.min_topic_size)}); lower "
                            "topics.min_topic_size or topics.min_words")
    np.random.seed(seed)
    # c-TF-IDF counts words per topic (one "document" per topic): min_df must stay 1, or
    # every word specific to one topic is dropped
    vectorizer = CountVectorizer(lowercase=True, token_pattern=TOKEN_PATTERN, stop_words=stops,
                                 min_df=1, ngram_range=(1, 1))
    model = BERTopic(
        embedding_model=embedder.model,
        umap_model=_umap(params, n_docs, seed),
        hdbscan_model=_hdbscan(params, n_docs),
        vectorizer_model=vectorizer,
        ctfidf_model=ClassTfidfTransformer(reduce_frequent_words=True),
        representation_model=None,   # applied once, after outlier reduction (it is costly)
        top_n_words=params.top_n_words,
        nr_topics=params.nr_topics,
        seed_topic_list=seeds or None,
        calculate_probabilities=False,
        verbose=False,
    )
    # BERTopic's guided mode writes into the embeddings it is given: hand it a copy.
    topics, probs = model.fit_transform(docs, embeddings=embedder.embeddings.copy())
    topics = np.asarray(topics, dtype=int)
    probs = np.asarray(probs if probs is not None else np.ones(n_docs), dtype=float)
    before = float(np.mean(topics == OUTLIER))
    reassigned = np.zeros(n_docs, dtype=bool)
    reduce = params.reduce_outliers and (topics == OUTLIER).any() and (topics != OUTLIER).any()
    if reduce:
        new = np.asarray(model.reduce_outliers(
            docs, list(topics), strategy=params.outlier_strategy,
            threshold=params.outlier_threshold, embeddings=embedder.embeddings), dtype=int)
        reassigned = (topics == OUTLIER) & (new != OUTLIER)
        topics = new
    rep = _representation(params, seed) if representation else None
    if reduce or rep is not None:
        model.update_topics(docs, topics=list(topics), vectorizer_model=vectorizer,
                            ctfidf_model=ClassTfidfTransformer(reduce_frequent_words=True),
                            representation_model=rep, top_n_words=params.top_n_words)
    if reduce:
        # a reassigned unit's probability: its cosine similarity to the topic's centroid
        probs = probs.copy()
        if reassigned.any():
            cents = _centroids(embedder.embeddings, topics)
            for i in np.flatnonzero(reassigned):
                probs[i] = max(0.0, float(embedder.embeddings[i] @ cents[topics[i]]))
    return Fit(model, topics, probs, reassigned, before)


def _centroids(emb: np.ndarray, topics: np.ndarray) -> dict[int, np.ndarray]:
    out = {}
    for t in sorted(set(topics.tolist())):
        c = emb[topics == t].mean(axis=0)
        norm = np.linalg.norm(c)
        out[t] = c / norm if norm > 0 else c
    return out


@dataclass
class GroupFit:
    """One fitted model: the whole corpus, or one language of a mixed corpus."""

    language: str
    backend: str
    index: np.ndarray       # rows of `units` it covers
    embedder: Embedder
    fit: Fit
    offset: int             # its topic ids are shifted by this much in the combined output
    seed_ids: list[str]


def _combined(groups: list[tuple[np.ndarray, np.ndarray, int]], n: int) -> np.ndarray:
    topics = np.full(n, OUTLIER, dtype=int)
    for index, t, offset in groups:
        topics[index] = np.where(t == OUTLIER, OUTLIER, t + offset)
    return topics
