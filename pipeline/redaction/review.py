"""The private review file: every replacement with its original, for the data controller only.

Written only under `redaction.review_dir` (git-ignored, never a DVC output), the folder with
owner-only permissions (0o700) and the file 0o600, in the spirit of an anonymisation log.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

from pipeline.params import RedactionParams

REVIEW_COLUMNS = ["participant_id", "turn_index", "speaker", "start", "end", "entity_type",
                  "replacement", "original", "score", "recognizer", "context"]
REVIEW_FILE = "redaction_review.csv"


def review_row(**values) -> tuple:
    """One review row, kept as a tuple in REVIEW_COLUMNS order (a long transcript has
    hundreds of thousands of replacements: dicts would cost several times the memory)."""
    return tuple(values[column] for column in REVIEW_COLUMNS)


def write_review_file(review_rows: list[tuple], params: RedactionParams) -> Path | None:
    from pipeline.guards import review_folder
    folder = review_folder(params.review_dir)
    if folder is None:
        return None
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    target = folder / REVIEW_FILE
    tmp = folder / f".{REVIEW_FILE}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(REVIEW_COLUMNS)
            writer.writerows(review_rows)
        os.chmod(tmp, 0o600)
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()
    return target
