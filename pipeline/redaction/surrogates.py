"""Realistic fake values for surrogate mode (``redaction.mode: surrogate``).

Each generator takes the original string and a ``random.Random`` (or a Faker instance)
seeded by the caller and returns a replacement of the same kind and, as far as possible,
the same shape; `pipeline.redaction.pseudonyms.Pseudonymizer` is the only caller and owns
the seeding (sha256 of seed, participant id, kind and original, never Python's ``hash()``),
the consistency per participant and the check that a surrogate never equals a real value.

- names: the surrogate first name has the gender of the original first name
  (`name_gender`: the names gazetteer, Faker's gendered name lists when the gazetteer says
  both);
- IDs: the format of the original is detected (Mexican CURP and RFC, Argentine CUIT and
  DNI, Colombian NIT, Ecuadorian cédula and RUC, Peruvian DNI and RUC) and a different
  number of that format with valid check digits is written with the original's separators;
  an unknown format keeps its shape (each digit a random digit, each letter a random letter
  of the same case);
- phones: a different number valid in the original's region (phonenumbers), written in the
  original's layout;
- dates: shifted by one number of days per participant (`date_shift_days`), written back in
  the original's format and language; what cannot be parsed is None (the caller writes
  ``[DATE]``);
- e-mail addresses, URLs and handles on reserved example domains, plates by shape,
  addresses from Faker's street addresses.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import random
import re
import string
from functools import lru_cache

from pipeline.redaction.textutil import fold

# --------------------------------------------------------------------------- seeding


def seed_int(*parts: object) -> int:
    """A 64-bit integer from sha256 of the parts joined by '|' (stable across runs/machines)."""
    digest = hashlib.sha256("|".join(str(p) for p in parts).encode("utf-8")).hexdigest()
    return int(digest[:16], 16)


# --------------------------------------------------------------------------- shapes

def _significant(ch: str) -> bool:
    return ch.isalnum() or ch == "&"


def compact(value: str) -> str:
    """Letters and digits only, upper case: '20-12345678-9' -> '20123456789'."""
    return "".join(ch for ch in value if _significant(ch)).upper()


def relayout(original: str, new_compact: str) -> str:
    """`new_compact` written with the separators and letter case of `original`
    (which has exactly len(new_compact) letters and digits)."""
    chars = iter(new_compact)
    out = []
    for ch in original:
        if _significant(ch):
            new = next(chars)
            out.append(new.lower() if ch.islower() else new)
        else:
            out.append(ch)
    return "".join(out)


def shape_preserving(original: str, rng: random.Random) -> str:
    """Each digit a random digit, each letter a random ASCII letter of the same case;
    everything else (dots, dashes, spaces, slashes) kept in place."""
    out = []
    for ch in original:
        if ch.isdigit():
            out.append(rng.choice(string.digits))
        elif ch.isalpha() and ch.isupper():
            out.append(rng.choice(string.ascii_uppercase))
        elif ch.isalpha():
            out.append(rng.choice(string.ascii_lowercase))
        else:
            out.append(ch)
    return "".join(out)


def _digits(rng: random.Random, n: int, first_nonzero: bool = False) -> str:
    if n <= 0:
        return ""
    head = rng.choice("123456789") if first_nonzero else rng.choice(string.digits)
    return head + "".join(rng.choice(string.digits) for _ in range(n - 1))


# --------------------------------------------------------------------------- names

_FAKER_NAME_LOCALES = ("es_MX", "es_ES", "es_CO", "es_AR", "es_CL", "en_US")


@lru_cache(maxsize=1)
def _faker_name_votes() -> dict[str, tuple[int, int]]:
    """Folded first token -> (entries in Faker's female lists, entries in its male lists)."""
    votes: dict[str, list[int]] = {}
    for locale in _FAKER_NAME_LOCALES:
        try:
            provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        except (ImportError, AttributeError):
            continue
        for attribute, index in (("first_names_female", 0), ("first_names_male", 1)):
            for name in getattr(provider, attribute, ()):
                tokens = fold(name).split()
                if tokens:
                    votes.setdefault(tokens[0], [0, 0])[index] += 1
    return {name: (f, m) for name, (f, m) in votes.items()}


def name_gender(folded_name: str) -> str:
    """'F', 'M' or 'U' for a folded given name.

    The names gazetteer decides; where it says both ('U': "maria" is also the second name of
    men, "José María") or does not know the name, Faker's gendered first-name lists vote."""
    from pipeline.redaction.gazetteer import given_name_genders

    gender = given_name_genders().get(folded_name, "U")
    if gender in ("F", "M"):
        return gender
    female, male = _faker_name_votes().get(folded_name, (0, 0))
    if female > male:
        return "F"
    if male > female:
        return "M"
    return "U"


def first_name(faker, gender: str) -> str:
    """A Faker first name of `gender` ('F', 'M'; anything else: either)."""
    if gender == "F":
        return faker.first_name_female()
    if gender == "M":
        return faker.first_name_male()
    return faker.first_name()


# --------------------------------------------------------------------------- IDs

_CURP_STATES = ("AS", "BC", "BS", "CC", "CH", "CL", "CM", "CS", "DF", "DG", "GR", "GT", "HG",
                "JC", "MC", "MN", "MS", "NE", "NL", "NT", "OC", "PL", "QR", "QT", "SL", "SP",
                "SR", "TC", "TL", "TS", "VZ", "YN", "ZS")
_CONSONANTS = "BCDFGHJKLMNPQRSTVWXYZ"
_VOWELS = "AEIOU"
_CUIT_TYPES = ("20", "23", "24", "27", "30", "33", "34", "50", "51", "55")
_TRIES = 1000


def _birth_date(rng: random.Random, first_year: int, last_year: int) -> dt.date:
    return dt.date(rng.randint(first_year, last_year), rng.randint(1, 12), rng.randint(1, 28))


def _curp(c: str, rng: random.Random) -> str | None:
    from stdnum.mx import curp

    old_century = c[16].isdigit()
    for _ in range(_TRIES):
        born = _birth_date(rng, 1935, 1999) if old_century else _birth_date(rng, 2000, 2015)
        sex = c[10] if c[10] in "HM" else rng.choice("HM")
        body = (rng.choice(_CONSONANTS) + rng.choice(_VOWELS) + rng.choice(string.ascii_uppercase)
                + rng.choice(string.ascii_uppercase) + born.strftime("%y%m%d") + sex
                + rng.choice(_CURP_STATES) + "".join(rng.choice(_CONSONANTS) for _ in range(3))
                + (rng.choice(string.digits) if old_century else rng.choice(string.ascii_uppercase)))
        value = body + curp.calc_check_digit(body)
        if curp.is_valid(value):
            return value
    return None


def _rfc(c: str, rng: random.Random) -> str | None:
    from stdnum.mx import rfc

    letters = 3 if len(c) == 12 else 4
    for _ in range(_TRIES):
        value = ("".join(rng.choice(string.ascii_uppercase) for _ in range(letters))
                 + _birth_date(rng, 1950, 2010).strftime("%y%m%d"))
        if len(c) >= 12:
            value += rng.choice("123456789ABCDEFGHIJKLMNPQRSTUV") + rng.choice(
                "123456789ABCDEFGHIJKLMNPQRSTUVWXYZ")
            value += rfc.calc_check_digit(value)
        if rfc.is_valid(value, validate_check_digits=True):
            return value
    return None


def _cuit(c: str, rng: random.Random) -> str | None:
    """A CUIT; one that is also a valid Peruvian RUC if the original was both."""
    from stdnum.ar import cuit
    from stdnum.pe import ruc

    both = ruc.is_valid(c)
    for _ in range(_TRIES):
        body = c[:2] + _digits(rng, 8, first_nonzero=True)
        value = body + cuit.calc_check_digit(body)
        if cuit.is_valid(value) and (not both or ruc.is_valid(value)):
            return value
    return None


def _pe_ruc(c: str, rng: random.Random) -> str | None:
    from stdnum.pe import ruc

    for _ in range(_TRIES):
        body = c[:2] + _digits(rng, 8, first_nonzero=True)
        value = body + ruc.calc_check_digit(body)
        if ruc.is_valid(value):
            return value
    return None


def _ec_ci(rng: random.Random) -> str | None:
    from stdnum.ec import ci

    for _ in range(_TRIES):
        body = f"{rng.randint(1, 24):02d}" + str(rng.randint(0, 5)) + _digits(rng, 6)
        for check in string.digits:
            if ci.is_valid(body + check):
                return body + check
    return None


def _ec_ruc(c: str, rng: random.Random) -> str | None:
    from stdnum.ec import ruc

    for _ in range(_TRIES):
        if c[2] == "6":  # public entity: 9 digits with a check digit, 4 of establishment
            body = f"{rng.randint(1, 24):02d}6" + _digits(rng, 5)
            tail = c[9:] if c[9:] != "0000" else "0001"
        elif c[2] == "9":  # juridical: 10 digits with a check digit, 3 of establishment
            body = f"{rng.randint(1, 24):02d}9" + _digits(rng, 6)
            tail = c[10:] if c[10:] != "000" else "001"
        else:  # natural person: a cédula and 3 of establishment
            person = _ec_ci(rng)
            if person is None:
                return None
            body, tail = person[:-1], c[10:] if c[10:] != "000" else "001"
        for check in string.digits:
            value = body + check + tail
            if ruc.is_valid(value):
                return value
    return None


def _co_nit(c: str, rng: random.Random) -> str | None:
    from stdnum.co import nit

    for _ in range(_TRIES):
        body = _digits(rng, len(c) - 1, first_nonzero=True)
        value = body + nit.calc_check_digit(body)
        if nit.is_valid(value):
            return value
    return None


def _pe_cui_checked(c: str, rng: random.Random) -> str | None:
    from stdnum.pe import cui

    letter = not c[-1].isdigit()
    for _ in range(_TRIES):
        body = _digits(rng, 8, first_nonzero=True)
        value = body + cui.calc_check_digits(body)[1 if letter else 0]
        if cui.is_valid(value):
            return value
    return None


def _dni(c: str, rng: random.Random) -> str | None:
    """AR DNI (7-8 digits) / PE DNI (8 digits): no check digit."""
    from stdnum.ar import dni

    for _ in range(_TRIES):
        value = _digits(rng, len(c), first_nonzero=True)
        if dni.is_valid(value):
            return value
    return None


def id_format(original: str) -> str | None:
    """The format detected for an ID ('mx_curp', 'ar_cuit', ...), None if unknown."""
    from stdnum.ar import cuit
    from stdnum.co import nit
    from stdnum.ec import ci
    from stdnum.ec import ruc as ec_ruc
    from stdnum.pe import cui
    from stdnum.pe import ruc as pe_ruc

    c = compact(original)
    stripped = original.strip()
    check_after_dash = re.search(r"-\s*[0-9A-Za-z]$", stripped) is not None
    if re.fullmatch(r"[A-Z]{4}\d{6}[HMX][A-Z]{5}[A-Z0-9]\d", c):
        return "mx_curp"
    if re.fullmatch(r"[A-ZÑ&]{4}\d{6}(?:[A-Z0-9]{3})?|[A-ZÑ&]{3}\d{6}[A-Z0-9]{3}", c):
        return "mx_rfc"
    if not c.isdigit():
        if re.fullmatch(r"\d{8}[0-9A-K]", c) and check_after_dash and cui.is_valid(c):
            return "pe_cui"
        return None
    if len(c) == 11 and c[:2] in _CUIT_TYPES and (
            cuit.is_valid(c) or re.fullmatch(r"\d{2}-\d{8}-\d", stripped)):
        return "ar_cuit"
    if len(c) == 11 and pe_ruc.is_valid(c):
        return "pe_ruc"
    if len(c) == 13 and ec_ruc.is_valid(c):
        return "ec_ruc"
    if len(c) == 10 and ci.is_valid(c) and not re.search(r"\.", stripped):
        return "ec_ci"
    if len(c) == 9 and check_after_dash and cui.is_valid(c):
        return "pe_cui"
    if 8 <= len(c) <= 16 and check_after_dash and nit.is_valid(c):
        return "co_nit"
    if len(c) in (7, 8) and re.fullmatch(r"\d{1,2}(?:\.\d{3}){2}|\d{7,8}|\d{1,2} \d{3} \d{3}",
                                          stripped):
        return "dni"
    return None


_ID_GENERATORS = {
    "mx_curp": _curp,
    "mx_rfc": _rfc,
    "ar_cuit": _cuit,
    "pe_ruc": _pe_ruc,
    "ec_ruc": _ec_ruc,
    "ec_ci": lambda c, rng: _ec_ci(rng),
    "pe_cui": _pe_cui_checked,
    "co_nit": _co_nit,
    "dni": _dni,
}


def id_surrogate(original: str, rng: random.Random) -> str:
    """A different ID of the original's format with valid check digits, written with the
    original's separators and case; an unknown format keeps its shape."""
    kind = id_format(original)
    value = _ID_GENERATORS[kind](compact(original), rng) if kind else None
    if value is None or len(value) != len(compact(original)):
        return shape_preserving(original, rng)
    return relayout(original, value)


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


# --------------------------------------------------------------------------- dates

MONTHS_ES = ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
             "septiembre", "octubre", "noviembre", "diciembre")
MONTHS_EN = ("january", "february", "march", "april", "may", "june", "july", "august",
             "september", "october", "november", "december")
_ABBR_ES = ("ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic")
_ABBR_EN = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH_WORD = r"[A-Za-zÁÉÍÓÚáéíóú]+"


def date_shift_days(seed: int, participant_id: str) -> int:
    """The participant's date shift: between -180 and +180 days, never 0."""
    value = seed_int(seed, participant_id, "DATE_SHIFT") % 360
    return value - 180 if value < 180 else value - 179


def _month_of(word: str, language: str) -> tuple[int, str, str] | None:
    """(month, language, style) for a month word; style 'full', 'abbr', 'sept' or 'setiembre'.
    A word of both languages ("mar", "may") is read in `language` first."""
    w = fold(word)
    order = ("es", "en") if language == "es" else ("en", "es")
    for lang in order:
        full, abbr = (MONTHS_ES, _ABBR_ES) if lang == "es" else (MONTHS_EN, _ABBR_EN)
        if w in full:
            return full.index(w) + 1, lang, "full"
        if lang == "es" and w == "setiembre":
            return 9, lang, "setiembre"
        if w in abbr:
            return abbr.index(w) + 1, lang, "abbr"
        if w in ("sept", "set"):
            return 9, lang, "sept"
    return None


def _month_word(month: int, lang: str, style: str, like: str) -> str:
    full, abbr = (MONTHS_ES, _ABBR_ES) if lang == "es" else (MONTHS_EN, _ABBR_EN)
    if style == "full":
        word = full[month - 1]
    elif style == "setiembre":
        word = "setiembre" if month == 9 else full[month - 1]
    elif style == "sept":
        word = like.lower() if month == 9 else abbr[month - 1]
    else:
        word = abbr[month - 1]
    if like.isupper() and len(like) > 1:
        return word.upper()
    if like[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def _ordinal_en(day: int) -> str:
    if 10 <= day % 100 <= 20:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


def _full_year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        year += 2000 if year <= 40 else 1900
    return year


def _year_text(year: int, like: str) -> str:
    return f"{year % 100:02d}" if len(like) == 2 else f"{year:04d}"


def _number_text(value: int, like: str, pad: bool) -> str:
    return f"{value:02d}" if pad and len(like) == 2 else str(value)


_DAY = r"(?P<day>\d{1,2}|primero|Primero|PRIMERO)(?P<ord>º|°|ro|st|nd|rd|th)?"
_YEAR = r"['’]?(?P<year>\d{4}|\d{2})"
_WRITTEN = [
    # 12 de marzo de 2015, primero de marzo del 2015, 12 de marzo
    re.compile(rf"{_DAY}\s+de\s+(?P<month>{_MONTH_WORD})\.?(?:\s+(?:de|del)\s+{_YEAR})?",
               re.IGNORECASE),
    # 12 March 2015, the 12th of March, 2015
    re.compile(rf"(?:the\s+)?{_DAY}\s+(?:of\s+)?(?P<month>{_MONTH_WORD})\.?(?:,?\s+{_YEAR})?",
               re.IGNORECASE),
    # March 12, 2015, March the 12th
    re.compile(rf"(?P<month>{_MONTH_WORD})\.?\s+(?:the\s+)?{_DAY}(?:,?\s+{_YEAR})?",
               re.IGNORECASE),
    # marzo de 2015, March 2015, March, 2015
    re.compile(rf"(?P<month>{_MONTH_WORD})\.?,?\s+(?:(?:de|del)\s+)?{_YEAR}", re.IGNORECASE),
]
_NUMERIC = re.compile(r"(?P<a>\d{1,2})(?P<s1>[/.-])(?P<b>\d{1,2})(?P<s2>[/.-])(?P<year>\d{4}|\d{2})")
_ISO = re.compile(r"(?P<year>\d{4})(?P<s1>[-/.])(?P<b>\d{1,2})(?P<s2>[-/.])(?P<a>\d{1,2})")


def _substitute(text: str, match: re.Match, values: dict[str, str]) -> str:
    edits = sorted(((match.start(g), match.end(g), v) for g, v in values.items()
                    if match.group(g) is not None), reverse=True)
    for start, end, value in edits:
        text = text[:start] + value + text[end:]
    return text


def _shift_written(text: str, match: re.Match, days: int, language: str) -> str | None:
    # "Mar. 12, 2015" is English and "12 de mar. de 2015" Spanish, whatever the transcript
    if re.search(r"\bdel?\b", text, re.IGNORECASE):
        language = "es"
    elif re.search(r",|\b(?:the|of)\b|\d(?:st|nd|rd|th)\b", text, re.IGNORECASE):
        language = "en"
    found = _month_of(match.group("month"), language)
    if found is None:
        return None
    month, lang, style = found
    groups = match.groupdict()
    year_text = groups.get("year")
    day_text = groups.get("day")
    values: dict[str, str] = {}
    if day_text is None:  # month and year: shift whole months, at least one
        months = (1 if days > 0 else -1) * max(1, round(abs(days) / 30.4375))
        index = _full_year(year_text) * 12 + (month - 1) + months
        year, month = divmod(index, 12)
        month += 1
    else:
        day = 1 if fold(day_text) == "primero" else int(day_text)
        try:
            start = dt.date(_full_year(year_text) if year_text else 2000, month, day)
        except ValueError:
            return None
        shifted = start + dt.timedelta(days=days)
        year, month, day = shifted.year, shifted.month, shifted.day
        if fold(day_text) == "primero" and day == 1:
            values["day"] = day_text
        else:
            values["day"] = f"{day:02d}" if day_text.startswith("0") else str(day)
        suffix = groups.get("ord")
        if suffix is not None:
            if suffix.lower() in ("st", "nd", "rd", "th"):
                ordinal = _ordinal_en(day)
                values["ord"] = ordinal.upper() if suffix.isupper() else ordinal
            elif day != 1:
                values["ord"] = ""
    values["month"] = _month_word(month, lang, style, match.group("month"))
    if year_text:
        values["year"] = _year_text(year, year_text)
    return _substitute(text, match, values)


def _shift_numeric(text: str, match: re.Match, days: int, iso: bool) -> str | None:
    a, b, year_text = match.group("a"), match.group("b"), match.group("year")
    year = _full_year(year_text)
    orders = [(int(a), int(b), "a", "b")] if iso else [(int(a), int(b), "a", "b"),
                                                      (int(b), int(a), "b", "a")]
    for day, month, day_group, month_group in orders:  # day first; month first if it must
        try:
            start = dt.date(year, month, day)
        except ValueError:
            continue
        shifted = start + dt.timedelta(days=days)
        pad = iso or any(len(g) == 2 for g in (a, b))
        values = {day_group: _number_text(shifted.day, match.group(day_group), pad),
                  month_group: _number_text(shifted.month, match.group(month_group), pad),
                  "year": _year_text(shifted.year, year_text)}
        return _substitute(text, match, values)
    return None


def shift_date(original: str, days: int, language: str = "es") -> str | None:
    """`original` moved by `days` days and written in its own format and language:
    "12 de marzo de 2015", "marzo de 2015" (whole months), "March 12th, 2015",
    "12/03/2015" (day first unless impossible), "2015-03-12". None if it is not a date."""
    text = original.strip()
    lead = original[:len(original) - len(original.lstrip())]
    trail = original[len(original.rstrip()):]
    for pattern, iso in ((_ISO, True), (_NUMERIC, False)):
        match = pattern.fullmatch(text)
        if match:
            result = _shift_numeric(text, match, days, iso)
            return None if result is None else lead + result + trail
    for pattern in _WRITTEN:
        match = pattern.fullmatch(text)
        if match:
            result = _shift_written(text, match, days, language)
            if result is not None:
                return lead + result + trail
    return None


# --------------------------------------------------------------------------- internet, plates, addresses

RESERVED_DOMAINS = ("example.com", "example.org", "example.net")


def _username(faker, rng: random.Random) -> str:
    name = re.sub(r"[^a-z0-9._]", "", fold(faker.user_name()))
    return name.strip("._") or "usuario" + _digits(rng, 3)


def email_surrogate(original: str, faker, rng: random.Random) -> str:
    """A fake address on a reserved example domain."""
    return f"{_username(faker, rng)}@{rng.choice(RESERVED_DOMAINS)}"


def handle_surrogate(original: str, faker, rng: random.Random) -> str:
    """A fake username, with '@' if the original had it (and '_' if it had one)."""
    name = _username(faker, rng)
    if "_" in original and "_" not in name:
        name = f"{name}_{_digits(rng, 2)}"
    return ("@" + name) if original.lstrip().startswith("@") else name


def url_surrogate(original: str, faker, rng: random.Random) -> str:
    """https://example.org/<fake slug>."""
    slug = re.sub(r"[^a-z0-9-]", "", faker.slug().lower()).strip("-") or "pagina"
    return f"https://{rng.choice(RESERVED_DOMAINS)}/{slug}"


def plate_surrogate(original: str, rng: random.Random) -> str:
    """A plate of the same shape."""
    return shape_preserving(original, rng)


def address_surrogate(original: str, faker) -> str:
    """A street address from Faker (the caller picks es_MX or en_US)."""
    return faker.street_address()
