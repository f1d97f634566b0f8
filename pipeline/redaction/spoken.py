"""Personal data said aloud: numbers read out in words, dates in words, e-mails spoken with
"arroba"/"at", names spelled letter by letter. Interviews transcribe what people say:
"tres cinco dos, seis cero uno, ocho ocho" is a phone number, "nueve de marzo del
dieciocho" a date, "ana punto rivas arroba ... punto com" an e-mail.

Number words are data (`lexicon/number_words.yaml`). A run of number words is an identifier
when it is long (at least `MIN_NUMBER_WORDS` words, a few joiners and single letters allowed
between them): ages, counts and prices are said in one to four words.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pipeline.redaction.recognizers import MONTHS_EN, MONTHS_ES, Rule, RuleRecognizer
from pipeline.redaction.textutil import loose_alternation
from pipeline.redaction.wordlists import ListSpec, read_lists

MIN_NUMBER_WORDS = 6
PHONE_CONTEXT = re.compile(r"(?i)\b(?:tel[eé]fono|celular|cel|n[uú]mero|whats\w*|llam\w+|phone|"
                           r"number|cell|call\w*|text\w*)\b[^.\n]{0,60}$")


@lru_cache(maxsize=1)
def _words() -> dict[str, list[str]]:
    return read_lists("number_words.yaml", [ListSpec("numbers_es"), ListSpec("numbers_en"),
                                            ListSpec("ordinals"), ListSpec("joiners")])


@lru_cache(maxsize=1)
def _number_run() -> re.Pattern:
    w = _words()
    number = rf"(?:{loose_alternation(w['numbers_es'] + w['numbers_en'])})"
    joiner = rf"(?:{loose_alternation(w['joiners'])}|[A-Za-z](?![\w']))"
    gap = r"(?:[\s,;:.\-–—…]|\.\.\.)+"
    return re.compile(rf"(?i)(?<![\w])(?:{joiner}{gap})?{number}(?:{gap}(?:{joiner}{gap}){{0,2}}"
                      rf"(?:{number}|[A-Za-z](?![\w'])))+(?![\w])")


def _count_numbers(value: str) -> int:
    w = _words()
    numbers = {x.lower() for x in w["numbers_es"] + w["numbers_en"]}
    from pipeline.redaction.textutil import fold

    folded = {fold(x) for x in numbers}
    return sum(1 for t in re.findall(r"[^\W\d_]+", value) if fold(t) in folded)


@lru_cache(maxsize=1)
def _number_word_set() -> frozenset[str]:
    from pipeline.redaction.textutil import fold

    w = _words()
    return frozenset(fold(x) for x in w["numbers_es"] + w["numbers_en"] + w["ordinals"])


def has_number_words(text: str, at_least: int = 2) -> bool:
    """Cheap test: does the text hold a few number words at all?"""
    from pipeline.redaction.textutil import fold

    numbers = _number_word_set()
    count = 0
    for word in re.findall(r"[^\W\d_]+", text.lower()):
        if word in numbers or fold(word) in numbers:
            count += 1
            if count >= at_least:
                return True
    return False


def number_words_recognizer(language: str) -> list[RuleRecognizer]:
    def check(match: re.Match, text: str) -> float | None:
        return 0.85 if _count_numbers(match.group(0)) >= MIN_NUMBER_WORDS else None

    def is_phone(match: re.Match, text: str) -> float | None:
        if check(match, text) is None:
            return None
        return 0.86 if PHONE_CONTEXT.search(text[max(0, match.start() - 80):match.start()]) \
            else None

    def many(text: str) -> bool:
        return has_number_words(text, MIN_NUMBER_WORDS)

    ids = RuleRecognizer("SpokenNumberRecognizer", "ID_NUMBER",
                         [Rule("number_words", _number_run(), 0.85, validator=check)], language,
                         context=[], precheck=many)
    phones = RuleRecognizer("SpokenPhoneRecognizer", "PHONE_NUMBER",
                            [Rule("phone_words", _number_run(), 0.86, validator=is_phone)],
                            language, context=[], precheck=many)
    return [ids, phones]


@lru_cache(maxsize=1)
def _date_regexes() -> tuple[re.Pattern, ...]:
    w = _words()
    number = rf"(?:{loose_alternation(w['numbers_es'] + w['numbers_en'])})"
    ordinal = rf"(?:{loose_alternation(w['ordinals'])})"
    day = rf"(?:{number}(?:[\s\-]+(?:y\s+)?{number})?|{ordinal}|\d{{1,2}})"
    year_words = rf"(?:{number}(?:[\s\-]+(?:y\s+)?{number}){{0,4}})"
    year = rf"(?:(?:19|20)\d\d|'\d\d|{year_words})"
    es = re.compile(rf"(?i)\b{day}\s+de\s+{MONTHS_ES}(?:\s+(?:de|del)\s+{year})?\b")
    en_day_first = re.compile(rf"(?i)\b(?:the\s+)?{day}\s+of\s+{MONTHS_EN}(?:,?\s+{year})?\b")
    en_month_first = re.compile(rf"\b{MONTHS_EN}\s+(?:the\s+)?(?i:{day})(?:,?\s+(?i:{year}))?\b")
    return es, en_day_first, en_month_first


def date_words_recognizer(language: str) -> RuleRecognizer:
    def check(match: re.Match, text: str) -> float | None:
        # a word day next to a month: "May" alone is a verb, "the fifth" alone no date
        return 0.75 if re.search(r"[^\W\d_]{3,}", match.group(0)) else None

    rules = [Rule(f"date_words_{i}", regex, 0.75, validator=check)
             for i, regex in enumerate(_date_regexes())]
    return _DatesNearMonths("SpokenDateRecognizer", "DATE", rules, language, context=[])


class _DatesNearMonths(RuleRecognizer):
    """Runs the date rules only on a window around each month name (speed)."""

    MONTHS = re.compile(rf"(?i)\b(?:{MONTHS_ES}|{MONTHS_EN})\b")

    def analyze(self, text, entities, nlp_artifacts=None):  # noqa: D102
        results, seen = [], set()
        for month in self.MONTHS.finditer(text):
            start = max(0, month.start() - 80)
            window = text[start:month.end() + 80]
            if not has_number_words(window, 1) and not re.search(r"\d", window):
                continue
            for r in super().analyze(window, entities, nlp_artifacts):
                key = (r.start + start, r.end + start)
                if key not in seen:
                    seen.add(key)
                    r.start, r.end = key
                    results.append(r)
        return results


# "ana punto rivas arroba ejemplo punto org", "lu underscore p at mail dot com"
SPOKEN_EMAIL = re.compile(
    r"(?i)(?<![\w@])[\w.]+(?:\s+(?:punto|dot|guion|gui[oó]n|underscore|gui[oó]n\s+bajo|dash)\s+"
    r"[\w]+)*\s+(?:arroba|at)\s+[\w]+(?:\s+(?:punto|dot)\s+[a-z]{2,10}){1,3}\b")
# "M-A-Y-R-A", "Y.C.H.", "V-A-G-E": letters spelled out or initials
SPELLED = re.compile(r"(?<![\w.\-])(?:[A-ZÁÉÍÓÚÑ][\-.]\s?){2,}[A-ZÁÉÍÓÚÑ]\.?(?![\w\-])")
NOT_SPELLED = frozenset({"EE.UU.", "EE. UU.", "U.S.", "U.S.A.", "U.K.", "A.M.", "P.M.", "D.C.",
                         "S.A.", "S.A.C.", "S.R.L.", "N.N.", "O.K."})


def spoken_recognizers(language: str) -> list[RuleRecognizer]:
    def email_check(match: re.Match, text: str) -> float | None:
        value = match.group(0).lower()
        # "at home dot" is no e-mail: require a spoken dot after the at-word
        return 0.85 if re.search(r"\b(?:arroba|at)\s+\w+\s+(?:punto|dot)\s+"
                                 r"(?:com|org|net|edu|gob|gov|info|[a-z]{2})\b", value) else None

    def spelled_check(match: re.Match, text: str) -> float | None:
        value = match.group(0).strip()
        if value in NOT_SPELLED or value.rstrip(".") + "." in NOT_SPELLED:
            return None
        return 0.85

    emails = RuleRecognizer("SpokenEmailRecognizer", "EMAIL_ADDRESS",
                            [Rule("spoken_email", SPOKEN_EMAIL, 0.85, validator=email_check)],
                            language, context=[],
                            precheck=lambda text: bool(re.search(r"(?i)\b(?:arroba|at)\b",
                                                                 text))
                            and bool(re.search(r"(?i)\b(?:punto|dot)\b", text)))
    spelled = RuleRecognizer("SpelledNameRecognizer", "PERSON",
                             [Rule("spelled", SPELLED, 0.85, validator=spelled_check)],
                             language, context=[])
    return [*number_words_recognizer(language), date_words_recognizer(language), emails,
            spelled]
