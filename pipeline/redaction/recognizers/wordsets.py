"""Folded word sets from the lexicon that block a match (countries, institutions, months...),
built once, and the tokens of a matched name."""

from __future__ import annotations

import re
from functools import lru_cache

from pipeline.redaction import lexicon
from pipeline.redaction.recognizers.patterns import CONNECT
from pipeline.redaction.textutil import fold


@lru_cache(maxsize=1)
def hard_words() -> frozenset[str]:
    return frozenset(fold(w) for w in lexicon.COUNTRIES + lexicon.NATIONALITIES
                     + lexicon.INSTITUTIONS + lexicon.TITLES)


@lru_cache(maxsize=1)
def institution_words() -> frozenset[str]:
    return frozenset(fold(w) for w in lexicon.INSTITUTIONS + lexicon.TITLES)


@lru_cache(maxsize=1)
def allowed_place_words() -> frozenset[str]:
    return frozenset(fold(w) for w in lexicon.COUNTRIES + lexicon.NATIONALITIES
                     + lexicon.INSTITUTIONS + lexicon.MONTHS + lexicon.DAYS)


def name_tokens(value: str) -> list[str]:
    return [t for t in re.split(r"[\s\-]+", fold(value)) if t and not re.fullmatch(CONNECT, t)]


def no_place_words(tokens: list[str]) -> bool:
    blocked = blocked_after_title()
    return bool(tokens) and not all(t in blocked for t in tokens)


@lru_cache(maxsize=1)
def blocked_after_title() -> frozenset[str]:
    words = (lexicon.COUNTRIES + lexicon.NATIONALITIES + lexicon.INSTITUTIONS
             + lexicon.RELIGIOUS + lexicon.MONTHS + lexicon.DAYS + lexicon.TITLES)
    return frozenset(fold(w) for w in words)
