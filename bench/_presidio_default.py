"""Plain Presidio with its defaults (predefined recognizers), on the models available offline."""

from __future__ import annotations

import logging
import warnings

from pipeline.params import SPACY_MODELS


def default_presidio(languages=("en", "es")):
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    from pipeline.redaction.engine import configure_tldextract_offline, quiet_presidio

    configure_tldextract_offline()
    quiet_presidio()
    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
    config = {"nlp_engine_name": "spacy",
              "models": [{"lang_code": lang, "model_name": SPACY_MODELS[lang]} for lang in languages]}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        nlp_engine = NlpEngineProvider(nlp_configuration=config).create_engine()
        registry = RecognizerRegistry(supported_languages=list(languages))
        registry.load_predefined_recognizers(languages=list(languages), nlp_engine=nlp_engine)
    return AnalyzerEngine(nlp_engine=nlp_engine, registry=registry,
                          supported_languages=list(languages))
