"""Code one language's participant turns: matched evidence, filtered by rule, into rows.

Only participant turns produce codings; the interviewer's question is used only as context
for `within: exchange` rules and for the valence of answers.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span

from pipeline.coding.aggregate import ANSWER_RULE
from pipeline.coding.codebook import Codebook
from pipeline.coding.compile import CompiledRule, CompiledRules
from pipeline.coding.keys import Cue, Matches, evidence, unless, with_
from pipeline.coding.match import TurnDoc, find, prepare
from pipeline.coding.negation import Negation, exempt_tokens
from pipeline.coding.valence import ValenceReader
from pipeline.params import CodingParams

NEAR_SENTENCES = 2  # `within: near`: the evidence sentence and up to 2 sentences either side


class LanguageCoder(CompiledRules):
    """Compiled rules and cues for one language, and the coding of its turns."""

    def __init__(self, codebook: Codebook, lang: str, nlp, params: CodingParams):
        self.params = params
        self.negation = Negation(codebook, lang, params)
        super().__init__(codebook, lang, nlp)
        self.valence_reader = ValenceReader(params, self.negation, self.care_keys)

    # ---------------------------------------------------------------- doc preparation
    def prepare(self, doc: Doc) -> Doc:
        return prepare(doc)

    def find(self, doc: Doc) -> Matches:
        return find(self, doc)

    def negated(self, span: Span, exempt: set[int]) -> bool:
        return self.negation.negated(span, exempt)

    def answer_rows(self, turn: TurnDoc) -> list[dict]:
        """Valence-only evidence: the reply to an interviewer question about a service.

        "How was the shelter?" - "Some things good, some things not..." says how the shelter
        was without naming it. The question alone never codes: these rows only add a valence
        vote to a care code the participant's own words already evidence (see
        `participant_codes`); rule id `<CODE>/<lang>/answer`.
        """
        if turn.context is None or not self.params.answer_valence:
            return []
        ctx_exempt = exempt_tokens(turn.context_matches)
        codes = sorted({key.split("/", 1)[0] for key in self.care_keys
                        for span in turn.context_matches.get(evidence(key), [])
                        if not self.negated(span, ctx_exempt)})
        if not codes or len(codes) > 1:  # a question on several services: no single topic
            return []
        doc = turn.doc
        found = turn.matches
        exempt = exempt_tokens(found)
        sents = list(doc.sents) if doc.has_annotation("SENT_START") else [doc[:]]
        if not sents:
            return []
        first = sents[0]
        # the reply, up to where the participant starts talking about another care topic
        hi = first.end
        for sent in sents[1:]:
            if any(sent.start <= s.start < sent.end for key in self.care_keys
                   if key.split("/", 1)[0] != codes[0] for s in found.get(evidence(key), [])):
                break
            hi = sent.end
        if any(c.start < hi for c in found.get(Cue.MIXED, [])):
            valence = "mixed"
        else:
            valence = self.valence_reader.window_valence(0, hi, False, found, exempt)
        if not valence:
            return []
        code = next(c for c in self.rules if c.code == codes[0])
        compiled = CompiledRule(code.code, code.family, True, code.rule,
                                f"{code.code}/{self.lang}/{ANSWER_RULE}")
        return [self._row(turn, compiled, first, False, valence)]

    # ---------------------------------------------------------------- coding
    def code_turn(self, turn: TurnDoc) -> list[dict]:
        found = turn.matches
        exempt = exempt_tokens(found)
        rows: list[dict] = []
        for compiled in self.rules:
            rule = compiled.rule
            for span in found.get(evidence(compiled.key), []):
                neg = self.negated(span, exempt)
                if rule.negation == "drop" and neg:
                    continue
                if rule.negation == "require" and not neg:
                    continue
                if rule.unless and any(u.sent == span.sent
                                       for u in found.get(unless(compiled.key), [])):
                    continue
                if rule.with_ is not None and not self._with_ok(compiled, span, turn, exempt):
                    continue
                lacking = neg and rule.negation == "keep"
                valence = ""
                if compiled.valence and rule.valence:
                    valence = self.valence_reader.span_valence(span, lacking, found, exempt)
                    if not valence and rule.polarity:  # the wording itself is the judgement
                        valence = "negative" if lacking else rule.polarity

                rows.append(self._row(turn, compiled, span, lacking, valence))
        return rows + self.answer_rows(turn)

    def _with_ok(self, compiled: CompiledRule, span: Span, turn: TurnDoc, exempt: set[int]) -> bool:
        key = with_(compiled.key)
        candidates = turn.matches.get(key, [])
        within = compiled.rule.within
        for other in candidates:
            if within == "sentence" and other.sent != span.sent:
                continue
            if within == "near" and not _near(span, other):
                continue
            if not self.negated(other, exempt) or compiled.rule.negation != "drop":
                return True
        if within == "exchange" and turn.context is not None:
            ctx_exempt = exempt_tokens(turn.context_matches)
            return any(not self.negated(o, ctx_exempt) for o in turn.context_matches.get(key, []))
        return False

    def _row(self, turn: TurnDoc, compiled: CompiledRule, span: Span, lacking: bool,
             valence: str) -> dict:
        sent = span.sent
        limit = self.params.snippet_chars
        s0, s1 = sent.start_char, sent.end_char
        if s1 - s0 > limit:  # centre the window on the evidence
            mid = (span.start_char + span.end_char) // 2
            s0 = max(sent.start_char, mid - limit // 2)
            s1 = min(sent.end_char, s0 + limit)
        return {
            "segment_id": turn.segment_id, "participant_id": turn.participant_id,
            "language": turn.language, "code": compiled.code, "family": compiled.family,
            "rule": compiled.key,
            "start": turn.offset + span.start_char, "end": turn.offset + span.end_char,
            "evidence": turn.text[span.start_char:span.end_char],
            "snippet": turn.text[s0:s1].strip(), "negated": bool(lacking), "valence": valence,
        }


def _sentence_index(span: Span) -> int:
    doc = span.doc
    if not doc.has_annotation("SENT_START"):
        return 0
    return sum(1 for t in doc[: span.sent.start] if t.is_sent_start)


def _near(a: Span, b: Span) -> bool:
    """Both spans in the same sentence or at most NEAR_SENTENCES sentences apart."""
    if a.sent == b.sent:
        return True
    return abs(_sentence_index(a) - _sentence_index(b)) <= NEAR_SENTENCES
