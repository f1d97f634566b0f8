"""Atomic writes: a crash or an error never leaves a half-written output."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from pipeline.errors import ConfigError


@contextmanager
def atomic_path(target: Path | str) -> Iterator[Path]:
    """Yield a temporary path next to `target`; rename it over `target` on success."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.replace(tmp_path, target)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def code_digest(files: list[Path], root: Path, packages: tuple[str, ...]) -> str:
    """SHA-256 of source files (path relative to `root`, then bytes), of installed package
    versions and of the numeric code path (pipeline/cpu_paths.py): what a cache keys on so
    that new code, models or CPU code paths never reuse old results."""
    import hashlib
    from importlib import metadata

    from pipeline.cpu_paths import code_path_tag

    digest = hashlib.sha256(f"cpu={code_path_tag()}".encode())
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    for package in packages:
        try:
            digest.update(f"{package}={metadata.version(package)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{package}=absent".encode())
    return digest.hexdigest()


def write_text(target: Path | str, text: str) -> Path:
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(target)


def write_bytes(target: Path | str, data: bytes) -> Path:
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)
    return Path(target)


def write_json(target: Path | str, obj: Any) -> Path:
    return write_text(target, json.dumps(obj, indent=2, ensure_ascii=False, sort_keys=True) + "\n")


def write_csv(target: Path | str, frame: pd.DataFrame) -> Path:
    with atomic_path(target) as tmp:
        frame.to_csv(tmp, index=False, lineterminator="\n")
    return Path(target)


def write_parquet(target: Path | str, frame: pd.DataFrame) -> Path:
    with atomic_path(target) as tmp:
        frame.reset_index(drop=True).to_parquet(tmp, index=False)
    return Path(target)


class ParquetStream:
    """A Parquet file written part by part (memory holds one row group, not the table),
    under a temporary name renamed over the target only when every part is in.

    Row groups end after `rows_per_group` rows whatever the parts' sizes, so the file's bytes
    depend only on the rows, not on how they arrived."""

    def __init__(self, target: Path | str, schema, rows_per_group: int = 65536):
        self.target = Path(target)
        self.schema = schema
        self.rows_per_group = rows_per_group
        self.rows = 0
        self._buffer: list = []  # pyarrow Tables
        self._buffered = 0
        self._writer = None
        self._path_context = None
        self._tmp: Path | None = None

    def __enter__(self):
        import pyarrow.parquet as pq

        self._path_context = atomic_path(self.target)
        self._tmp = self._path_context.__enter__()
        self._writer = pq.ParquetWriter(self._tmp, self.schema)
        return self

    def write(self, part) -> None:
        """Append rows: a pandas DataFrame or a pyarrow Table with the schema's columns."""
        import pyarrow as pa

        if len(part) == 0:
            return
        if isinstance(part, pa.Table):
            table = part.select(self.schema.names).cast(self.schema)
        else:
            table = pa.Table.from_pandas(part, schema=self.schema, preserve_index=False)
        self._buffer.append(table)
        self._buffered += len(table)
        self.rows += len(table)
        while self._buffered >= self.rows_per_group:
            self._flush(self.rows_per_group)

    def _flush(self, count: int) -> None:
        import pyarrow as pa

        # one contiguous table per row group: the bytes do not depend on how rows arrived
        joined = pa.concat_tables(self._buffer)
        head, rest = joined.slice(0, count), joined.slice(count)
        self._writer.write_table(head.combine_chunks())
        self._buffer = [rest] if len(rest) else []
        self._buffered = len(rest)

    def __exit__(self, kind, value, traceback) -> None:
        try:
            if kind is None and self._buffered:
                self._flush(self._buffered)
            self._writer.close()
        finally:
            self._path_context.__exit__(kind, value, traceback)


def _files(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if not p.is_dir()}


# What each stage folder's own files look like: such files are replaced or removed with the
# folder (a withdrawn participant's old transcript must go); anything else is a user's file.
OWNED_PATTERNS = {
    "transcripts": ("*.txt",),
    "figures": ("*.png", "*.svg", "*.pdf", "figures.md"),
    "tables": ("*.csv",),
    "report": ("report.md", "report.html", "quotes.csv", "project.qdpx"),
    "topics": ("*.csv", "*.parquet", "*.json", "model/*", "model/**/*"),
}


def _foreign(target: Path, rewritten: set[str]) -> list[str]:
    import fnmatch
    patterns = OWNED_PATTERNS.get(target.name, ())
    return sorted(f for f in _files(target) - rewritten
                  if not any(fnmatch.fnmatch(f, p) for p in patterns))


@contextmanager
def atomic_dir(target: Path | str) -> Iterator[Path]:
    """Build a directory in a temporary sibling, then swap it in whole.

    The folder belongs to its stage: its own kinds of file (OWNED_PATTERNS) are replaced, but
    any other file in it (a user's notes) stops the swap with a message, instead of being
    deleted without warning.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        yield tmp
        if target.exists():
            foreign = _foreign(target, _files(tmp))
            if foreign:
                shown = ", ".join(foreign[:3]) + (" ..." if len(foreign) > 3 else "")
                raise ConfigError(
                    f"{target}: holds {len(foreign)} file(s) this stage does not write "
                    f"({shown}); the stage owns this folder and would delete them. Move them "
                    "elsewhere (or delete the folder) and re-run")
            old = target.with_name(f".{target.name}.old")
            if old.exists():
                shutil.rmtree(old)
            os.replace(target, old)
            os.replace(tmp, target)
            shutil.rmtree(old)
        else:
            os.replace(tmp, target)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)



class _UniqueKeyLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """A YAML loader that refuses a key written twice in the same mapping: otherwise the
    second silently replaces the first (a second `redaction:` section would drop the
    known-identifiers file). libyaml's parser when PyYAML has it: ten times faster on the
    codebook (0.1 s a read in pure Python, and a run reads it about a dozen times)."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False):
    seen: dict[object, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        line = key_node.start_mark.line + 1
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"'{key}' appears twice (lines {seen[key]} and {line}); keep one "
                "and merge their settings", key_node.start_mark)
        seen[key] = line
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
                                 _construct_mapping)


def read_config_text(path: Path | str, missing_hint: str) -> str:
    """A configuration file's text (UTF-8, byte-order mark dropped); a missing file, a
    folder, other encodings or an unreadable file give a ConfigError that says what to do."""
    path = Path(path)
    if not path.exists():
        raise ConfigError(f"{path}: file not found; {missing_hint}")
    if not path.is_file():
        raise ConfigError(f"{path}: is a folder, not a file; {missing_hint}")
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text; save it as UTF-8") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read ({exc.strerror})") from None


def read_yaml(path: Path | str, missing_hint: str) -> object:
    """Parse a YAML file; a missing file, a duplicate key or a syntax error is a ConfigError
    naming the line."""
    path = Path(path)
    text = read_config_text(path, missing_hint)
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 (a SafeLoader subclass)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise ConfigError(f"{where}: not valid YAML ({getattr(exc, 'problem', 'syntax error')}); "
                          "check indentation, colons and quotes") from None

