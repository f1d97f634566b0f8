"""The words a topic model sees: pseudonym tags stripped, tokens, stop words, snippets."""

from __future__ import annotations

import re

from pipeline.text import TAG_PATTERN

# [PERSON_1], [LOCATION_2], [PHONE], [DATE_TIME_3], <PERSON>, {{PHONE}}: every tag style
TAG_RE = TAG_PATTERN
TOKEN_PATTERN = r"(?u)\b[^\W\d_]{3,}\b"   # words of 3+ letters, no digits, no underscores
_WORD_RE = re.compile(TOKEN_PATTERN)

# Interview fillers that spaCy's stop lists do not hold (both languages; general, not corpus-
# specific). Extend with topics.extra_stop_words.
FILLERS = {
    "yeah", "okay", "ok", "like", "know", "just", "really", "thing", "things", "got", "get",
    "mean", "lot", "kind", "sort", "maybe", "want", "said", "say", "says", "told", "tell",
    "went", "going", "come", "came", "didn", "don", "doesn", "wasn", "couldn", "wouldn",
    "isn", "aren", "won", "can", "let", "oh", "uh", "um", "hmm", "right", "yes", "gonna",
    "pues", "bueno", "entonces", "digamos", "osea", "este", "esa", "eso", "che", "dije",
    "dijo", "decía", "dice", "sea", "tipo", "cosa", "cosas", "vez", "veces", "ahí", "allá",
    "acá", "nomás", "nada", "todo", "así", "sí", "pos", "pue", "ay", "eh", "mm", "mmm", "ajá",
    "tenía", "había", "fue", "era", "iba", "estaba", "estaban", "tengo", "tiene", "hay",
}

# Tag names also never count as words (in case a redactor writes them without brackets).
TAG_WORDS = {"person", "location", "phone", "phone_number", "email", "date_time", "url",
             "id", "nrp", "organization", "address", "persona", "lugar", "teléfono"}


def strip_tags(text: str) -> str:
    """Remove pseudonym tags from text before it is embedded or counted."""
    return re.sub(r"\s{2,}", " ", TAG_RE.sub(" ", text)).strip()


def stop_words(extra: list[str] | tuple[str, ...] = ()) -> list[str]:
    """English + Spanish stop words (spaCy's lists), interview fillers and tag names."""
    from spacy.lang.en.stop_words import STOP_WORDS as EN
    from spacy.lang.es.stop_words import STOP_WORDS as ES

    words = {w.lower() for w in EN | ES | FILLERS | TAG_WORDS | set(extra)}
    # CountVectorizer compares tokens after lowercasing: keep the list in that form, and add
    # the apostrophe-free parts of contractions ("don't" -> "don") already listed in FILLERS.
    return sorted(words)


def snippet(text: str, limit: int) -> str:
    """A short, single-line excerpt of redacted text, cut at a word boundary."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut + " …"
