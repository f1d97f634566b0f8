"""Writing (label, text) turns back as transcript text, with each turn's offsets."""

from __future__ import annotations


def render_transcript(turns: list[tuple[str, str]]) -> tuple[str, list[tuple[int, int]]]:
    """Write (label, text) turns as a transcript; return the text and each turn's offsets.

    Offsets (start, end) point at the turn text inside the returned string, so codings can
    point at evidence in the written file.
    """
    parts: list[str] = []
    offsets: list[tuple[int, int]] = []
    position = 0
    for i, (label, text) in enumerate(turns):
        prefix = ("\n" if i else "") + f"{label}: "
        parts.append(prefix)
        position += len(prefix)
        offsets.append((position, position + len(text)))
        parts.append(text + "\n")
        position += len(text) + 1
    return "".join(parts), offsets
