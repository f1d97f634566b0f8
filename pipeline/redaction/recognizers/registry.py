"""Which project recognizers run for a language, in the order the analyzer receives them
(the order can matter for ties)."""

from __future__ import annotations

from presidio_analyzer import EntityRecognizer

from pipeline.redaction.recognizers.addresses import address_recognizer
from pipeline.redaction.recognizers.businesses import business_recognizer
from pipeline.redaction.recognizers.dates import date_recognizer
from pipeline.redaction.recognizers.handles import handle_recognizer
from pipeline.redaction.recognizers.ids import id_recognizer
from pipeline.redaction.recognizers.names import (
    lexicon_name_recognizer,
    nickname_recognizer,
    spanish_proper_noun_recognizer,
    title_name_recognizer,
)
from pipeline.redaction.recognizers.phones import phone_recognizer
from pipeline.redaction.recognizers.place_names import place_recognizer
from pipeline.redaction.recognizers.plates import plate_recognizer


def project_recognizers(language: str) -> list[EntityRecognizer]:
    # imported here: these modules build on `pipeline.redaction.recognizers`
    from pipeline.redaction.codes import code_recognizer
    from pipeline.redaction.forms import caps_name_recognizer, form_field_recognizers
    from pipeline.redaction.places import colloquial_place_recognizer, gazetteer_place_recognizer
    from pipeline.redaction.spoken import spoken_recognizers

    addresses, areas, numbered_areas = address_recognizer(language)
    extra = [spanish_proper_noun_recognizer(language)] if language == "es" else []
    return extra + [
            place_recognizer(language), id_recognizer(language), phone_recognizer(language),
            plate_recognizer(language), handle_recognizer(language), date_recognizer(language), addresses, areas, numbered_areas,
            title_name_recognizer(language), nickname_recognizer(language),
            business_recognizer(language),
            lexicon_name_recognizer(language), code_recognizer(language),
            gazetteer_place_recognizer(language), colloquial_place_recognizer(language),
            *form_field_recognizers(language), *spoken_recognizers(language),
            caps_name_recognizer(language)]
