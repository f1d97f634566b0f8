"""Entity types: Presidio's labels mapped to the project's tags, which types are direct
identifiers or names, and how overlapping spans are merged (used by the analyzer, the gate
and the pseudonymizer)."""

from __future__ import annotations

import re

from pipeline.redaction import lexicon
from pipeline.redaction.spans import Span

EXCLUDE = {"en": ["parser", "lemmatizer", "attribute_ruler"], "es": ["parser"]}

# Presidio entity -> project type (the tag written in place of the text)
TYPE_MAP = {
    "PERSON": "PERSON", "LOCATION": "LOCATION", "ORGANIZATION": "ORG",
    "PHONE_NUMBER": "PHONE", "EMAIL_ADDRESS": "EMAIL", "URL": "URL", "ID_NUMBER": "ID",
    "CREDIT_CARD": "ID", "IBAN_CODE": "ID", "ADDRESS": "ADDRESS", "DATE": "DATE",
    "HANDLE": "HANDLE", "PLATE": "PLATE",
}
DIRECT_TYPES = frozenset({"PERSON", "PHONE", "ID", "EMAIL", "ADDRESS", "HANDLE", "URL", "PLATE"})
NAMED_TYPES = frozenset({"PERSON", "LOCATION", "ORG"})
# when spans overlap, the higher score wins; ties go to the more specific type
TYPE_PRIORITY = {"EMAIL": 9, "URL": 8, "HANDLE": 8, "ID": 7, "PHONE": 7, "PLATE": 6,
                 "ADDRESS": 5, "DATE": 4, "PERSON": 3, "ORG": 2, "LOCATION": 1}
# recognizers whose names are never dropped by the allow-list (the context proves a name)
STRONG_RECOGNIZERS = frozenset({"TitleNameRecognizer", "NicknameRecognizer", "known_identifier",
                                "deny_list", "FormFieldPerson", "FormFieldLocation",
                                "SpelledNameRecognizer", "CapsNameRecognizer"})
ACRONYM = re.compile(r"[A-ZÁÉÍÓÚÑ]{2,10}")
UNTRIMMED_RECOGNIZERS = frozenset({"GazetteerPlaceRecognizer", "ColloquialPlaceRecognizer",
                                   "AreaNumberRecognizer", "SpelledNameRecognizer"})
EDGE_WORDS = frozenset(lexicon.NAME_EDGE_WORDS)


def resolve(spans: list[Span]) -> list[Span]:
    """Merge overlapping spans into one (union of characters, type of the best span)."""
    if not spans:
        return []
    ordered = sorted(spans, key=lambda s: (s.start, -s.end))
    merged: list[list[Span]] = []
    group = [ordered[0]]
    group_end = ordered[0].end
    for span in ordered[1:]:
        if span.start < group_end:
            group.append(span)
            group_end = max(group_end, span.end)
        else:
            merged.append(group)
            group = [span]
            group_end = span.end
    merged.append(group)
    out = []
    for g in merged:
        # structured types (address, ID, phone...) describe the span better than NER labels
        best = max(g, key=lambda s: (s.type not in NAMED_TYPES, s.score,
                                     TYPE_PRIORITY.get(s.type, 0), s.end - s.start, s.recognizer))
        out.append(Span(min(s.start for s in g), max(s.end for s in g), best.type, best.score,
                        best.recognizer))
    return out
