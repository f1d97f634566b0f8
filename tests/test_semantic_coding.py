"""Semantic coding layer: exemplar bank validation, embedding cache, units, similarity
features, calibration and the review sheet. A deterministic bag-of-words embedder stands in
for the sentence encoder except where the real encoder is the point."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.coding.calibration import (
    Calibration,
    CodeModel,
    best_threshold,
    fit_code_model,
    load_calibration,
    write_calibration,
)
from pipeline.coding.codebook import load_codebook
from pipeline.coding.embedding import CachedEmbedder
from pipeline.coding.exemplars import load_exemplars
from pipeline.coding.review import add_to_bank, read_decisions, review_sheet
from pipeline.coding.semantic import FEATURES, ExemplarIndex, similarity_features
from pipeline.coding.units import participant_units, sentence_spans, turn_units
from pipeline.errors import ConfigError, InputError
from tests.conftest import ROOT

CODEBOOK = load_codebook(ROOT / "codebooks" / "trafficking_themes.yaml")


class BagOfWords:
    """Deterministic stand-in embedder: hashed word counts, L2-normalised."""

    name = "bow-test"
    dim = 64

    def __init__(self):
        self.calls = 0

    def embed(self, texts):
        self.calls += len(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in text.lower().split():
                out[i, int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dim] += 1
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        norms[norms == 0] = 1
        return out / norms


def line(**kw) -> str:
    base = {"id": "X-1", "code": "CARE_SHELTER", "polarity": "positive", "language": "en",
            "text": "They gave me a bed in a house for women.", "provenance": "written"}
    base.update(kw)
    return json.dumps({k: v for k, v in base.items() if v is not None})


def bank_dir(tmp_path: Path, *lines: str) -> Path:
    folder = tmp_path / "bank"
    folder.mkdir(exist_ok=True)
    (folder / "a.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


# ------------------------------------------------------------------ exemplar bank
def test_the_project_bank_loads_and_covers_every_code():
    bank = load_exemplars(ROOT / "codebooks" / "exemplars", CODEBOOK)
    counts = bank.counts()
    for code in CODEBOOK.ids:
        assert counts[code]["positive"] >= 40, code
        assert counts[code]["near_miss"] >= 20, code
    languages = {(e.code, e.language) for e in bank.exemplars if e.polarity == "positive"}
    assert all((c, lang) in languages for c in CODEBOOK.ids for lang in ("en", "es"))


@pytest.mark.parametrize("bad, message", [
    (line(code="CARE_SHELTR"), "not in the codebook"),
    (line(text="  "), "'text' is empty"),
    (line(polarity="maybe"), "polarity 'maybe'"),
    (line(polarity="neutral"), "a neutral exemplar has code NONE"),
    (line(polarity="near_miss", valence="positive"), "only positive exemplars"),
    (line(colour="red"), "unknown field(s) colour"),
    (line(language="fr"), "language 'fr'"),
    ("{not json", "not valid JSON"),
])
def test_bank_errors_name_file_and_line(tmp_path, bad, message):
    folder = bank_dir(tmp_path, line(id="OK-1", text="A different fine sentence."), bad)
    with pytest.raises(InputError) as info:
        load_exemplars(folder, CODEBOOK)
    assert "a.jsonl:2" in str(info.value) and message in str(info.value)


def test_bank_rejects_duplicate_ids_and_texts(tmp_path):
    folder = bank_dir(tmp_path, line(id="D-1"), line(id="D-1", text="Other."),
                      line(id="D-2", text="they gave me a bed in a  house for women."))
    with pytest.raises(InputError) as info:
        load_exemplars(folder, CODEBOOK)
    text = str(info.value)
    assert "duplicate id 'D-1'" in text and "duplicate text" in text


def test_bank_digest_changes_with_content(tmp_path):
    first = load_exemplars(bank_dir(tmp_path, line()), CODEBOOK).digest
    second = load_exemplars(bank_dir(tmp_path, line(text="Another bed.")), CODEBOOK).digest
    assert first != second


# ------------------------------------------------------------------ embedding cache
def test_cache_reuses_vectors_across_instances_and_stores_no_text(tmp_path):
    texts = ["La policía no me creyó.", "Nobody believed me at the station."]
    inner = BagOfWords()
    first = CachedEmbedder(inner, tmp_path / "cache").embed(texts)
    again = CachedEmbedder(inner, tmp_path / "cache")
    second = again.embed(texts + texts[:1])
    assert inner.calls == 2 and again.hits == 3 and again.misses == 0
    np.testing.assert_array_equal(first, second[:2])
    files = [p for p in (tmp_path / "cache").rglob("*") if p.is_file()]
    assert any(p.name == "vectors.sqlite" for p in files)
    for path in files:  # the database and its write-ahead log
        raw = path.read_bytes()
        assert b"polic" not in raw and b"believed" not in raw


def test_cache_memory_and_work_do_not_grow_with_the_cache(tmp_path):
    """A call reads only its own keys: nothing of earlier calls stays in memory, and a second
    process (a Dask worker) sees what the first wrote."""
    inner = BagOfWords()
    cache = CachedEmbedder(inner, tmp_path / "cache")
    for i in range(30):
        cache.embed([f"sentence number {i}", f"frase número {i}"])
    assert not [name for name, value in vars(cache).items()
                if isinstance(value, dict) and len(value) > 0]
    other = CachedEmbedder(BagOfWords(), tmp_path / "cache")
    np.testing.assert_array_equal(other.embed(["frase número 7"]),
                                  inner.embed(["frase número 7"]))
    assert other.misses == 0 and other.hits == 1


def test_cache_that_is_not_a_database_is_a_clear_error(tmp_path):
    from pipeline.errors import ConfigError

    cache = CachedEmbedder(BagOfWords(), tmp_path / "cache")
    cache.cache_dir.mkdir(parents=True)
    cache.database.write_bytes(b"this is not a database" * 100)
    with pytest.raises(ConfigError, match="delete that file"):
        cache.embed(["una frase"])



def test_cache_imports_shards_of_the_older_layouts_and_removes_them(tmp_path):
    """Shards once held one array per key, then two arrays (keys, vectors); both are read
    into the database once (no re-encoding) and removed."""
    from pipeline.coding.embedding import text_key

    texts = ["Me ayudaron con los papeles.", "They gave me a bed for the night."]
    inner = BagOfWords()
    vectors = inner.embed(texts)
    folder = CachedEmbedder(inner, tmp_path / "cache").cache_dir
    folder.mkdir(parents=True)
    first, second = (text_key(inner.name, t) for t in texts)
    with open(folder / "aa.npz", "wb") as fh:          # one array per key
        np.savez(fh, **{first: vectors[0]})
    with open(folder / "bb.npz", "wb") as fh:          # keys and vectors
        np.savez(fh, keys=np.array([second], dtype="U64"), vectors=vectors[1:])
    calls = inner.calls
    cached = CachedEmbedder(inner, tmp_path / "cache")
    np.testing.assert_array_equal(cached.embed(texts), vectors)
    assert cached.misses == 0 and inner.calls == calls
    assert not list(folder.glob("*.npz"))


def test_cache_removes_unread_the_shards_written_before_code_path_folders(tmp_path):
    """Shards one folder up (no CPU code path) may hold vectors of another code path: they
    are removed, not read, and the text is encoded again."""
    from pipeline.coding.embedding import text_key

    text = "Me dieron un cuarto por unas semanas."
    inner = BagOfWords()
    folder = CachedEmbedder(inner, tmp_path / "cache").cache_dir
    folder.mkdir(parents=True)
    with open(folder.parent / "old.npz", "wb") as fh:
        np.savez(fh, **{text_key(inner.name, text): np.ones(inner.dim, dtype="float32")})
    cached = CachedEmbedder(inner, tmp_path / "cache")
    np.testing.assert_array_equal(cached.embed([text]), inner.embed([text]))
    assert cached.misses == 1
    assert not list(folder.parent.glob("*.npz"))


def test_real_encoder_is_cross_lingual():
    from pipeline.coding.embedding import get_embedder
    vectors = get_embedder("use").embed(["The police did not believe me",
                                         "La policía no me creyó",
                                         "Me gusta el pan con queso"])
    assert vectors[0] @ vectors[1] > 0.6 > vectors[0] @ vectors[2]
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


# ------------------------------------------------------------------ units
def test_sentence_spans_and_units():
    text = "Yes. They took my statement. Then nothing, never a call!\nAnd I waited."
    spans = [text[a:b] for a, b in sentence_spans(text)]
    assert spans == ["Yes.", "They took my statement.", "Then nothing, never a call!",
                     "And I waited."]
    units = [text[a:b] for a, b in turn_units(text, window=2)]
    assert "Yes." not in units  # too short alone
    assert "They took my statement. Then nothing, never a call!" in units


@given(st.text(alphabet=st.sampled_from(list("ab .!?\n")), max_size=80))
@settings(max_examples=200, deadline=None)
def test_units_are_inside_the_text_and_trimmed(text):
    for lo, hi in turn_units(text, window=2):
        assert 0 <= lo < hi <= len(text)
        assert not text[lo].isspace() and not text[hi - 1].isspace()


def test_only_participant_turns_become_units():
    segments = pd.DataFrame([
        {"segment_id": "P1:0", "participant_id": "P1", "turn_index": 0,
         "speaker": "interviewer", "text": "Did the police believe you then?", "start": 0,
         "language": "en"},
        {"segment_id": "P1:1", "participant_id": "P1", "turn_index": 1,
         "speaker": "participant", "text": "No. They laughed at me, all of them.",
         "start": 50, "language": "en"}])
    units = participant_units(segments)
    assert set(units["segment_id"]) == {"P1:1"}
    assert all(units["start"] >= 50)


# ------------------------------------------------------------------ features, calibration
def small_index(tmp_path):
    folder = bank_dir(
        tmp_path,
        line(id="P-1", text="they gave me a bed in a shelter"),
        line(id="P-2", text="i slept in the shelter for months"),
        line(id="N-1", polarity="near_miss", text="i was never in a shelter"),
        line(id="Z-1", code="NONE", polarity="neutral", text="my grandmother grew maize"))
    bank = load_exemplars(folder, CODEBOOK)
    return ExemplarIndex.build(bank, ["CARE_SHELTER", "CARE_PSYCH"], BagOfWords().embed), bank


def test_features_leave_one_out(tmp_path):
    index, _ = small_index(tmp_path)
    own = index.ids.index("P-1")
    vec = index.vectors[[own]]
    with_self = similarity_features(vec, index)["CARE_SHELTER"]["X"][0]
    loo = similarity_features(vec, index, self_columns=np.array([own]))["CARE_SHELTER"]["X"][0]
    top1 = FEATURES.index("pos_top1")
    assert with_self[top1] == pytest.approx(1.0, abs=1e-5) and loo[top1] < 0.99
    margin = FEATURES.index("margin")
    assert loo[margin] == pytest.approx(loo[top1] - loo[FEATURES.index("near_top1")])


def test_fit_separates_and_threshold_maximises_f1():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, len(FEATURES)))
    y = (X[:, 1] - X[:, 3] > 0).astype(int)
    weights, intercept = fit_code_model(X, y)
    assert weights[1] > 0 > weights[3]
    scores = np.array([0.1, 0.4, 0.6, 0.9, 0.95])
    gold = np.array([0, 0, 1, 1, 1])
    t, f1 = best_threshold(scores, gold, floor=0.0)
    assert 0.4 < t <= 0.6 and f1 == 1.0
    with pytest.raises(ConfigError):
        fit_code_model(X, np.zeros(200, dtype=int))


def test_calibration_file_is_checked_against_bank_and_codebook(tmp_path):
    model = CodeModel(weights=[0.0] * len(FEATURES), intercept=0.0, threshold=0.7)
    cal = Calibration(embedder="use", window=2, exemplar_digest="abc", features=list(FEATURES),
                      codes={"A": model})
    path = tmp_path / "calibration.json"
    write_calibration(path, cal)
    assert load_calibration(path, ["A"], "abc", "use").codes["A"].threshold == 0.7
    for args, message in ((["A", "B"], "abc", "use"), "code(s) B"), \
                         ((["A"], "xyz", "use"), "exemplar bank"), \
                         ((["A"], "abc", "e5"), "embedder"):
        with pytest.raises(ConfigError, match="calibrate"):
            load_calibration(path, *args)
        try:
            load_calibration(path, *args)
        except ConfigError as exc:
            assert message in str(exc)
    path.write_text("{", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid JSON"):
        load_calibration(path, ["A"], "abc", "use")


def test_the_committed_calibration_matches_the_bank():
    bank = load_exemplars(ROOT / "codebooks" / "exemplars", CODEBOOK)
    cal = load_calibration(ROOT / "codebooks" / "calibration.json", CODEBOOK.ids, bank.digest,
                           "use")
    assert all(0.5 <= m.threshold <= 1 for m in cal.codes.values())


# ------------------------------------------------------------------ review sheet
def test_review_sheet_takes_the_most_uncertain_per_code(tmp_path):
    cands = pd.DataFrame({
        "unit_id": [f"u{i}" for i in range(6)], "participant_id": "P1", "language": "en",
        "start": range(6), "end": range(1, 7), "text": [f"passage {i}" for i in range(6)],
        "code": ["A", "A", "A", "B", "B", "B"], "score": [0.1, 0.69, 0.99, 0.5, 0.2, 0.71],
        "threshold": 0.7, "nearest_exemplar": "X"})
    sheet = review_sheet(cands, {"A": "Theme A"}, n=2)
    assert sorted(sheet["text"]) == ["passage 1", "passage 5"]  # one per code, closest
    assert set(sheet["answer"]) == {""}
    sheet.loc[0, "answer"] = "yes"
    sheet.loc[1, "answer"] = "No"
    path = tmp_path / "sheet.csv"
    sheet.to_csv(path, index=False)
    answered = read_decisions(path)
    assert list(answered["answer"]) == ["yes", "no"]
    sheet.loc[0, "answer"] = "perhaps"
    sheet.to_csv(path, index=False)
    with pytest.raises(InputError, match=r"sheet.csv:2: answer 'perhaps'"):
        read_decisions(path)


def test_learned_exemplars_join_the_bank_once(tmp_path):
    folder = bank_dir(tmp_path, line())
    decisions = pd.DataFrame({"code": ["CARE_SHELTER", "CARE_PSYCH"], "language": ["en", "es"],
                              "text": ["We slept at the nuns' house.", "Nunca vi psicólogo."],
                              "answer": ["yes", "no"]})
    assert add_to_bank(decisions, folder) == 2
    assert add_to_bank(decisions, folder) == 0
    bank = load_exemplars(folder, CODEBOOK)
    reviewed = {e.provenance: e.polarity for e in bank.exemplars if e.id.startswith("RV-")}
    assert reviewed == {"confirmed_in_review": "positive", "rejected_in_review": "near_miss"}


def test_real_encoder_vectors_do_not_depend_on_their_batch():
    from pipeline.coding.embedding import get_embedder
    use = get_embedder("use")
    short = "The police did not believe me."
    long = ("Y entonces, después de muchos meses en la casa de la señora, me fui con mi hermana "
            "a la ciudad para buscar trabajo en un restaurante grande.")
    alone = use.embed([short])[0]
    np.testing.assert_array_equal(alone, use.embed([long, short, long])[1])
