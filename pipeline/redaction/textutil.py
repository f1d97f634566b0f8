"""Case-, accent- and spacing-insensitive matching with offsets back into the original text."""

from __future__ import annotations

import re
from array import array
from functools import lru_cache

from pipeline.text import DASHES, fold_char

_WORD_CHAR = re.compile(r"\w")
# "chino-rulo" must match "chino rulo": on top of the one fold (pipeline.text), hyphens and
# dashes become a space and whitespace runs one space.



def fold(text: str) -> str:
    """Lower-case, strip accents, collapse whitespace (so 'María  LÓPEZ' == 'maria lopez');
    apostrophe variants become ', hyphens and dashes a space.

    Short texts (names, words, values: asked for again and again) are cached; a turn or a
    whole transcript is not, so the cache cannot grow with the corpus."""
    if len(text) <= _CACHED_FOLD_CHARS:
        return _fold_short(text)
    if len(text) <= _FOLD_BLOCK_CHARS:
        return fold_with_map(text)[0]
    # a whole transcript: folded block by block (the map of each block is dropped at once),
    # each block ending on a character that is no space, so whitespace runs fold as in one go
    parts = []
    start = 0
    while start < len(text):
        end = min(len(text), start + _FOLD_BLOCK_CHARS)
        while end < len(text) and (text[end - 1].isspace() or text[end - 1] in DASHES):
            end += 1
        parts.append(fold_with_map(text[start:end])[0])
        start = end
    return "".join(parts)


_CACHED_FOLD_CHARS = 200
_FOLD_BLOCK_CHARS = 65_536


@lru_cache(maxsize=200_000)
def _fold_short(text: str) -> str:
    return fold_with_map(text)[0]


def fold_with_map(text: str) -> tuple[str, array]:
    """Folded text and, for each folded character, the index of its source character.

    Whitespace runs become one space; the map lets a match in the folded text be mapped back
    to (start, end) in the original. The map is a compact array (4 bytes a character, not
    the 36 of a list of ints: a long turn stays small).
    """
    out: list[str] = []
    index = array("i")
    previous_space = False
    for i, ch in enumerate(text):
        if ch.isspace() or ch in DASHES:
            if previous_space:
                continue
            out.append(" ")
            index.append(i)
            previous_space = True
            continue
        previous_space = False
        folded = fold_char(ch)
        for f in folded:
            out.append(f)
            index.append(i)
    return "".join(out), index


def find_folded(folded_text: str, needle: str) -> list[tuple[int, int]]:
    """(start, end) of `needle` (already folded) in `folded_text` at word boundaries."""
    if not needle:
        return []
    hits = []
    start = 0
    n = len(needle)
    while True:
        i = folded_text.find(needle, start)
        if i < 0:
            break
        before = folded_text[i - 1] if i > 0 else " "
        after = folded_text[i + n] if i + n < len(folded_text) else " "
        word_edge_start = not (needle[0].isalnum() and (before.isalnum() or before == "_"))
        word_edge_end = not (needle[-1].isalnum() and (after.isalnum() or after == "_"))
        if word_edge_start and word_edge_end:
            hits.append((i, i + n))
        start = i + 1
    return hits


def find_in_original(text: str, needle: str, folded: tuple[str, list[int]] | None = None
                     ) -> list[tuple[int, int]]:
    """Case-, accent- and spacing-insensitive occurrences of `needle` in `text` (original offsets)."""
    folded_text, index = folded or fold_with_map(text)
    target = fold(needle).strip()
    out = []
    for s, e in find_folded(folded_text, target):
        out.append((index[s], index[e - 1] + 1))
    return out


def is_sentence_initial(text: str, start: int) -> bool:
    """True if `start` begins a sentence (or a turn, or follows a colon/quote/dash)."""
    i = start - 1
    while i >= 0 and text[i] in " \t\"'«“‘(¿¡-—–":
        i -= 1
    return i < 0 or text[i] in ".!?:\n…;"


def has_upper(s: str) -> bool:
    return any(c.isupper() for c in s)


_VARIANTS = {"a": "aáà", "e": "eéè", "i": "iíì", "o": "oóò", "u": "uúüù", "n": "nñ",
             "º": "º°o", "°": "º°o"}


def loose_pattern(entry: str) -> str:
    """A regex for `entry` matched in the original text that ignores case-free accents,
    optional dots and spacing ("nº col" also matches "NºCol"; "policía" also "Policia").
    Lower case; compile with re.IGNORECASE unless capitals matter."""
    out = []
    for ch in entry.lower():
        base = fold(ch) if ch not in "º°" else ch
        if ch == ".":
            out.append(r"\.?")
        elif ch.isspace():
            out.append(r"\s*")
        elif base in _VARIANTS:
            out.append("[" + "".join(sorted(set(_VARIANTS[base] + ch))) + "]")
        else:
            out.append(re.escape(ch))
    return "".join(out)


def loose_alternation(entries, capitalised: bool = False) -> str:
    """`a|b|c` of the loose patterns of `entries`, longest first (so the longest wins).
    capitalised: the first letter must be a capital ("Programa", not "programa")."""
    patterns = set()
    for entry in entries:
        pattern = loose_pattern(entry)
        if capitalised and entry:
            pattern = "[" + entry[0].upper() + "]" + pattern[len(loose_pattern(entry[0])):]
        patterns.add(pattern)
    return "|".join(sorted(patterns, key=len, reverse=True))
