"""Where a word stands, as evidence that it names someone (used by the name scorer).

Each function reads the folded text just before and just after the word (`before`,
`after`, as `NameScorer._windows` gives them).
"""

from __future__ import annotations

import re

# a word alone between commas ("no te vayas, X, no te vayas"; "mi hermano, el X, ...") but
# not one item of a list ("papa, yuca, maíz, de todo")
_OPENS_ASIDE = re.compile(r",\s+(?:(?:el|la|the)\s+)?$")
_LIST_GOES_ON = re.compile(r"\s*,\s*[^\W\d_]+(?:\s*,|\s+(?:y|e|and|o|or)\s)")
# "el flaco les cobraba", "llegó la güera": a word for someone's looks after an article,
# followed by an object pronoun, a verb in the past or "ese"/"esa", or after such a verb
_ARTICLE_BEFORE = re.compile(r"(?:^|[^\w])(?:el|la)\s+$")
_PAST = r"\w{2,}(?:o|aba|ia|aban|ian|aron|ieron)"
_ACTS_AFTER = re.compile(rf"^\s+(?:y\s+)?(?:(?:me|te|le|les|nos|lo|la|los|las|se)\s+\w+|"
                         rf"(?:dijo|decia|fue|era|estaba|tenia|queria|mandaba|{_PAST})\b)"
                         r"|^\s+(?:ese|esa)\b")   # "la negra esa", "el gordo ese": that person
_VERB_BEFORE = re.compile(rf"(?:^|[^\w])(?:venia|llego|vino|llegaba|aparecio|{_PAST})\s+"
                          rf"(?:el|la)\s+$")


def between_commas(before: str, after: str) -> bool:
    """Alone between commas, as people are addressed mid-sentence or named in apposition,
    and not one item of a list."""
    return (bool(_OPENS_ASIDE.search(before)) and after.lstrip()[:1] == ","
            and not _LIST_GOES_ON.match(after))


def acts_as_someone(before: str, after: str) -> bool:
    """After "el"/"la" and doing something: "venía el flaco y les cobraba"."""
    if not _ARTICLE_BEFORE.search(before):
        return False
    return bool(_ACTS_AFTER.match(after) or _VERB_BEFORE.search(before))
