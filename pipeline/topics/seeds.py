"""Seed-word lists for guided BERTopic, drawn from the codebook's labels, examples and rules."""

from __future__ import annotations

from typing import Any

from pipeline.topics.text import _WORD_RE


def _words_in(value: Any, language: str | None = None) -> list[str]:
    """Every string inside a YAML value (phrases, label texts, spaCy pattern values).

    A mapping keyed by language ({en: ..., es: ...}) gives only `language`'s part when a
    language is asked for and present.
    """
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        if language and language in value and all(len(str(k)) == 2 for k in value):
            return _words_in(value[language], language)
        out: list[str] = []
        for key, sub in value.items():
            if str(key).upper() in {"OP", "POS", "TAG", "DEP", "ENT_TYPE", "SHAPE", "IS_PUNCT",
                                    "IS_ALPHA", "IS_DIGIT", "IS_STOP", "LENGTH", "MORPH",
                                    "REGEX", "FUZZY", "NOT_IN"}:
                continue
            out.extend(_words_in(sub, language))
        return out
    if isinstance(value, list | tuple):
        return [w for item in value for w in _words_in(item, language)]
    return []


def seed_topics(codes: list[dict], stops: list[str], per_code: int,
                language: str | None = None) -> tuple[list[str], list[list[str]]]:
    """Seed-word lists for guided BERTopic, one per code, from labels, examples and rules."""
    stopset = set(stops)
    ids: list[str] = []
    seeds: list[list[str]] = []
    for entry in codes:
        texts: list[str] = []
        for key in ("label", "labels", "examples", "phrases", "keywords", "rules", "patterns"):
            texts.extend(_words_in(entry.get(key), language))
        counts: dict[str, int] = {}
        for text in texts:
            for word in _WORD_RE.findall(text.lower()):
                if word not in stopset:
                    counts[word] = counts.get(word, 0) + 1
        words = sorted(counts, key=lambda w: (-counts[w], w))[:per_code]
        if words:
            ids.append(str(entry["id"]))
            seeds.append(words)
    return ids, seeds
