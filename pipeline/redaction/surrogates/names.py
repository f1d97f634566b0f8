"""Given names: the gender of an original first name and a Faker first name of that gender."""

from __future__ import annotations

import importlib
from functools import lru_cache

from pipeline.redaction.textutil import fold

# --------------------------------------------------------------------------- names

_FAKER_NAME_LOCALES = ("es_MX", "es_ES", "es_CO", "es_AR", "es_CL", "en_US")


@lru_cache(maxsize=1)
def _faker_name_votes() -> dict[str, tuple[int, int]]:
    """Folded first token -> (entries in Faker's female lists, entries in its male lists)."""
    votes: dict[str, list[int]] = {}
    for locale in _FAKER_NAME_LOCALES:
        try:
            provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        except (ImportError, AttributeError):
            continue
        for attribute, index in (("first_names_female", 0), ("first_names_male", 1)):
            for name in getattr(provider, attribute, ()):
                tokens = fold(name).split()
                if tokens:
                    votes.setdefault(tokens[0], [0, 0])[index] += 1
    return {name: (f, m) for name, (f, m) in votes.items()}


def name_gender(folded_name: str) -> str:
    """'F', 'M' or 'U' for a folded given name.

    The names gazetteer decides; where it says both ('U': "maria" is also the second name of
    men, "José María") or does not know the name, Faker's gendered first-name lists vote."""
    from pipeline.redaction.gazetteer import given_name_genders

    gender = given_name_genders().get(folded_name, "U")
    if gender in ("F", "M"):
        return gender
    female, male = _faker_name_votes().get(folded_name, (0, 0))
    if female > male:
        return "F"
    if male > female:
        return "M"
    return "U"


def first_name(faker, gender: str) -> str:
    """A Faker first name of `gender` ('F', 'M'; anything else: either)."""
    if gender == "F":
        return faker.first_name_female()
    if gender == "M":
        return faker.first_name_male()
    return faker.first_name()
