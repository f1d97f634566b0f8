"""AddressRecognizer: street addresses (street word, name and number; postcode and town;
block and lot; grid and numbered streets; English street addresses)."""

from __future__ import annotations

import re

from pipeline.redaction import lexicon
from pipeline.redaction.recognizers.areas import AreaNumberRecognizer, AreaRecognizer
from pipeline.redaction.recognizers.base import Rule, RuleRecognizer
from pipeline.redaction.recognizers.patterns import CAP, LOW
from pipeline.redaction.recognizers.wordsets import hard_words, name_tokens
from pipeline.redaction.textutil import fold

STREET_WORDS = (r"calle|c/|cl\.|carrera|cra\.?|kr\.?|avenida|av\.|avda\.?|jir[oó]n|jr\.|pasaje|"
                r"plaza|pza\.?|pz\.?|ctra\.?|glorieta|ronda|traves[ií]a|rambla|calzada|"
                r"malec[oó]n|alameda|"
                r"psje\.?|pje\.?|diagonal|dg\.|transversal|tv\.|autopista|callej[oó]n|boulevard|"
                r"bulevar|blvd\.?|paseo|prolongaci[oó]n|privada|cerrada|andador|carretera|"
                r"camino")
EN_STREET_TYPES = r"Street|St\.|Avenue|Ave\.|Road|Rd\.|Boulevard|Blvd\.|Lane|Drive|Way|Court|Place"

# the street name's further words, each after a space; the last may touch a comma
# ("Av. Tomás Bretón, 36")
_NAME_WORDS = (rf"(?:\s+(?:{CAP}|[IVXL]{{1,4}}\b|\d{{1,3}}[A-Za-z]?(?=\s)|de|del|la|las|los|el|"
               rf"y|San|Santa)){{0,4}}")
_NUMBER = (r"(?:(?:#|No\.?|N[°º]|n\.[oº°]\.?|nro\.?|n[uú]mero)?\s*\d{1,5}[A-Za-z]?"
           r"(?:\s*[-–]\s*\d{1,4}[º°ª]?\s?[A-Za-z]?(?![\w]))?|s/n\b)")
_NUMBER_PART = r"(?:\s*(?:#|No\.?|N[°º]|nro\.?)\s*\d{1,4}[A-Za-z]?\s*[-–]\s*\d{1,4})?"
_UNIT = r"(?:,?\s+(?:int\.?|interior|dpto\.?|depto\.?|departamento|apto\.?|apartamento|piso|torre|of\.?|oficina)\s*[\w-]{1,5})?"
# floor, door and stair after the house number: ", 3º B", " 10A", " - 4º F", ", esc. 2",
# ", Izq", " bajo der", " puerta 14" (not a count: ", 4 personas")
_FLOOR = (r"(?:\s*[,-]?\s*(?:\d{1,2}\s?(?:º|ª|\.º)\s?[A-Za-z]?(?!\w)|\d{1,2}[A-Za-z](?!\w)|"
          r"\d{1,2}\s[A-Z](?!\w)|\d{1,2}(?!\w|\s*[a-záéíóúñ]{3,})|"
          r"(?i:izq(?:uierda|da)?\.?|dcha\.?|der(?:echa)?\.?|bajo|puerta\s*\d{1,3}|"
          r"esc(?:alera)?\.?\s*\d{1,2}[a-z]?)(?!\w))){0,3}")
# "Calle Joaquim Folguera, 3", "Av. de los Pájaros,18", "Av. Ríos rosas 26"
STREET = re.compile(
    rf"(?i:\b(?:{STREET_WORDS}))\s*(?:(?:de|del|la|las|los|el)\s+)*(?:{CAP}|\d{{1,3}}[A-Za-z]?\b)"
    rf"(?:{_NAME_WORDS}|(?:\s+[{LOW}]{{3,}}){{0,2}})?\s*,?\s*{_NUMBER}{_NUMBER_PART}{_UNIT}{_FLOOR}")
# a postal code and its town: "08022 Barcelona", "C.P. 15009 La Coruña"
POSTCODE_TOWN = re.compile(rf"(?<![\w.,-])(\d{{4,5}})\s*,?\s+((?:{CAP})(?:\s+(?:de\s+)?{CAP}){{0,2}})"
                           rf"(?!\s*(?:años|years|pesos|soles|d[oó]lares|euros))")
STREET_NAMED = re.compile(rf"(?i:\b(?:{STREET_WORDS}))\s+(?:(?:de|del|la|las|los|el)\s+)?"
                          rf"{CAP}(?:\s+(?:(?:de|del|la|las|los|el)\s+)?{CAP}){{0,3}}")
BLOCK_LOT = re.compile(r"(?i:\b(?:mz|mza|manzana)\.?)\s*[A-Z0-9]{1,3}\s*,?\s*"
                       r"(?i:(?:lt|lote)\.?)\s*\d{1,4}[A-Za-z]?")
# Central American grid addresses: "4a. avenida 12-59 zona 1", "6a calle 3-45"
GRID = re.compile(r"\b\d{1,2}\s?(?:a|ª|o|º)\.?\s+(?i:avenida|av\.|calle|ave\.?)\s+"
                  r"\d{1,3}\s?[-–]\s?\d{1,3}(?:,?\s+(?i:zona)\s+\d{1,2})?")
NUMBERED = re.compile(r"\b\d{1,3}\s+(?:Norte|Sur|Oriente|Poniente|Este|Oeste|Pte\.?|Ote\.?)"
                      r"\s+(?:#\s*)?\d{1,5}[A-Za-z]?\b")
EN_STREET = re.compile(rf"\b\d{{1,5}}(?:\s?[-–]\s?\d{{1,5}})?\s+"
                       rf"(?:(?:{CAP}|\d{{1,3}}(?:st|nd|rd|th))\s+){{1,3}}(?:{EN_STREET_TYPES})(?!\w)")
# a house number and a street name with no street type, then a flat: "5610 Halsted, apt 3B"
EN_NUMBER_UNIT = re.compile(rf"\b\d{{2,5}}\s+{CAP}(?:\s+{CAP})?,?\s+"
                            rf"(?i:apt\.?|apartment|unit|suite|ste\.|flat|#)\s*#?[\w-]{{1,5}}(?!\w)")
# a street called by its number, as in Colombia: "por la 45", "en la 70 con 30", "sobre la
# 19 con 7a" (not a time, an age, a percentage or an amount)
BY_NUMBER = re.compile(r"(?i:\b(?:por|en|sobre|hasta|cerca\s+de)\s+la)\s+(\d{1,3}[A-Za-z]?"
                       r"(?:\s+(?:con|y)\s+\d{1,3}(?:\s?[aª]|[A-Za-z])?)?)"
                       r"(?!\s*(?:%|años|horas?|de\s+la\s+(?:mañana|tarde|noche)|mil|pesos|soles|"
                       r"d[oó]lares|semanas?|sesi[oó]n|dosis|mg|cm|km|kg|[:.,]\d))(?![\w:])")
# a street name and a house number with no street word: "Warnes 870", "Rivera Indarte 1420"
NAME_NUMBER = re.compile(rf"(?<![\w.])((?:{CAP})(?:\s+(?:de\s+|del\s+)?{CAP}){{0,2}})\s+(?:N[°º]\s*)?"
                         rf"(\d{{3,5}})(?![\d:.,]\d|\w|\s*(?:%|años|years|pesos|soles|d[oó]lares|"
                         rf"dollars|metros|meters|km|kil|mil\b|personas|people))")


def street_check(match: re.Match, text: str) -> float | None:
    return 0.75 if re.search(r"\d", match.group(0)) else None


def named_check(match: re.Match, text: str) -> float | None:
    tokens = [t for t in fold(match.group(0)).split()[1:]
              if t not in {"de", "del", "la", "las", "los", "el"}]
    if not tokens or all(t in lexicon.common_words() for t in tokens):
        return None
    return 0.6


def name_number_check(match: re.Match, text: str) -> float | None:
    number = int(match.group(2))
    if 1900 <= number <= 2039:  # "Lima 2016" is a year
        return None
    tokens = name_tokens(match.group(1))
    calendar = {fold(w) for w in lexicon.MONTHS + lexicon.DAYS}
    # "Ley 985", "Programa 2030": a public body's name with a number
    heads = lexicon.body_head_words()
    if not tokens or any(t in calendar or t in heads for t in tokens) or all(
            t in hard_words() for t in tokens):
        return None
    return 0.7


def number_unit_check(match: re.Match, text: str) -> float | None:
    """Not a count of people ("20 Mexicans, unit 4"): the name is no nationality or word."""
    words = [fold(w).rstrip("s") for w in re.findall(CAP, match.group(0))]
    nationalities = {fold(n).rstrip("s") for n in lexicon.NATIONALITIES}
    if not words or any(w in nationalities for w in words) or all(
            w in lexicon.common_words() for w in words):
        return None
    return 0.75


def by_number_check(match: re.Match, text: str) -> float | None:
    """One digit alone is a bus line or a room ("en la 2"); a street has two or a crossing."""
    value = match.group(1)
    return 0.6 if re.search(r"\d\d|\s(?:con|y)\s", value) else None


def postcode_check(match: re.Match, text: str) -> float | None:
    from pipeline.redaction import gazetteer

    number = int(match.group(1))
    if 1900 <= number <= 2039:
        return None
    tokens = name_tokens(match.group(2))
    if not tokens or fold(match.group(2)) not in gazetteer.places():
        return None
    return 0.7


RULES = (Rule("street", STREET, 0.75, validator=street_check),
         Rule("postcode_town", POSTCODE_TOWN, 0.7, validator=postcode_check),
         Rule("name_number", NAME_NUMBER, 0.7, validator=name_number_check),
         Rule("street_named", STREET_NAMED, 0.6, validator=named_check),
         Rule("block_lot", BLOCK_LOT, 0.75),
         Rule("grid_street", GRID, 0.75),
         Rule("numbered_street", NUMBERED, 0.75),
         Rule("en_street", EN_STREET, 0.75),
         Rule("en_number_unit", EN_NUMBER_UNIT, 0.75, validator=number_unit_check),
         Rule("street_by_number", BY_NUMBER, 0.6, group=1, validator=by_number_check))


class AddressRecognizer(RuleRecognizer):
    """A street address in one of the forms of `RULES` (ADDRESS)."""

    def __init__(self, language: str):
        super().__init__("AddressRecognizer", "ADDRESS", list(RULES), language)


def address_recognizer(
        language: str) -> tuple[AddressRecognizer, AreaRecognizer, AreaNumberRecognizer]:
    """The address recognizer and the two area recognizers, in that order."""
    return (AddressRecognizer(language), AreaRecognizer(language),
            AreaNumberRecognizer(language))
