"""Consistent pseudonyms per participant: the same person, place or organisation, the same tag.

In surrogate mode every replacement is a realistic fake value (`pipeline.redaction.surrogates`)
seeded by sha256 of (seed, participant id, kind, original): identical across runs and
machines, never equal to the original or to any value in `originals`.
"""

from __future__ import annotations

import hashlib
import random
import re

from pipeline.redaction import surrogates
from pipeline.redaction.entities import EDGE_WORDS, NAMED_TYPES
from pipeline.redaction.textutil import fold

TAG_NAMES = {"PERSON": "PERSON", "LOCATION": "LOCATION", "ORG": "ORG"}
SURROGATE_TRIES = 50
# how an original is keyed for seeding: the same number written two ways, the same surrogate
_SEED_KEYS = {"ID": surrogates.compact, "PHONE": lambda v: re.sub(r"\D", "", v) or v,
              "PLATE": surrogates.compact}


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
        self._structured: dict[tuple[str, str], str] = {}
        # every fake value written in surrogate mode (for a leakage check that must tell a
        # surrogate e-mail, handle or valid ID from one that survived redaction)
        self.generated: set[str] = set()
        self._original_digits: set[str] | None = None
        self.date_shift = surrogates.date_shift_days(seed, participant_id)

    def replacement(self, kind: str, original: str) -> str:
        if kind not in NAMED_TYPES:
            if self.mode == "surrogate":
                return self._structured_surrogate(kind, original)
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

    def _gender(self, entity: _Entity) -> str:
        """The gender of the person's first name (the first of its tokens that is a given
        name): 'F', 'M' or 'U'."""
        for token in [entity.first] + sorted(entity.tokens - {entity.first}):
            gender = surrogates.name_gender(token)
            if gender != "U":
                return gender
        return "U"

    def _surrogate(self, entity: _Entity, tokens: tuple[str, ...]) -> str:
        if entity.surrogate is None:
            digest = hashlib.sha256(f"{self.seed}|{self.participant_id}|{entity.kind}|"
                                    f"{entity.number}".encode()).hexdigest()
            faker = self._fake()
            gender = self._gender(entity) if entity.kind == "PERSON" else "U"
            value = None
            for attempt in range(SURROGATE_TRIES + 1):
                faker.seed_instance(int(digest[:12], 16) + attempt)
                if entity.kind == "PERSON":
                    candidate = (surrogates.first_name(faker, gender), faker.last_name())
                elif entity.kind == "LOCATION":
                    candidate = (faker.city(),)
                else:
                    candidate = (faker.company(),)
                clash = any(fold(v) in self.originals or
                            any(t in self.originals or t in entity.tokens
                                for t in fold(v).split()) for v in candidate)
                if not clash:
                    value = candidate
                    break
            if value is None:  # never a real name: the tag instead
                value = (f"[{TAG_NAMES[entity.kind]}_{entity.number}]",)
            entity.surrogate = value
            self.generated.update(value + (" ".join(value),))
        value = entity.surrogate
        if entity.kind == "PERSON" and len(tokens) == 1:
            # a first name alone stays a first name, a surname alone a surname
            return value[0] if tokens[0] == entity.first else value[-1]
        return " ".join(value)

    # ------------------------------------------------------------------ structured surrogates

    def _clashes(self, value: str, original: str) -> bool:
        """Whether `value` equals the original or a real value (also digit for digit)."""
        folded = fold(value)
        if not folded or folded == fold(original) or folded in self.originals:
            return True
        if self._original_digits is None:
            self._original_digits = {d for d in (re.sub(r"\D", "", o) for o in self.originals)
                                     if len(d) >= 5}
        digits = re.sub(r"\D", "", value)
        return len(digits) >= 5 and (digits in self._original_digits
                                     or digits == re.sub(r"\D", "", original))

    def _generate(self, kind: str, original: str, rng: random.Random) -> str | None:
        faker = self._fake()
        if kind == "ID":
            return surrogates.id_surrogate(original, rng)
        if kind == "PHONE":
            return surrogates.phone_surrogate(original, rng)
        if kind == "PLATE":
            return surrogates.plate_surrogate(original, rng)
        if kind == "EMAIL":
            return surrogates.email_surrogate(original, faker, rng)
        if kind == "HANDLE":
            return surrogates.handle_surrogate(original, faker, rng)
        if kind == "URL":
            return surrogates.url_surrogate(original, faker, rng)
        if kind == "ADDRESS":
            return surrogates.address_surrogate(original, faker)
        return None

    def _structured_surrogate(self, kind: str, original: str) -> str:
        """A fake value for a structured type; the same original, the same value."""
        key = (kind, original)
        if key in self._structured:
            return self._structured[key]
        value = f"[{kind}]"
        if kind == "DATE":
            shifted = surrogates.shift_date(original, self.date_shift, self.language)
            # the shift is the participant's: a clash cannot be re-drawn, it becomes the tag
            if shifted is not None and not self._clashes(shifted, original):
                value = shifted
        else:
            seed_key = _SEED_KEYS.get(kind, fold)(original)
            base = surrogates.seed_int(self.seed, self.participant_id, kind, seed_key)
            for attempt in range(SURROGATE_TRIES + 1):
                self._fake().seed_instance(base + attempt)
                candidate = self._generate(kind, original, random.Random(base + attempt))
                if candidate is None:
                    break
                if not self._clashes(candidate, original):
                    value = candidate
                    break
        self._structured[key] = value
        if not value.startswith("["):
            self.generated.add(value)
        return value
