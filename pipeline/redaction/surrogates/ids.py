"""ID numbers: detect the format of an ID and write a different one with valid check digits."""

from __future__ import annotations

import datetime as dt
import random
import re
import string

from pipeline.redaction.surrogates.shapes import _digits, compact, relayout, shape_preserving

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
