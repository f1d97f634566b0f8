"""Valence of care evidence: the polarity, contrast and concession cues around it."""

from __future__ import annotations

from spacy.tokens import Span

from pipeline.coding.keys import VALENCE_CUES, Cue, Matches, evidence
from pipeline.coding.negation import Negation
from pipeline.params import CodingParams


class ValenceReader:
    """Reads the valence cues of one language's matches (`care_keys`: rule keys of care
    evidence that carries valence)."""

    def __init__(self, params: CodingParams, negation: Negation, care_keys: tuple[str, ...]):
        self.params = params
        self.negation = negation
        self.care_keys = care_keys

    def span_valence(self, span: Span, negated: bool, found: Matches,
                     exempt: set[int]) -> str:
        """Valence of one piece of care evidence from the polarity cues around it.

        Scope: the evidence sentence, extended over the next sentences of the turn (at most
        `coding.valence_lookahead`) while no cue has been found. A negated positive cue counts
        as negative ("nobody listened"); a lack (negated evidence) counts as negative. When a
        contrast ("but", "pero") separates cues of both polarities the appraisal is mixed,
        unless a concession opener ("at first", "al principio") marks the first part as
        superseded, in which case only what follows the contrast counts. An explicitly
        ambivalent phrase ("yes and no") in the sentence makes it mixed. Then the discourse
        that follows (`coding.valence_followup` more sentences of the turn, up to evidence of
        another care topic) is read: a judgement of the other polarity there ("then the
        programme ended and nothing") turns a one-sided appraisal into a mixed one, unless
        the evidence sentence itself praises the service (a positive cue outside the evidence
        words).
        """
        doc = span.doc
        lo, hi = span.sent.start, span.sent.end
        for _ in range(self.params.valence_lookahead):
            if hi >= len(doc) or self._has_cue(found, lo, hi):
                break
            hi = doc[hi].sent.end
        if any(lo <= c.start < hi for c in found.get(Cue.MIXED, [])):
            return "mixed"
        valence = self.window_valence(lo, hi, negated, found, exempt)
        if valence == "negative" and not negated and hi < len(doc):
            valence = self._superseded(doc[hi].sent, lo, hi, valence, found, exempt)
        if valence == "mixed" or not self.params.valence_followup:
            return valence
        own_pos, _ = self._polarity_counts(span.sent.start, span.sent.end, found, exempt,
                                           skip=span)
        if valence == "positive" and own_pos:  # praise in the evidence sentence itself stands
            return valence
        f_lo = f_hi = hi
        for _ in range(self.params.valence_followup):
            if f_hi >= len(doc):
                break
            nxt = doc[f_hi].sent
            if self._other_topic(span, found, nxt.start, nxt.end):
                break
            f_hi = nxt.end
        if f_hi == f_lo:
            return valence
        pos, neg = self._polarity_counts(f_lo, f_hi, found, exempt)
        if valence == "positive" and neg > pos:
            return "mixed"
        return valence

    def _superseded(self, nxt: Span, lo: int, hi: int, valence: str,
                    found: Matches, exempt: set[int]) -> str:
        """A first impression the next sentence overrides: "At first I hated it, the rules.
        But the people were good." (a concession opener in the window, a next sentence that
        opens with a contrast and is positive) -> the next sentence's valence."""
        if not any(lo <= c.start < hi for c in found.get(Cue.CONCESSION, [])):
            return valence
        if not any(nxt.start <= c.start <= nxt.start + 1 for c in found.get(Cue.CONTRAST, [])):
            return valence
        pos, neg = self._polarity_counts(nxt.start, nxt.end, found, exempt)
        return "positive" if pos > neg else valence

    def _other_topic(self, span: Span, found: Matches, lo: int, hi: int) -> bool:
        """Evidence of another care code between tokens lo and hi (the topic has moved on)."""
        code = None
        for key in self.care_keys:
            if any(s.start == span.start and s.end == span.end
                   for s in found.get(evidence(key), [])):
                code = key.split("/", 1)[0]
                break
        return any(lo <= s.start < hi for key in self.care_keys
                   if key.split("/", 1)[0] != code for s in found.get(evidence(key), []))

    def _polarity_counts(self, lo: int, hi: int, found: Matches,
                         exempt: set[int], strong: bool = False,
                         skip: Span | None = None) -> tuple[int, int]:
        """Positive and negative cues between tokens lo and hi; `strong` skips cues that are
        a bare negation word ("never", "nadie"), too vague away from the evidence; cues
        overlapping `skip` (the evidence itself: "safe house") are not counted."""
        counts = [0, 0]
        for polarity, key in enumerate(VALENCE_CUES):
            for cue in found.get(key, []):
                if strong and all(t.norm_ in self.negation.neg_cues for t in cue):
                    continue
                if skip is not None and cue.start < skip.end and skip.start < cue.end:
                    continue
                if lo <= cue.start < hi:
                    counts[1 if polarity == 0 and self.negation.negated(cue, exempt)
                           else polarity] += 1
        return counts[0], counts[1]

    def window_valence(self, lo: int, hi: int, negated: bool, found: Matches,
                       exempt: set[int]) -> str:
        """Valence of the cues between tokens lo and hi (see `span_valence`)."""
        contrasts = [c.start for c in found.get(Cue.CONTRAST, []) if lo <= c.start < hi]
        concessions = [c.start for c in found.get(Cue.CONCESSION, []) if lo <= c.start < hi]
        cut = lo
        if contrasts and concessions:  # "at first I hated it, but the people were good"
            later = [c for c in contrasts if c > min(concessions)]
            if later:
                cut = later[0]
        before = [0, 0]
        after = [0, 0]
        split = contrasts[0] if contrasts and cut == lo else None
        for polarity, key in enumerate(VALENCE_CUES):  # 0 positive, 1 negative
            for cue in found.get(key, []):
                if not cut <= cue.start < hi:
                    continue
                side = before if split is None or cue.start < split else after
                if polarity == 0 and self.negation.negated(cue, exempt):
                    side[1] += 1
                else:
                    side[polarity] += 1
        pos, neg = before[0] + after[0], before[1] + after[1]
        if negated:
            neg += 2
        if split is not None and not negated and pos and neg and (
                (before[0] and after[1]) or (before[1] and after[0])):
            return "mixed"  # "it was free, but it did not fit me"
        if pos and neg:
            return "mixed" if min(pos, neg) / (pos + neg) >= 0.34 else (
                "positive" if pos > neg else "negative")
        return "positive" if pos else "negative" if neg else ""

    @staticmethod
    def _has_cue(found: Matches, lo: int, hi: int) -> bool:
        return any(lo <= c.start < hi for k in VALENCE_CUES for c in found.get(k, []))
