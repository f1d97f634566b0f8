"""Text conventions shared by every stage: the one fold and the one pattern of a pseudonym tag.

`fold` is the form words are compared in, everywhere: lower case (casefold), accents and
other marks stripped (NFKD), every apostrophe variant as '. Redaction matches whole texts
with `pipeline.redaction.textutil.fold`, which is this fold plus whitespace runs, hyphens
and dashes as one space (a name across a line break or written "chino-rulo").

The redact stage writes `[PERSON_1]`, `[LOCATION_2]`, `[PHONE]`; other redaction tools write
`<PERSON>` or `{{PHONE}}`. Coding masks tags so no rule matches them, topics drop them so they
never become topic words: both read them with this pattern.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

TAG_PATTERN = re.compile(r"\[[A-Z][A-Z0-9_]*\]|<[A-Z][A-Z0-9_]*>|\{\{?[A-Z][A-Z0-9_]*\}?\}")


# Word processors write ’ for ': "d’artagnan" must match "d'artagnan".
APOSTROPHES = frozenset("'’‘ʼ`´′ʹ")
DASHES = frozenset("-‐‑‒–—―−﹘﹣－")


@lru_cache(maxsize=65536)
def fold_char(ch: str) -> str:
    """One character folded: an apostrophe variant as ', marks stripped, case folded."""
    if ch in APOSTROPHES:
        return "'"
    decomposed = unicodedata.normalize("NFKD", ch)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def fold(text: str) -> str:
    """Lower case, no accents, apostrophes as ' ("Mamá’s" -> "mama's")."""
    return "".join(map(fold_char, text))
