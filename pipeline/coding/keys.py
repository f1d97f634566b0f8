"""The typed keys that matches are filed under: cue kinds and (role, rule) pairs.

spaCy's matchers name every pattern by a string label; `label` gives that string, and the
coder files what the matchers find under the typed key instead (`Matches`).
"""

from __future__ import annotations

from enum import Enum
from typing import NamedTuple

from spacy.tokens import Span


class Cue(Enum):
    """Codebook cue lists that are matched like rules (the value is the spaCy label)."""

    NEGATION_EXCEPTION = "__NEGX__"  # negation words that do not negate ("no doubt")
    POSITIVE = "__VPOS__"
    NEGATIVE = "__VNEG__"
    CONTRAST = "__CONTRAST__"
    CONCESSION = "__CONCESSION__"
    MIXED = "__MIXED__"


VALENCE_CUES = (Cue.POSITIVE, Cue.NEGATIVE)  # index 0 positive, 1 negative


class Role(Enum):
    """What a rule's phrase is for (the value prefixes the rule key in the spaCy label)."""

    EVIDENCE = ""  # the rule's terms or pattern: the evidence itself
    WITH = "W:"  # `with:` terms that must accompany the evidence
    UNLESS = "U:"  # `unless:` terms that cancel evidence in the same sentence


class RuleKey(NamedTuple):
    """One rule's phrases of one role; `rule` is "CODE/lang/rule_id"."""

    role: Role
    rule: str


MatchKey = Cue | RuleKey
Matches = dict[MatchKey, list[Span]]


def label(key: MatchKey) -> str:
    """The spaCy matcher label of a key."""
    if isinstance(key, Cue):
        return key.value
    return key.role.value + key.rule


def evidence(rule: str) -> RuleKey:
    return RuleKey(Role.EVIDENCE, rule)


def with_(rule: str) -> RuleKey:
    return RuleKey(Role.WITH, rule)


def unless(rule: str) -> RuleKey:
    return RuleKey(Role.UNLESS, rule)
