"""Names found once, found everywhere: other spellings of a found name, diminutives, and
places listed after a found place."""

from __future__ import annotations

import re

from pipeline.redaction import lexicon
from pipeline.redaction.entities import EDGE_WORDS, NAMED_TYPES
from pipeline.redaction.filters import _interjections, _lowercase_words, _titles
from pipeline.redaction.spans import Span
from pipeline.redaction.textutil import find_folded, fold


def _find(fm: tuple[str, list[int]], needle: str) -> list[tuple[int, int]]:
    folded_text, index = fm
    return [(index[s], index[e - 1] + 1) for s, e in find_folded(folded_text, needle.strip())]


def _propagate(texts: list[str], folded: list[tuple[str, list[int]]],
               kept: list[list[Span]], confident_score: float = 0.85) -> None:
    """Find every other mention of names already found in the document.

    Any case and any accents ("la julia" after "Julia Mamani"); a name that is also a common
    word ("Rosa", "Blanco") only where it is capitalised as in the found mention. A less
    confident name that the text also writes in lower case (perhaps an ordinary word) is
    propagated only in its capitalised form; a confident one (>= `confident_score`, what the
    leakage gate checks) in every spelling, so the gate and the redaction agree.
    """
    common = lexicon.common_words() | _interjections()
    never = _titles() | EDGE_WORDS
    lower_words = _lowercase_words(texts)
    given, surnames = lexicon.name_lexicon()
    insensitive: dict[str, str] = {}
    exact: dict[str, str] = {}
    for text, spans in zip(texts, kept, strict=True):
        for span in spans:
            if span.type not in NAMED_TYPES or span.score < 0.5:
                continue
            original = text[span.start:span.end]
            value = fold(original)
            if len(value) < 3:
                continue
            words = [(w, fold(w)) for w in re.split(r"[\s\-]+", original) if w]
            parts = [(original, value)]
            if span.type == "PERSON":
                parts += [(w, f) for w, f in words if len(f) >= 3]
            for raw, f in parts:
                if f in never:
                    continue
                # the whole mention of a confident name is what the leakage gate re-checks
                gate_checked = span.score >= confident_score and raw == original
                if f in common or (not gate_checked and f in lower_words
                                   and f not in given and f not in surnames
                                   and not _mostly_capitalised(texts, f)):
                    if raw[:1].isupper():
                        exact.setdefault(raw, span.type)
                else:
                    insensitive.setdefault(f, span.type)
    for i, (text, fm) in enumerate(zip(texts, folded, strict=True)):
        for value in sorted(insensitive):
            for s, e in _find(fm, value):
                kept[i].append(Span(s, e, insensitive[value], 0.7, "name_propagation"))
        for raw in sorted(exact):
            for m in re.finditer(rf"(?<!\w){re.escape(raw)}(?!\w)", text):
                kept[i].append(Span(m.start(), m.end(), exact[raw], 0.7, "name_propagation"))


def _mostly_capitalised(texts: list[str], folded_word: str) -> bool:
    """True if the word is written capitalised more often than in lower case."""
    upper = lower = 0
    for text in texts:
        for m in re.finditer(r"\w+", text):
            if len(m.group(0)) == len(folded_word) and fold(m.group(0)) == folded_word:
                if m.group(0)[0].isupper():
                    upper += 1
                else:
                    lower += 1
    return upper > lower


_DIMINUTIVE = re.compile(r"(?:cita|cito|ita|ito|ucha|ucho|y|i|e)$")


def _hypocorisms(texts: list[str], kept: list[list[Span]]) -> None:
    """'Gaby' after 'Gabriela', 'Vale' after 'Valentina', 'Claudita' after 'Claudia'."""
    names: set[str] = set()
    for text, spans in zip(texts, kept, strict=True):
        for span in spans:
            if span.type == "PERSON" and span.score >= 0.6:
                names.update(t for t in fold(text[span.start:span.end]).split() if len(t) >= 5)
    if not names:
        return
    never = _interjections() | _titles() | EDGE_WORDS
    for i, text in enumerate(texts):
        for m in re.finditer(r"(?<![\w@.])[A-ZÁÉÍÓÚÑ][a-záéíóúñü]{2,9}(?![\w@])", text):
            word = fold(m.group(0))
            if word in never or word in names:
                continue
            stem = _DIMINUTIVE.sub("", word) if len(word) > 4 else word
            if len(stem) >= 3 and any(n.startswith(stem) and n != stem for n in names):
                kept[i].append(Span(m.start(), m.end(), "PERSON", 0.6, "hypocorism"))


_PLACE_AFTER_COMMA = re.compile(r",\s+([A-ZÁÉÍÓÚÑ][a-záéíóúñü]+(?:\s+[A-ZÁÉÍÓÚÑ][a-záéíóúñü]+)?)\b")


def _place_lists(texts: list[str], kept: list[list[Span]]) -> None:
    """'Puerto Asís, Putumayo': a capitalised name right after a found place is a place too."""
    allowed = frozenset(fold(w) for w in lexicon.COUNTRIES + lexicon.INSTITUTIONS
                        + lexicon.MONTHS + lexicon.DAYS) | _interjections()
    for i, text in enumerate(texts):
        for span in list(kept[i]):
            if span.type != "LOCATION":
                continue
            m = _PLACE_AFTER_COMMA.match(text, span.end)
            if m and not all(t in allowed for t in fold(m.group(1)).split()):
                kept[i].append(Span(m.start(1), m.end(1), "LOCATION", 0.6, "place_list"))
