"""Redaction word lists as data: the YAML files load, hold what the Python lists held, and a
mistake in one is a ConfigError naming the file, the list and the line."""

from __future__ import annotations

import tomllib
from fnmatch import fnmatch
from pathlib import Path

import pytest
import yaml

from pipeline.errors import ConfigError
from pipeline.redaction import lexicon, recognizers
from pipeline.redaction.wordlists import (
    ALL_LANGUAGES,
    LEXICON_DIR,
    ListSpec,
    read_context_words,
    read_lists,
)

ROOT = Path(__file__).resolve().parents[1]

# Every data file and the lists it holds (a new file must be added here and to a loader).
FILES = {
    "places.yaml": {"countries", "country_phrases", "colloquial_places"},
    "peoples_and_languages.yaml": {"nationalities", "languages"},
    "institutions.yaml": {"institutions", "institution_phrases"},
    "common_words.yaml": {"trap_words", "religious", "extra_common", "interjections",
                          "name_edge_words"},
    "calendar.yaml": {"months_es", "months_en", "days_es", "days_en", "holidays"},
    "titles.yaml": {"titles", "title_abbreviations"},
    "name_triggers.yaml": {"name_triggers_es", "name_triggers_en"},
    "nicknames.yaml": {"nickname_words", "not_nicknames"},
    "surnames.yaml": {"indigenous_surnames"},
    "number_words.yaml": {"numbers_es", "numbers_en", "ordinals", "joiners"},
    "form_fields.yaml": {"person_labels", "id_labels", "address_labels", "place_labels",
                         "postcode_labels", "date_labels", "phone_labels", "email_labels",
                         "other_labels"},
    "kept_public_names.yaml": {"public_bodies", "public_acronyms", "religious_figures",
                               "holidays", "platforms", "languages_and_peoples",
                               "public_body_heads_es", "public_body_heads_en",
                               "local_place_heads"},
    "context_words.yaml": {"LatamIdRecognizer", "LatamPhoneRecognizer", "PlateRecognizer",
                           "HandleRecognizer", "DateRecognizerLatam", "AddressRecognizer"},
}

# Distinct entries of each list when it moved out of lexicon.py (the Python strings held a
# few repeats, dropped in the YAML: every use of these lists is a set or a membership test).
# Lower bounds, so adding a word does not break this test; losing one does.
MIGRATED_SIZES = {
    "COUNTRIES": 77, "COUNTRY_PHRASES": 14, "NATIONALITIES": 131, "LANGUAGES": 52,
    "INSTITUTIONS": 289, "INSTITUTION_PHRASES": 14, "TRAP_WORDS": 36, "RELIGIOUS": 16,
    "EXTRA_COMMON": 131, "MONTHS_ES": 13, "MONTHS_EN": 12, "DAYS_ES": 9, "DAYS_EN": 7,
    "HOLIDAYS": 24, "TITLES": 183, "TITLE_ABBREVIATIONS": 26, "NAME_TRIGGERS_ES": 24,
    "NAME_TRIGGERS_EN": 12, "NICKNAME_WORDS": 56, "NOT_NICKNAMES": 31,
    "INDIGENOUS_SURNAMES": 130,
}

# Context words the recognizers were given in recognizers.py (same order).
MIGRATED_CONTEXT = {
    "LatamIdRecognizer": ["dni", "documento", "cédula", "cedula", "identidad", "carnet", "carné",
                          "cuil", "cuit", "curp", "rfc", "ruc", "nit", "pasaporte", "passport",
                          "id", "identification", "identity", "card", "registro", "número",
                          "number", "nro", "document", "ine", "credencial", "libreta"],
    "LatamPhoneRecognizer": ["teléfono", "telefono", "celular", "cel", "número", "numero",
                             "whatsapp", "llamar", "marcar", "móvil", "movil", "fijo", "phone",
                             "call", "number", "mobile", "cell", "text", "contacto", "contact",
                             "wasap", "guasap"],
    "PlateRecognizer": ["placa", "patente", "matrícula", "matricula", "plate", "license",
                        "licence", "camioneta", "carro", "auto", "coche", "taxi", "combi", "moto",
                        "bus", "van", "truck", "car", "vehículo", "vehiculo", "vehicle", "camión",
                        "camion"],
    "HandleRecognizer": ["instagram", "facebook", "tiktok", "twitter", "usuario", "user",
                         "cuenta", "account", "perfil", "profile"],
    "DateRecognizerLatam": ["nacer", "born", "fecha", "date", "birthday", "cumpleaños"],
    "AddressRecognizer": ["vivir", "live", "dirección", "direccion", "address", "casa", "house",
                          "quedar", "calle", "street", "domicilio"],
}


def _write(tmp_path: Path, name: str, text: str) -> Path:
    (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def _error(call) -> str:
    with pytest.raises(ConfigError) as info:
        call()
    return str(info.value)


# --------------------------------------------------------------------------- the files

def test_every_yaml_file_parses_and_is_known():
    found = sorted(p.name for p in LEXICON_DIR.glob("*.yaml"))
    assert found == sorted(FILES), "a word-list file is not loaded by lexicon.py/recognizers.py"
    for path in LEXICON_DIR.glob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert isinstance(data, dict) and set(data) == FILES[path.name], path.name
        assert path.read_text(encoding="utf-8").startswith("# "), f"{path.name}: no header"


def test_every_file_passes_validation():
    for name, lists in FILES.items():
        if name == "context_words.yaml":
            table = read_context_words(recognizers.RECOGNIZER_NAMES,
                                       recognizers.CONTEXT_LANGUAGES)
            assert set(table) == lists
        else:
            specs = [ListSpec(key, phrases=True) for key in lists]
            assert set(read_lists(name, specs)) == lists


def test_files_are_found_next_to_the_module_not_the_current_folder(tmp_path, monkeypatch):
    assert LEXICON_DIR == Path(lexicon.__file__).resolve().parent / "lexicon"
    monkeypatch.chdir(tmp_path)
    assert read_lists("titles.yaml", [ListSpec("titles"), ListSpec("title_abbreviations")])
    assert read_context_words(recognizers.RECOGNIZER_NAMES, recognizers.CONTEXT_LANGUAGES)


def test_the_files_ship_with_the_package():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["pipeline.redaction"]
    package = LEXICON_DIR.parent
    for path in LEXICON_DIR.glob("*.yaml"):
        relative = path.relative_to(package).as_posix()
        assert any(fnmatch(relative, pattern) for pattern in patterns), relative


# --------------------------------------------------------------------------- same contents

def test_lexicon_exposes_the_same_names_and_types():
    for name, size in MIGRATED_SIZES.items():
        value = getattr(lexicon, name)
        assert type(value) is list and all(type(w) is str for w in value), name
        assert len(value) >= size, f"{name} lost entries"
        assert len(set(value)) == len(value), f"{name} has a repeated entry"
    assert lexicon.MONTHS == lexicon.MONTHS_ES + lexicon.MONTHS_EN
    assert lexicon.DAYS == lexicon.DAYS_ES + lexicon.DAYS_EN
    assert callable(lexicon.name_lexicon) and callable(lexicon.common_words)


def test_order_is_kept():
    assert lexicon.MONTHS_ES == ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio",
                                 "agosto", "septiembre", "setiembre", "octubre", "noviembre",
                                 "diciembre"]
    assert lexicon.MONTHS_EN[:3] == ["january", "february", "march"]
    assert lexicon.DAYS_ES == ["lunes", "martes", "miércoles", "miercoles", "jueves", "viernes",
                               "sábado", "sabado", "domingo"]
    assert lexicon.DAYS_EN[0] == "monday" and lexicon.DAYS_EN[-1] == "sunday"
    assert lexicon.COUNTRIES[:5] == ["argentina", "colombia", "ecuador", "mexico", "méxico"]
    assert lexicon.TITLES[:4] == ["don", "doña", "dona", "señor"]
    assert lexicon.NAME_TRIGGERS_ES[:2] == ["se llama", "se llamaba"]
    assert lexicon.INDIGENOUS_SURNAMES[:3] == ["mamani", "quispe", "condori"]


@pytest.mark.parametrize(("name", "words"), [
    ("COUNTRIES", ["perú", "el", "salvador", "ee.uu.", "latinoamérica", "england"]),
    ("COUNTRY_PHRASES", ["costa rica", "américa latina", "reino unido"]),
    ("NATIONALITIES", ["gringo", "afrocolombiana", "mapuche", "hispanic"]),
    ("LANGUAGES", ["k'iche'", "q'eqchi'", "tz'utujil", "asháninka", "shipibo"]),
    ("INSTITUTIONS", ["fiscalía", "oim", "comar", "gesell", "público", "español"]),
    ("INSTITUTION_PHRASES", ["cruz roja", "línea 145", "linea 145"]),
    ("TRAP_WORDS", ["esperanza", "paz", "hope", "trinidad"]),
    ("RELIGIOUS", ["diosito", "espíritu", "santo", "bible"]),
    ("EXTRA_COMMON", ["blanco", "will", "oiga"]),
    ("HOLIDAYS", ["mother's day", "día de muertos", "uber"]),
    ("TITLES", ["tío", "tio", "officer", "social", "worker", "general"]),
    ("TITLE_ABBREVIATIONS", ["sr", "sgto", "ofc"]),
    ("NAME_TRIGGERS_ES", ["le decían", "su nombre era"]),
    ("NAME_TRIGGERS_EN", ["named", "went by"]),
    ("NICKNAME_WORDS", ["gringo", "güero", "padrino"]),
    ("NOT_NICKNAMES", ["señor", "icbf"]),
    ("INDIGENOUS_SURNAMES", ["chalco", "epieyú", "pushaina", "balam"]),
])
def test_spot_checks(name, words):
    for word in words:
        assert word in getattr(lexicon, name), (name, word)


def test_derived_values():
    allow = lexicon.builtin_allow_list()
    assert allow == sorted(set(allow)) and "cruz roja" in allow and "navidad" in allow
    assert "mamani" not in allow and "don" not in allow
    assert {"rosa", "lunes", "monday"} <= lexicon.common_words()
    assert "julio" not in lexicon.common_words("en") and "julio" in lexicon.common_words("es")
    given, surnames = lexicon.name_lexicon()
    assert "quispe" in surnames and "flores" not in surnames


# --------------------------------------------------------------------------- context words

def test_recognizer_names_match_the_recognizers():
    built = {r.name for lang in ("en", "es") for r in recognizers.project_recognizers(lang)}
    assert set(recognizers.RECOGNIZER_NAMES) == built - {
        "SpacyRecognizer", "EmailRecognizer", "UrlRecognizer", "CreditCardRecognizer",
        "IbanRecognizer"}


@pytest.mark.parametrize("language", ["en", "es"])
def test_context_words_reach_the_recognizers(language):
    by_name = {r.name: r for r in recognizers.project_recognizers(language)}
    for name, words in MIGRATED_CONTEXT.items():
        context = by_name[name].context
        assert set(words) <= set(context), f"{name} lost context words"
        assert recognizers.context_words(name, language) == context
    assert by_name["AreaRecognizer"].context == []
    assert recognizers.id_recognizer(language).context[:3] == ["dni", "documento", "cédula"]


def test_language_specific_context_words_follow_the_shared_ones(tmp_path):
    directory = _write(tmp_path, "ctx.yaml", "PlateRecognizer:\n  es: [placa]\n"
                       "  all_languages: [plate]\n")
    table = read_context_words(["PlateRecognizer"], ["en", "es"], "ctx.yaml", directory)
    assert table == {"PlateRecognizer": {"es": ["placa"], ALL_LANGUAGES: ["plate"]}}


# --------------------------------------------------------------------------- validation

def test_errors_name_the_file_the_list_and_the_line(tmp_path):
    directory = _write(tmp_path, "bad.yaml", "\n".join([
        "# header",
        "countries:",
        "  - peru",
        "  - Peru",          # duplicate (case aside)
        "  - no",            # read as false
        "  -",               # empty
        '  - ""',            # empty
        "  - costa rica",    # phrase in a word list
        "  - [a, b]",        # nested list
        "  - 145",           # number
        "contries:",         # unknown list
        "  - chile",
        "country_phrases: costa rica",  # not a list
        ""]))
    specs = [ListSpec("countries", phrases_go_in="country_phrases"),
             ListSpec("country_phrases", phrases=True), ListSpec("languages")]
    message = _error(lambda: read_lists("bad.yaml", specs, directory))
    assert str(directory / "bad.yaml") in message
    assert "10 problems" in message
    assert "line 4: list 'countries', entry 2 ('Peru') is a duplicate of line 3" in message
    assert "line 5: list 'countries', entry 3 ('no') is read as yes/no" in message
    assert '- "no"' in message
    assert "line 6: list 'countries', entry 4 is empty" in message
    assert "line 7: list 'countries', entry 5 is empty" in message
    assert "entry 6 ('costa rica') has a space" in message and "'country_phrases'" in message
    assert "line 9: list 'countries', entry 7 is not a single word" in message
    assert "entry 8 ('145') is read as a number" in message
    assert "line 11: 'contries' is not a known list" in message
    assert "line 13: list 'country_phrases' is not a list of words" in message
    assert "list 'languages' is missing" in message


@pytest.mark.parametrize(("text", "expected"), [
    ("", "the file is empty"),
    ("- peru\n- chile\n", "line 1: the file must be made of 'name:' lines"),
    ("countries:\n", "line 1: list 'countries' is empty"),
    ("countries: []\n", "list 'countries' is empty"),
    ("countries:\n  - peru\ncountries:\n  - chile\n", "line 3: 'countries' appears twice"),
    ("countries:\n  - ' peru'\n", "starts or ends with a space"),
    ("countries:\n  - a: b\n", "entry 1 is not a single word or phrase"),
    ("countries:\n  - ~\n", "entry 1 is empty"),
])
def test_single_problems(tmp_path, text, expected):
    directory = _write(tmp_path, "one.yaml", text)
    message = _error(lambda: read_lists("one.yaml", [ListSpec("countries")], directory))
    assert "one.yaml" in message and expected in message


def test_syntax_errors_and_missing_files(tmp_path):
    directory = _write(tmp_path, "broken.yaml", 'countries:\n  - peru\n  - "chile\n')
    message = _error(lambda: read_lists("broken.yaml", [ListSpec("countries")], directory))
    assert "broken.yaml" in message and "not valid YAML near line" in message
    message = _error(lambda: read_lists("absent.yaml", [ListSpec("countries")], tmp_path))
    assert "absent.yaml" in message and "not found" in message
    (tmp_path / "latin1.yaml").write_bytes("countries:\n  - per\xfa\n".encode("latin-1"))
    message = _error(lambda: read_lists("latin1.yaml", [ListSpec("countries")], tmp_path))
    assert "latin1.yaml" in message and "UTF-8" in message


def test_context_word_errors(tmp_path):
    directory = _write(tmp_path, "ctx.yaml", "\n".join([
        "LatamIdRecognizer:",
        "  all_languages: [dni, cédula, dni]",
        "  es: [DNI, carné]",
        "  fr: [carte]",
        "IdRecognizer:",
        "  all_languages: [x]",
        "PlateRecognizer: [placa]",
        "HandleRecognizer:",
        "  all_languages: [user name]",
        ""]))
    known = ["LatamIdRecognizer", "PlateRecognizer", "HandleRecognizer"]
    message = _error(lambda: read_context_words(known, ["en", "es"], "ctx.yaml", directory))
    assert "ctx.yaml" in message
    assert ("line 2: recognizer 'LatamIdRecognizer', list 'all_languages', entry 3 ('dni') "
            "is a duplicate") in message
    assert "'DNI' is already in 'all_languages'" in message
    assert "line 4: recognizer 'LatamIdRecognizer': 'fr' is not a known language key" in message
    assert "line 5: 'IdRecognizer' is not a known recognizer" in message
    assert "line 7: recognizer 'PlateRecognizer' must be followed by lines" in message
    assert "recognizer 'HandleRecognizer', list 'all_languages', entry 1 ('user name') has a " \
           "space" in message


def test_a_broken_file_stops_the_import_with_a_config_error(tmp_path, monkeypatch):
    """lexicon.py validates its files when it runs: the error names the file and the list."""
    import importlib.util
    import shutil

    from pipeline.redaction import wordlists

    copy = tmp_path / "lexicon"
    shutil.copytree(LEXICON_DIR, copy)
    titles = copy / "titles.yaml"
    titles.write_text(titles.read_text(encoding="utf-8").replace("  - doña\n", "  - don\n"),
                      encoding="utf-8")
    monkeypatch.setattr(wordlists, "LEXICON_DIR", copy)
    # a fresh copy of the module (the imported one stays as it is)
    spec = importlib.util.spec_from_file_location("lexicon_under_test", lexicon.__file__)
    module = importlib.util.module_from_spec(spec)
    message = _error(lambda: spec.loader.exec_module(module))
    assert str(titles) in message
    assert "list 'titles', entry 2 ('don') is a duplicate of line" in message
