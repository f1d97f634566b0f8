"""PlaceRecognizer: a capitalised name after a preposition of place ('de Oberá',
'in Chaparral')."""

from __future__ import annotations

import re

from pipeline.redaction import lexicon
from pipeline.redaction.recognizers.base import Rule, RuleRecognizer
from pipeline.redaction.recognizers.patterns import NAME_SEQ
from pipeline.redaction.recognizers.wordsets import (
    allowed_place_words,
    blocked_after_title,
    hard_words,
    name_tokens,
)
from pipeline.redaction.textutil import fold

PREPOSITIONS = (r"de|desde|en|hasta|a|para|por|hacia|cerca\s+de|from|in|to|near|around|"
                r"outside|into|towards|toward|at")
# in English "a" is the article ("a Catholic group"), not the Spanish preposition
PREPOSITIONS_EN = (r"de|desde|en|hasta|para|por|hacia|cerca\s+de|from|in|to|near|around|"
                   r"outside|into|towards|toward|at")


class PlaceRecognizer(RuleRecognizer):
    """A capitalised name after a preposition of place ('de Oberá', 'in Chaparral')."""

    def __init__(self, language: str):
        article = r"(?:(?:el|la|los|las|El|La|Los|Las)\s+)?" if language == "es" else ""
        prepositions = PREPOSITIONS if language == "es" else PREPOSITIONS_EN
        regex = re.compile(rf"(?i:\b(?:{prepositions}))\s+{article}({NAME_SEQ})(?![\w])")
        self.months_days = {fold(w) for w in lexicon.MONTHS + lexicon.DAYS}
        super().__init__("PlaceRecognizer", "LOCATION",
                         [Rule("place_after_preposition", regex, 0.6, group=1,
                               validator=self.check)],
                         language)

    def check(self, match: re.Match, text: str) -> float | None:
        tokens = name_tokens(match.group(1))
        if len(tokens) == 1:
            blocked = blocked_after_title() | allowed_place_words() | self.months_days
        else:  # "Santo Domingo", "Madre de Dios": only institution and country words block
            blocked = hard_words()
        if not tokens or all(t in blocked for t in tokens):
            return None
        if match.group(1).isupper():
            return None
        return 0.6


def place_recognizer(language: str) -> RuleRecognizer:
    """A capitalised name after a preposition of place ('de Oberá', 'in Chaparral')."""
    return PlaceRecognizer(language)
