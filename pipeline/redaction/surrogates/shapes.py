"""Seeding and shapes: stable seeds from sha256, compact/relayout of separators and case,
shape-preserving random replacement, random digit strings."""

from __future__ import annotations

import hashlib
import random
import string

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
