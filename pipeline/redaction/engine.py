"""Presidio's engines for English and Spanish on the installed spaCy models (parser and other
unused components left out), kept offline and quiet, with every project recognizer."""

from __future__ import annotations

import logging

from pipeline.params import SPACY_MODELS
from pipeline.redaction.entities import EXCLUDE


def configure_tldextract_offline() -> None:
    """Make Presidio's email/URL validation use tldextract's bundled suffix snapshot."""
    import tldextract
    import tldextract.tldextract as tld_module

    extractor = tldextract.TLDExtract(cache_dir=None, suffix_list_urls=(),
                                      fallback_to_snapshot=True)
    tld_module.TLD_EXTRACTOR = extractor
    tldextract.TLD_EXTRACTOR = extractor  # type: ignore[attr-defined]


def quiet_presidio() -> None:
    """Presidio's debug logs quote the words around each match: never let them through."""
    for name in ("presidio-analyzer", "presidio_analyzer", "presidio-anonymizer", "tldextract"):
        logging.getLogger(name).setLevel(logging.WARNING)


def build_engines(languages: tuple[str, ...]):
    """(nlp_engine, analyzer_engine) for `languages`."""
    configure_tldextract_offline()
    quiet_presidio()
    import spacy
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import NerModelConfiguration, SpacyNlpEngine
    from presidio_analyzer.predefined_recognizers import (
        CreditCardRecognizer,
        EmailRecognizer,
        IbanRecognizer,
        SpacyRecognizer,
    )

    from pipeline.redaction.recognizers import project_recognizers
    from pipeline.redaction.recognizers.urls import StretchUrlRecognizer

    ner_config = NerModelConfiguration(
        model_to_presidio_entity_mapping={
            "PER": "PERSON", "PERSON": "PERSON", "LOC": "LOCATION", "GPE": "LOCATION",
            "FAC": "LOCATION", "ORG": "ORGANIZATION"},
        labels_to_ignore=["MISC", "NORP", "DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY",
                          "PERCENT", "QUANTITY", "EVENT", "LANGUAGE", "LAW", "PRODUCT",
                          "WORK_OF_ART"],
        low_score_entity_names=[], default_score=0.85)
    models = [{"lang_code": lang, "model_name": SPACY_MODELS[lang]} for lang in languages]
    nlp_engine = SpacyNlpEngine(models=models, ner_model_configuration=ner_config)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # Not needed, so skipped for speed: the dependency parser (NER does not use it);
        # the English lemmatizer and attribute ruler (more than half of the English
        # pipeline's time: context words then match the lower-cased text instead).
        nlp_engine.nlp = {lang: spacy.load(SPACY_MODELS[lang], exclude=EXCLUDE[lang])
                          for lang in languages}
    recognizers = []
    for lang in languages:
        recognizers += [
            SpacyRecognizer(supported_language=lang,
                            supported_entities=["PERSON", "LOCATION", "ORGANIZATION"]),
            EmailRecognizer(supported_language=lang,
                            context=["email", "correo", "mail", "gmail", "hotmail"]),
            StretchUrlRecognizer(lang, context=["url", "página", "pagina", "web", "link",
                                                "enlace", "site", "facebook", "instagram"]),
            CreditCardRecognizer(supported_language=lang,
                                 context=["tarjeta", "card", "crédito", "credit"]),
            IbanRecognizer(supported_language=lang),
            *project_recognizers(lang),
        ]
    registry = RecognizerRegistry(recognizers=recognizers, supported_languages=list(languages))
    from pipeline.redaction.context import FastLemmaContextAwareEnhancer
    enhancer = FastLemmaContextAwareEnhancer(context_similarity_factor=0.35,
                                             min_score_with_context_similarity=0.5,
                                             context_prefix_count=5,
                                             context_suffix_count=2)
    engine = AnalyzerEngine(registry=registry, nlp_engine=nlp_engine,
                            supported_languages=list(languages),
                            context_aware_enhancer=enhancer)
    return nlp_engine, engine


def nlp_artifacts(nlp_engine, doc, language: str):
    """Presidio's NlpArtifacts; lemmas fall back to the lower-cased token."""
    from presidio_analyzer.nlp_engine import NlpArtifacts

    engine = nlp_engine
    entities, scores = engine._get_updated_entities(engine._get_entities(doc),
                                                    engine._get_scores_for_entities(doc))
    from spacy.attrs import IDX, LEMMA, LOWER

    strings = doc.vocab.strings
    array = doc.to_array([IDX, LEMMA, LOWER])
    lemmas = [strings[int(lemma or lower)] for _, lemma, lower in array]
    return NlpArtifacts(entities=entities, tokens=doc,
                        tokens_indices=[int(i) for i in array[:, 0]], lemmas=lemmas,
                        nlp_engine=engine, language=language, scores=scores)
