"""Project recognizers: Latin-American IDs, phones, addresses, plates, dates, handles, names.

Each recognizer is a Presidio `EntityRecognizer` driven by regular expressions with an
optional validator (python-stdnum check digits, phonenumbers). Context words are data, in
`lexicon/context_words.yaml` by recognizer name and language, written as lemmas (Presidio
compares them with the lemmas around a match) in English and Spanish; the file is read and
checked once, the first time a recognizer is built.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
from presidio_analyzer import AnalysisExplanation, EntityRecognizer, RecognizerResult
from stdnum.ar import cuit as ar_cuit
from stdnum.co import nit as co_nit
from stdnum.ec import ci as ec_ci
from stdnum.ec import ruc as ec_ruc
from stdnum.mx import curp as mx_curp
from stdnum.mx import rfc as mx_rfc
from stdnum.pe import cui as pe_cui
from stdnum.pe import ruc as pe_ruc

from pipeline.redaction import lexicon
from pipeline.redaction.textutil import fold, is_sentence_initial
from pipeline.redaction.wordlists import ALL_LANGUAGES, read_context_words

PHONE_REGIONS = ("AR", "CO", "EC", "MX", "PE", "US", "ES")

UP = "A-ZÁÉÍÓÚÑÜ"
LOW = "a-záéíóúñüç"
CAP = rf"[{UP}][{LOW}'’]+(?:-[{UP}][{LOW}]+)?"
CONNECT = r"(?:de(?:\s+la|\s+los|\s+las)?|del|da|dos|van|von|y)"
NAME_SEQ = rf"{CAP}(?:\s+(?:{CONNECT}\s+)?{CAP}){{0,3}}"

MONEY_AFTER = re.compile(r"^\s*(?:de\s+)?(?:pesos|soles|d[oó]lares|dollars|bucks|mil|millones|"
                         r"millon|euros|bol[ií]vares|reales|quetzales|lempiras|sucres|usd|cop|"
                         r"mxn|ars|pen)\b", re.IGNORECASE)
MONEY_BEFORE = re.compile(r"(?:\$|s/\.?|us\$|usd|cop|mxn|ars|pen)\s*$", re.IGNORECASE)

# Names of the recognizers built here: the keys `lexicon/context_words.yaml` may use.
RECOGNIZER_NAMES = (
    "LatamIdRecognizer", "LatamPhoneRecognizer", "PlateRecognizer", "HandleRecognizer",
    "DateRecognizerLatam", "AddressRecognizer", "AreaRecognizer", "TitleNameRecognizer",
    "NicknameRecognizer", "PlaceRecognizer", "SpanishProperNounRecognizer",
    "LexiconNameRecognizer", "BusinessNameRecognizer", "CodeRecognizer",
    "GazetteerPlaceRecognizer", "ColloquialPlaceRecognizer", "AreaNumberRecognizer",
    "FormFieldPerson", "FormFieldIdNumber", "FormFieldAddress", "FormFieldLocation",
    "FormFieldDate", "FormFieldPhoneNumber", "FormFieldEmailAddress", "SpokenNumberRecognizer",
    "SpokenPhoneRecognizer", "SpokenDateRecognizer", "SpokenEmailRecognizer",
    "SpelledNameRecognizer", "CapsNameRecognizer")
CONTEXT_LANGUAGES = ("en", "es")


@lru_cache(maxsize=1)
def _context_table() -> dict[str, dict[str, list[str]]]:
    return read_context_words(RECOGNIZER_NAMES, CONTEXT_LANGUAGES)


def context_words(recognizer: str, language: str) -> list[str]:
    """Context words of a recognizer for text in `language`: its `all_languages` words, then
    the words of that language (a fresh list, in file order)."""
    by_language = _context_table().get(recognizer, {})
    return [*by_language.get(ALL_LANGUAGES, ()), *by_language.get(language, ())]


@dataclass(frozen=True)
class Rule:
    name: str
    regex: re.Pattern
    score: float
    group: int | str = 0
    # validator(match, text) -> score, or None to reject the match
    validator: Callable[[re.Match, str], float | None] | None = None


class RuleRecognizer(EntityRecognizer):
    """A recognizer made of regex rules whose results carry Presidio's metadata.

    Without `context`, its context words are those of `name` in `lexicon/context_words.yaml`.
    """

    def __init__(self, name: str, entity: str, rules: list[Rule], language: str,
                 context: list[str] | None = None,
                 precheck: Callable[[str], bool] | None = None):
        self.rules = rules
        # a cheap test that skips the rules on a text they cannot match (speed only)
        self.precheck = precheck
        if context is None:
            context = context_words(name, language)
        super().__init__(supported_entities=[entity], name=name, supported_language=language,
                         context=context or [])

    def load(self) -> None:  # noqa: D102 - nothing to load
        pass

    def analyze(self, text, entities, nlp_artifacts=None):  # noqa: D102
        results: list[RecognizerResult] = []
        if self.precheck is not None and not self.precheck(text):
            return results
        entity = self.supported_entities[0]
        for rule in self.rules:
            for match in rule.regex.finditer(text):
                start, end = match.span(rule.group)
                if start < 0 or end <= start:
                    continue
                score = rule.score
                if rule.validator is not None:
                    checked = rule.validator(match, text)
                    if checked is None:
                        continue
                    score = checked
                explanation = AnalysisExplanation(recognizer=self.name, original_score=score,
                                                  pattern_name=rule.name)
                results.append(RecognizerResult(
                    entity_type=entity, start=start, end=end, score=score,
                    analysis_explanation=explanation,
                    recognition_metadata={RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                                          RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id}))
        return results


# --------------------------------------------------------------------------- helpers

def _digits(s: str) -> str:
    return re.sub(r"\D", "", s)


def _is_money(match: re.Match, text: str) -> bool:
    start, end = match.span()
    return bool(MONEY_AFTER.match(text[end:end + 16]) or MONEY_BEFORE.search(text[max(0, start - 6):start]))


def _stdnum(module, score_ok: float, score_bad: float | None):
    def check(match: re.Match, text: str) -> float | None:
        value = match.group(0)
        if _is_money(match, text):
            return None
        try:
            ok = module.is_valid(value)
        except Exception:  # noqa: BLE001 - stdnum raises several types on odd input
            ok = False
        return score_ok if ok else score_bad
    return check


def _rfc_check(match: re.Match, text: str) -> float | None:
    try:
        mx_rfc.validate(match.group(0), validate_check_digits=True)
        return 0.9
    except Exception:  # noqa: BLE001
        return 0.4


def _generic_number(match: re.Match, text: str) -> float | None:
    if _is_money(match, text):
        return None
    digits = _digits(match.group(0))
    if not 6 <= len(digits) <= 13:
        return None
    # a year range like 1995-2001 is not an identifier
    if re.fullmatch(r"(19|20)\d\d\s*[-–/]\s*(19|20)\d\d", match.group(0)):
        return None
    return 0.55 if len(digits) >= 7 else 0.4


# --------------------------------------------------------------------------- identifiers

def id_recognizer(language: str) -> RuleRecognizer:
    b = r"(?<![\w.-])"
    e = r"(?![\w-]|\.\d)"
    rules = [
        Rule("ar_cuit", re.compile(b + r"(?:20|23|24|27|30|33|34)-?\d{8}-?\d" + e), 0.95,
             validator=_stdnum(ar_cuit, 0.95, 0.45)),
        Rule("mx_curp", re.compile(b + r"[A-Z][AEIOUX][A-Z]{2}\d{6}[HM][A-Z]{5}[A-Z0-9]\d" + e),
             0.95, validator=_stdnum(mx_curp, 0.95, 0.45)),
        Rule("mx_rfc", re.compile(b + r"[A-ZÑ&]{3,4}\d{6}[A-Z0-9]{3}" + e), 0.9,
             validator=_rfc_check),
        Rule("ec_ci", re.compile(b + r"\d{9}-?\d" + e), 0.9, validator=_stdnum(ec_ci, 0.9, None)),
        Rule("ec_ruc", re.compile(b + r"\d{13}" + e), 0.9, validator=_stdnum(ec_ruc, 0.9, None)),
        Rule("pe_ruc", re.compile(b + r"(?:10|15|17|20)\d{9}" + e), 0.9,
             validator=_stdnum(pe_ruc, 0.9, None)),
        Rule("pe_cui", re.compile(b + r"\d{8}-\d" + e), 0.85, validator=_stdnum(pe_cui, 0.9, 0.5)),
        Rule("co_nit", re.compile(b + r"\d{3}\.?\d{3}\.?\d{3}-\d" + e), 0.85,
             validator=_stdnum(co_nit, 0.9, 0.5)),
        # dotted national ID numbers: AR DNI 23.456.789, CO cédula 1.023.456.789
        Rule("dotted_id", re.compile(b + r"\d{1,3}(?:\.\d{3}){2,3}" + e), 0.6,
             validator=_generic_number),
        # plain long numbers: PE DNI (8), CO cédula (6-10), AR DNI (7-8)
        Rule("long_number", re.compile(b + r"\d{6,13}" + e), 0.55, validator=_generic_number),
        # grouped digits: GT DPI "2356 78910 0101", other national IDs written in blocks
        # (valid phone numbers outscore this, so a phone stays a phone)
        Rule("grouped_number", re.compile(b + r"\d{2,5}(?:[ -]\d{2,5}){2,3}" + e), 0.5,
             validator=_generic_number),
        Rule("passport", re.compile(b + r"[A-Z]{1,3}-?\d{6,9}" + e), 0.45),
        Rule("iban", re.compile(b + r"[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){3,7}(?: ?[A-Z0-9]{1,3})?" + e),
             0.5),
    ]
    return RuleRecognizer("LatamIdRecognizer", "ID_NUMBER", rules, language)


# --------------------------------------------------------------------------- phones

_PHONE_CANDIDATE = re.compile(r"(?<![\w+])(?:\+|00)?\(?\d[\d\s().\-]{5,20}\d(?![\w])")


def _phone_check(match: re.Match, text: str) -> float | None:
    raw = match.group(0)
    if _is_money(match, text) or "\n" in raw:
        return None
    digits = _digits(raw)
    if not 7 <= len(digits) <= 15:
        return None
    if re.fullmatch(r"(19|20)\d\d\s*[-–]\s*(19|20)\d\d", raw.strip()):
        return None
    if re.fullmatch(r"\d{1,2}[./-]\d{1,2}[./-]\d{2,4}", raw.strip()):
        return None  # a date
    valid = False
    for region in PHONE_REGIONS:
        try:
            number = phonenumbers.parse(raw, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            valid = True
            break
    separated = bool(re.search(r"[\s().\-]", raw.strip())) or raw.startswith(("+", "00"))
    if valid:
        # bare 8-9 digit runs are more often national IDs (PE DNI, AR DNI): let ID win ties
        return 0.75 if separated else 0.5
    # local formats phonenumbers does not know (e.g. AR "15-4567-8901"): plausible with context
    return 0.4 if separated and len(digits) >= 8 else None


def phone_recognizer(language: str) -> RuleRecognizer:
    return RuleRecognizer("LatamPhoneRecognizer", "PHONE_NUMBER",
                          [Rule("phone", _PHONE_CANDIDATE, 0.75, validator=_phone_check)],
                          language)


# --------------------------------------------------------------------------- plates

def plate_recognizer(language: str) -> RuleRecognizer:
    b = r"(?<![\w-])"
    e = r"(?![\w-])"
    forms = [
        r"[A-Z]{3}-\d{3,4}",            # CO, PE, EC, AR (old) with hyphen
        r"[A-Z]\d[A-Z]-\d{3}",          # PE current
        r"[A-Z]{2}[- ]?\d{3}[- ]?[A-Z]{2}",  # AR Mercosur
        r"[A-Z]{3}-\d{2}-\d{2}",        # MX
        r"[A-Z]{3}-\d{3}-[A-Z]",        # MX
        r"\d{3}-[A-Z]{3}",              # MX
        r"[A-Z]{3}-\d{2}[A-Z]",         # CO motorbikes
        r"\d{4}[- ]?[A-Z]{3}",          # BO (1234-ABC)
        r"[A-Z]-?\d{3}[A-Z]{3}",         # GT (P-123ABC)
        r"[A-Z]{3}\d[A-Z]\d{2}",         # Mercosur BR/UY (ABC1D23)
        r"[A-Z]{4}[- ]\d{3}",            # Mercosur PY (ABCD 123)
    ]
    loose = [r"[A-Z]{3} ?\d{3,4}", r"[A-Z]\d[A-Z] ?\d{3}", r"\d{3} ?[A-Z]{3}"]

    def check(match: re.Match, text: str) -> float | None:
        value = match.group(0)
        if not (re.search(r"\d", value) and re.search(r"[A-Z]", value)):
            return None
        return None if value[:3] in {"COV", "SIS", "DNI", "RUC", "NIT", "CUI"} else 0.6

    rules = [Rule("plate", re.compile(b + "(?:" + "|".join(forms) + ")" + e), 0.6, validator=check),
             Rule("plate_loose", re.compile(b + "(?:" + "|".join(loose) + ")" + e), 0.35)]
    return RuleRecognizer("PlateRecognizer", "PLATE", rules, language)


# --------------------------------------------------------------------------- handles

def handle_recognizer(language: str) -> RuleRecognizer:
    rules = [Rule("handle", re.compile(r"(?<![\w.@])@[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?"
                                       r"(?![\w@]|\.[A-Za-z]{2,})"), 0.85),
             # no @, but written as only usernames are: "maria_lp93", "la.flaca_07"
             Rule("bare_handle", re.compile(r"(?<![\w.@/])(?=[\w.]*[A-Za-z])[A-Za-z0-9]+(?:[._][A-Za-z0-9]+)*"
                                            r"_[A-Za-z0-9_.]*[A-Za-z0-9](?![\w@]|\.[A-Za-z]{2,})"), 0.8)]
    return RuleRecognizer("HandleRecognizer", "HANDLE", rules, language)


# --------------------------------------------------------------------------- dates

MONTHS_ES = r"(?:enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre)"
MONTHS_EN = (r"(?:January|February|March|April|May|June|July|August|September|October|November|"
             r"December|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)")


def date_recognizer(language: str) -> RuleRecognizer:
    year = r"(?:19|20)\d\d"
    ordinal = r"\d{1,2}(?:st|nd|rd|th|º|°|ro)?"
    rules = [
        Rule("date_es", re.compile(rf"\b(?:(?:primero|\d{{1,2}})(?:º|°)?\s+de\s+{MONTHS_ES}"
                                   rf"(?:\s+(?:de|del)\s+(?:{year}|'\d\d))?"
                                   rf"|{MONTHS_ES}\s+(?:de|del)\s+{year})\b", re.IGNORECASE),
             0.7),
        Rule("date_en", re.compile(rf"\b(?:(?:the\s+)?{ordinal}\s+(?:of\s+)?{MONTHS_EN}(?:,?\s+{year})?"
                                   rf"|{MONTHS_EN}\s+(?:the\s+)?{ordinal}(?:,?\s+{year})?(?![\d:])"
                                   rf"|{MONTHS_EN},?\s+{year})\b"), 0.7),
        Rule("date_numeric", re.compile(r"(?<![\w/.-])(?:\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})"
                                        r"|\d{4}-\d{2}-\d{2})(?![\w/-]|\.\d)"), 0.65),
    ]

    def check_en(match: re.Match, text: str) -> float | None:
        value = match.group(0)
        # "May" and "March" as words: need a day or year next to them
        if re.fullmatch(r"(?:the\s+)?\d{1,2}(?:st|nd|rd|th)?", value):
            return None
        return 0.7

    rules[1] = Rule("date_en", rules[1].regex, 0.7, validator=check_en)
    return RuleRecognizer("DateRecognizerLatam", "DATE", rules, language)


# --------------------------------------------------------------------------- addresses

STREET_WORDS = (r"calle|c/|cl\.|carrera|cra\.?|kr\.?|avenida|av\.|avda\.?|jir[oó]n|jr\.|pasaje|"
                r"plaza|pza\.?|pz\.?|ctra\.?|glorieta|ronda|traves[ií]a|rambla|calzada|"
                r"malec[oó]n|alameda|"
                r"psje\.?|pje\.?|diagonal|dg\.|transversal|tv\.|autopista|callej[oó]n|boulevard|"
                r"bulevar|blvd\.?|paseo|prolongaci[oó]n|privada|cerrada|andador|carretera|"
                r"camino")
EN_STREET_TYPES = r"Street|St\.|Avenue|Ave\.|Road|Rd\.|Boulevard|Blvd\.|Lane|Drive|Way|Court|Place"
AREA_WORDS = (r"colonia|col\.|barrio|zona|vereda|urbanizaci[oó]n|urb\.|asentamiento\s+humano|aa\.?\s?hh\.?|"
              r"fraccionamiento|fracc\.|caser[ií]o|comuna|corregimiento|parroquia|cant[oó]n|"
              r"poblado|villa|neighbou?rhood|district|distrito|municipio\s+de|sector|localidad|"
              r"comunidad|recinto|provincia\s+de|departamento\s+de|estado\s+de|hacienda|finca|"
              r"rancho|fundo|chacra|estancia|granja|farm|ranch")


def address_recognizer(language: str) -> RuleRecognizer:
    name_words = rf"(?:(?:{CAP}|\d{{1,3}}[A-Za-z]?|de|del|la|las|los|el|San|Santa)\s+){{0,4}}"
    number = r"(?:#|No\.?|N[°º]|nro\.?|n[uú]mero)?\s*\d{1,5}[A-Za-z]?(?:\s*[-–]\s*\d{1,4}[A-Za-z]?)?"
    number_part = r"(?:\s*(?:#|No\.?|N[°º]|nro\.?)\s*\d{1,4}[A-Za-z]?\s*[-–]\s*\d{1,4})?"
    unit = r"(?:,?\s+(?:int\.?|interior|dpto\.?|depto\.?|departamento|apto\.?|apartamento|piso|torre|of\.?|oficina)\s*[\w-]{1,5})?"
    # "Calle Joaquim Folguera, 3", "Av. de los Pájaros,18", "Av. Ríos rosas 26"
    street = re.compile(
        rf"(?i:\b(?:{STREET_WORDS}))\s*(?:(?:de|del|la|las|los|el)\s+)*(?:{CAP}|\d{{1,3}}[A-Za-z]?\b)"
        rf"(?:\s+{name_words}|(?:\s+[{LOW}]{{3,}}){{0,2}})?\s*,?\s*{number}{number_part}{unit}")
    # a postal code and its town: "08022 Barcelona", "C.P. 15009 La Coruña"
    postcode_town = re.compile(rf"(?<![\w.,-])(\d{{4,5}})\s*,?\s+((?:{CAP})(?:\s+(?:de\s+)?{CAP}){{0,2}})"
                               rf"(?!\s*(?:años|years|pesos|soles|d[oó]lares|euros))")
    street_named = re.compile(rf"(?i:\b(?:{STREET_WORDS}))\s+(?:(?:de|del|la|las|los|el)\s+)?"
                              rf"{CAP}(?:\s+(?:(?:de|del|la|las|los|el)\s+)?{CAP}){{0,3}}")
    block_lot = re.compile(r"(?i:\b(?:mz|mza|manzana)\.?)\s*[A-Z0-9]{1,3}\s*,?\s*"
                           r"(?i:(?:lt|lote)\.?)\s*\d{1,4}[A-Za-z]?")
    # Central American grid addresses: "4a. avenida 12-59 zona 1", "6a calle 3-45"
    grid = re.compile(r"\b\d{1,2}\s?(?:a|ª|o|º)\.?\s+(?i:avenida|av\.|calle|ave\.?)\s+"
                      r"\d{1,3}\s?[-–]\s?\d{1,3}(?:,?\s+(?i:zona)\s+\d{1,2})?")
    numbered = re.compile(r"\b\d{1,3}\s+(?:Norte|Sur|Oriente|Poniente|Este|Oeste|Pte\.?|Ote\.?)"
                          r"\s+(?:#\s*)?\d{1,5}[A-Za-z]?\b")
    en_street = re.compile(rf"\b\d{{1,5}}(?:\s?[-–]\s?\d{{1,5}})?\s+"
                           rf"(?:(?:{CAP}|\d{{1,3}}(?:st|nd|rd|th))\s+){{1,3}}(?:{EN_STREET_TYPES})(?!\w)")
    # a street name and a house number with no street word: "Warnes 870", "Rivera Indarte 1420"
    name_number = re.compile(rf"(?<![\w.])((?:{CAP})(?:\s+(?:de\s+|del\s+)?{CAP}){{0,2}})\s+(?:N[°º]\s*)?"
                             rf"(\d{{3,5}})(?![\d:.,]\d|\w|\s*(?:%|años|years|pesos|soles|d[oó]lares|"
                             rf"dollars|metros|meters|km|kil|mil\b|personas|people))")
    area = re.compile(rf"(?i:\b(?:{AREA_WORDS}))\s+(?:(?:de|del|la|las|los|el)\s+)?"
                      rf"((?:{CAP}|\d{{1,3}})(?:\s+(?:(?:de|del|la|las|los|el)\s+)?(?:{CAP}|\d{{1,3}}\b)){{0,3}})")

    def street_check(match: re.Match, text: str) -> float | None:
        return 0.75 if re.search(r"\d", match.group(0)) else None

    def named_check(match: re.Match, text: str) -> float | None:
        tokens = [t for t in fold(match.group(0)).split()[1:]
                  if t not in {"de", "del", "la", "las", "los", "el"}]
        if not tokens or all(t in lexicon.common_words() for t in tokens):
            return None
        return 0.6

    def area_check(match: re.Match, text: str) -> float | None:
        tokens = [t for t in fold(match.group(1)).split()
                  if t not in {"de", "del", "la", "las", "los", "el"}]
        if not tokens or all(t in _allowed_place_words() for t in tokens):
            return None
        return 0.7

    def name_number_check(match: re.Match, text: str) -> float | None:
        number = int(match.group(2))
        if 1900 <= number <= 2039:  # "Lima 2016" is a year
            return None
        tokens = _name_tokens(match.group(1))
        calendar = {fold(w) for w in lexicon.MONTHS + lexicon.DAYS}
        # "Ley 985", "Programa 2030": a public body's name with a number
        heads = {fold(w) for w in lexicon.PUBLIC_BODY_HEADS_ES + lexicon.PUBLIC_BODY_HEADS_EN}
        if not tokens or any(t in calendar or t in heads for t in tokens) or all(
                t in _hard_words() for t in tokens):
            return None
        return 0.7

    def postcode_check(match: re.Match, text: str) -> float | None:
        from pipeline.redaction import gazetteer

        number = int(match.group(1))
        if 1900 <= number <= 2039:
            return None
        tokens = _name_tokens(match.group(2))
        if not tokens or fold(match.group(2)) not in gazetteer.places():
            return None
        return 0.7

    rules = [Rule("street", street, 0.75, validator=street_check),
             Rule("postcode_town", postcode_town, 0.7, validator=postcode_check),
             Rule("name_number", name_number, 0.7, validator=name_number_check),
             Rule("street_named", street_named, 0.6, validator=named_check),
             Rule("block_lot", block_lot, 0.75),
             Rule("grid_street", grid, 0.75),
             Rule("numbered_street", numbered, 0.75),
             Rule("en_street", en_street, 0.75)]
    addresses = RuleRecognizer("AddressRecognizer", "ADDRESS", rules, language)
    def area_whole_check(match: re.Match, text: str) -> float | None:
        # "barrio Cuba", "zona 15": after an area word, a number or a country is the name
        tokens = [t for t in fold(match.group(1)).split()
                  if t not in {"de", "del", "la", "las", "los", "el"}]
        if tokens and all(t.isdigit() or t in _allowed_place_words() for t in tokens) and not any(
                t in _institution_words() for t in tokens):
            return 0.7
        return None

    areas = RuleRecognizer("AreaRecognizer", "LOCATION",
                           [Rule("area", area, 0.7, group=1, validator=area_check)], language)
    numbered_areas = RuleRecognizer("AreaNumberRecognizer", "LOCATION",
                                    [Rule("area_whole", area, 0.7, validator=area_whole_check)],
                                    language, context=[])
    return addresses, areas, numbered_areas


@lru_cache(maxsize=1)
def _hard_words() -> frozenset[str]:
    return frozenset(fold(w) for w in lexicon.COUNTRIES + lexicon.NATIONALITIES
                     + lexicon.INSTITUTIONS + lexicon.TITLES)


@lru_cache(maxsize=1)
def _institution_words() -> frozenset[str]:
    return frozenset(fold(w) for w in lexicon.INSTITUTIONS + lexicon.TITLES)


@lru_cache(maxsize=1)
def _allowed_place_words() -> frozenset[str]:
    return frozenset(fold(w) for w in lexicon.COUNTRIES + lexicon.NATIONALITIES
                     + lexicon.INSTITUTIONS + lexicon.MONTHS + lexicon.DAYS)


# --------------------------------------------------------------------------- names

def _name_tokens(value: str) -> list[str]:
    return [t for t in re.split(r"[\s\-]+", fold(value)) if t and not re.fullmatch(CONNECT, t)]


def _no_place_words(tokens: list[str]) -> bool:
    blocked = _blocked_after_title()
    return bool(tokens) and not all(t in blocked for t in tokens)


@lru_cache(maxsize=1)
def _blocked_after_title() -> frozenset[str]:
    words = (lexicon.COUNTRIES + lexicon.NATIONALITIES + lexicon.INSTITUTIONS
             + lexicon.RELIGIOUS + lexicon.MONTHS + lexicon.DAYS + lexicon.TITLES)
    return frozenset(fold(w) for w in words)


def title_name_recognizer(language: str) -> RuleRecognizer:
    abbrev = sorted({re.escape(t) for t in lexicon.TITLE_ABBREVIATIONS}, key=len, reverse=True)
    titles = sorted({re.escape(t) for t in lexicon.TITLES} - set(abbrev), key=len, reverse=True)
    regex = re.compile(rf"(?i:\b(?:(?:{'|'.join(abbrev)})\.?|(?:{'|'.join(titles)})))[ \t]+({NAME_SEQ})")
    triggers = sorted({re.escape(t).replace(r"\ ", r"\s+") for t in
                       lexicon.NAME_TRIGGERS_ES + lexicon.NAME_TRIGGERS_EN}, key=len, reverse=True)
    trigger_regex = re.compile(rf"(?i:\b(?:{'|'.join(triggers)}))\s+(?:(?i:el|la|the)\s+)?({NAME_SEQ})")
    lower_regex = re.compile(rf"(?i:\b(?:{'|'.join(triggers)}))\s+([{LOW}]+(?:\s+[{LOW}]+)?)\b")

    def check(match: re.Match, text: str) -> float | None:
        tokens = _name_tokens(match.group(1))
        return 0.85 if _no_place_words(tokens) else None

    def check_lower(match: re.Match, text: str) -> float | None:
        given, surnames = lexicon.name_lexicon()
        tokens = fold(match.group(1)).split()
        return 0.7 if tokens and tokens[0] in given else None

    rules = [Rule("title_name", regex, 0.85, group=1, validator=check),
             Rule("trigger_name", trigger_regex, 0.85, group=1, validator=check),
             Rule("trigger_lower", lower_regex, 0.7, group=1, validator=check_lower)]
    return RuleRecognizer("TitleNameRecognizer", "PERSON", rules, language)


def nickname_recognizer(language: str) -> RuleRecognizer:
    """'la Flaca', 'el Chino', 'la Abril' (Spanish capitalises no common noun or month)."""
    blocked = frozenset(fold(w) for w in lexicon.COUNTRIES + lexicon.INSTITUTIONS
                        + lexicon.RELIGIOUS + lexicon.NOT_NICKNAMES + lexicon.HOLIDAYS)
    regex = re.compile(rf"\b(?:[Ee]l|[Ll]a)\s+({CAP})\b(?!\s+(?:de|del)\s+[{UP}])")
    nick_words = "|".join(sorted({re.escape(w.capitalize()) for w in lexicon.NICKNAME_WORDS}))
    the_regex = re.compile(rf"\b[Tt]he\s+({nick_words})\b")

    def check(match: re.Match, text: str) -> float | None:
        word = fold(match.group(1))
        if word in blocked or len(word) < 3:
            return None
        return 0.6

    return RuleRecognizer("NicknameRecognizer", "PERSON",
                          [Rule("nickname", regex, 0.6, group=1, validator=check),
                           Rule("the_nickname", the_regex, 0.6, group=1)], language)


PREPOSITIONS = (r"de|desde|en|hasta|a|para|por|hacia|cerca\s+de|from|in|to|near|around|"
                r"outside|into|towards|toward|at")


def place_recognizer(language: str) -> RuleRecognizer:
    """A capitalised name after a preposition of place ('de Oberá', 'in Chaparral')."""
    article = r"(?:(?:el|la|los|las|El|La|Los|Las)\s+)?" if language == "es" else ""
    regex = re.compile(rf"(?i:\b(?:{PREPOSITIONS}))\s+{article}({NAME_SEQ})(?![\w])")
    months_days = {fold(w) for w in lexicon.MONTHS + lexicon.DAYS}

    def check(match: re.Match, text: str) -> float | None:
        tokens = _name_tokens(match.group(1))
        if len(tokens) == 1:
            blocked = _blocked_after_title() | _allowed_place_words() | months_days
        else:  # "Santo Domingo", "Madre de Dios": only institution and country words block
            blocked = _hard_words()
        if not tokens or all(t in blocked for t in tokens):
            return None
        if match.group(1).isupper():
            return None
        return 0.6

    return RuleRecognizer("PlaceRecognizer", "LOCATION",
                          [Rule("place_after_preposition", regex, 0.6, group=1, validator=check)],
                          language)


def spanish_proper_noun_recognizer(language: str) -> RuleRecognizer:
    """Spanish capitalises proper nouns only: a capitalised word mid-sentence is a name."""
    seq = re.compile(rf"(?<![\w@#/.])({NAME_SEQ})(?![\w@])")
    blocked = frozenset(fold(w) for w in lexicon.COUNTRIES + lexicon.NATIONALITIES
                        + lexicon.INSTITUTIONS + lexicon.RELIGIOUS + lexicon.TITLES
                        + lexicon.HOLIDAYS + lexicon.MONTHS_EN + lexicon.DAYS_EN)

    def check(match: re.Match, text: str) -> float | None:
        if is_sentence_initial(text, match.start(1)):
            return None
        tokens = _name_tokens(match.group(1))
        if not tokens or all(t in blocked for t in tokens):
            return None
        return 0.55

    return RuleRecognizer("SpanishProperNounRecognizer", "PERSON",
                          [Rule("proper_noun", seq, 0.55, group=1, validator=check)], language)


def lexicon_name_recognizer(language: str) -> RuleRecognizer:
    """Capitalised word sequences with a known given name or surname (incl. indigenous)."""
    seq = re.compile(rf"(?<![\w@])({CAP}(?:\s+(?:{CONNECT}\s+)?{CAP}){{0,3}})(?![\w@])")
    lower_pair = re.compile(rf"(?<![\w@])(?=([{LOW}]{{3,}}\s+[{LOW}]{{3,}})(?![\w@]))")

    def check(match: re.Match, text: str) -> float | None:
        given, surnames = lexicon.name_lexicon()
        common = lexicon.common_words(language)
        tokens = _name_tokens(match.group(1))
        known = [t for t in tokens if (t in given or t in surnames) and t not in common]
        if not known:
            return None
        if len(tokens) >= 2:
            return 0.7
        if is_sentence_initial(text, match.start(1)):
            return 0.55 if tokens[0] in given else None
        return 0.6

    def check_lower(match: re.Match, text: str) -> float | None:
        given, surnames = lexicon.name_lexicon()
        first, second = fold(match.group(1)).split()
        return 0.6 if first in given and second in surnames else None

    rules = [Rule("lexicon_name", seq, 0.6, group=1, validator=check),
             Rule("lexicon_lower_pair", lower_pair, 0.6, group=1, validator=check_lower)]
    return RuleRecognizer("LexiconNameRecognizer", "PERSON", rules, language)


BUSINESS_WORDS = (r"bar|restaurante|restaurant|discoteca|disco|night\s*club|nightclub|club|hotel|hostal|"
                  r"motel|residencial|karaoke|cantina|prost[ií]bulo|whisker[ií]a|boliche|local|"
                  r"tienda|shop|store|f[aá]brica|factory|taller|workshop|empresa|company|agencia|"
                  r"agency|mina|mine|poller[ií]a|cevicher[ií]a|sal[oó]n|spa|maquila|maquiladora|"
                  r"plantaci[oó]n|plantation|finca|hacienda|farm|rancho|ranch|fundo|granja|"
                  r"asociaci[oó]n|association|fundaci[oó]n|foundation|colectivo|colectiva|casa\s+de\s+acogida|"
                  r"casa\s+hogar|albergue|refugio|shelter|hogar|brigada|organizaci[oó]n|"
                  r"organization|organisation|cooperativa|mercado|market|panader[ií]a|bakery|"
                  r"lavander[ií]a|casa\s+de\s+citas|brothel|burdel|cabaret|peluquer[ií]a|"
                  r"salon|ladrillera|brickyard|aserradero|barco|boat|pesquera|bananera|florícola|"
                  r"flor[ií]cola|camaronera|minera|constructora|textil|call\s+center")


def business_recognizer(language: str) -> RuleRecognizer:
    name = (rf"(?:(?:El|La|Los|Las|The)\s+)?{CAP}(?:\s+(?:(?:de|del|la|las|los|el|y|of|the|and)\s+)?"
            rf"(?:{CAP}|\d{{1,3}}\b)){{0,3}}")
    regex = re.compile(rf"(?i:\b(?:{BUSINESS_WORDS}))\s+(?:(?i:llamad[oa]|called|named)\s+)?"
                       rf"[\"“'‘«]?({name})")
    blocked = _blocked_after_title()

    def check(match: re.Match, text: str) -> float | None:
        tokens = [t for t in _name_tokens(match.group(1)) if t not in {"el", "la", "los", "las", "the"}]
        if not tokens or all(t in blocked for t in tokens):
            return None
        return 0.75

    return RuleRecognizer("BusinessNameRecognizer", "ORGANIZATION",
                          [Rule("business", regex, 0.75, group=1, validator=check)], language)


def project_recognizers(language: str) -> list[EntityRecognizer]:
    from pipeline.redaction.codes import code_recognizer
    from pipeline.redaction.forms import caps_name_recognizer, form_field_recognizers
    from pipeline.redaction.places import colloquial_place_recognizer, gazetteer_place_recognizer
    from pipeline.redaction.spoken import spoken_recognizers

    addresses, areas, numbered_areas = address_recognizer(language)
    extra = [spanish_proper_noun_recognizer(language)] if language == "es" else []
    return extra + [
            place_recognizer(language), id_recognizer(language), phone_recognizer(language),
            plate_recognizer(language), handle_recognizer(language), date_recognizer(language), addresses, areas, numbered_areas,
            title_name_recognizer(language), nickname_recognizer(language),
            business_recognizer(language),
            lexicon_name_recognizer(language), code_recognizer(language),
            gazetteer_place_recognizer(language), colloquial_place_recognizer(language),
            *form_field_recognizers(language), *spoken_recognizers(language),
            caps_name_recognizer(language)]
