"""Run the compiled matchers over a turn: prepared docs in, matches filed by typed key out."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from spacy.tokens import Doc

from pipeline.coding.compile import CompiledRules
from pipeline.coding.keys import Matches
from pipeline.text import TAG_PATTERN, fold

TAG = TAG_PATTERN


def mask_tags(text: str) -> str:
    """Replace pseudonym tags ([PERSON_1], [PHONE]) by same-length filler no rule matches."""
    return TAG.sub(lambda m: "X" * len(m.group()), text)


@dataclass
class TurnDoc:
    segment_id: str
    participant_id: str
    language: str
    offset: int  # start of the turn text in the redacted transcript
    text: str  # redacted turn text (with tags)
    doc: Doc
    context: Doc | None = None  # the interviewer turn just before (for `within: exchange`)
    matches: Matches = field(default_factory=dict)
    context_matches: Matches = field(default_factory=dict)


def prepare(doc: Doc) -> Doc:
    for token in doc:
        token.norm_ = fold(token.lower_)
        token.lemma_ = fold(token.lemma_ or token.lower_)
    return doc


def find(compiled: CompiledRules, doc: Doc) -> Matches:
    found: Matches = defaultdict(list)
    seen: set[tuple[int, int, int]] = set()
    if compiled.matcher is None:
        raise RuntimeError("the rules are compiled for a batch of docs: call build(docs) first")
    hits = list(compiled.matcher(doc))
    for phrase_matcher in compiled.phrase_matchers.values():
        hits.extend(phrase_matcher(doc))
    for match_id, start, end in sorted(hits):
        if (match_id, start, end) in seen:
            continue
        seen.add((match_id, start, end))
        found[compiled.labels[compiled.nlp.vocab.strings[match_id]]].append(doc[start:end])
    return found

