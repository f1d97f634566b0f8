"""LatamPhoneRecognizer: phone numbers of the region, checked with phonenumbers."""

from __future__ import annotations

import re

import phonenumbers

from pipeline.redaction.recognizers.base import Rule, RuleRecognizer
from pipeline.redaction.recognizers.money import is_money, only_digits

PHONE_REGIONS = ("AR", "CO", "EC", "MX", "PE", "US", "ES")

_PHONE_CANDIDATE = re.compile(r"(?<![\w+])(?:\+|00)?\(?\d[\d\s().\-]{5,20}\d(?![\w])")


def _phone_check(match: re.Match, text: str) -> float | None:
    raw = match.group(0)
    if is_money(match, text) or "\n" in raw:
        return None
    digits = only_digits(raw)
    if not 7 <= len(digits) <= 15:
        return None
    if re.fullmatch(r"(19|20)\d\d\s*[-–]\s*(19|20)\d\d", raw.strip()):
        return None
    if re.fullmatch(r"\d{1,2}[./-]\d{1,2}[./-]\d{2,4}", raw.strip()):
        return None  # a date
    valid = False
    for region in PHONE_REGIONS:
        try:
            number = phonenumbers.parse(raw, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            valid = True
            break
    separated = bool(re.search(r"[\s().\-]", raw.strip())) or raw.startswith(("+", "00"))
    if valid:
        # bare 8-9 digit runs are more often national IDs (PE DNI, AR DNI): let ID win ties
        return 0.75 if separated else 0.5
    # local formats phonenumbers does not know (e.g. AR "15-4567-8901"): plausible with context
    return 0.4 if separated and len(digits) >= 8 else None


RULES = (Rule("phone", _PHONE_CANDIDATE, 0.75, validator=_phone_check),)


class LatamPhoneRecognizer(RuleRecognizer):
    """Phone numbers valid in one of `PHONE_REGIONS`, or plausible local forms (PHONE_NUMBER)."""

    def __init__(self, language: str):
        super().__init__("LatamPhoneRecognizer", "PHONE_NUMBER", list(RULES), language)


def phone_recognizer(language: str) -> RuleRecognizer:
    return LatamPhoneRecognizer(language)
