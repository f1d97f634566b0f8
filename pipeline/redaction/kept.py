"""Public names kept after redaction: where they are in a turn.

Institutions, programmes, religious figures, holidays, platforms, languages and peoples are
what the analysis needs (`lexicon/kept_public_names.yaml`, `lexicon/institutions.yaml`,
`lexicon/calendar.yaml`). A name recognizer's span that lies inside one of them is dropped
("Luján" inside "la Virgen de Luján"), and the name scorer does not look inside them.

Besides the lists, two general forms are kept: devotions ("Virgen de X", "Our Lady of X",
"Señor de X", "Divino Niño") and named days and public events ("Día de X", "Fiesta de X", "Marcha de X").
"""

from __future__ import annotations

import bisect
import re
from functools import lru_cache

from pipeline.redaction import lexicon
from pipeline.redaction.textutil import fold_with_map, loose_alternation

_CAP = r"[A-ZÁÉÍÓÚÑ][\wáéíóúñü'’]*"
_OF = r"(?:de(?:l|\s+la|\s+los|\s+las)?|of(?:\s+the)?)"
DEVOTION = re.compile(
    rf"\b(?:[Vv]irgen(?:cita)?|[Vv]irgin|[Nn]uestra\s+[Ss]eñora|[Oo]ur\s+[Ll]ady|[Ss]eñor|[Cc]risto|"
    rf"[Cc]hrist|[Ss]anto\s+[Cc]risto|[Nn]iño\s+[Dd]ios|[Dd]ivin[oa]\s+{_CAP}|[Ss]anto\s+[Nn]iño)"
    rf"(?:\s+{_OF}\s+{_CAP}(?:\s+(?:{_OF}\s+)?{_CAP}){{0,3}})?")
# "born in Cristo del Consuelo", "vivía en Virgen del Carmen": a devotion names a place
# and after "Hogar", "Casa", "Colegio" it names a shelter or a school ("Hogar Virgen del X")
PLACE_BEFORE = re.compile(r"\b(?:in|en|from|desde|near|cerca\s+de|barrio|sector|colonia|"
                          r"cooperativa|recinto|caser[ií]o|hogar|casa|albergue|refugio|"
                          r"fundaci[oó]n|centro|colegio|escuela|comedor|parroquia|shelter|home|"
                          r"school|hospital|hospitalari[oa]|cl[ií]nica|sanatorio|"
                          r"calle|c/|avenida|avda?\.?|av\.|ada\.|plaza|paseo|pasaje|jir[oó]n|"
                          r"street|avenue)(?:\s+(?:universitari[oa]|general|regional|"
                          r"provincial|municipal|cl[ií]nico|materno[- ]infantil)){0,2}"
                          r"\s*(?:(?:the|el|la|del|de\s+la)\s+)?$", re.IGNORECASE)
NAMED_DAY = re.compile(
    rf"\b(?:[Dd][ií]a|[Dd]ay|[Ff]iestas?|[Nn]oche|[Ss]emana|[Mm]archa|[Jj]ornada|[Cc]ampaña)"
    rf"\s+{_OF}\s+{_CAP}"
    rf"(?:\s+(?:{_OF}\s+)?{_CAP}){{0,2}}")


@lru_cache(maxsize=2)
def _phrase_regex(devotions: bool) -> re.Pattern:
    """All kept phrases but devotions, or devotions only (those can name a place or a
    shelter, so they are checked against what comes before them)."""
    from pipeline.redaction.textutil import fold

    religious = {fold(p).strip() for p in lexicon.RELIGIOUS_FIGURES}
    if devotions:
        phrases = religious
    else:
        phrases = {fold(p).strip() for p in lexicon.KEPT_PUBLIC_NAMES
                   + lexicon.INSTITUTION_PHRASES + lexicon.HOLIDAYS
                   + lexicon.COUNTRY_PHRASES} - religious
    # a single word that is also a common given name ("jesús", "dios" is not) is left to
    # the name recognizers: "fuimos por Jesús" is a son, not a devotion
    from pipeline.redaction import gazetteer

    given = gazetteer.given_names()
    phrases = sorted((p for p in phrases if len(p) >= 2
                      and not (" " not in p and given.get(p, 10**9) <= 2000)),
                     key=len, reverse=True)
    alternation = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in phrases)
    return re.compile(rf"(?<![\w@#])(?:{alternation})(?![\w@])")


# joins the words of a body's name; never an article alone ("la Guardia y el [Gocho]")
_CONNECT = (r"(?:de(?:\s+l[ao]s?)?|del|para(?:\s+l[ao]s?)?|contra(?:\s+l[ao]s?)?|y|e|a(?:\s+l[ao]s?)?|al|en(?:\s+(?:el|l[ao]s?))?|"
            r"por(?:\s+(?:el|l[ao]s?))?|l[ao]s|"
            r"of(?:\s+the)?|and|for(?:\s+the)?|on|against)")


# a capitalised word with no possessive ("Cacho's office" is no public body)
_WORD = r"[A-ZÁÉÍÓÚÑ][a-záéíóúñü]+(?![\w'’])"
# laws and programmes list what they do and whom for: "Ley para Prevenir, Atender y
# Sancionar ...", "... de Niñas, Niños y Adolescentes". A comma joins the name's words only
# before a list of capitalised words that a "y"/"e" closes; a common given name ends the
# name ("Programa Nacional, Rosa dijo" keeps "Programa Nacional").
_INFINITIVE = r"[A-ZÁÉÍÓÚ][a-záéíóúñ]+(?:ar|er|ir)(?![\w'’])"
_LIST = (rf",\s+(?=(?:{_INFINITIVE}(?:,\s+{_INFINITIVE})*\s+[ye]\s+{_INFINITIVE}|"
         rf"{_WORD}(?:,\s+{_WORD})*\s+[ye]\s+{_WORD}))")


# "Ley 985", "Ley 26.364", "Decreto 1066 de 2015": laws and decrees by number
_NUMBER = r"(?:N[º°o]\.?\s*)?\d[\d.]*\d(?![\w])|\d(?![\w])"


@lru_cache(maxsize=1)
def _body_regexes() -> tuple[re.Pattern, re.Pattern, re.Pattern]:
    es = loose_alternation(lexicon.PUBLIC_BODY_HEADS_ES, capitalised=True)
    en = loose_alternation(lexicon.PUBLIC_BODY_HEADS_EN, capitalised=True)
    # names of bodies are written capitalised: "Programa de Rescate", not "el programa de X"
    head_first = re.compile(
        rf"\b(?:{es})(?:\s+{_CONNECT})?\s+(?:{_WORD}|{_NUMBER})"
        rf"(?:(?:{_LIST}|(?:\s+{_CONNECT})?\s+)(?:{_WORD}|{_NUMBER})){{0,11}}")
    head_last = re.compile(rf"(?:{_WORD}\s+){{1,4}}(?:{en})\b")
    of_form = re.compile(rf"\b(?:{en})\s+(?:of|for|on|against)(?:\s+the)?\s+{_WORD}"
                         rf"(?:(?:\s+{_CONNECT})?\s+{_WORD}){{0,5}}")
    return head_first, head_last, of_form


def _without_places(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Cut a public body's name at its first place name ("Fiscalía de [Puno]"), before a
    hospital, school or shelter it mentions, before a given name that is no common word,
    and at a comma before a listed given name; none for a postal code. The head word itself
    is never taken for a place (there are towns called Registro and Unidad)."""
    from pipeline.redaction import gazetteer
    from pipeline.redaction.textutil import fold

    places = gazetteer.places()
    given = gazetteer.given_names()
    heads = lexicon.body_head_words()
    local = _local_place_heads()
    for m in re.finditer(rf"{_CAP}", text[start:end]):
        word = fold(m.group(0))
        rank = given.get(word, 10**9)
        # "... del [Hospital X]": a named local place is not kept; nor a person's name: a
        # common given name ("Rosa", "Luz") or a rarer one that is no common word
        # ("Nacional" is ranked 388 as a name but is a word)
        if m.start() > 0 and (word in local or (word not in heads and (
                rank <= 300 or (rank <= 1000 and gazetteer.word_zipf(word, "es") < 4.5)))):
            end = start + m.start()
            break
    if re.search(r"(?i)\bpostal\b", text[start:end]):
        return None   # "Código Postal 28012" is an address
    comma = text.find(",", start, end)
    if comma >= 0 and any(given.get(fold(w), 10**9) <= 2000
                          for w in re.findall(_CAP, text[comma:end])):
        end = comma   # a listed given name ("..., Rosa y Juan vinieron") is no body's name
    for m in re.finditer(rf"{_CAP}(?:\s+(?:{_CONNECT}\s+)?{_CAP})*", text[start:end]):
        words = m.group(0).split()
        for i in range(len(words)):
            if fold(words[i]) in heads or not words[i][0].isupper():
                continue   # a connector ("para" is also Pará) or the head word
            for j in range(len(words), i, -1):
                if fold(" ".join(words[i:j])) in places:
                    cut = start + m.start() + len(" ".join(words[:i])) + (1 if i else 0)
                    if cut - start < 4:
                        return None
                    return start, cut
    return start, end


@lru_cache(maxsize=1)
def _local_place_heads() -> frozenset[str]:
    from pipeline.redaction.textutil import fold

    return frozenset(fold(w) for w in lexicon.LOCAL_PLACE_HEADS)


def kept_ranges(text: str) -> list[tuple[int, int]]:
    """(start, end) of every kept public name in `text`, in original offsets (cached: the
    analyzer, the gate's repair and the gate ask for the same turns)."""
    return list(_kept_ranges(text))


# "she speaks Tu'un Savi", "mi abuela habla puro Runasimi": what is spoken is a language, a
# name no list may hold (most languages have several names, their speakers' own among them)
_LANGUAGE_TOKEN = r"(?:[A-ZÁÉÍÓÚÑ][\w'’-]*|\w+['’]\w*)"
SPOKEN_LANGUAGE = re.compile(
    r"\b(?:speak|speaks|spoke|spoken|speaking|habla|hablo|hablas|hablaba|hablaban|hablamos|"
    r"hablan|hablar|hablando|hablé|habló|hablábamos)\s+"
    r"(?:(?:only|just|mostly|also|some|a\s+little|fluent|good|solo|sólo|solamente|puro|pura|"
    r"nomás|también|mejor|más|un\s+poco\s+de|el|en)\s+)*"
    rf"({_LANGUAGE_TOKEN}(?:\s+{_LANGUAGE_TOKEN})?)", re.IGNORECASE)


def _spoken_languages(text: str) -> list[tuple[int, int]]:
    """Where a language follows "speak"/"hablar", unless a word of it is a common given name
    (Spanish puts the subject after the verb: "entonces habló Rosa")."""
    from pipeline.redaction import gazetteer
    from pipeline.redaction.textutil import fold

    given = gazetteer.given_names()
    out = []
    for m in SPOKEN_LANGUAGE.finditer(text):
        words = m.group(1).split()
        if not all(w[0].isupper() or "'" in w or "’" in w for w in words):
            continue   # case-insensitive above for the verb only
        if any(given.get(fold(w), 10**9) <= 2000 for w in words):
            continue
        out.append(m.span(1))
    return out


@lru_cache(maxsize=8192)
def _kept_ranges(text: str) -> tuple[tuple[int, int], ...]:
    folded, index = fold_with_map(text)
    out = [(index[m.start()], index[m.end() - 1] + 1)
           for m in _phrase_regex(False).finditer(folded) if m.end() > m.start()]
    devotions = [(index[m.start()], index[m.end() - 1] + 1)
                 for m in _phrase_regex(True).finditer(folded) if m.end() > m.start()]
    devotions += [m.span() for m in DEVOTION.finditer(text)]
    out += [(a, b) for a, b in devotions
            if not PLACE_BEFORE.search(text[max(0, a - 24):a])]
    out += [m.span() for m in NAMED_DAY.finditer(text)]
    out += _spoken_languages(text)
    for regex in _body_regexes():
        for m in regex.finditer(text):
            cut = _without_places(text, *m.span())
            if cut is not None:
                out.append(cut)
    return tuple(sorted(out))


def inside(ranges: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether [start, end) lies within one of the sorted `ranges`."""
    i = bisect.bisect_right(ranges, (start, float("inf")))
    return any(a <= start and end <= b for a, b in ranges[max(0, i - 8):i])


_LEAD = re.compile(rf"(?:[\W_]+|(?:{_CONNECT}|the|el|la)(?!\w))*", re.IGNORECASE)
_TRAIL = re.compile(rf"(?:[\W_]+|(?<!\w)(?:{_CONNECT}|the|el|la))*$", re.IGNORECASE)


_FIRST_WORD = re.compile(r"[\w/]+\.?")
_STREET_START = re.compile(r"(?:calle|c/|avenida|avda?\.?|av\.|ada\.|plaza|paseo|pasaje|"
                           r"jir[oó]n|carrera|street|avenue)$", re.IGNORECASE)


def opens_local_place(text: str, start: int) -> bool:
    """Whether the span at `start` opens with a hospital's, shelter's or street's word
    ("Hospital Virgen de X", "C/ Virgen de la Y"): such a name stays whole."""
    from pipeline.redaction.textutil import fold

    m = _FIRST_WORD.match(text, start)
    if m is None:
        return False
    word = m.group(0)
    return fold(word.rstrip(".")) in _local_place_heads() or bool(_STREET_START.match(word))


def uncovered(text: str, ranges: list[tuple[int, int]], start: int, end: int
              ) -> list[tuple[int, int]]:
    """The parts of [start, end) outside the sorted kept `ranges`, each without the
    connectors and punctuation at its edges, that still hold a word ("Centro de Atención
    Residencial del INABIF" leaves nothing; "Fiscalía de Puno" leaves "Puno")."""
    pieces, position = [], start
    for a, b in ranges:
        if b <= position or a >= end:
            continue
        if a > position:
            pieces.append((position, a))
        position = max(position, b)
    if position < end:
        pieces.append((position, end))
    out = []
    for a, b in pieces:
        piece = text[a:b]
        a2 = a + _LEAD.match(piece).end()
        b2 = a + _TRAIL.search(piece, a2 - a).start()
        if b2 > a2 and re.search(r"\w", text[a2:b2]):
            out.append((a2, b2))
    return out
