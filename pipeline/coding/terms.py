"""The codebook's term syntax: a term is alternative phrases separated by `|`; a phrase is
words separated by spaces; `word*` is a prefix (at least 3 letters) and `...` skips 0-3
tokens. Parsed here once, for validation (`codebook`) and compilation (`compile`)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.text import fold

GAP = "..."
GAP_MAX = 3
_WORD = re.compile(r"^[\w'’-]+\*?$")
_SPLIT_CLITIC = re.compile(r"^(.+?)('s|’s)$")


@dataclass(frozen=True)
class Slot:
    word: str  # folded
    prefix: bool = False
    gap: bool = False


def parse_phrase(phrase: str) -> list[Slot]:
    """One phrase (no `|`) -> slots. Raises ValueError with a readable reason."""
    words = phrase.split()
    if not words:
        raise ValueError("empty phrase (check for '||' or a trailing '|')")
    slots: list[Slot] = []
    for word in words:
        if word == GAP:
            if not slots or slots[-1].gap:
                raise ValueError(f"'...' must come between two words in {phrase!r}")
            slots.append(Slot("", gap=True))
            continue
        if not _WORD.match(word):
            raise ValueError(f"{word!r} in {phrase!r} has characters a word cannot have "
                             "(use letters, digits, ', -, and * only at the end)")
        prefix = word.endswith("*")
        base = fold(word.rstrip("*"))
        if prefix and len(base) < 3:
            raise ValueError(f"prefix {word!r} is too short (at least 3 letters before '*')")
        clitic = _SPLIT_CLITIC.match(base)
        if clitic and not prefix:
            slots.extend([Slot(clitic.group(1)), Slot("'s")])
            continue
        for k, part in enumerate(p for p in base.split("-") if p):
            if k:
                slots.append(Slot("-"))
            slots.append(Slot(part, prefix=prefix))
    if slots[-1].gap:
        raise ValueError(f"'...' must come between two words in {phrase!r}")
    return slots


def parse_term(term: str) -> list[list[Slot]]:
    """A term -> its alternative phrases."""
    if not isinstance(term, str) or not term.strip():
        raise ValueError("empty term")
    return [parse_phrase(p.strip()) for p in term.split("|")]
