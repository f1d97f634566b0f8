"""Filters on found names: edge words trimmed, allow-listed words kept, noise from the NER
dropped, names with apostrophes kept whole."""

from __future__ import annotations

import re
from functools import lru_cache

from pipeline.redaction import lexicon
from pipeline.redaction.entities import (
    ACRONYM,
    EDGE_WORDS,
    NAMED_TYPES,
    STRONG_RECOGNIZERS,
    UNTRIMMED_RECOGNIZERS,
)
from pipeline.redaction.spans import Span
from pipeline.redaction.textutil import fold, has_upper, is_sentence_initial

_APOSTROPHE_TAIL = re.compile(r"^[’'ʼ`´‘]\w+")
_APOSTROPHE_HEAD = re.compile(r"\b\w{1,3}[’'ʼ`´‘]$")
# "... Virgen" + "de la Salud": a name the NER model cut before its "de" part
_DE_TAIL = re.compile(r"\s+(?:de|del)(?:\s+(?:la|las|los))?\s+([A-ZÁÉÍÓÚÑ][a-záéíóúñü]+)(?!\w)")


@lru_cache(maxsize=1)
def _not_a_tail() -> frozenset[str]:
    """Words after "de" that do not continue a name: countries, nationalities, months, days."""
    return frozenset(fold(w) for w in lexicon.COUNTRIES + lexicon.NATIONALITIES + lexicon.MONTHS
                     + lexicon.DAYS)


# initials before a surname: "A. Gómez", "H.İ. Er", "E.-L. Kiiski" (not "U.S." or "EE.UU.")
_INITIALS = re.compile(r"(?<![\w.])(?:[A-ZÁÉÍÓÚÑİ]\.[ -]?-?){1,3}\s?$")
_COUNTRY_INITIALS = frozenset({"US", "UK", "EU", "UN", "USA", "EEUU", "UE", "ONU"})


def whole_name(text: str, span: Span) -> Span:
    """Extend a name over an apostrophe joined to it: "O’Brien", "D'Angelo", "N’Dour", and a
    person's name over the initials before it ("Mr A. [Gask]" -> "Mr [A. Gask]"), and a
    name the NER model cut before its "de" part over that part ("[Virgen] de la Salud").

    Without this, a name recogniser that stops at "O" leaves "’Brien" in the text.
    """
    if span.type not in NAMED_TYPES:
        return span
    start, end = span.start, span.end
    tail = _APOSTROPHE_TAIL.match(text[end:])
    if tail and end > start and text[end - 1].isalpha() and tail.group()[1:].lower() != "s":
        end += tail.end()
    head = _APOSTROPHE_HEAD.search(text[max(0, start - 4):start])
    if head and start < len(text) and text[start].isalpha():
        start = max(0, start - 4) + head.start()
    if span.recognizer == "SpacyRecognizer":
        tail = _DE_TAIL.match(text, end)
        if tail and fold(tail.group(1)) not in _not_a_tail():
            end = tail.end()
    if span.type == "PERSON" and start < len(text) and text[start].isupper():
        initials = _INITIALS.search(text[max(0, start - 12):start])
        if initials and re.sub(r"\W", "", initials.group()) not in _COUNTRY_INITIALS:
            start = max(0, start - 12) + initials.start()
    if (start, end) == (span.start, span.end):
        return span
    return Span(start, end, span.type, span.score, span.recognizer)


def _doubtful_ner(doc, text: str, start: int, end: int) -> bool:
    """A sentence-initial NER hit with no proper noun in it ("Estuve", "¿Sabe") is noise."""
    if not is_sentence_initial(text, start):
        return False
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return False
    if len(span) == 1 and span[0].lemma_ and span[0].lemma_.lower() != span[0].text.lower():
        return True  # an inflected word ("Anda" -> andar) is not a name
    return not any(token.pos_ == "PROPN" or token.tag_ in ("NNP", "NNPS") for token in span)


@lru_cache(maxsize=1)
def _titles() -> frozenset[str]:
    return frozenset(fold(t) for t in lexicon.TITLES)


@lru_cache(maxsize=1)
def _interjections() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS as EN_STOP
    from spacy.lang.es.stop_words import STOP_WORDS as ES_STOP

    words = set(EN_STOP) | set(ES_STOP) | set(lexicon.INTERJECTIONS)
    return frozenset(fold(w) for w in words)


class AllowList:
    """Words and phrases that keep their meaning: never redacted when they stand alone.

    Trap words (esperanza, paz, rosa, hope...) are kept as words but not when capitalised in
    the middle of a sentence; nationalities ("la Gringa", "el Chino") can be nicknames after
    a title or an article. Entries the user lists in params.yaml always apply.
    """

    def __init__(self, builtin: tuple[str, ...], user: tuple[str, ...]):
        fold_all = lambda items: frozenset(fold(e).strip() for e in items if e.strip())  # noqa: E731
        self.user = fold_all(user)
        self.trap = fold_all(lexicon.TRAP_WORDS) - self.user
        # Spanish nationality words are nicknames when capitalised ("la Gringa", "el Chino")
        spanish_nat = [w for w in lexicon.NATIONALITIES
                       if not re.search(r"(an|ese|ish|ic|ine|ean)$", w)
                       and w not in lexicon.COUNTRIES and w not in lexicon.LANGUAGES]
        self.soft = (fold_all(spanish_nat) | self.trap) - self.user
        self.entries = fold_all(builtin) | self.user
        self.words = frozenset(e for e in self.entries if " " not in e)
        self.months_days = fold_all(lexicon.MONTHS_ES + lexicon.DAYS_ES) - self.user
        self.hard = fold_all(lexicon.INSTITUTIONS + lexicon.COUNTRIES + lexicon.NATIONALITIES
                             + lexicon.TITLES) | frozenset(e for e in self.user if " " not in e)

    def edge(self, folded_word: str) -> bool:
        """Trimmed from the edges of a name: 'Fiscalía de [Puno]', 'señora [Julia]'."""
        return folded_word in self.hard and folded_word not in self.soft

    def always(self, folded: str) -> bool:
        return folded in self.entries and folded not in self.soft

    def blocks(self, folded: str, text: str, start: int, language: str = "en") -> bool:
        soft = self.trap | (self.months_days if language == "es" else frozenset())
        if language != "es" and folded in self.months_days and folded not in self.user:
            return False  # "Julio", "Abril" in English text are names
        if folded not in self.entries:
            tokens = folded.split()
            # every token an institution or place word ("Fiscalía Especializada", "Cruz Roja");
            # "Santo Domingo" is not, though each word alone is allowed
            return bool(tokens) and all(t in self.hard for t in tokens)
        if folded in soft or folded in self.soft:
            # "esperanza" as a word is kept; a capitalised trap word mid-sentence is a name
            # (so is a capitalised month in Spanish: "la Abril")
            return not text[start].isupper() or is_sentence_initial(text, start)
        return True


def _known_place(folded: str) -> bool:
    from pipeline.redaction import gazetteer

    return folded in gazetteer.places() or folded in _colloquial_places()


@lru_cache(maxsize=1)
def _colloquial_places() -> frozenset[str]:
    return frozenset(fold(p) for p in lexicon.COLLOQUIAL_PLACES)


def _ordinary_word(value: str, language: str) -> bool:
    """A common word of the language that no name or place gazetteer knows."""
    from pipeline.redaction import gazetteer

    lower, folded = value.lower(), fold(value)
    return (gazetteer.word_zipf(lower, "es" if language == "es" else "en") >= 3.0
            and folded not in gazetteer.given_names() and folded not in gazetteer.surnames()
            and folded not in gazetteer.places())


def _lowercase_words(texts: list[str]) -> frozenset[str]:
    words: set[str] = set()
    for text in texts:
        words.update(fold(w) for w in re.findall(r"(?<![\w])[a-záéíóúñü]{3,}(?![\w])", text))
    return frozenset(words)


def clean_span(text: str, span: Span, allow: AllowList, language: str = "en"
               ) -> Span | None:
    """Trim titles/articles/allowed words at the edges of names; apply the allow-list."""
    if span.type not in NAMED_TYPES or span.recognizer in ("deny_list", "known_identifier"):
        return span
    if span.recognizer in UNTRIMMED_RECOGNIZERS:
        # whole gazetteer entries ("Madre de Dios"), "barrio Cuba", "zona 15", "el Defe"
        return None if allow.always(fold(text[span.start:span.end])) else span
    start, end = span.start, span.end
    # trim edge tokens that are articles, titles or allowed words
    while True:
        m = re.match(r"\s*([\w'’.]+)\s*", text[start:end])
        if not m or m.end() >= end - start:
            break
        word = fold(m.group(1).rstrip("."))
        if (word in EDGE_WORDS or word in _titles() or word in _interjections()
                or allow.edge(word)):
            start += m.end()
            continue
        break
    while True:
        m = re.search(r"\s*([\w'’.]+)\s*$", text[start:end])
        if not m or m.start() == 0:
            break
        word = fold(m.group(1).rstrip("."))
        if word in EDGE_WORDS or allow.edge(word):
            end = start + m.start()
            continue
        break
    value = text[start:end].strip(" \n\t.,;:")
    if not value:
        return None
    start = text.index(value, start)
    end = start + len(value)
    folded = re.sub(r"['’]s\b", "", fold(value))  # "God's" is checked as "god"
    strong = span.recognizer in STRONG_RECOGNIZERS
    if "\n" in value:
        return None
    tokens = folded.split()
    if len(tokens) == 1 and (tokens[0] in _titles() or tokens[0] in EDGE_WORDS):
        return None
    if not strong:
        if not has_upper(value):
            return None
        if (ACRONYM.fullmatch(value) and span.recognizer != "BusinessNameRecognizer"
                and not (span.type == "LOCATION"
                         and (len(value) < 3 or _known_place(folded)))):
            # "SENAF", "DINAPEN", "MIES": acronyms in testimony name public bodies; a place's
            # own abbreviation ("CABA", "CDMX") and two capitals the NER model took for a
            # place (a city's initials) are still places
            return None
        if len(tokens) == 1 and (tokens[0] in _interjections() or len(tokens[0]) < 2):
            return None
        if allow.blocks(folded, text, start, language):
            return None
    elif allow.always(folded):
        return None
    return Span(start, end, span.type, span.score, span.recognizer)
