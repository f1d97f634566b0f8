"""Presidio's lemma context enhancer, with a token look-up that does not grow with the text.

Presidio finds each result's token by scanning the document's tokens from the start: one
analyzer call is then quadratic in its length (a 2 MB transcript took 13 minutes). The same
look-up done by binary search over the tokens' end offsets gives the same token (the first
whose span reaches past the result's start) in logarithmic time. The error raised when no
token is found does not quote the text. Presidio also deep-copies every result before it
adjusts scores (a tenth of the analysis time); a copy of each result and of the two parts it
changes (metadata and explanation) protects the originals just as well.
"""

from __future__ import annotations

import bisect
import copy

from presidio_analyzer.context_aware_enhancers import LemmaContextAwareEnhancer


class _ShallowCopiedResults(list):
    """Results whose deep copy copies only what the enhancer changes."""

    def __deepcopy__(self, memo):
        copied = []
        for result in self:
            twin = copy.copy(result)
            twin.recognition_metadata = dict(result.recognition_metadata or {})
            if result.analysis_explanation is not None:
                twin.analysis_explanation = copy.copy(result.analysis_explanation)
            copied.append(twin)
        return copied


class FastLemmaContextAwareEnhancer(LemmaContextAwareEnhancer):
    _cache: tuple[int, list[int]] | None = None

    def enhance_using_context(self, text, raw_results, nlp_artifacts, recognizers,
                              context=None):  # noqa: D102
        return super().enhance_using_context(text, _ShallowCopiedResults(raw_results),
                                             nlp_artifacts, recognizers, context)

    @classmethod
    def _ends(cls, tokens, tokens_indices) -> list[int]:
        key = id(tokens_indices)
        if cls._cache is None or cls._cache[0] != key or len(cls._cache[1]) != len(
                tokens_indices):
            cls._cache = (key, [idx + len(tok) for idx, tok in
                                zip(tokens_indices, tokens, strict=True)])
        return cls._cache[1]

    @staticmethod
    def _find_index_of_match_token(word: str, start: int, tokens, tokens_indices) -> int:
        ends = FastLemmaContextAwareEnhancer._ends(tokens, tokens_indices)
        i = bisect.bisect_right(ends, start)
        # Presidio also accepts a token that starts exactly at `start` (a zero-length token)
        j = bisect.bisect_left(tokens_indices, start)
        if j < len(tokens_indices) and tokens_indices[j] == start and j < i:
            i = j
        if i >= len(ends):
            raise ValueError("a recognised span has no token in the analysed text")
        return i
