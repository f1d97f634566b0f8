"""AreaRecognizer and AreaNumberRecognizer: neighbourhoods, districts and farms named after
an area word ('colonia Roma', 'barrio Cuba', 'zona 15')."""

from __future__ import annotations

import re

from pipeline.redaction.recognizers.base import Rule, RuleRecognizer
from pipeline.redaction.recognizers.patterns import CAP
from pipeline.redaction.recognizers.wordsets import allowed_place_words, institution_words
from pipeline.redaction.textutil import fold

AREA_WORDS = (r"colonia|col\.|barrio|zona|vereda|urbanizaci[oó]n|urb\.|asentamiento\s+humano|aa\.?\s?hh\.?|"
              r"fraccionamiento|fracc\.|caser[ií]o|comuna|corregimiento|parroquia|cant[oó]n|"
              r"poblado|villa|neighbou?rhood|district|distrito|municipio\s+de|sector|localidad|"
              r"comunidad|recinto|provincia\s+de|departamento\s+de|estado\s+de|hacienda|finca|"
              r"rancho|fundo|chacra|estancia|granja|farm|ranch")

AREA = re.compile(rf"(?i:\b(?:{AREA_WORDS}))\s+(?:(?:de|del|la|las|los|el)\s+)?"
                  rf"((?:{CAP}|\d{{1,3}})(?:\s+(?:(?:de|del|la|las|los|el)\s+)?(?:{CAP}|\d{{1,3}}\b)){{0,3}})")


def area_check(match: re.Match, text: str) -> float | None:
    tokens = [t for t in fold(match.group(1)).split()
              if t not in {"de", "del", "la", "las", "los", "el"}]
    if not tokens or all(t in allowed_place_words() for t in tokens):
        return None
    return 0.7


def area_whole_check(match: re.Match, text: str) -> float | None:
    # "barrio Cuba", "zona 15": after an area word, a number or a country is the name
    tokens = [t for t in fold(match.group(1)).split()
              if t not in {"de", "del", "la", "las", "los", "el"}]
    if tokens and all(t.isdigit() or t in allowed_place_words() for t in tokens) and not any(
            t in institution_words() for t in tokens):
        return 0.7
    return None


class AreaRecognizer(RuleRecognizer):
    """The name after an area word, unless it is only country, month or institution words
    (LOCATION)."""

    def __init__(self, language: str):
        super().__init__("AreaRecognizer", "LOCATION",
                         [Rule("area", AREA, 0.7, group=1, validator=area_check)], language)


class AreaNumberRecognizer(RuleRecognizer):
    """An area word with the number or country word that names it, as a whole (LOCATION)."""

    def __init__(self, language: str):
        super().__init__("AreaNumberRecognizer", "LOCATION",
                         [Rule("area_whole", AREA, 0.7, validator=area_whole_check)],
                         language, context=[])
