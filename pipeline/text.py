"""Text conventions shared by every stage: the one pattern of a pseudonym tag.

The redact stage writes `[PERSON_1]`, `[LOCATION_2]`, `[PHONE]`; other redaction tools write
`<PERSON>` or `{{PHONE}}`. Coding masks tags so no rule matches them, topics drop them so they
never become topic words: both read them with this pattern.
"""

from __future__ import annotations

import re

TAG_PATTERN = re.compile(r"\[[A-Z][A-Z0-9_]*\]|<[A-Z][A-Z0-9_]*>|\{\{?[A-Z][A-Z0-9_]*\}?\}")
