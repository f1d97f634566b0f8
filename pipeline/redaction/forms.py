"""Form fields: the value after a label such as "Nombre:", "DNI:", "Domicilio:" is personal
data of the label's type, whatever its words (labels are data: `lexicon/form_fields.yaml`).

Intake sheets, case files and medical reports are written this way, and interviews read them
out. The label itself is kept, and it is never taken for a name ("Sexo", "Provincia").
"""

from __future__ import annotations

import re
from functools import lru_cache

from pipeline.redaction.recognizers import Rule, RuleRecognizer
from pipeline.redaction.textutil import loose_alternation
from pipeline.redaction.wordlists import ListSpec, read_lists

FIELD_TYPES = {"person_labels": "PERSON", "id_labels": "ID_NUMBER", "address_labels": "ADDRESS",
               "place_labels": "LOCATION", "postcode_labels": "LOCATION", "date_labels": "DATE",
               "phone_labels": "PHONE_NUMBER", "email_labels": "EMAIL_ADDRESS"}
# any label-like token sequence followed by a colon ends the value before it
NEXT_LABEL = r"[A-ZÁÉÍÓÚÑ][\wºª.]{0,20}(?:\s*/\s*[\wºª.]{1,20}|\s+(?:de\s+)?[\wºª.]{1,20}){0,3}\s*:"


@lru_cache(maxsize=1)
def _labels() -> dict[str, list[str]]:
    return read_lists("form_fields.yaml", [ListSpec(name, phrases=True)
                                           for name in [*FIELD_TYPES, "other_labels"]])


@lru_cache(maxsize=1)
def _all_labels() -> frozenset[str]:
    from pipeline.redaction.textutil import fold

    return frozenset(fold(label).rstrip(".") for names in _labels().values() for label in names)


@lru_cache(maxsize=1)
def _field_regex(name: str) -> re.Pattern:
    labels = loose_alternation(_labels()[name])
    any_label = loose_alternation([label for names in _labels().values() for label in names])
    return re.compile(
        rf"(?i:(?<![\w])(?:{labels})(?:\s*/\s*(?:{any_label}))*)\s*:[ \t]*"
        rf"(?P<value>[^\n:;]+?)(?=\s*(?:\.\s|\.$|;|$|\n|\s{NEXT_LABEL}))", re.MULTILINE)


def form_field_recognizers(language: str) -> list[RuleRecognizer]:
    recognizers = []
    for name, entity in FIELD_TYPES.items():
        def check(match: re.Match, text: str) -> float | None:
            value = match.group("value").strip()
            return 0.85 if len(value) >= 2 and re.search(r"\w", value) else None

        rule = Rule(name, _field_regex(name), 0.85, group="value", validator=check)
        recognizers.append(RuleRecognizer(f"FormField{entity.title().replace('_', '')}",
                                          entity, [rule], language, context=[],
                                          precheck=lambda text: ":" in text))
    return recognizers


def is_form_label(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] lies in a known label right before a colon ("Provincia:",
    "Localidad/ Provincia:", "... 70 años Sexo:"): the last words before the colon, taken
    one, two or three at a time (with "/" joining labels), must be a label of the list."""
    from pipeline.redaction.textutil import fold

    colon = text.find(":", end)
    if colon < 0 or colon - end > 30 or "\n" in text[end:colon]:
        return False
    words = list(re.finditer(r"[\wºª./]+", text[max(0, start - 40):colon]))
    offset = max(0, start - 40)
    for k in range(1, min(4, len(words)) + 1):
        first = words[-k]
        if offset + first.start() > start:
            continue
        phrase = text[offset + first.start():colon]
        parts = [fold(p).strip().rstrip(".") for p in phrase.split("/")]
        if all(p in _all_labels() for p in parts if p) and any(parts):
            return True
    return False


# "ANASTASIO REBOLLEDO CUEVAS", "SALDÍVAR, ROBERTO ANÍBAL": a name in capitals, as read from
# a document; at least two of its words are given names or surnames of the gazetteers
CAPS_NAME = re.compile(r"(?<![\w])[A-ZÁÉÍÓÚÑÜ]{2,}(?:,?\s+(?:DE\s+|DEL\s+|VDA\.\s+DE\s+)?"
                       r"[A-ZÁÉÍÓÚÑÜ]{2,}){1,4}(?![\w])")


def caps_name_recognizer(language: str) -> RuleRecognizer:
    def check(match: re.Match, text: str) -> float | None:
        from pipeline.redaction import gazetteer, lexicon
        from pipeline.redaction.textutil import fold

        words = [fold(w) for w in re.findall(r"[^\W\d_]{2,}", match.group(0))
                 if w not in ("DE", "DEL", "VDA")]
        kept = {fold(w) for w in lexicon.PUBLIC_ACRONYMS + lexicon.INSTITUTIONS
                + lexicon.COUNTRIES}
        if any(w in kept for w in words):
            return None
        given, surnames = gazetteer.given_names(), gazetteer.surnames()
        names = sum(1 for w in words if given.get(w, 10**9) <= 5000 or w in surnames)
        return 0.85 if names >= 2 else None

    caps_pair = re.compile(r"[A-ZÁÉÍÓÚÑÜ]{2,},?\s+[A-ZÁÉÍÓÚÑÜ]{2,}")
    return RuleRecognizer("CapsNameRecognizer", "PERSON",
                          [Rule("caps_name", CAPS_NAME, 0.85, validator=check)], language,
                          context=[], precheck=lambda text: bool(caps_pair.search(text)))
