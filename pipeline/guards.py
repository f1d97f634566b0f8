"""Checks made before any work starts, and cleanup when a stage fails.

- The output folder must not be, contain or sit inside the corpus (outputs beside raw
  transcripts and gold are one careless copy away from publication), and must be a writable
  folder.
- The private review folder must not be inside the output folder or the corpus.
- When a stage fails, what it and every later stage own is removed and the output folder is
  marked incomplete, so a failed re-run never leaves an earlier run's outputs behind.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from pipeline.artifacts import INCOMPLETE_MARKER, STAGE_OUTPUTS
from pipeline.errors import ConfigError

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def _inside(child: Path, parent: Path) -> bool:
    try:
        child.relative_to(parent)
        return True
    except ValueError:
        return False


def check_out_dir(out: Path, corpus: Path | None) -> None:
    out_r = Path(out).resolve()
    if out_r.exists() and not out_r.is_dir():
        raise ConfigError(f"--out {out}: is a file; give a folder for the outputs")
    if corpus is not None:
        corpus_r = Path(corpus).resolve()
        if out_r == corpus_r or _inside(out_r, corpus_r) or _inside(corpus_r, out_r):
            raise ConfigError(f"--out {out}: must be outside the corpus folder {corpus} (and "
                              "must not contain it): outputs must never sit beside raw "
                              "transcripts")
    probe = out_r
    while not probe.exists():
        probe = probe.parent
    if not os.access(probe, os.W_OK):
        raise ConfigError(f"--out {out}: cannot write there (permission denied)")


def project_path(value: str) -> Path:
    """A configured folder; a relative one is resolved against the project, not where you
    stand."""
    path = Path(value).expanduser()
    return path if path.is_absolute() else PROJECT_ROOT / path


def review_folder(review_dir: str | None) -> Path | None:
    """The review folder, a relative one resolved against the project."""
    return project_path(review_dir) if review_dir else None


def check_review_dir(review_dir: str | None, out: Path, corpus: Path | None) -> None:
    folder = review_folder(review_dir)
    if folder is None:
        return
    folder_r = folder.resolve()
    for name, other in (("the output folder", out), ("the corpus folder", corpus)):
        if other is not None and (_inside(folder_r, Path(other).resolve())):
            raise ConfigError(f"redaction.review_dir ({review_dir}) is inside {name} {other}: "
                              "the private review file holds the original names and numbers "
                              "and must live apart; choose another folder")


def invalidate_from(stage: str, out: Path, stages: list[str]) -> list[str]:
    """Remove what `stage` and every later stage own; mark the folder incomplete."""
    removed = []
    out = Path(out)
    for name in stages[stages.index(stage):]:
        for rel in STAGE_OUTPUTS.get(name, []):
            target = out / rel
            if target.is_dir():
                shutil.rmtree(target)
                removed.append(rel)
            elif target.exists():
                target.unlink()
                removed.append(rel)
    if out.is_dir():
        (out / INCOMPLETE_MARKER).write_text(
            f"The stage '{stage}' failed. Its outputs and those of every later stage were "
            "removed; re-run the pipeline.\n", encoding="utf-8")
    return removed


def mark_complete(out: Path) -> None:
    marker = Path(out) / INCOMPLETE_MARKER
    if marker.exists():
        marker.unlink()


def preflight(params) -> None:
    """Check every file a run will need before the first stage starts, so a bad path never
    costs a redaction (and never leaves a review file behind for a run that then fails)."""
    from pipeline.coding.codebook import load_codebook
    from pipeline.redaction.known_identifiers import load_known_identifiers
    load_known_identifiers(params.redaction.known_identifiers_file)
    codebook = load_codebook(params.coding.codebook)
    semantic = params.coding.semantic
    if semantic.enabled:
        from pipeline.coding.calibration import load_calibration
        from pipeline.coding.exemplars import load_exemplars
        bank = load_exemplars(semantic.exemplars, codebook)
        load_calibration(semantic.calibration, codebook.ids, bank.digest, semantic.embedder)
    if params.compare.coder_error:
        from pipeline.coder_error import load_coder_error
        load_coder_error(params.compare.coder_error)
