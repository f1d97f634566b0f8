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

from pipeline.redaction.surrogates.dates import MONTHS_EN, MONTHS_ES, date_shift_days, shift_date
from pipeline.redaction.surrogates.ids import id_format, id_surrogate
from pipeline.redaction.surrogates.internet import (
    RESERVED_DOMAINS,
    address_surrogate,
    email_surrogate,
    handle_surrogate,
    plate_surrogate,
    url_surrogate,
)
from pipeline.redaction.surrogates.names import first_name, name_gender
from pipeline.redaction.surrogates.phones import PHONE_REGIONS, phone_region, phone_surrogate
from pipeline.redaction.surrogates.shapes import compact, relayout, seed_int, shape_preserving

__all__ = [
    "MONTHS_EN", "MONTHS_ES", "PHONE_REGIONS", "RESERVED_DOMAINS", "address_surrogate", "compact",
    "date_shift_days", "email_surrogate", "first_name", "handle_surrogate", "id_format",
    "id_surrogate", "name_gender", "phone_region", "phone_surrogate", "plate_surrogate",
    "relayout", "seed_int", "shape_preserving", "shift_date", "url_surrogate",
]
