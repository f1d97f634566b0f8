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
    from pipeline.errors import ConfigError
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

