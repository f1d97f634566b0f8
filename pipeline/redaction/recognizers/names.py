"""Person-name recognizers: a name after a title or trigger word, a nickname, a capitalised
word in Spanish, and a name the name lexicon knows."""

from __future__ import annotations

import re

from pipeline.redaction import lexicon
from pipeline.redaction.recognizers.base import Rule, RuleRecognizer
from pipeline.redaction.recognizers.patterns import CAP, CONNECT, LOW, NAME_SEQ, UP
from pipeline.redaction.recognizers.wordsets import name_tokens, no_place_words
from pipeline.redaction.textutil import fold, is_sentence_initial


class TitleNameRecognizer(RuleRecognizer):
    """A name after a title ('doña Rosa', 'Dr. Quispe') or a word that introduces one
    ('se llama Juan'), or a known given name in lower case after such a word (PERSON)."""

    def __init__(self, language: str):
        abbrev = sorted({re.escape(t) for t in lexicon.TITLE_ABBREVIATIONS}, key=len, reverse=True)
        titles = sorted({re.escape(t) for t in lexicon.TITLES} - set(abbrev), key=len, reverse=True)
        # initials may stand between the title and the name: "Dra. M. Quispe", "Mr H.İ. Er"
        initials = rf"(?:[{UP}İ]\.[ -]?-?){{1,3}}[ \t]?"
        regex = re.compile(rf"(?i:\b(?:(?:{'|'.join(abbrev)})\.?|(?:{'|'.join(titles)})))[ \t]+"
                           rf"((?:{initials})?{NAME_SEQ})")
        triggers = sorted({re.escape(t).replace(r"\ ", r"\s+") for t in
                           lexicon.NAME_TRIGGERS_ES + lexicon.NAME_TRIGGERS_EN}, key=len, reverse=True)
        trigger_regex = re.compile(rf"(?i:\b(?:{'|'.join(triggers)}))\s+(?:(?i:el|la|the)\s+)?({NAME_SEQ})")
        lower_regex = re.compile(rf"(?i:\b(?:{'|'.join(triggers)}))\s+([{LOW}]+(?:\s+[{LOW}]+)?)\b")
        rules = [Rule("title_name", regex, 0.85, group=1, validator=self.check),
                 Rule("trigger_name", trigger_regex, 0.85, group=1, validator=self.check),
                 Rule("trigger_lower", lower_regex, 0.7, group=1, validator=self.check_lower)]
        super().__init__("TitleNameRecognizer", "PERSON", rules, language)

    @staticmethod
    def check(match: re.Match, text: str) -> float | None:
        tokens = [t for t in name_tokens(match.group(1)) if not t.endswith(".")]
        return 0.85 if no_place_words(tokens) else None

    @staticmethod
    def check_lower(match: re.Match, text: str) -> float | None:
        given, surnames = lexicon.name_lexicon()
        tokens = fold(match.group(1)).split()
        return 0.7 if tokens and tokens[0] in given else None


NICKNAME = re.compile(rf"\b(?:[Ee]l|[Ll]a)\s+({CAP})\b(?!\s+(?:de|del)\s+[{UP}])")


class NicknameRecognizer(RuleRecognizer):
    """'la Flaca', 'el Chino', 'la Abril' (Spanish capitalises no common noun or month)."""

    def __init__(self, language: str):
        self.blocked = frozenset(fold(w) for w in lexicon.COUNTRIES + lexicon.INSTITUTIONS
                                 + lexicon.RELIGIOUS + lexicon.NOT_NICKNAMES + lexicon.HOLIDAYS)
        nick_words = "|".join(sorted({re.escape(w.capitalize()) for w in lexicon.NICKNAME_WORDS}))
        the_regex = re.compile(rf"\b[Tt]he\s+({nick_words})\b")
        super().__init__("NicknameRecognizer", "PERSON",
                         [Rule("nickname", NICKNAME, 0.6, group=1, validator=self.check),
                          Rule("the_nickname", the_regex, 0.6, group=1)], language)

    def check(self, match: re.Match, text: str) -> float | None:
        word = fold(match.group(1))
        if word in self.blocked or len(word) < 3:
            return None
        return 0.6


PROPER_NOUN = re.compile(rf"(?<![\w@#/.])({NAME_SEQ})(?![\w@])")


class SpanishProperNounRecognizer(RuleRecognizer):
    """Spanish capitalises proper nouns only: a capitalised word mid-sentence is a name."""

    def __init__(self, language: str):
        self.blocked = frozenset(fold(w) for w in lexicon.COUNTRIES + lexicon.NATIONALITIES
                                 + lexicon.INSTITUTIONS + lexicon.RELIGIOUS + lexicon.TITLES
                                 + lexicon.HOLIDAYS + lexicon.MONTHS_EN + lexicon.DAYS_EN)
        super().__init__("SpanishProperNounRecognizer", "PERSON",
                         [Rule("proper_noun", PROPER_NOUN, 0.55, group=1, validator=self.check)],
                         language)

    def check(self, match: re.Match, text: str) -> float | None:
        if is_sentence_initial(text, match.start(1)):
            return None
        tokens = name_tokens(match.group(1))
        if not tokens or all(t in self.blocked for t in tokens):
            return None
        return 0.55


LEXICON_SEQ = re.compile(rf"(?<![\w@])({CAP}(?:\s+(?:{CONNECT}\s+)?{CAP}){{0,3}})(?![\w@])")
LOWER_PAIR = re.compile(rf"(?<![\w@])(?=([{LOW}]{{3,}}\s+[{LOW}]{{3,}})(?![\w@]))")


class LexiconNameRecognizer(RuleRecognizer):
    """Capitalised word sequences with a known given name or surname (incl. indigenous)."""

    def __init__(self, language: str):
        self.language = language
        rules = [Rule("lexicon_name", LEXICON_SEQ, 0.6, group=1, validator=self.check),
                 Rule("lexicon_lower_pair", LOWER_PAIR, 0.6, group=1, validator=self.check_lower)]
        super().__init__("LexiconNameRecognizer", "PERSON", rules, language)

    def check(self, match: re.Match, text: str) -> float | None:
        given, surnames = lexicon.name_lexicon()
        common = lexicon.common_words(self.language)
        tokens = name_tokens(match.group(1))
        known = [t for t in tokens if (t in given or t in surnames) and t not in common]
        if not known:
            return None
        if len(tokens) >= 2:
            return 0.7
        if is_sentence_initial(text, match.start(1)):
            return 0.55 if tokens[0] in given else None
        return 0.6

    @staticmethod
    def check_lower(match: re.Match, text: str) -> float | None:
        given, surnames = lexicon.name_lexicon()
        first, second = fold(match.group(1)).split()
        return 0.6 if first in given and second in surnames else None


def title_name_recognizer(language: str) -> RuleRecognizer:
    return TitleNameRecognizer(language)


def nickname_recognizer(language: str) -> RuleRecognizer:
    return NicknameRecognizer(language)


def spanish_proper_noun_recognizer(language: str) -> RuleRecognizer:
    return SpanishProperNounRecognizer(language)


def lexicon_name_recognizer(language: str) -> RuleRecognizer:
    return LexiconNameRecognizer(language)
