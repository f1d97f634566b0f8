"""Topic modelling with BERTopic: offline, deterministic, bilingual, per country.

Library code (data in, data out): the `topics` stage (pipeline/stages/topics.py) only reads
the inputs and writes what `model_topics` returns.

Units are redacted participant turns (or chunks of consecutive participant turns).
Pseudonym tags ([PERSON_1], [LOCATION_2], [PHONE] ...) are removed from the text that is
embedded and counted, so they can never become topic words; the snippets shown for each
topic are the redacted turn text itself, truncated.

Modules, one job each:
  text.py      tag stripping, token pattern, stop words, snippets
  units.py     what a topic unit is, which turns are kept out, which units each model covers
  backends.py  embedding backends (sentence, TF-IDF + SVD, multilingual) and their choice
  seeds.py     seed words for guided BERTopic, from the codebook
  fit.py       one seeded BERTopic fit (reduction, clustering, outliers); combining fits
  words.py     each topic's top words (model, plain c-TF-IDF, per language)
  quality.py   NPMI coherence, word overlap, stability across seeds
  tables.py    topic x code overlap and topic x country tables
  model.py     `model_topics`: the main entry, every output table and metric
  save.py      saving the fitted models (safetensors, no pickle)
"""

from pipeline.topics.backends import (
    Embedder,
    choose_backend,
    embed,
    multilingual_model,
    sentence_model,
    tfidf_pipeline,
)
from pipeline.topics.fit import OUTLIER, Fit, GroupFit, fit_model
from pipeline.topics.model import TopicsResult, model_topics
from pipeline.topics.quality import npmi_coherence, stability_metrics, word_overlap
from pipeline.topics.save import save_model
from pipeline.topics.seeds import seed_topics
from pipeline.topics.tables import topic_code_overlap, topics_by_country
from pipeline.topics.text import (
    FILLERS,
    TAG_RE,
    TAG_WORDS,
    TOKEN_PATTERN,
    snippet,
    stop_words,
    strip_tags,
)
from pipeline.topics.units import build_units, corpus_language
from pipeline.topics.words import ctfidf_words, model_words, words_by_language

__all__ = [
    "FILLERS",
    "OUTLIER",
    "TAG_RE",
    "TAG_WORDS",
    "TOKEN_PATTERN",
    "Embedder",
    "Fit",
    "GroupFit",
    "TopicsResult",
    "build_units",
    "choose_backend",
    "corpus_language",
    "ctfidf_words",
    "embed",
    "fit_model",
    "model_topics",
    "model_words",
    "multilingual_model",
    "npmi_coherence",
    "save_model",
    "seed_topics",
    "sentence_model",
    "snippet",
    "stability_metrics",
    "stop_words",
    "strip_tags",
    "tfidf_pipeline",
    "topic_code_overlap",
    "topics_by_country",
    "word_overlap",
    "words_by_language",
]
