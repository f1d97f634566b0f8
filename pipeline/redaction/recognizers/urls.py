"""Presidio's URL recognizer, run only on the stretches of text where a URL can be.

Presidio's `UrlRecognizer` tries its patterns at every position of the text; its schema-less
pattern (`[a-z0-9.\\-]{1,253}` then a dot and one of ~600 top-level domains) made it the
slowest of Presidio's recognizers here (about 0.8 µs per character). Every one of its
patterns needs a dot followed by a letter (the top-level domain), and none can match across
white space (no white space in a host or a path; the quoted forms quote the URL itself) nor
looks outside its match (no anchors, no look-around). So the patterns run only on the
white-space-free stretches of text that hold a dot followed by a letter, with the same
regular-expression engine and flags, and the matches are moved to where the stretch sits in
the text: the same results (a property test compares them), several times faster.
"""

from __future__ import annotations

import regex
from presidio_analyzer.predefined_recognizers import UrlRecognizer

# A maximal stretch of non-white-space characters (`regex`'s own \s, the one the URL
# patterns' paths stop at) that holds a dot followed by a letter; compiled with the flags the
# patterns run with (case-insensitive: the same letters count as a letter).
_STRETCH = r"\S*\.[a-z]\S*"


class StretchUrlRecognizer(UrlRecognizer):
    """`UrlRecognizer`, same name and results, run on the stretches that can hold a URL."""

    def __init__(self, supported_language: str, context: list[str]):
        super().__init__(supported_language=supported_language, context=context,
                         name="UrlRecognizer")
        self._stretches: dict[int, regex.Pattern] = {}

    def analyze(self, text, entities, nlp_artifacts=None, regex_flags=None):
        flags = regex_flags or self.global_regex_flags
        if flags not in self._stretches:
            self._stretches[flags] = regex.compile(_STRETCH, flags)
        results = []
        for stretch in self._stretches[flags].finditer(text):
            offset = stretch.start()
            for result in super().analyze(stretch.group(), entities, nlp_artifacts,
                                          regex_flags):
                result.start += offset
                result.end += offset
                results.append(result)
        # Presidio's own order: highest score first, then by position, longest first
        return sorted(results, key=lambda r: (-r.score, r.start, -(r.end - r.start)))
