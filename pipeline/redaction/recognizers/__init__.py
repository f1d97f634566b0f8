"""Project recognizers: Latin-American IDs, phones, addresses, plates, dates, handles, names.

Each recognizer is a Presidio `EntityRecognizer` driven by regular expressions with an
optional validator (python-stdnum check digits, phonenumbers): a small `RuleRecognizer`
subclass in the module of its kind. Context words are data, in `lexicon/context_words.yaml`
by recognizer name and language (see `context_table`); which recognizers run for a language
is `registry.project_recognizers`.
"""

from pipeline.redaction.recognizers.addresses import (
    EN_STREET_TYPES,
    STREET_WORDS,
    AddressRecognizer,
    address_recognizer,
)
from pipeline.redaction.recognizers.areas import (
    AREA_WORDS,
    AreaNumberRecognizer,
    AreaRecognizer,
)
from pipeline.redaction.recognizers.base import Rule, RuleRecognizer
from pipeline.redaction.recognizers.businesses import (
    BUSINESS_WORDS,
    BusinessNameRecognizer,
    business_recognizer,
)
from pipeline.redaction.recognizers.context_table import (
    CONTEXT_LANGUAGES,
    RECOGNIZER_NAMES,
    context_words,
)
from pipeline.redaction.recognizers.dates import (
    MONTHS_EN,
    MONTHS_ES,
    DateRecognizerLatam,
    date_recognizer,
)
from pipeline.redaction.recognizers.handles import HandleRecognizer, handle_recognizer
from pipeline.redaction.recognizers.ids import LatamIdRecognizer, id_recognizer
from pipeline.redaction.recognizers.money import MONEY_AFTER, MONEY_BEFORE
from pipeline.redaction.recognizers.names import (
    LexiconNameRecognizer,
    NicknameRecognizer,
    SpanishProperNounRecognizer,
    TitleNameRecognizer,
    lexicon_name_recognizer,
    nickname_recognizer,
    spanish_proper_noun_recognizer,
    title_name_recognizer,
)
from pipeline.redaction.recognizers.patterns import CAP, CONNECT, LOW, NAME_SEQ, UP
from pipeline.redaction.recognizers.phones import (
    PHONE_REGIONS,
    LatamPhoneRecognizer,
    phone_recognizer,
)
from pipeline.redaction.recognizers.place_names import (
    PREPOSITIONS,
    PlaceRecognizer,
    place_recognizer,
)
from pipeline.redaction.recognizers.plates import PlateRecognizer, plate_recognizer
from pipeline.redaction.recognizers.registry import project_recognizers

__all__ = [
    "AREA_WORDS", "BUSINESS_WORDS", "CAP", "CONNECT", "CONTEXT_LANGUAGES", "EN_STREET_TYPES",
    "LOW", "MONEY_AFTER", "MONEY_BEFORE", "MONTHS_EN", "MONTHS_ES", "NAME_SEQ",
    "PHONE_REGIONS", "PREPOSITIONS", "RECOGNIZER_NAMES", "STREET_WORDS", "UP",
    "AddressRecognizer", "AreaNumberRecognizer", "AreaRecognizer", "BusinessNameRecognizer",
    "DateRecognizerLatam", "HandleRecognizer", "LatamIdRecognizer", "LatamPhoneRecognizer",
    "LexiconNameRecognizer", "NicknameRecognizer", "PlaceRecognizer", "PlateRecognizer", "Rule",
    "RuleRecognizer", "SpanishProperNounRecognizer", "TitleNameRecognizer",
    "address_recognizer", "business_recognizer", "context_words", "date_recognizer",
    "handle_recognizer", "id_recognizer", "lexicon_name_recognizer", "nickname_recognizer",
    "phone_recognizer", "place_recognizer", "plate_recognizer", "project_recognizers",
    "spanish_proper_noun_recognizer", "title_name_recognizer",
]
