"""The known-identifiers file: values the data controller knows must never be published.

One entry per line: `value`, or `TYPE value` with TYPE one of the entity types (PERSON,
LOCATION, ORG, PHONE, ID, EMAIL, ADDRESS, DATE, HANDLE, URL, PLATE; aliases ORGANIZATION,
PHONE_NUMBER, ID_NUMBER) separated from the value by a tab or spaces. `#` starts a comment,
on its own line or after whitespace at the end of an entry. A UTF-8 byte-order mark is
ignored. Anything that cannot be read as an entry stops the run with the line number: an
entry that silently matched nothing would let the gate pass while protecting nothing.
"""

from __future__ import annotations

import re
from pathlib import Path

from pipeline.errors import InputError, Problem
from pipeline.io import read_config_text

TYPES = ("EMAIL", "URL", "HANDLE", "ID", "PHONE", "PLATE", "ADDRESS", "DATE", "PERSON", "ORG",
         "LOCATION")
ALIASES = {"ORGANIZATION": "ORG", "ORGANISATION": "ORG", "PHONE_NUMBER": "PHONE",
           "ID_NUMBER": "ID", "NAME": "PERSON", "PLACE": "LOCATION"}
_INLINE_COMMENT = re.compile(r"\s+#.*$")
_TYPE_LIKE = re.compile(r"^[A-Z][A-Z_]{1,20}$")


def guess_type(value: str) -> str:
    if "@" in value:
        return "EMAIL" if re.search(r"\w@\w", value) else "HANDLE"
    digits = sum(c.isdigit() for c in value)
    if digits >= 6:
        return "PHONE" if re.search(r"[\s+()-]", value.strip()) else "ID"
    return "PERSON"


def parse_line(line: str) -> tuple[str, str] | None | str:
    """(type, value), None for a blank or comment line, or an error message."""
    text = _INLINE_COMMENT.sub("", line).strip()
    if not text or text.startswith("#"):
        return None
    parts = re.split(r"\s+", text, maxsplit=1)
    head, rest = parts[0], (parts[1] if len(parts) > 1 else "")
    kind = ALIASES.get(head.upper(), head.upper())
    if kind in TYPES and head.isupper():
        value = rest.strip()
        if not value:
            return f"type {head} has no value after it"
        return kind, value
    if "\t" in text and _TYPE_LIKE.match(head):
        return (f"unknown type '{head}' before the tab; use one of {', '.join(TYPES)} "
                "or write the value alone")
    if len(text) < 2:
        return "an entry of one character would match too much; remove it"
    return guess_type(text), text


def load_known_identifiers(path: str | Path | None) -> list[tuple[str, str]]:
    if not path:
        return []
    p = Path(path)
    text = read_config_text(p, "check redaction.known_identifiers_file in params.yaml")
    entries, problems = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        parsed = parse_line(line.replace("\ufeff", ""))
        if parsed is None:
            continue
        if isinstance(parsed, str):
            problems.append(Problem(str(p), parsed, number))
            continue
        entries.append(parsed)
    if problems:
        raise InputError(problems)
    return entries
