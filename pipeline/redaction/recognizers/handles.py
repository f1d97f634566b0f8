"""HandleRecognizer: social-media user names, with or without the @."""

from __future__ import annotations

import re

from pipeline.redaction.recognizers.base import Rule, RuleRecognizer

RULES = (Rule("handle", re.compile(r"(?<![\w.@])@[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?"
                                   r"(?![\w@]|\.[A-Za-z]{2,})"), 0.85),
         # no @, but written as only usernames are: "maria_lp93", "la.flaca_07"
         Rule("bare_handle", re.compile(r"(?<![\w.@/])(?=[\w.]*[A-Za-z])[A-Za-z0-9]+(?:[._][A-Za-z0-9]+)*"
                                        r"_[A-Za-z0-9_.]*[A-Za-z0-9](?![\w@]|\.[A-Za-z]{2,})"), 0.8))


class HandleRecognizer(RuleRecognizer):
    """'@maria.lp', 'maria_lp93' (HANDLE)."""

    def __init__(self, language: str):
        super().__init__("HandleRecognizer", "HANDLE", list(RULES), language)


def handle_recognizer(language: str) -> RuleRecognizer:
    return HandleRecognizer(language)
