"""One scorer for person names that no other recognizer found, in any case and any position.

It weighs, for each word left unredacted: whether the word is a given name, a surname or a
diminutive of one (gazetteers from names-dataset), how common it is as an ordinary word
(wordfreq), capitalisation inside a sentence, and how it is used — greeted or thanked
("Hola, X", "thank you, X", "X, gracias"), named ("le dicen X", "ask for X"), next to a role
("mi primo X", "her friend X", "X, una amiga de mi prima"), after a Spanish article ("la X"),
next to another name. Weights and word lists are data: `name_evidence.yaml`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from pipeline.errors import ConfigError
from pipeline.redaction import gazetteer, lexicon
from pipeline.redaction.name_positions import acts_as_someone, between_commas
from pipeline.redaction.spans import Span
from pipeline.redaction.textutil import fold, fold_with_map, is_sentence_initial

SETTINGS_FILE = Path(__file__).parent / "name_evidence.yaml"
POINTS = ("given_common", "given_rare", "surname", "diminutive", "unknown_word", "capitalised",
          "vocative", "naming_phrase", "role_before", "role_after", "article_before",
          "article_mismatch", "between_commas",
          "next_to_name")
LISTS = ("vocative_before", "vocative_after", "naming_phrases", "naming_after", "articles_es",
         "endearments")
WORD = re.compile(r"(?<![\w@#/])[^\W\d_]+(?:['’][^\W\d_]+)?(?![\w@])")
# word endings no given name has: "whiskería", "machismo", "rápidamente", "contratista"
_NOT_A_NAME_ENDING = re.compile(r"\w{3}(?:erias?|ismos?|mente|mientos?|ologias?|istas?|ciones)$")
_DIMINUTIVE = re.compile(r"(?:cit[oa]|it[oa]|ill[oa]|uch[oa]|ic[oa])$")


@dataclass(frozen=True)
class EvidenceSettings:
    threshold: float
    score: float
    given_rank_common: int
    points: dict[str, float]
    free_zipf: float
    penalty_per_zipf: float
    unknown_below_zipf: float
    unknown_needs_context: float
    lists: dict[str, tuple[str, ...]]


def _number(data: dict, key: str, low: float, high: float, where: str, problems: list[str]
            ) -> float:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        problems.append(f"{where}{key}: must be a number between {low} and {high}"
                        f" (found {value!r})")
        return 0.0
    if not low <= value <= high:
        problems.append(f"{where}{key}: {value} is outside {low}..{high}")
    return float(value)


def load_settings(path: Path = SETTINGS_FILE) -> EvidenceSettings:
    """Read and check the scorer's settings; every problem is reported at once."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"name scorer settings {path}: cannot be read ({exc})") from None
    if not isinstance(data, dict):
        raise ConfigError(f"name scorer settings {path}: expected settings as 'name: value'")
    problems: list[str] = []
    threshold = _number(data, "threshold", 0.05, 2.0, "", problems)
    score = _number(data, "score", 0.5, 1.0, "", problems)
    rank = _number(data, "given_rank_common", 1, 100000, "", problems)
    raw_points = data.get("points") if isinstance(data.get("points"), dict) else {}
    if not isinstance(data.get("points"), dict):
        problems.append("points: must be a list of 'name: number' lines")
    unknown = set(raw_points) - set(POINTS)
    if unknown:
        problems.append(f"points: unknown name(s) {sorted(unknown)}; known: {list(POINTS)}")
    points = {k: _number(raw_points, k, -1.0, 1.0, "points.", problems) for k in POINTS}
    wordiness = data.get("wordiness") if isinstance(data.get("wordiness"), dict) else {}
    free = _number(wordiness, "free_zipf", 0.0, 8.0, "wordiness.", problems)
    penalty = _number(wordiness, "penalty_per_zipf", 0.0, 1.0, "wordiness.", problems)
    below = _number(data, "unknown_below_zipf", 0.0, 8.0, "", problems)
    needs = _number(data, "unknown_needs_context", 0.0, 2.0, "", problems)
    lists = {}
    for name in LISTS:
        items = data.get(name)
        if not isinstance(items, list) or not all(isinstance(i, str) and i.strip()
                                                   for i in items):
            problems.append(f"{name}: must be a list of words or phrases, one per line")
            items = []
        lists[name] = tuple(sorted({fold(i).strip() for i in items}, key=len, reverse=True))
    if problems:
        raise ConfigError(f"name scorer settings {path}: {len(problems)} problem(s):\n  "
                          + "\n  ".join(problems))
    return EvidenceSettings(threshold, score, int(rank), points, free, penalty, below, needs,
                            lists)


def _alternation(phrases: tuple[str, ...]) -> str:
    return "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in phrases)


@lru_cache(maxsize=4)
def _never_names(language: str) -> frozenset[str]:
    """Words that are never a name on their own here: function words, titles and roles,
    institutions, places kept on purpose, calendar words, endearments."""
    from spacy.lang.en.stop_words import STOP_WORDS as EN_STOP
    from spacy.lang.es.stop_words import STOP_WORDS as ES_STOP

    own, other = (ES_STOP, EN_STOP) if language == "es" else (EN_STOP, ES_STOP)
    # the other language's function words appear in code-switched speech ("pero", "que");
    # its rarer stop words ("segundo", "vale") can be names there
    other_common = [w for w in other
                    if gazetteer.word_zipf(w, "en" if language == "es" else "es") >= 5.5]
    words = (list(own) + other_common + lexicon.TITLES + lexicon.INSTITUTIONS
             + lexicon.COUNTRIES + lexicon.NATIONALITIES + lexicon.LANGUAGES + lexicon.RELIGIOUS
             + lexicon.MONTHS + lexicon.DAYS
             + [w for h in lexicon.HOLIDAYS for w in h.split() if len(w) > 3]
             + list(load_settings_cached().lists["endearments"]))
    return frozenset(fold(w) for w in words)


@lru_cache(maxsize=1)
def load_settings_cached() -> EvidenceSettings:
    return load_settings()


class NameScorer:
    """Finds names among the words of one turn that no span covers yet."""

    def __init__(self, language: str, settings: EvidenceSettings | None = None,
                 allowed: frozenset[str] = frozenset()):
        self.language = "es" if language == "es" else "en"
        self.settings = settings or load_settings_cached()
        self._folded: tuple[str, str, list[int]] | None = None
        self.never = _never_names(self.language) | allowed
        self.nickname_words = (frozenset(fold(w) for w in lexicon.TITLES + lexicon.NICKNAME_WORDS)
                               - allowed)
        self.looks_words = frozenset(fold(w) for w in lexicon.NICKNAME_WORDS) - allowed
        roles = sorted({fold(t) for t in lexicon.TITLES}, key=len, reverse=True)
        lists = self.settings.lists
        role = _alternation(tuple(roles))
        self._vocative_before = re.compile(
            rf"(?:^|[^\w])(?:{_alternation(lists['vocative_before'])})\s*[,!]?\s*$")
        self._vocative_after = re.compile(rf"^\s*,\s*(?:{_alternation(lists['vocative_after'])})\b")
        self._naming = re.compile(
            rf"(?:^|[^\w])(?:{_alternation(lists['naming_phrases'])})\s*:?\s*[\"“«]?"
            rf"(?:(?:el|la|the)\s+)?$")
        self._naming_after = re.compile(
            rf"^\s*,?\s*(?:{_alternation(lists['naming_after'])})\b")
        # "mi primo X", "mi padrastro, X", "mi padrastro, el X"
        self._role_before = re.compile(
            rf"(?:^|[^\w])(?:{role})\s*(?:,\s*(?:(?:el|la|the)\s+)?)?$")
        self._role_after = re.compile(
            rf"^\s*,\s*(?:(?:un|una|mi|my|a|an|his|her|the|el|la|su|our|nuestra|nuestro)\s+)?"
            rf"(?:{role})\b")
        self._article = re.compile(rf"(?:^|[^\w])(?:{_alternation(lists['articles_es'])})\s+$")
        self._turn_or_quote_start = re.compile(r"(?:^|[\"“«¡¿]|[.!?…:]\s)\s*$")

    def _windows(self, text: str, start: int, end: int) -> tuple[str, str]:
        """The folded 48 characters before and after a word (from the turn folded once by
        `find`, or folded here when called alone)."""
        cached = self._folded
        if cached is not None and cached[0] is text:
            _, folded, to_folded = cached
            a, b = to_folded[start], to_folded[end]
            return folded[max(0, a - 48):a], folded[b:b + 48]
        return fold(text[max(0, start - 48):start]), fold(text[end:end + 48])

    def _named_or_roled(self, text: str, start: int, end: int) -> bool:
        before, _ = self._windows(text, start, end)
        return self._is_named(text, start, end) or bool(self._role_before.search(before))

    def _is_named(self, text: str, start: int, end: int) -> bool:
        before, after = self._windows(text, start, end)
        return bool(self._naming.search(before) or self._naming_after.match(after))

    # -------------------------------------------------------------- evidence per word
    def _gazetteer_points(self, word: str) -> tuple[float, bool]:
        p = self.settings.points
        given = gazetteer.given_names()
        common = self.settings.given_rank_common
        best = 0.0
        rank = given.get(word)
        if rank is not None:
            best = p["given_common"] if rank <= common else p["given_rare"]
        elif word in gazetteer.surnames():
            best = p["surname"]
        stem = _DIMINUTIVE.sub("", word) if len(word) > 5 else word
        ranks = [given[stem + end] for end in ("", "o", "a") if stem + end in given]
        if stem != word and len(stem) >= 3 and ranks:
            # "kevincito": the diminutive of a common name that is no word of its own
            if min(ranks) <= common and gazetteer.word_zipf(word, self.language) < 2.5:
                best = max(best, p["given_common"])
            best = max(best, p["diminutive"])
        in_gazetteer = rank is not None or best > 0
        return best, in_gazetteer

    def _context_points(self, text: str, start: int, end: int) -> float:
        p = self.settings.points
        before, after = self._windows(text, start, end)
        total = 0.0
        ends_phrase = bool(re.match(r"\s*(?:[,.!?;:]|$)", after))
        greeted = bool(self._vocative_before.search(before)) and ends_phrase
        # "X, ..." at the start of a turn, a sentence or a quote
        opens = (after.lstrip()[:1] == ","
                 and bool(self._turn_or_quote_start.search(text[max(0, start - 4):start])))
        if greeted or opens or self._vocative_after.match(after):
            total += p["vocative"]
        elif between_commas(before, after):   # "no te vayas, X, no te vayas"
            total += p["between_commas"]
        if self._naming.search(before) or self._naming_after.match(after):
            total += p["naming_phrase"]
        if self._role_before.search(before):
            total += p["role_before"]
        if self._role_after.match(after):
            total += p["role_after"]
        if self.language == "es" and self._article.search(before):
            total += p["article_before"]
        return total

    def _wordiness(self, lower: str, folded: str) -> float:
        """How common the word is as an ordinary word. Accents kept ("josé" is rarer in
        English than "jose"); Spanish also without them ("firme" for "firmé", as people
        type). The other language counts one step less: English testimony is full of
        Spanish words ("chacra", "peluquería") that are not names."""
        other = "en" if self.language == "es" else "es"
        zipf = gazetteer.word_zipf(lower, self.language)
        if self.language == "es" and folded != lower:
            zipf = max(zipf, gazetteer.word_zipf(folded, "es"))
        return max(zipf, gazetteer.word_zipf(lower, other) - 1.0)

    def score_word(self, text: str, start: int, end: int) -> float | None:
        """Points for the word text[start:end], or None if it can never be a name here."""
        raw = text[start:end]
        word = fold(raw)
        if len(word) < 3 or "'" in word or _NOT_A_NAME_ENDING.search(word):
            return None
        if (self.language == "es" and word in self.looks_words
                and acts_as_someone(*self._windows(text, start, end))):
            # "venía el flaco y les cobraba", "el tuerto nos llevó": a word for someone's looks
            # after "el"/"la", doing something, is what people call that person
            return self.settings.points["naming_phrase"] + self.settings.points["given_rare"]
        if word in self.never:
            # a role word used as a nickname: "la madrina, así le decían", "they call him uncle"
            if word in self.nickname_words and self._is_named(text, start, end):
                return self.settings.points["naming_phrase"] + self.settings.points["given_rare"]
            # a word that is also a given name, capitalised inside a sentence right after a
            # role or a naming phrase, is that name: "mi padrastro, el Segundo, dijo"
            if not (raw[:1].isupper() and not raw.isupper()
                    and not is_sentence_initial(text, start)
                    and word in gazetteer.given_names() and self._named_or_roled(text, start, end)):
                return None
        points, in_gazetteer = self._gazetteer_points(word)
        zipf = self._wordiness(raw.lower(), word)
        s = self.settings
        unknown = zipf < s.unknown_below_zipf
        if not unknown and not in_gazetteer:
            return None
        context = self._context_points(text, start, end)
        if unknown and context >= s.unknown_needs_context:
            # not a word of either language, and used the way names are used
            points += s.points["unknown_word"]
        elif not in_gazetteer:
            return None
        points -= max(0.0, zipf - s.free_zipf) * s.penalty_per_zipf
        if raw[:1].isupper() and not raw.isupper() and not is_sentence_initial(text, start):
            points += s.points["capitalised"]
        if (self.language == "es" and word.endswith("s") and in_gazetteer
                and gazetteer.given_names().get(word, 10**9) <= s.given_rank_common
                and self._article.search(self._windows(text, start, end)[0])):
            # "la milagros", "la dolores": a singular article before a plural-looking word
            # is no grammar for a noun ("los milagros"), it is how Spanish speech names
            points += s.points["article_mismatch"]
        return points + context

    def find(self, text: str, covered: list[Span]) -> list[Span]:
        """PERSON spans for the words of `text` whose evidence reaches the threshold.

        Linear in the length of the turn (one sweep over words and covered spans)."""
        folded, index = fold_with_map(text)
        to_folded, k = [], 0
        for i in range(len(text) + 1):
            while k < len(index) and index[k] < i:
                k += 1
            to_folded.append(k)
        self._folded = (text, folded, to_folded)
        try:
            return self._find(text, covered)
        finally:
            self._folded = None

    def _find(self, text: str, covered: list[Span]) -> list[Span]:
        taken = sorted((sp.start, sp.end) for sp in covered)
        free, j = [], 0
        for m in WORD.finditer(text):
            s, e = m.span()
            while j < len(taken) and taken[j][1] <= s:
                j += 1
            # spans are sorted by start; any that starts before e and ends after s overlaps
            k, overlaps = j, False
            while k < len(taken) and taken[k][0] < e:
                if taken[k][1] > s:
                    overlaps = True
                    break
                k += 1
            if not overlaps:
                free.append((s, e))
        scores = {(s, e): self.score_word(text, s, e) for s, e in free}
        threshold = self.settings.threshold
        bonus = self.settings.points["next_to_name"]
        found = {k for k, v in scores.items() if v is not None and v >= threshold}
        # a word with name evidence right next to a name is part of it ("edinson andrés")
        name_like = {k for k, v in scores.items() if v is not None and v + bonus >= threshold}
        persons = ({(sp.start, sp.end) for sp in covered if sp.type == "PERSON"}
                   | found | name_like)
        ends = {b for _, b in persons}
        starts = {a for a, _ in persons}
        pending = sorted(name_like - found)
        changed = True
        while changed and pending:
            changed = False
            for key in list(pending):
                s, e = key
                near = (any(b in ends and text[b:s].strip() == "" for b in (s - 1, s - 2))
                        or any(a in starts and text[e:a].strip() == "" for a in (e + 1, e + 2)))
                if near:
                    found.add(key)
                    pending.remove(key)
                    changed = True
        return [Span(s, e, "PERSON", self.settings.score, "NameEvidence") for s, e in sorted(found)]
