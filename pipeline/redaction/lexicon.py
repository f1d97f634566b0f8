"""Word lists behind the project recognizers and the allow-list (no transcript text here).

The lists themselves are data: YAML files in `pipeline/redaction/lexicon/` (one per theme,
each saying what its lists are for and how to add an entry), read and checked once, on
import, by `wordlists.read_lists`; a mistake in a file is a `ConfigError` naming the file,
the list and the line. This module exposes them under their historical names, as lists of
strings in file order.

Most lists are lower-case and accent-folded when compared (see `textutil.fold`). The lists
are general (any Latin-American testimony), not fitted to the demo corpus.
"""

from __future__ import annotations

from functools import lru_cache

from pipeline.redaction.wordlists import ListSpec, read_lists

_places = read_lists("places.yaml", [
    ListSpec("countries", phrases_go_in="country_phrases"),
    ListSpec("country_phrases", phrases=True), ListSpec("colloquial_places", phrases=True)])
_peoples = read_lists("peoples_and_languages.yaml", [ListSpec("nationalities"),
                                                     ListSpec("languages")])
_institutions = read_lists("institutions.yaml", [
    ListSpec("institutions", phrases_go_in="institution_phrases"),
    ListSpec("institution_phrases", phrases=True)])
_common = read_lists("common_words.yaml", [ListSpec("trap_words"), ListSpec("religious"),
                                           ListSpec("extra_common"), ListSpec("interjections"),
                                           ListSpec("name_edge_words")])
_calendar = read_lists("calendar.yaml", [
    ListSpec("months_es"), ListSpec("months_en"), ListSpec("days_es"), ListSpec("days_en"),
    ListSpec("holidays", phrases=True)])
_titles = read_lists("titles.yaml", [ListSpec("titles"), ListSpec("title_abbreviations")])
_triggers = read_lists("name_triggers.yaml", [ListSpec("name_triggers_es", phrases=True),
                                              ListSpec("name_triggers_en", phrases=True)])
_nicknames = read_lists("nicknames.yaml", [ListSpec("nickname_words"),
                                           ListSpec("not_nicknames")])
_surnames = read_lists("surnames.yaml", [ListSpec("indigenous_surnames")])
KEPT_LISTS = ("public_bodies", "public_acronyms", "religious_figures", "holidays", "platforms",
              "languages_and_peoples")
_kept = read_lists("kept_public_names.yaml", [
    ListSpec(name, phrases=name != "public_acronyms",
             phrases_go_in=None if name != "public_acronyms" else "public_bodies")
    for name in KEPT_LISTS] + [ListSpec("public_body_heads_es"), ListSpec("public_body_heads_en"),
                               ListSpec("local_place_heads")])

COUNTRIES: list[str] = _places["countries"]
COUNTRY_PHRASES: list[str] = _places["country_phrases"]  # matched as phrases
# Nicknames and abbreviations of cities ("el Defe", "Medallo"): always places.
COLLOQUIAL_PLACES: list[str] = _places["colloquial_places"]
NATIONALITIES: list[str] = _peoples["nationalities"]
LANGUAGES: list[str] = _peoples["languages"]
# Institution types and names of public bodies: analysts need them after redaction.
INSTITUTIONS: list[str] = _institutions["institutions"]
INSTITUTION_PHRASES: list[str] = _institutions["institution_phrases"]
# Common words that are also given names: kept when used as words.
TRAP_WORDS: list[str] = _common["trap_words"]
RELIGIOUS: list[str] = _common["religious"]
EXTRA_COMMON: list[str] = _common["extra_common"]
INTERJECTIONS: list[str] = _common["interjections"]
NAME_EDGE_WORDS: list[str] = _common["name_edge_words"]
MONTHS_ES: list[str] = _calendar["months_es"]
MONTHS_EN: list[str] = _calendar["months_en"]
MONTHS = MONTHS_ES + MONTHS_EN
DAYS_ES: list[str] = _calendar["days_es"]
DAYS_EN: list[str] = _calendar["days_en"]
DAYS = DAYS_ES + DAYS_EN
HOLIDAYS: list[str] = _calendar["holidays"]
# Titles, roles and kin that precede a name: the name after them is a PERSON.
TITLES: list[str] = _titles["titles"]
TITLE_ABBREVIATIONS: list[str] = _titles["title_abbreviations"]
# Words that introduce a name ("se llama X", "le decían X", "known as X").
NAME_TRIGGERS_ES: list[str] = _triggers["name_triggers_es"]
NAME_TRIGGERS_EN: list[str] = _triggers["name_triggers_en"]
# Spanish nicknames that English translations keep after "the" ("the Gringo"), and
# nickname heads after an article that are never nicknames.
NICKNAME_WORDS: list[str] = _nicknames["nickname_words"]
NOT_NICKNAMES: list[str] = _nicknames["not_nicknames"]
# Public names kept after redaction: institutions and programmes, their acronyms, religious
# figures, holidays, platforms, languages and peoples (kept.py finds them in a turn).
KEPT_PUBLIC_NAMES: list[str] = [entry for name in KEPT_LISTS for entry in _kept[name]]
PUBLIC_ACRONYMS: list[str] = _kept["public_acronyms"]
RELIGIOUS_FIGURES: list[str] = _kept["religious_figures"]
# Words that open (Spanish) or close (English) the name of a public body.
PUBLIC_BODY_HEADS_ES: list[str] = _kept["public_body_heads_es"]
PUBLIC_BODY_HEADS_EN: list[str] = _kept["public_body_heads_en"]
# Words that open the name of a hospital, school, shelter...: a public body's name stops there.
LOCAL_PLACE_HEADS: list[str] = _kept["local_place_heads"]
# Indigenous and other Andean surnames absent from Faker's lists.
INDIGENOUS_SURNAMES: list[str] = _surnames["indigenous_surnames"]


@lru_cache(maxsize=1)
def name_lexicon() -> tuple[frozenset[str], frozenset[str]]:
    """(given names, surnames), folded, from Faker's Spanish-language locales + our lists."""
    from faker.providers.person import en_US, es_AR, es_CO, es_ES, es_MX

    from pipeline.redaction.textutil import fold

    given: set[str] = set()
    surnames: set[str] = set()
    for module in (es_AR, es_CO, es_ES, es_MX):
        provider = module.Provider
        for attr in ("first_names", "first_names_female", "first_names_male"):
            for name in getattr(provider, attr, ()) or ():
                given.update(fold(part) for part in str(name).split())
        for name in getattr(provider, "last_names", ()) or ():
            surnames.update(fold(part) for part in str(name).split())
    for attr in ("first_names_female", "first_names_male"):
        for name in getattr(en_US.Provider, attr, ()) or ():
            given.add(fold(str(name)))
    surnames.update(fold(s) for s in INDIGENOUS_SURNAMES)
    # common words that Faker lists as names and would hurt meaning if redacted alone
    # (months stay: "Abril", "Julio" are names; the recognizers decide by language)
    common = common_words() - {fold(m) for m in MONTHS + DAYS}
    given = {g for g in given if len(g) > 2 and g not in common}
    surnames = {s for s in surnames if len(s) > 2 and s not in common}
    return frozenset(given), frozenset(surnames)


@lru_cache(maxsize=1)
def body_head_words() -> frozenset[str]:
    """Folded head words of public bodies' names, both languages ("programa", "ley",
    "office"): never a place, a name or a street in a body's name."""
    from pipeline.redaction.textutil import fold

    return frozenset(fold(w) for w in PUBLIC_BODY_HEADS_ES + PUBLIC_BODY_HEADS_EN)


@lru_cache(maxsize=4)
def common_words(language: str | None = None) -> frozenset[str]:
    """Folded words that must not count as name evidence on their own.

    With a language, months and days of that language only ("Julio" in English text is a name).
    """
    from spacy.lang.en.stop_words import STOP_WORDS as EN_STOP
    from spacy.lang.es.stop_words import STOP_WORDS as ES_STOP

    from pipeline.redaction.textutil import fold

    words = set(TRAP_WORDS) | set(COUNTRIES) | set(NATIONALITIES) | set(INSTITUTIONS)
    words |= set(RELIGIOUS) | set(TITLES) | set(EXTRA_COMMON)
    if language in (None, "en"):
        words |= set(EN_STOP) | set(MONTHS_EN) | set(DAYS_EN)
    if language in (None, "es"):
        words |= set(ES_STOP) | set(MONTHS_ES) | set(DAYS_ES)
    return frozenset(fold(w) for w in words)


def builtin_allow_list() -> list[str]:
    """Default allow-list: countries, nationalities, institutions, religious words, months."""
    items = (COUNTRIES + COUNTRY_PHRASES + NATIONALITIES + LANGUAGES + INSTITUTIONS + INSTITUTION_PHRASES
             + TRAP_WORDS + RELIGIOUS + MONTHS + DAYS + HOLIDAYS)
    return sorted(set(items))
