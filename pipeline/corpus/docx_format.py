"""Word .docx transcripts: their paragraphs as numbered lines."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from pipeline.corpus.decoding import split_lines
from pipeline.errors import Problem


def _docx_lines(path: Path, data: bytes) -> tuple[list[tuple[int, str, str | None]], list[Problem]]:
    import docx  # python-docx

    name = str(path)
    if not zipfile.is_zipfile(io.BytesIO(data)):
        return [], [Problem(name, "is not a valid Word .docx file (perhaps a renamed .doc or "
                                  "another format); re-save it from Word as .docx")]
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - python-docx raises many types
        return [], [Problem(name, f"could not be opened as .docx ({type(exc).__name__}); "
                                  "re-save it from Word as .docx")]
    lines: list[tuple[int, str, str | None]] = []
    for number, paragraph in enumerate(document.paragraphs, start=1):
        for part in split_lines(paragraph.text):
            lines.append((number, part, None))
    return lines, []
