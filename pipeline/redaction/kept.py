"""Public names kept after redaction: where they are in a turn.

Institutions, programmes, religious figures, holidays, platforms, languages and peoples are
what the analysis needs (`lexicon/kept_public_names.yaml`, `lexicon/institutions.yaml`,
`lexicon/calendar.yaml`). A name recognizer's span that lies inside one of them is dropped
("Luján" inside "la Virgen de Luján"), and the name scorer does not look inside them.

Besides the lists, two general forms are kept: devotions ("Virgen de X", "Our Lady of X",
"Señor de X", "Divino Niño") and named days ("Día de X", "Fiesta de X").
"""

from __future__ import annotations

import bisect
import re
from functools import lru_cache

from pipeline.redaction import lexicon
from pipeline.redaction.textutil import fold_with_map

_CAP = r"[A-ZÁÉÍÓÚÑ][\wáéíóúñü'’]*"
_OF = r"(?:de(?:l|\s+la|\s+los|\s+las)?|of(?:\s+the)?)"
DEVOTION = re.compile(
    rf"\b(?:[Vv]irgen(?:cita)?|[Vv]irgin|[Nn]uestra\s+[Ss]eñora|[Oo]ur\s+[Ll]ady|[Ss]eñor|[Cc]risto|"
    rf"[Cc]hrist|[Ss]anto\s+[Cc]risto|[Nn]iño\s+[Dd]ios|[Dd]ivin[oa]\s+{_CAP}|[Ss]anto\s+[Nn]iño)"
    rf"(?:\s+{_OF}\s+{_CAP}(?:\s+(?:{_OF}\s+)?{_CAP}){{0,3}})?")
NAMED_DAY = re.compile(
    rf"\b(?:[Dd][ií]a|[Dd]ay|[Ff]iestas?|[Nn]oche|[Ss]emana)\s+{_OF}\s+{_CAP}"
    rf"(?:\s+(?:{_OF}\s+)?{_CAP}){{0,2}}")


@lru_cache(maxsize=1)
def _phrase_regex() -> re.Pattern:
    from pipeline.redaction.textutil import fold

    phrases = {fold(p).strip() for p in lexicon.KEPT_PUBLIC_NAMES + lexicon.INSTITUTION_PHRASES
               + lexicon.HOLIDAYS + lexicon.COUNTRY_PHRASES}
    phrases = sorted((p for p in phrases if len(p) >= 2), key=len, reverse=True)
    alternation = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in phrases)
    return re.compile(rf"(?<![\w@#])(?:{alternation})(?![\w@])")


def kept_ranges(text: str) -> list[tuple[int, int]]:
    """(start, end) of every kept public name in `text`, in original offsets."""
    folded, index = fold_with_map(text)
    out = [(index[m.start()], index[m.end() - 1] + 1)
           for m in _phrase_regex().finditer(folded) if m.end() > m.start()]
    out += [m.span() for m in DEVOTION.finditer(text)]
    out += [m.span() for m in NAMED_DAY.finditer(text)]
    return sorted(out)


def inside(ranges: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether [start, end) lies within one of the sorted `ranges`."""
    i = bisect.bisect_right(ranges, (start, float("inf")))
    return any(a <= start and end <= b for a, b in ranges[max(0, i - 8):i])
