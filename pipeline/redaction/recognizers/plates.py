"""PlateRecognizer: vehicle licence plates of Latin-American countries."""

from __future__ import annotations

import re

from pipeline.redaction.recognizers.base import Rule, RuleRecognizer

_B = r"(?<![\w-])"
_E = r"(?![\w-])"
FORMS = [
    r"[A-Z]{3}-\d{3,4}",            # CO, PE, EC, AR (old) with hyphen
    r"[A-Z]\d[A-Z]-\d{3}",          # PE current
    r"[A-Z]{2}[- ]?\d{3}[- ]?[A-Z]{2}",  # AR Mercosur
    r"[A-Z]{3}-\d{2}-\d{2}",        # MX
    r"[A-Z]{3}-\d{3}-[A-Z]",        # MX
    r"\d{3}-[A-Z]{3}",              # MX
    r"[A-Z]{3}-\d{2}[A-Z]",         # CO motorbikes
    r"\d{4}[- ]?[A-Z]{3}",          # BO (1234-ABC)
    r"[A-Z]-?\d{3}[A-Z]{3}",         # GT (P-123ABC)
    r"[A-Z]{3}\d[A-Z]\d{2}",         # Mercosur BR/UY (ABC1D23)
    r"[A-Z]{4}[- ]\d{3}",            # Mercosur PY (ABCD 123)
]
LOOSE = [r"[A-Z]{3} ?\d{3,4}", r"[A-Z]\d[A-Z] ?\d{3}", r"\d{3} ?[A-Z]{3}"]


def _check(match: re.Match, text: str) -> float | None:
    value = match.group(0)
    if not (re.search(r"\d", value) and re.search(r"[A-Z]", value)):
        return None
    return None if value[:3] in {"COV", "SIS", "DNI", "RUC", "NIT", "CUI"} else 0.6


RULES = (Rule("plate", re.compile(_B + "(?:" + "|".join(FORMS) + ")" + _E), 0.6, validator=_check),
         Rule("plate_loose", re.compile(_B + "(?:" + "|".join(LOOSE) + ")" + _E), 0.35))


class PlateRecognizer(RuleRecognizer):
    """A plate in one of `FORMS` (with a digit and a letter), or a looser form (PLATE)."""

    def __init__(self, language: str):
        super().__init__("PlateRecognizer", "PLATE", list(RULES), language)


def plate_recognizer(language: str) -> RuleRecognizer:
    return PlateRecognizer(language)
