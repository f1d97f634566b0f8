"""Compile one language's codebook rules and cues into spaCy Matcher patterns.

Every phrase of a rule is compiled to two spaCy token patterns: one over the accent-folded
lower-case form (NORM) and one over the accent-folded lemma (LEMMA), so "explicar" matches
"explicó" and "nobody explained" matches "Nobody explained".
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc

from pipeline.coding.codebook import Codebook, Rule
from pipeline.coding.keys import Cue, MatchKey, evidence, label, unless, with_
from pipeline.coding.terms import GAP_MAX, Slot, parse_term
from pipeline.errors import ConfigError

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


class CompiledRules:
    """Compiled rules and cues for one language."""

    def __init__(self, codebook: Codebook, lang: str, nlp):
        self.lang = lang
        self.nlp = nlp
        self.rules: list[CompiledRule] = []
        # (matcher key, phrases) for term rules; raw spaCy patterns are kept as given
        self.specs: list[tuple[MatchKey, list[list[Slot]]]] = []
        self.raw: list[tuple[MatchKey, list[dict]]] = []
        self.labels: dict[str, MatchKey] = {}  # spaCy label -> the key its matches go under
        self.matcher: Matcher | None = None
        for code in codebook.codes:
            for rule in code.rules.get(lang, []):
                key = f"{code.id}/{lang}/{rule.id}"
                self.rules.append(CompiledRule(code.id, code.family, code.valence, rule, key))
                if rule.terms is not None:
                    self._add_terms(evidence(key), rule.terms)
                else:
                    self.raw.append((evidence(key), rule.pattern))
                    self.labels[label(evidence(key))] = evidence(key)
                if rule.with_:
                    self._add_terms(with_(key), rule.with_)
                if rule.unless:
                    self._add_terms(unless(key), rule.unless)
        self._add_terms(Cue.NEGATION_EXCEPTION, codebook.negation_exceptions.get(lang, []))
        cues = codebook.valence_cues.get(lang)
        if cues:
            self._add_terms(Cue.POSITIVE, cues.positive)
            self._add_terms(Cue.NEGATIVE, cues.negative)
        self._add_terms(Cue.CONTRAST, codebook.contrast_cues.get(lang, []))
        self._add_terms(Cue.CONCESSION, codebook.concession_cues.get(lang, []))
        self._add_terms(Cue.MIXED, codebook.mixed_cues.get(lang, []))
        # in rule order (a set of strings would iterate in a different order each run)
        self.care_keys = tuple(dict.fromkeys(r.key for r in self.rules
                                             if r.valence and r.rule.valence))
        # compiled for each batch of docs by `build` (raw patterns were validated when the
        # codebook was loaded: compiling them here too cost 0.3 s per language and process)
        self.phrase_matchers: dict = {}

    def _add_terms(self, key: MatchKey, terms: list[str]) -> None:
        phrases = [slots for term in terms for slots in parse_term(term)]
        if phrases:
            self.specs.append((key, phrases))
            self.labels[label(key)] = key

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
                matcher.add(label(key), patterns)
            for attr, pdocs in docs_by_attr.items():
                if pdocs:
                    phrase_matchers[attr].add(label(key), pdocs)
        self.phrase_matchers = phrase_matchers
        for key, pattern in self.raw:
            try:
                matcher.add(label(key), [pattern])
            except Exception as exc:  # a pattern spaCy refuses: name the rule
                raise ConfigError(f"codebook rule {label(key)}: cannot be compiled "
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
