"""Phone numbers: the original's region and a different valid number in its layout."""

from __future__ import annotations

import random
import re

from pipeline.redaction.surrogates.shapes import _digits, shape_preserving

# --------------------------------------------------------------------------- phones

PHONE_REGIONS = ("AR", "CO", "EC", "MX", "PE", "US", "ES")


def phone_region(original: str):
    """(region, parsed number) for a phone number, or None.

    The regions are tried in order; the first in which the number is valid wins, else the
    first in which it is possible with its full length (a Peruvian mobile is also a possible
    Ecuadorian number; "12-34" is only a possible local number, not a phone number here)."""
    import phonenumbers

    possible = None
    for region in PHONE_REGIONS:
        try:
            number = phonenumbers.parse(original, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return phonenumbers.region_code_for_number(number) or region, number
        if possible is None and (phonenumbers.is_possible_number_with_reason(number)
                                 == phonenumbers.ValidationResult.IS_POSSIBLE):
            code = phonenumbers.region_code_for_country_code(number.country_code)
            international = original.lstrip().startswith(("+", "00"))
            possible = (code if international and code != "ZZ" else region, number)
    return possible


def _phone_bases(region: str, number) -> list:
    """Example numbers of the region to start from: the original's type first, then those
    as long as the original, then the rest."""
    import phonenumbers
    from phonenumbers import PhoneNumberType as T

    wanted = phonenumbers.number_type(number) if phonenumbers.is_valid_number(number) else None
    types = [t for t in (wanted, T.MOBILE, T.FIXED_LINE, T.FIXED_LINE_OR_MOBILE)
             if t is not None and t != T.UNKNOWN]
    bases: list = []
    for example in [phonenumbers.example_number_for_type(region, t) for t in types] + [
            phonenumbers.example_number(region)]:
        if example is not None and example not in bases:
            bases.append(example)
    length = len(phonenumbers.national_significant_number(number))
    ordered = bases[:1] if wanted is not None else []
    ordered += [b for b in bases if len(phonenumbers.national_significant_number(b)) == length]
    ordered += bases
    unique: list = []
    for base in ordered:
        if base not in unique:
            unique.append(base)
    return unique


def _render_phone(original: str, number, new) -> str:
    import phonenumbers

    digits = re.sub(r"\D", "", original)
    old_nsn = phonenumbers.national_significant_number(number)
    new_nsn = phonenumbers.national_significant_number(new)
    same_shape = (len(new_nsn) == len(old_nsn)
                  and phonenumbers.length_of_national_destination_code(new)
                  == phonenumbers.length_of_national_destination_code(number))
    if digits.endswith(old_nsn) and same_shape:  # the original's layout, digit for digit
        new_digits = iter(digits[:len(digits) - len(old_nsn)] + new_nsn)
        return "".join(next(new_digits) if ch.isdigit() else ch for ch in original)
    international = original.lstrip().startswith(("+", "00"))
    fmt = (phonenumbers.PhoneNumberFormat.INTERNATIONAL if international
           else phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(new, fmt)


def phone_surrogate(original: str, rng: random.Random) -> str:
    """A different number valid in the original's region, in the original's layout
    (international with + when the original had it, else national); a number that parses
    in no region keeps its shape."""
    import phonenumbers

    found = phone_region(original)
    if found is None:
        return shape_preserving(original, rng)
    region, number = found
    old_nsn = phonenumbers.national_significant_number(number)
    for base in _phone_bases(region, number):
        base_nsn = phonenumbers.national_significant_number(base)
        base_type = phonenumbers.number_type(base)
        keep = (phonenumbers.length_of_national_destination_code(base)
                or phonenumbers.length_of_geographical_area_code(base) or 1)
        keep = min(keep, len(base_nsn) - 4)
        for _ in range(200):
            candidate_nsn = base_nsn[:keep] + _digits(rng, len(base_nsn) - keep)
            if candidate_nsn == old_nsn:
                continue
            try:
                candidate = phonenumbers.parse(f"+{base.country_code}{candidate_nsn}", None)
            except phonenumbers.NumberParseException:
                continue
            if (phonenumbers.is_valid_number(candidate)
                    and phonenumbers.number_type(candidate) == base_type
                    and phonenumbers.region_code_for_number(candidate) == region):
                return _render_phone(original, number, candidate)
    return shape_preserving(original, rng)
