"""Rule-based coder: codebook rules -> spaCy Matcher patterns -> auditable codings.

Every phrase of a rule is compiled to two spaCy token patterns: one over the accent-folded
lower-case form (NORM) and one over the accent-folded lemma (LEMMA), so "explicar" matches
"explicó" and "nobody explained" matches "Nobody explained". Only participant turns produce
codings; the interviewer's question is used only as context for `within: exchange` rules.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field

import pandas as pd
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span

from pipeline.coding.codebook import GAP_MAX, Codebook, Rule, Slot, fold, parse_term
from pipeline.errors import ConfigError
from pipeline.logs import progress
from pipeline.params import CodingParams
from pipeline.text import TAG_PATTERN

log = logging.getLogger(__name__)

TAG = TAG_PATTERN
CLAUSE_PUNCT = {",", ";", ":", "—", "–", "(", ")", "¿", "?", "!", "¡", ".", '"', "…"}
NEGATION_CUE_KEY = "__NEGX__"
VALENCE_KEYS = ("__VPOS__", "__VNEG__")
CONTRAST_KEY = "__CONTRAST__"
CONCESSION_KEY = "__CONCESSION__"
MIXED_KEY = "__MIXED__"
ANSWER_RULE = "answer"  # rule id of valence-only evidence: the reply to a question on a service
NEAR_SENTENCES = 2  # `within: near`: the evidence sentence and up to 2 sentences either side
CODING_COLUMNS = ["segment_id", "participant_id", "language", "code", "family", "rule",
                  "start", "end", "evidence", "snippet", "negated", "valence"]


def mask_tags(text: str) -> str:
    """Replace pseudonym tags ([PERSON_1], [PHONE]) by same-length filler no rule matches."""
    return TAG.sub(lambda m: "X" * len(m.group()), text)


MAX_EXPANSIONS = 256


def _expand(slots: list[Slot], attr: str, values) -> list[list[dict]]:
    """Token patterns for one phrase over one attribute (NORM or LEMMA)."""
    patterns: list[list[dict]] = [[]]
    for slot in slots:
        if slot.gap:
            patterns = [p + [{"OP": "?"}] * GAP_MAX for p in patterns]
            continue
        options = values(slot, attr)
        if not options:
            return []
        if len(patterns) * len(options) > MAX_EXPANSIONS:
            spec = {attr: {"IN": options}}
            patterns = [p + [spec] for p in patterns]
        else:
            patterns = [p + [{attr: v}] for p in patterns for v in options]
    return patterns


@dataclass
class CompiledRule:
    code: str
    family: str
    valence: bool
    rule: Rule
    key: str  # "CODE/lang/rule_id": the rule id recorded with each coding


@dataclass
class TurnDoc:
    segment_id: str
    participant_id: str
    language: str
    offset: int  # start of the turn text in the redacted transcript
    text: str  # redacted turn text (with tags)
    doc: Doc
    context: Doc | None = None  # the interviewer turn just before (for `within: exchange`)
    matches: dict[str, list[Span]] = field(default_factory=dict)
    context_matches: dict[str, list[Span]] = field(default_factory=dict)


class LanguageCoder:
    """Compiled rules and cues for one language."""

    def __init__(self, codebook: Codebook, lang: str, nlp, params: CodingParams):
        self.lang = lang
        self.nlp = nlp
        self.params = params
        self.rules: list[CompiledRule] = []
        # (matcher key, phrases) for term rules; raw spaCy patterns are kept as given
        self.specs: list[tuple[str, list[list[Slot]]]] = []
        self.raw: list[tuple[str, list[dict]]] = []
        self.matcher: Matcher | None = None
        self.neg_cues = {fold(c) for c in codebook.negation_cues.get(lang, [])}
        self.breaks = {fold(c) for c in codebook.scope_breaks.get(lang, [])}
        for code in codebook.codes:
            for rule in code.rules.get(lang, []):
                key = f"{code.id}/{lang}/{rule.id}"
                self.rules.append(CompiledRule(code.id, code.family, code.valence, rule, key))
                if rule.terms is not None:
                    self._add_terms(key, rule.terms)
                else:
                    self.raw.append((key, rule.pattern))
                if rule.with_:
                    self._add_terms("W:" + key, rule.with_)
                if rule.unless:
                    self._add_terms("U:" + key, rule.unless)
        self._add_terms(NEGATION_CUE_KEY, codebook.negation_exceptions.get(lang, []))
        cues = codebook.valence_cues.get(lang)
        if cues:
            self._add_terms(VALENCE_KEYS[0], cues.positive)
            self._add_terms(VALENCE_KEYS[1], cues.negative)
        self._add_terms(CONTRAST_KEY, codebook.contrast_cues.get(lang, []))
        self._add_terms(CONCESSION_KEY, codebook.concession_cues.get(lang, []))
        self._add_terms(MIXED_KEY, codebook.mixed_cues.get(lang, []))
        self.care_keys = {r.key for r in self.rules if r.valence and r.rule.valence}
        self.build([])  # validates the raw patterns now; rebuilt per corpus in `prepare_all`

    def _add_terms(self, key: str, terms: list[str]) -> None:
        phrases = [slots for term in terms for slots in parse_term(term)]
        if phrases:
            self.specs.append((key, phrases))

    def build(self, docs: list[Doc]) -> None:
        """Compile the rules into a spaCy Matcher for these docs.

        Prefix slots (`word*`) are expanded into the exact forms that occur in `docs`, so every
        token test is a plain attribute comparison (fast) instead of a regular expression.
        """
        forms = {"NORM": sorted({t.norm_ for d in docs for t in d}),
                 "LEMMA": sorted({t.lemma_ for d in docs for t in d})}
        expand_cache: dict[tuple[str, str], list[str]] = {}

        def values(slot: Slot, attr: str) -> list[str]:
            if not slot.prefix:
                return [slot.word]
            k = (attr, slot.word)
            if k not in expand_cache:
                expand_cache[k] = [f for f in forms[attr] if f.startswith(slot.word)]
            return expand_cache[k]

        matcher = Matcher(self.nlp.vocab)
        phrase_matchers = {attr: PhraseMatcher(self.nlp.vocab, attr=attr)
                           for attr in ("NORM", "LEMMA")}
        for key, phrases in self.specs:
            patterns: list[list[dict]] = []
            docs_by_attr: dict[str, list[Doc]] = {"NORM": [], "LEMMA": []}
            for slots in phrases:
                for attr in ("NORM", "LEMMA"):
                    expanded = _expand(slots, attr, values)
                    if any(slot.gap for slot in slots) or any(
                            not all(len(t) == 1 and isinstance(next(iter(t.values())), str)
                                    for t in p) for p in expanded):
                        patterns.extend(expanded)
                    else:
                        docs_by_attr[attr].extend(
                            self._pattern_doc([next(iter(t.values())) for t in p], attr)
                            for p in expanded)
            if patterns:
                matcher.add(key, patterns)
            for attr, pdocs in docs_by_attr.items():
                if pdocs:
                    phrase_matchers[attr].add(key, pdocs)
        self.phrase_matchers = phrase_matchers
        for key, pattern in self.raw:
            try:
                matcher.add(key, [pattern])
            except Exception as exc:  # a pattern spaCy refuses: name the rule
                raise ConfigError(f"codebook rule {key}: cannot be compiled "
                                  f"({str(exc).splitlines()[0][:200]})") from None
        self.matcher = matcher

    def _pattern_doc(self, words: list[str], attr: str) -> Doc:
        doc = Doc(self.nlp.vocab, words=words)
        for token, word in zip(doc, words, strict=True):
            if attr == "NORM":
                token.norm_ = word
            else:
                token.lemma_ = word
        return doc

    # ---------------------------------------------------------------- doc preparation
    def prepare(self, doc: Doc) -> Doc:
        for token in doc:
            token.norm_ = fold(token.lower_)
            token.lemma_ = fold(token.lemma_ or token.lower_)
        return doc

    def find(self, doc: Doc) -> dict[str, list[Span]]:
        found: dict[str, list[Span]] = defaultdict(list)
        seen: set[tuple[int, int, int]] = set()
        hits = list(self.matcher(doc))
        for phrase_matcher in self.phrase_matchers.values():
            hits.extend(phrase_matcher(doc))
        for match_id, start, end in sorted(hits):
            if (match_id, start, end) in seen:
                continue
            seen.add((match_id, start, end))
            found[self.nlp.vocab.strings[match_id]].append(doc[start:end])
        return found

    # ---------------------------------------------------------------- negation
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

    @staticmethod
    def _exempt(found: dict[str, list[Span]]) -> set[int]:
        return {i for span in found.get(NEGATION_CUE_KEY, []) for i in range(span.start, span.end)}

    # ---------------------------------------------------------------- valence
    def span_valence(self, span: Span, negated: bool, found: dict[str, list[Span]],
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
        if any(lo <= c.start < hi for c in found.get(MIXED_KEY, [])):
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
                    found: dict[str, list[Span]], exempt: set[int]) -> str:
        """A first impression the next sentence overrides: "At first I hated it, the rules.
        But the people were good." (a concession opener in the window, a next sentence that
        opens with a contrast and is positive) -> the next sentence's valence."""
        if not any(lo <= c.start < hi for c in found.get(CONCESSION_KEY, [])):
            return valence
        if not any(nxt.start <= c.start <= nxt.start + 1 for c in found.get(CONTRAST_KEY, [])):
            return valence
        pos, neg = self._polarity_counts(nxt.start, nxt.end, found, exempt)
        return "positive" if pos > neg else valence

    def _other_topic(self, span: Span, found: dict[str, list[Span]], lo: int, hi: int) -> bool:
        """Evidence of another care code between tokens lo and hi (the topic has moved on)."""
        code = None
        for key in self.care_keys:
            if any(s.start == span.start and s.end == span.end for s in found.get(key, [])):
                code = key.split("/", 1)[0]
                break
        return any(lo <= s.start < hi for key in self.care_keys
                   if key.split("/", 1)[0] != code for s in found.get(key, []))

    def _polarity_counts(self, lo: int, hi: int, found: dict[str, list[Span]],
                         exempt: set[int], strong: bool = False,
                         skip: Span | None = None) -> tuple[int, int]:
        """Positive and negative cues between tokens lo and hi; `strong` skips cues that are
        a bare negation word ("never", "nadie"), too vague away from the evidence; cues
        overlapping `skip` (the evidence itself: "safe house") are not counted."""
        counts = [0, 0]
        for polarity, key in enumerate(VALENCE_KEYS):
            for cue in found.get(key, []):
                if strong and all(t.norm_ in self.neg_cues for t in cue):
                    continue
                if skip is not None and cue.start < skip.end and skip.start < cue.end:
                    continue
                if lo <= cue.start < hi:
                    counts[1 if polarity == 0 and self.negated(cue, exempt) else polarity] += 1
        return counts[0], counts[1]

    def window_valence(self, lo: int, hi: int, negated: bool, found: dict[str, list[Span]],
                       exempt: set[int]) -> str:
        """Valence of the cues between tokens lo and hi (see `span_valence`)."""
        contrasts = [c.start for c in found.get(CONTRAST_KEY, []) if lo <= c.start < hi]
        concessions = [c.start for c in found.get(CONCESSION_KEY, []) if lo <= c.start < hi]
        cut = lo
        if contrasts and concessions:  # "at first I hated it, but the people were good"
            later = [c for c in contrasts if c > min(concessions)]
            if later:
                cut = later[0]
        before = [0, 0]
        after = [0, 0]
        split = contrasts[0] if contrasts and cut == lo else None
        for polarity, key in enumerate(VALENCE_KEYS):  # 0 positive, 1 negative
            for cue in found.get(key, []):
                if not cut <= cue.start < hi:
                    continue
                side = before if split is None or cue.start < split else after
                if polarity == 0 and self.negated(cue, exempt):
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

    def answer_rows(self, turn: TurnDoc) -> list[dict]:
        """Valence-only evidence: the reply to an interviewer question about a service.

        "How was the shelter?" - "Some things good, some things not..." says how the shelter
        was without naming it. The question alone never codes: these rows only add a valence
        vote to a care code the participant's own words already evidence (see
        `participant_codes`); rule id `<CODE>/<lang>/answer`.
        """
        if turn.context is None or not self.params.answer_valence:
            return []
        ctx_exempt = self._exempt(turn.context_matches)
        codes = sorted({key.split("/", 1)[0] for key in self.care_keys
                        for span in turn.context_matches.get(key, [])
                        if not self.negated(span, ctx_exempt)})
        if not codes or len(codes) > 1:  # a question on several services: no single topic
            return []
        doc = turn.doc
        found = turn.matches
        exempt = self._exempt(found)
        sents = list(doc.sents) if doc.has_annotation("SENT_START") else [doc[:]]
        if not sents:
            return []
        first = sents[0]
        # the reply, up to where the participant starts talking about another care topic
        hi = first.end
        for sent in sents[1:]:
            if any(sent.start <= s.start < sent.end for key in self.care_keys
                   if key.split("/", 1)[0] != codes[0] for s in found.get(key, [])):
                break
            hi = sent.end
        if any(c.start < hi for c in found.get(MIXED_KEY, [])):
            valence = "mixed"
        else:
            valence = self.window_valence(0, hi, False, found, exempt)
        if not valence:
            return []
        code = next(c for c in self.rules if c.code == codes[0])
        compiled = CompiledRule(code.code, code.family, True, code.rule,
                                f"{code.code}/{self.lang}/{ANSWER_RULE}")
        return [self._row(turn, compiled, first, False, valence)]

    @staticmethod
    def _has_cue(found: dict[str, list[Span]], lo: int, hi: int) -> bool:
        return any(lo <= c.start < hi for k in VALENCE_KEYS for c in found.get(k, []))

    # ---------------------------------------------------------------- coding
    def code_turn(self, turn: TurnDoc) -> list[dict]:
        found = turn.matches
        exempt = self._exempt(found)
        rows: list[dict] = []
        for compiled in self.rules:
            rule = compiled.rule
            for span in found.get(compiled.key, []):
                neg = self.negated(span, exempt)
                if rule.negation == "drop" and neg:
                    continue
                if rule.negation == "require" and not neg:
                    continue
                if rule.unless and any(u.sent == span.sent for u in found.get("U:" + compiled.key, [])):
                    continue
                if rule.with_ is not None and not self._with_ok(compiled, span, turn, exempt):
                    continue
                lacking = neg and rule.negation == "keep"
                valence = ""
                if compiled.valence and rule.valence:
                    valence = self.span_valence(span, lacking, found, exempt)
                    if not valence and rule.polarity:  # the wording itself is the judgement
                        valence = "negative" if lacking else rule.polarity

                rows.append(self._row(turn, compiled, span, lacking, valence))
        return rows + self.answer_rows(turn)

    def _with_ok(self, compiled: CompiledRule, span: Span, turn: TurnDoc, exempt: set[int]) -> bool:
        key = "W:" + compiled.key
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
            ctx_exempt = self._exempt(turn.context_matches)
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


def load_models(params: CodingParams, languages: list[str]) -> dict:
    import spacy
    models = {}
    for lang in languages:
        name = params.models.get(lang)
        if not name:
            raise ConfigError(f"coding.models has no spaCy model for language '{lang}'")
        try:
            models[lang] = spacy.load(name, exclude=["ner"])
        except OSError:
            raise ConfigError(f"spaCy model '{name}' for '{lang}' is not installed; run "
                              "`make setup`") from None
    return models


class Coder:
    """Code segments (the redact stage's segments.parquet) with a codebook."""

    def __init__(self, codebook: Codebook, params: CodingParams, models: dict | None = None):
        self.codebook = codebook
        self.params = params
        self.models = models if models is not None else load_models(params, codebook.languages)
        self.coders = {lang: LanguageCoder(codebook, lang, self.models[lang], params)
                       for lang in codebook.languages}

    def code_segments(self, segments: pd.DataFrame) -> pd.DataFrame:
        """Codings, one row per piece of evidence (columns CODING_COLUMNS), sorted."""
        rows: list[dict] = []
        segs = segments.sort_values(["participant_id", "turn_index"], kind="stable")
        for lang, group in segs.groupby("language", sort=True):
            coder = self.coders.get(lang)
            if coder is None:
                raise ConfigError(f"segments in language '{lang}' but the codebook has rules "
                                  f"only for {', '.join(self.codebook.languages)}")
            turns = self._turn_docs(coder, group)
            for turn in progress(turns, desc=f"coding ({lang})"):
                rows.extend(coder.code_turn(turn))
        frame = pd.DataFrame(rows, columns=CODING_COLUMNS)
        answer = is_answer(frame)
        evidenced = set(zip(frame.loc[~answer, "participant_id"], frame.loc[~answer, "code"],
                            strict=True))
        keep = ~answer | pd.Series([k in evidenced for k in zip(
            frame["participant_id"], frame["code"], strict=True)], index=frame.index, dtype=bool)
        return dedupe_codings(frame[keep])

    def _turn_docs(self, coder: LanguageCoder, group: pd.DataFrame) -> list[TurnDoc]:
        records = group.to_dict("records")
        texts = [mask_tags(str(r["text"])) for r in records]
        docs = [coder.prepare(d) for d in
                coder.nlp.pipe(texts, batch_size=self.params.batch_size)]
        coder.build(docs)
        turns: list[TurnDoc] = []
        previous: dict[str, tuple[dict, Doc]] = {}
        for record, doc in zip(records, docs, strict=True):
            pid = record["participant_id"]
            if record["speaker"] != "participant":
                previous[pid] = (record, doc)
                continue
            ctx = previous.pop(pid, None)
            turn = TurnDoc(segment_id=record["segment_id"], participant_id=pid, language=
                           record["language"], offset=int(record["start"]),
                           text=str(record["text"]), doc=doc,
                           context=ctx[1] if ctx else None)
            turn.matches = coder.find(doc)
            if turn.context is not None:
                turn.context_matches = coder.find(turn.context)
            turns.append(turn)
        return turns


def is_answer(frame: pd.DataFrame) -> pd.Series:
    """Valence-only rows (replies to a question about a service), not evidence of presence."""
    return frame["rule"].astype(str).str.endswith("/" + ANSWER_RULE)


def dedupe_codings(frame: pd.DataFrame) -> pd.DataFrame:
    """One coding per code and piece of evidence: overlapping spans of a code are merged."""
    if frame.empty:
        return frame.reset_index(drop=True)
    frame = frame.sort_values(["participant_id", "start", "code", "end", "rule"],
                              kind="stable").reset_index(drop=True)
    keep = []
    last_end: dict[tuple[str, str], int] = {}
    for i, row in enumerate(frame.itertuples(index=False)):
        k = (row.segment_id, row.code, str(row.rule).endswith("/" + ANSWER_RULE))
        if k in last_end and row.start < last_end[k]:
            last_end[k] = max(last_end[k], row.end)
            continue
        last_end[k] = row.end
        keep.append(i)
    return frame.iloc[keep].sort_values(["participant_id", "start", "code"],
                                        kind="stable").reset_index(drop=True)


def participant_codes(codings: pd.DataFrame, participants: list[str], codebook: Codebook,
                      params: CodingParams) -> pd.DataFrame:
    """One row per participant and code: present 0/1, count, valence (care codes only)."""
    valence_codes = {c.id: c.default_valence for c in codebook.codes if c.valence}
    fixed = {c.id: c.fixed_valence for c in codebook.codes if c.valence and c.fixed_valence}
    prior = {c.id: c.valence_prior for c in codebook.codes
             if c.valence and c.valence_prior and c.default_valence}
    receipt_rules = {f"{c.id}/{lang}/{r.id}" for c in codebook.codes if c.valence
                     for lang, rules in c.rules.items() for r in rules
                     if r.negation == "keep" and r.valence}
    grouped = {k: g for k, g in codings.groupby(["participant_id", "code"], sort=True)} \
        if not codings.empty else {}
    rows = []
    for pid in sorted(participants):
        for code in codebook.ids:
            group = grouped.get((pid, code))
            count = 0 if group is None else int((~is_answer(group)).sum())
            valence = ""
            if count and code in valence_codes:
                default = valence_codes[code]
                received = group[(group["valence"] == "") & ~group["negated"].astype(bool)
                                 & group["rule"].isin(receipt_rules)]
                if len(received):  # care described as received, with no judgement
                    default = "positive"
                cues = list(group["valence"])
                if code in prior:
                    cues += [valence_codes[code]] * prior[code]
                valence = fixed.get(code) or aggregate_valence(cues, params, default)
            rows.append({"participant_id": pid, "code": code, "present": int(count > 0),
                         "count": count, "valence": valence})
    return pd.DataFrame(rows, columns=["participant_id", "code", "present", "count", "valence"])


def aggregate_valence(valences: list[str], params: CodingParams,
                      default: str | None = None) -> str:
    pos = sum(v == "positive" for v in valences) + sum(v == "mixed" for v in valences)
    neg = sum(v == "negative" for v in valences) + sum(v == "mixed" for v in valences)
    if not pos and not neg:
        return params.default_valence if default is None else default
    if pos and neg and min(pos, neg) / (pos + neg) >= params.mixed_min_share:
        return "mixed"
    return "positive" if pos > neg else "negative" if neg > pos else "mixed"
