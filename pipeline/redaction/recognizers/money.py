"""Filters shared by the number recognizers: digits of a match, and amounts of money (a
number next to a currency word or sign is no identifier and no phone)."""

from __future__ import annotations

import re

MONEY_AFTER = re.compile(r"^\s*(?:de\s+)?(?:pesos|soles|d[oó]lares|dollars|bucks|mil|millones|"
                         r"millon|euros|bol[ií]vares|reales|quetzales|lempiras|sucres|usd|cop|"
                         r"mxn|ars|pen)\b", re.IGNORECASE)
MONEY_BEFORE = re.compile(r"(?:\$|s/\.?|us\$|usd|cop|mxn|ars|pen)\s*$", re.IGNORECASE)


def only_digits(s: str) -> str:
    return re.sub(r"\D", "", s)


def is_money(match: re.Match, text: str) -> bool:
    start, end = match.span()
    return bool(MONEY_AFTER.match(text[end:end + 16]) or MONEY_BEFORE.search(text[max(0, start - 6):start]))
