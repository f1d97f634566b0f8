"""Consistent pseudonyms per participant: the same person, place or organisation, the same tag."""

from __future__ import annotations

import hashlib
import re

from pipeline.redaction.analyzer import EDGE_WORDS, NAMED_TYPES
from pipeline.redaction.textutil import fold

TAG_NAMES = {"PERSON": "PERSON", "LOCATION": "LOCATION", "ORG": "ORG"}


def _tokens(value: str) -> tuple[str, ...]:
    return tuple(t for t in re.split(r"[\s\-]+", fold(value)) if t and t not in EDGE_WORDS)


class _Entity:
    __slots__ = ("kind", "number", "tokens", "first", "surrogate")

    def __init__(self, kind: str, number: int, tokens: tuple[str, ...]):
        self.kind = kind
        self.number = number
        self.tokens = set(tokens)
        self.first = tokens[0] if tokens else ""
        self.surrogate: tuple[str, ...] | None = None


class Pseudonymizer:
    """Assign tags (or seeded surrogates) for one participant's transcript.

    "María", "María López" and "maria lopez" share a tag: a mention joins an earlier person
    whose name tokens contain it (or that it contains), preferring one with the same first
    token, then the earliest.
    """

    def __init__(self, participant_id: str, mode: str = "tag", seed: int = 13,
                 language: str = "es", originals: set[str] | None = None):
        self.participant_id = participant_id
        self.mode = mode
        self.seed = seed
        self.language = language
        self.entities: dict[str, list[_Entity]] = {k: [] for k in NAMED_TYPES}
        self.originals = originals or set()
        self._faker = None

    def replacement(self, kind: str, original: str) -> str:
        if kind not in NAMED_TYPES:
            return f"[{kind}]"
        tokens = _tokens(original) or (fold(original),)
        entity = self._match(kind, tokens)
        if self.mode == "surrogate":
            return self._surrogate(entity, tokens)
        return f"[{TAG_NAMES[kind]}_{entity.number}]"

    def _match(self, kind: str, tokens: tuple[str, ...]) -> _Entity:
        pool = self.entities[kind]
        mention = set(tokens)
        if kind == "PERSON":
            inside = [e for e in pool if mention <= e.tokens]
            if inside:
                inside.sort(key=lambda e: (e.first != tokens[0], e.number))
                return inside[0]
            wider = [e for e in pool if e.tokens <= mention]
            if wider:
                wider.sort(key=lambda e: (e.first != tokens[0], e.number))
                entity = wider[0]
                entity.tokens |= mention
                return entity
        else:
            for e in pool:
                if e.tokens == mention:
                    return e
        entity = _Entity(kind, len(pool) + 1, tokens)
        pool.append(entity)
        return entity

    # ------------------------------------------------------------------ surrogate mode

    def _fake(self):
        if self._faker is None:
            from faker import Faker
            self._faker = Faker("es_MX" if self.language == "es" else "en_US")
        return self._faker

    def _surrogate(self, entity: _Entity, tokens: tuple[str, ...]) -> str:
        if entity.surrogate is None:
            digest = hashlib.sha256(f"{self.seed}|{self.participant_id}|{entity.kind}|"
                                    f"{entity.number}".encode()).hexdigest()
            faker = self._fake()
            attempt = 0
            while True:
                faker.seed_instance(int(digest[:12], 16) + attempt)
                if entity.kind == "PERSON":
                    value = (faker.first_name(), faker.last_name())
                elif entity.kind == "LOCATION":
                    value = (faker.city(),)
                else:
                    value = (faker.company(),)
                clash = any(fold(v) in self.originals or
                            any(t in self.originals for t in fold(v).split()) for v in value)
                if not clash or attempt > 50:
                    break
                attempt += 1
            entity.surrogate = value
        value = entity.surrogate
        if entity.kind == "PERSON" and len(tokens) == 1:
            # a first name alone stays a first name, a surname alone a surname
            return value[0] if tokens[0] == entity.first else value[-1]
        return " ".join(value)
