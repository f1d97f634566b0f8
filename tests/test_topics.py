"""Topic modelling: determinism, clean topic words, country coverage, guided mode, one language.

Small synthetic corpora (a few hundred short turns) and the TF-IDF backend keep these fast.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.coding.codebook import code_entries
from pipeline.errors import PipelineError
from pipeline.params import Params, TopicParams
from pipeline.topics import (
    OUTLIER,
    build_units,
    model_topics,
    seed_topics,
    snippet,
    stop_words,
    strip_tags,
)

THEMES = {
    "en": {
        "shelter": "shelter room bed rules locked staff dormitory curfew mattress meals",
        "legal": "lawyer court judge case hearing prosecutor trial charges sentence testimony",
        "health": "doctor hospital medicine clinic pregnant nurse treatment infection pills exam",
        "work": "factory hours boss debt sewing machines wages shifts overtime garments",
    },
    "es": {
        "shelter": "refugio cuarto cama reglas encerradas cuidadoras dormitorio horario colchón "
                   "comedor",
        "legal": "abogada juicio juez causa audiencia fiscal tribunal cargos condena declaración",
        "health": "médico hospital remedio clínica embarazada enfermera tratamiento infección "
                  "pastillas análisis",
        "work": "taller horas patrón deuda costura máquinas sueldo turnos prendas jornada",
    },
}
FILLER = {"en": "the and but then because she they were was with that really yeah know",
          "es": "el la que pero porque entonces ella ellos estaba con pues bueno este nada"}
CODES = {"shelter": "CARE_SHELTER", "legal": "CARE_LEGAL", "health": "CARE_MEDICAL"}
TAGS = ["[PERSON_1]", "[PERSON_2]", "[LOCATION_1]", "[PHONE]", "[LOCATION_3]"]
COUNTRIES = ["AR", "CO", "EC", "MX", "PE"]


def make_corpus(languages=("en", "es"), per_language=16, turns=10, seed=0):
    """Segments and codings: participants talk about 4 themes; 'work' has no code."""
    rng = random.Random(seed)
    rows, codings = [], []
    n = 0
    for lang in languages:
        themes = list(THEMES[lang])
        for p in range(per_language):
            country = COUNTRIES[n % len(COUNTRIES)]
            n += 1
            pid = f"{country}-E{n:02d}"
            for t in range(turns):
                theme = themes[(p + t) % len(themes)]
                words = rng.sample(THEMES[lang][theme].split(), 6)
                words += rng.sample(FILLER[lang].split(), 5) + [rng.choice(TAGS), rng.choice(TAGS)]
                rng.shuffle(words)
                for speaker, text, k in (("interviewer", "question?", 2 * t),
                                         ("participant", " ".join(words) + ".", 2 * t + 1)):
                    sid = f"{pid}-T{k:03d}"
                    rows.append({"segment_id": sid, "participant_id": pid, "turn_index": k,
                                 "speaker": speaker, "label": speaker.upper(), "text": text,
                                 "start": 0, "end": 0, "country": country, "language": lang,
                                 "profile": "adult_woman", "exploitation": "labour",
                                 "organization": f"ORG-{country}", "interview_year": 2014})
                    if speaker == "participant" and theme in CODES:
                        codings.append({"segment_id": sid, "participant_id": pid,
                                        "code": CODES[theme], "evidence": ""})
    # a country whose only participant says nothing long enough to model
    rows.append({"segment_id": "BR-E01-T001", "participant_id": "BR-E01", "turn_index": 1,
                 "speaker": "participant", "label": "P", "text": "Sí.", "start": 0, "end": 0,
                 "country": "BR", "language": "es", "profile": "boy", "exploitation": "labour",
                 "organization": "ORG-BR", "interview_year": 2015})
    return pd.DataFrame(rows), pd.DataFrame(codings)


CODEBOOK = [
    {"id": "CARE_SHELTER", "family": "care", "label": {"en": "Shelter", "es": "Refugio"},
     "rules": {"en": [[{"LOWER": {"IN": ["shelter", "dormitory"]}}], "curfew"],
               "es": [[{"LOWER": "refugio"}], "dormitorio"]}},
    {"id": "CARE_LEGAL", "family": "care", "label": {"en": "Legal counsel", "es": "Abogados"},
     "rules": {"en": ["lawyer", [{"LEMMA": "court"}]], "es": ["abogada", "juicio"]}},
    {"id": "CARE_MEDICAL", "family": "care", "label": {"en": "Medical care", "es": "Salud"},
     "rules": {"en": ["doctor", "hospital", "clinic"], "es": ["médico", "clínica"]}},
]


def fast_params(**kw) -> TopicParams:
    base = {"embedding": {"en": "tfidf", "es": "tfidf", "mixed": "tfidf"}, "min_topic_size": 8,
            "unit": "turn",
            "stability_runs": 0, "svd_components": 20, "snippet_chars": 60}
    base.update(kw)
    return TopicParams(**base)


@pytest.fixture(scope="module")
def corpus():
    return make_corpus()


@pytest.fixture(scope="module")
def result(corpus):
    segments, codings = corpus
    return model_topics(segments, fast_params(), codings, CODEBOOK)


# --------------------------------------------------------------------------- unit helpers

def test_strip_tags_and_snippet():
    assert strip_tags("I met [PERSON_1] in [LOCATION_2], call [PHONE] <EMAIL>") == \
        "I met in , call"
    assert snippet("word " * 100, 40).endswith("…")
    assert len(snippet("word " * 100, 40)) <= 42


@settings(max_examples=50, deadline=None)
@given(st.lists(st.sampled_from(["[PERSON_1]", "[LOCATION_12]", "[PHONE]", "[DATE_TIME_3]",
                                 "casa", "shelter", "y", ",", "[", "]"]), max_size=30))
def test_strip_tags_leaves_no_tag(tokens):
    assert not re.search(r"\[[A-Z][A-Z0-9_]*\]", strip_tags(" ".join(tokens)))


def test_units_are_participant_turns_long_enough(corpus):
    segments, _ = corpus
    units = build_units(segments, fast_params())
    assert set(units["unit_id"]) <= set(segments.loc[segments.speaker == "participant",
                                                     "segment_id"])
    assert "BR-E01" not in set(units["participant_id"])
    chunks = build_units(segments, fast_params(unit="chunk", chunk_turns=3))
    assert len(chunks) < len(units)
    assert all(len(s) <= 3 for s in chunks["segment_ids"])


def test_seed_words_from_codebook_per_language():
    stops = stop_words()
    ids, seeds = seed_topics(CODEBOOK, stops, 5, "es")
    assert ids == ["CARE_SHELTER", "CARE_LEGAL", "CARE_MEDICAL"]
    assert "refugio" in seeds[0] and "shelter" not in seeds[0]
    _, both = seed_topics(CODEBOOK, stops, 10, None)
    assert {"shelter", "refugio"} <= set(both[0])


def test_codebook_absent_or_odd(tmp_path):
    from pipeline.errors import ConfigError
    assert code_entries(tmp_path / "missing.yaml") == []
    (tmp_path / "cb.yaml").write_text("codes:\n  - id: A\n    label: {en: x}\n")
    assert [c["id"] for c in code_entries(tmp_path / "cb.yaml")] == ["A"]
    # one codebook layout for every stage: an entry that is not a code is named, not skipped
    (tmp_path / "cb.yaml").write_text("codes:\n  - id: A\n    label: {en: x}\n  - nothing\n")
    with pytest.raises(ConfigError, match=r"codes\.1"):
        code_entries(tmp_path / "cb.yaml")


# --------------------------------------------------------------------------- the model

def test_determinism(corpus, result):
    segments, codings = corpus
    again = model_topics(segments, fast_params(), codings, CODEBOOK)
    pd.testing.assert_frame_equal(result.doc_topics, again.doc_topics)
    pd.testing.assert_frame_equal(result.topic_info, again.topic_info)


def test_finds_the_themes(result):
    m = result.metrics
    assert m["n_topics"] >= 4
    assert [g["language"] for g in m["models"]] == ["en", "es"]
    assert m["outlier_share"] < 0.2
    assert np.isfinite(m["npmi_coherence"])


def test_no_tags_or_stop_words_in_top_words(result):
    stops = set(stop_words())
    for column in ("top_words", "ctfidf_words"):
        for words in result.topic_info[column].dropna():
            for word in words.split():
                assert word not in stops, word
                assert not re.search(r"[\[\]_0-9]", word), word
                assert word not in {"person", "location", "phone"}, word


def test_snippets_are_redacted_text(corpus, result):
    segments, _ = corpus
    texts = " ".join(segments["text"])
    real = result.topic_info[result.topic_info["topic"] != OUTLIER]
    for s in real["snippet_1"]:
        assert s and s.rstrip(" …") in texts


def test_every_country_in_by_country(corpus, result):
    segments, _ = corpus
    table = result.by_country
    assert set(table["country"]) == set(segments["country"])
    br = table[table["country"] == "BR"]
    assert (br["n_units_in_topic"] == 0).all()
    for _, group in table[table["country"] != "BR"].groupby("country"):
        assert group["n_units_in_topic"].sum() == group["n_units"].iloc[0]


def test_emergent_topics_are_the_uncoded_theme(result):
    info = result.topic_info[result.topic_info["topic"] != OUTLIER]
    emergent = info[info["emergent"]]
    assert 0 < len(emergent) < len(info)
    for words in emergent["ctfidf_words"]:
        assert set(words.split()) & set((THEMES["en"]["work"] + " " + THEMES["es"]["work"])
                                        .split())
    overlap = result.overlap
    assert {"topic", "code", "share", "lift", "emergent_topic"} <= set(overlap.columns)


def test_guided_switch_changes_the_model(corpus, result):
    segments, codings = corpus
    guided = model_topics(segments, fast_params(guided=True), codings, CODEBOOK)
    assert guided.metrics["guided"] is True
    assert guided.groups[0].fit.model.seed_topic_list
    differs = (not np.array_equal(guided.doc_topics["topic"], result.doc_topics["topic"])
               or not guided.topic_info["ctfidf_words"].equals(result.topic_info["ctfidf_words"])
               or not np.allclose(guided.doc_topics["probability"],
                                  result.doc_topics["probability"]))
    assert differs


def test_one_language_corpus_with_stability():
    segments, codings = make_corpus(languages=("es",), per_language=24)
    res = model_topics(segments, fast_params(stability_runs=2), codings, [])
    m = res.metrics
    assert [g["language"] for g in m["models"]] == ["es"]
    assert m["n_topics"] >= 3
    assert 0.0 <= m["stability_word_overlap"] <= 1.0
    assert -1.0 <= m["stability_ari"] <= 1.0
    assert m["stability_runs"] == 2


# --------------------------------------------------------------------------- the stage

def test_stage_writes_outputs_without_reading_corpus(tmp_path, corpus):
    from pipeline.stages.topics import run

    segments, codings = corpus
    out = tmp_path / "outputs"
    (out / "redacted").mkdir(parents=True)
    (out / "coding").mkdir()
    segments.to_parquet(out / "redacted" / "segments.parquet")
    codings.to_parquet(out / "coding" / "codings.parquet")
    params = Params.model_validate({
        "coding": {"codebook": str(tmp_path / "no_codebook.yaml")},
        "topics": fast_params(stability_runs=2).model_dump()})
    summary = run(params, out, tmp_path / "corpus_that_does_not_exist")
    assert summary["topics"] >= 4
    topics_dir = out / "topics"
    for name in ("topic_info.csv", "doc_topics.parquet", "topics_by_country.csv",
                 "topic_code_overlap.csv", "emergent_topics.csv"):
        assert (topics_dir / name).exists(), name
    metrics = json.loads((out / "metrics" / "topics.json").read_text())
    for key in ("n_topics", "outlier_share", "npmi_coherence", "stability_ari",
                "stability_word_overlap"):
        assert key in metrics
    assert not (topics_dir / "topics.json").exists()
    saved = list((topics_dir / "model").rglob("*"))
    assert any(p.suffix == ".safetensors" for p in saved)
    assert not any(p.suffix in {".pkl", ".pickle", ".bin"} for p in saved)
    doc = pd.read_parquet(topics_dir / "doc_topics.parquet")
    assert {"unit_id", "participant_id", "topic", "probability"} <= set(doc.columns)


def test_stage_needs_segments(tmp_path):
    from pipeline.errors import PipelineError
    from pipeline.stages.topics import run

    with pytest.raises(PipelineError, match="redact"):
        run(Params(), tmp_path, Path("unused"))


def test_params_in_yaml_are_valid():
    root = Path(__file__).resolve().parents[1]
    from pipeline.params import load_params

    params = load_params(root / "params.yaml")
    assert params.topics.embedding.en in {"sentence", "tfidf"}


def test_joint_strategy_fits_one_bilingual_model(corpus):
    segments, codings = corpus
    res = model_topics(segments, fast_params(mixed_strategy="joint"), codings, [])
    assert [g["language"] for g in res.metrics["models"]] == ["mixed"]
    assert res.metrics["n_topics"] >= 2


def test_sentence_backend_loads_offline_and_is_deterministic(monkeypatch):
    from pipeline.topics import embed, sentence_model

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    model = sentence_model()
    docs = ["the shelter had strict rules", "my lawyer never called me", "we worked all night"]
    a = embed(docs, "sentence", fast_params(), stop_words(), 1, model).embeddings
    b = embed(docs, "sentence", fast_params(), stop_words(), 1, model).embeddings
    assert a.shape == (3, 384)
    np.testing.assert_array_equal(a, b)


def test_a_topic_word_must_be_used_by_enough_participants():
    """A word one interviewee repeats ranks high in c-TF-IDF but is that person's, not the
    topic's: with word_min_participants=2 it is no topic word; words several people use are."""
    from pipeline.topics import words_by_language

    texts = ["shelter bed rules zanfona zanfona zanfona", "shelter bed rules curfew",
             "shelter bed curfew", "court judge lawyer", "court judge hearing",
             "court lawyer hearing"]
    units = pd.DataFrame({"clean": texts, "language": ["en"] * 6,
                          "participant_id": ["A", "B", "C", "D", "E", "F"]})
    topics = np.array([0, 0, 0, 1, 1, 1])
    anyone = words_by_language(units, topics, [], 3, min_participants=1)["en"]
    shared = words_by_language(units, topics, [], 3, min_participants=2)["en"]
    assert "zanfona" in anyone[0]
    assert "zanfona" not in shared[0] and set(shared[0]) <= {"shelter", "bed", "rules", "curfew"}
    assert set(shared[1]) <= {"court", "judge", "lawyer", "hearing"} and len(shared[1]) == 3
    # the same participant in two units still counts once
    units["participant_id"] = ["A", "A", "A", "D", "E", "F"]
    assert words_by_language(units, topics, [], 3, min_participants=2)["en"][0] == []


# --------------------------------------------------------------------------- the reduction
def _clustered_vectors(n_per=40, clusters=4, dim=32, seed=0):
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(clusters, dim))
    points = np.vstack([c + 0.35 * rng.normal(size=(n_per, dim)) for c in centres])
    points /= np.linalg.norm(points, axis=1, keepdims=True)
    return np.round(points, 6).astype(np.float32), np.repeat(np.arange(clusters), n_per)


def test_spectral_reduction_ignores_last_digit_noise_and_the_seed():
    """The reason it is the default: 1e-6 noise on the vectors (another CPU's last bits) or
    another seed leaves the clusters as they were."""
    from hdbscan import HDBSCAN
    from sklearn.metrics import adjusted_rand_score

    from pipeline.topics.fit import SpectralReduction

    vectors, truth = _clustered_vectors()
    noise = np.random.default_rng(1).uniform(-1e-6, 1e-6, size=vectors.shape)
    labels = []
    for seed, data in ((42, vectors), (42, (vectors + noise).astype(np.float32)),
                       (43, vectors)):
        layout = SpectralReduction(5, 15, seed).fit(data).transform(data)
        labels.append(HDBSCAN(min_cluster_size=10).fit(layout).labels_)
    assert adjusted_rand_score(truth, labels[0]) > 0.8   # finds the clusters
    assert adjusted_rand_score(labels[0], labels[1]) == 1.0
    assert adjusted_rand_score(labels[0], labels[2]) == 1.0


def test_spectral_reduction_cannot_place_new_units():
    from pipeline.topics.fit import SpectralReduction

    vectors, _ = _clustered_vectors(n_per=15)
    reduction = SpectralReduction(3, 10, 0).fit(vectors)
    assert reduction.transform(vectors).shape == (60, 3)
    with pytest.raises(PipelineError, match="cannot place new units"):
        reduction.transform(vectors[:10])


def test_stability_metrics_include_the_perturbed_refit(corpus):
    segments, codings = corpus
    m = model_topics(segments, fast_params(stability_runs=2), codings, CODEBOOK).metrics
    assert -1.0 <= m["stability_ari_perturbed"] <= 1.0
