"""Negation scope: is a piece of evidence negated by a cue before it in the same clause?"""

from __future__ import annotations

from spacy.tokens import Span

from pipeline.coding.codebook import Codebook
from pipeline.coding.keys import Cue, Matches
from pipeline.params import CodingParams
from pipeline.text import fold

CLAUSE_PUNCT = {",", ";", ":", "—", "–", "(", ")", "¿", "?", "!", "¡", ".", '"', "…"}


class Negation:
    """Negation cues and scope breaks of one language."""

    def __init__(self, codebook: Codebook, lang: str, params: CodingParams):
        self.params = params
        self.neg_cues = {fold(c) for c in codebook.negation_cues.get(lang, [])}
        self.breaks = {fold(c) for c in codebook.scope_breaks.get(lang, [])}

    def negated(self, span: Span, exempt: set[int]) -> bool:
        """A negation cue within the window before `span`, in the same clause."""
        sent_start = span.sent.start if span.doc.has_annotation("SENT_START") else 0
        lo = max(sent_start, span.start - self.params.negation_window)
        for i in range(span.start - 1, lo - 1, -1):
            token = span.doc[i]
            if token.text in CLAUSE_PUNCT or token.norm_ in self.breaks:
                return False
            if i in exempt:
                continue
            if token.norm_ in self.neg_cues or token.lemma_ in self.neg_cues:
                return True
        return False


def exempt_tokens(found: Matches) -> set[int]:
    """Tokens of negation exceptions ("no doubt"): negation words there negate nothing."""
    return {i for span in found.get(Cue.NEGATION_EXCEPTION, [])
            for i in range(span.start, span.end)}
