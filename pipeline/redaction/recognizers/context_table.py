"""Context words of the project recognizers, read once from `lexicon/context_words.yaml`.

The words are data, by recognizer name and language, written as lemmas (Presidio compares
them with the lemmas around a match) in English and Spanish; the file is read and checked
once, the first time a recognizer is built.
"""

from __future__ import annotations

from functools import lru_cache

from pipeline.redaction.wordlists import ALL_LANGUAGES, read_context_words

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
