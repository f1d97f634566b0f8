"""E-mail addresses, handles and URLs on reserved example domains; plates and addresses."""

from __future__ import annotations

import random
import re

from pipeline.redaction.surrogates.shapes import _digits, shape_preserving
from pipeline.redaction.textutil import fold

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
