"""DateRecognizerLatam: dates written in Spanish, English or digits."""

from __future__ import annotations

import re

from pipeline.redaction.recognizers.base import Rule, RuleRecognizer

MONTHS_ES = r"(?:enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre)"
MONTHS_EN = (r"(?:January|February|March|April|May|June|July|August|September|October|November|"
             r"December|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)")

_YEAR = r"(?:19|20)\d\d"
_ORDINAL = r"\d{1,2}(?:st|nd|rd|th|º|°|ro)?"


def _check_en(match: re.Match, text: str) -> float | None:
    value = match.group(0)
    # "May" and "March" as words: need a day or year next to them
    if re.fullmatch(r"(?:the\s+)?\d{1,2}(?:st|nd|rd|th)?", value):
        return None
    return 0.7


RULES = (
    Rule("date_es", re.compile(rf"\b(?:(?:primero|\d{{1,2}})(?:º|°)?\s+de\s+{MONTHS_ES}"
                               rf"(?:\s+(?:de|del)\s+(?:{_YEAR}|'\d\d))?"
                               rf"|{MONTHS_ES}\s+(?:de|del)\s+{_YEAR})\b", re.IGNORECASE),
         0.7),
    Rule("date_en", re.compile(rf"\b(?:(?:the\s+)?{_ORDINAL}\s+(?:of\s+)?{MONTHS_EN}(?:,?\s+{_YEAR})?"
                               rf"|{MONTHS_EN}\s+(?:the\s+)?{_ORDINAL}(?:,?\s+{_YEAR})?(?![\d:])"
                               rf"|{MONTHS_EN},?\s+{_YEAR})\b"), 0.7, validator=_check_en),
    Rule("date_numeric", re.compile(r"(?<![\w/.-])(?:\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})"
                                    r"|\d{4}-\d{2}-\d{2})(?![\w/-]|\.\d)"), 0.65),
)


class DateRecognizerLatam(RuleRecognizer):
    """'3 de mayo de 1998', 'May 3rd, 1998', '03/05/1998' (DATE)."""

    def __init__(self, language: str):
        super().__init__("DateRecognizerLatam", "DATE", list(RULES), language)


def date_recognizer(language: str) -> RuleRecognizer:
    return DateRecognizerLatam(language)
