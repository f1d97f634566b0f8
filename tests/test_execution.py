"""Where the work runs does not change what comes out: a 2-worker Dask LocalCluster and one
process give byte-identical outputs; the per-piece cache reuses what did not change and
stores no text; task data never shows itself in logs."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from tests.conftest import row, write_corpus

pytestmark = pytest.mark.slow

PEOPLE = ["Rosa Quispe Mamani", "Walter Condori", "Juana Huamán", "Pedro Ticona"]


def small_corpus(root: Path, n: int = 6) -> Path:
    """Six short synthetic interviews with names, places and numbers to redact."""
    rows, files = [], {}
    for i in range(n):
        pid = f"PE-{i + 1:02d}"
        person = PEOPLE[i % len(PEOPLE)]
        rows.append(row(pid))
        files[f"{pid}.txt"] = (
            "ENTREVISTADORA: Buenos días, gracias por venir.\n"
            f"PARTICIPANTE: Me llamo {person}. La señora {PEOPLE[(i + 1) % 4]} me llevó a "
            f"Juliaca y trabajé sin pago. Mi celular era 951 234 {100 + i}.\n"
            "ENTREVISTADORA: ¿Y la fiscalía?\n"
            f"PARTICIPANTE: No confío en la justicia; mi DNI {45678910 + i} lo tenían ellos.\n")
    return write_corpus(root, rows, files)


def run_redact(corpus: Path, out: Path, tmp: Path, workers: int, cache: Path | None,
               known: Path | None = None, here_max_chars: int = 0) -> None:
    from pipeline.params import parse_params
    from pipeline.stages import redact

    params = parse_params({"engine": {"workers": workers, "here_max_chars": here_max_chars,
                                      "cache_dir": str(cache) if cache else None},
                           "redaction": {"review_dir": str(tmp / f"private-{out.name}"),
                                         "known_identifiers_file": str(known) if known
                                         else None}})
    redact.run(params, out, corpus)


def digests(out: Path) -> dict[str, str]:
    return {p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.rglob("*")) if p.is_file()}


def test_a_local_dask_cluster_and_one_process_give_byte_identical_outputs(tmp_path):
    corpus = small_corpus(tmp_path / "corpus")
    run_redact(corpus, tmp_path / "one", tmp_path, workers=1, cache=None)
    run_redact(corpus, tmp_path / "dask", tmp_path, workers=2, cache=None)
    one, dask = digests(tmp_path / "one"), digests(tmp_path / "dask")
    assert one == dask
    assert "redacted/transcripts/PE-01.txt" in one
    redacted = (tmp_path / "dask" / "redacted" / "transcripts" / "PE-01.txt").read_text("utf-8")
    assert "Quispe" not in redacted and "951" not in redacted


def test_a_little_new_text_is_redacted_here_without_starting_a_cluster(tmp_path,
                                                                      monkeypatch):
    """An increment (a few new transcripts) is analysed in this process: no cluster start,
    the same outputs as the cluster gives."""
    from pipeline.execution import DaskExecutor

    corpus = small_corpus(tmp_path / "corpus")
    run_redact(corpus, tmp_path / "dask", tmp_path, workers=2, cache=None)

    def no_cluster(self):
        raise AssertionError("a cluster was started")

    monkeypatch.setattr(DaskExecutor, "_connect", no_cluster)
    run_redact(corpus, tmp_path / "here", tmp_path, workers=2, cache=None,
               here_max_chars=100_000)
    assert digests(tmp_path / "here") == digests(tmp_path / "dask")
    with pytest.raises(AssertionError, match="a cluster was started"):
        run_redact(corpus, tmp_path / "big", tmp_path, workers=2, cache=None,
                   here_max_chars=100)


def test_the_cache_reuses_unchanged_transcripts_and_holds_no_text(tmp_path, caplog):
    import logging

    corpus = small_corpus(tmp_path / "corpus")
    cache = tmp_path / "cache"
    run_redact(corpus, tmp_path / "first", tmp_path, workers=1, cache=cache)
    with caplog.at_level(logging.INFO, logger="pipeline"):
        run_redact(corpus, tmp_path / "second", tmp_path, workers=1, cache=cache)
    assert digests(tmp_path / "first") == digests(tmp_path / "second")
    assert "0 piece(s) analysed, 6 reused" in caplog.text
    # one transcript changes: only its piece is analysed again
    path = corpus / "transcripts" / "PE-03.txt"
    path.write_text(path.read_text("utf-8").replace("sin pago", "sin ningún pago"), "utf-8")
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="pipeline"):
        run_redact(corpus, tmp_path / "third", tmp_path, workers=1, cache=cache)
    assert "1 piece(s) analysed, 5 reused" in caplog.text
    stored = "".join(p.read_text("utf-8") for p in cache.rglob("*.json"))
    for secret in ("Quispe", "Condori", "Juliaca", "951 234", "45678910", "fiscal"):
        assert secret not in stored



def test_a_transcript_gated_before_is_not_gated_again_until_an_input_changes(tmp_path,
                                                                            monkeypatch):
    """The repaired spans of a transcript that passed the leakage gate are cached: a re-run
    with the same inputs gives the same outputs and review file without running the gate
    again; a new known identifier sends every transcript through repair and gate again."""
    from pipeline.redaction import gate

    gated: list[str] = []
    check = gate.check_transcript

    def counted(pid, *args, **kwargs):
        gated.append(pid)
        return check(pid, *args, **kwargs)

    monkeypatch.setattr(gate, "check_transcript", counted)
    corpus = small_corpus(tmp_path / "corpus", n=3)
    cache = tmp_path / "cache"
    run_redact(corpus, tmp_path / "first", tmp_path, workers=1, cache=cache)
    assert sorted(gated) == ["PE-01", "PE-02", "PE-03"]
    gated.clear()
    run_redact(corpus, tmp_path / "second", tmp_path, workers=1, cache=cache)
    assert gated == []
    assert digests(tmp_path / "first") == digests(tmp_path / "second")
    assert digests(tmp_path / "private-first") == digests(tmp_path / "private-second")
    known = tmp_path / "known.tsv"
    known.write_text("PERSON\tJuliaca Ticona\n", encoding="utf-8")
    run_redact(corpus, tmp_path / "third", tmp_path, workers=1, cache=cache, known=known)
    assert sorted(gated) == ["PE-01", "PE-02", "PE-03"]
    stored = "".join(p.read_text("utf-8")
                     for p in (cache / "redaction" / "gated").rglob("*.json"))
    assert stored and "Quispe" not in stored and "Juliaca" not in stored

def test_cache_keys_change_with_settings_and_code(tmp_path, monkeypatch):
    from pipeline.redaction import cache as module

    cache = module.AnalysisCache(tmp_path)
    base = cache.key("settings", "es", ["Hola."])
    assert base == cache.key("settings", "es", ["Hola."])
    assert base != cache.key("other settings", "es", ["Hola."])
    assert base != cache.key("settings", "en", ["Hola."])
    assert base != cache.key("settings", "es", ["Hola.", ""])
    monkeypatch.setattr(module, "code_version", lambda: "another version")
    assert base != cache.key("settings", "es", ["Hola."])


def test_task_data_never_shows_itself():
    from pipeline.execution import Private

    texts = Private(("Me llamo Rosa Quispe.", "951 234 876"))
    assert "Rosa" not in repr(texts) and "951" not in str(texts)
    assert repr(texts) == "<2 private texts>" and list(texts)[0].startswith("Me llamo")



def run_code(redacted_from: Path, out: Path, workers: int, cache: Path | None) -> None:
    import shutil

    from pipeline.params import parse_params
    from pipeline.stages import code

    if not (out / "redacted").exists():
        shutil.copytree(redacted_from / "redacted", out / "redacted")
    params = parse_params({"engine": {"workers": workers,
                                      "cache_dir": str(cache) if cache else None}})
    code.run(params, out, Path("unused"))


def test_coding_on_dask_and_from_the_cache_gives_the_same_codings(tmp_path, monkeypatch,
                                                                   caplog):
    """Participants coded apart (two Dask workers, tasks of two), together (one process) or
    taken from the per-participant cache: byte-identical codings; the cache holds no text."""
    import logging

    import pandas as pd

    from pipeline.coding import incremental

    corpus = small_corpus(tmp_path / "corpus")
    run_redact(corpus, tmp_path / "redacted", tmp_path, workers=1, cache=None)
    cache = tmp_path / "cache"
    run_code(tmp_path / "redacted", tmp_path / "one", workers=1, cache=cache)
    one = digests(tmp_path / "one" / "coding")
    codings = pd.read_parquet(tmp_path / "one" / "coding" / "codings.parquet")
    assert set(codings["code"]) >= {"DISTRUST_JUSTICE"}
    monkeypatch.setattr(incremental, "TASK_PARTICIPANTS", 2)
    run_code(tmp_path / "redacted", tmp_path / "dask", workers=2, cache=None)
    assert digests(tmp_path / "dask" / "coding") == one
    with caplog.at_level(logging.INFO, logger="pipeline"):
        run_code(tmp_path / "redacted", tmp_path / "again", workers=1, cache=cache)
    assert "0 participant(s) coded, 6 reused from the cache" in caplog.text
    assert digests(tmp_path / "again" / "coding") == one
    # one participant's redacted text changes: only they are coded again
    segments_path = tmp_path / "again" / "redacted" / "segments.parquet"
    segments = pd.read_parquet(segments_path)
    changed = segments["participant_id"] == "PE-03"
    segments.loc[changed, "text"] = segments.loc[changed, "text"].str.replace(
        "sin pago", "sin ningún pago")
    segments.to_parquet(segments_path)
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="pipeline"):
        run_code(tmp_path / "redacted", tmp_path / "again", workers=1, cache=cache)
    assert "1 participant(s) coded, 5 reused from the cache" in caplog.text
    stored = b"".join(p.read_bytes() for p in (cache / "coding").rglob("*.arrow"))
    assert b'"evidence":{"at":' in stored
    for words in ("confío en la justicia", "trabajé sin", "PERSON_", "Buenos días"):
        assert words.encode("utf-8") not in stored


def test_coding_cache_places_text_or_stores_nothing(tmp_path):
    import pandas as pd

    from pipeline.coding.cache import CodingCache

    cache = CodingCache(tmp_path, "settings")
    text = "I did not trust the police.\n\x00\nThey never called me back."
    rows = [{"code": "DISTRUST_JUSTICE", "evidence": "trust the police", "snippet": "",
             "score": float("nan"), "negated": False}]
    cands = pd.DataFrame({"unit_id": ["u1", "u2", "u3"], "start": [0, 30, 0],
                          "text": ["I did not trust the police.", "They never called me back.",
                                   "I did not trust the police."],
                          "code": ["A", "B", "C"], "score": [0.5, 0.25, 0.125]})
    assert cache.put("ab12", text, rows, cands)
    stored = (tmp_path / "ab" / "ab12.arrow").read_bytes()
    assert b"police" not in stored and b"called" not in stored
    restored, again = cache.get("ab12", text)
    assert restored[0]["evidence"] == "trust the police"
    assert restored[0]["snippet"] == "" and restored[0]["score"] != restored[0]["score"]
    pd.testing.assert_frame_equal(again.to_pandas(), cands)  # an Arrow table, same rows
    # text that is not in the participant's turns is never written
    assert not cache.put("cd34", text, [{"evidence": "words from elsewhere"}], cands.iloc[:0])
    assert not cache.put("cd34", text, [], cands.assign(text="words from elsewhere"))
    assert not (tmp_path / "cd" / "cd34.arrow").exists()
    assert cache.get("cd34", text) is None and cache.misses == 1
    # a damaged file is a miss (the participant is coded again), not a crash
    (tmp_path / "ab" / "ab12.arrow").write_bytes(stored[: len(stored) // 2])
    assert cache.get("ab12", text) is None and cache.misses == 2


def test_coding_cache_key_follows_segments_and_settings(tmp_path, monkeypatch):
    import pandas as pd

    from pipeline.coding import cache as module
    from pipeline.params import CodingParams

    segments = pd.DataFrame({"segment_id": ["P-T1"], "participant_id": ["P"],
                             "turn_index": [1], "speaker": ["participant"], "start": [0],
                             "end": [5], "language": ["en"], "text": ["Hello"]})
    params = CodingParams()
    base = module.CodingCache(tmp_path, module.settings_digest(params)).key(segments)
    assert base == module.CodingCache(tmp_path, module.settings_digest(params)).key(segments)
    assert base != module.CodingCache(tmp_path, module.settings_digest(
        params.model_copy(update={"snippet_chars": params.snippet_chars + 1}))).key(segments)
    assert base != module.CodingCache(tmp_path, module.settings_digest(params)).key(
        segments.assign(text=["Hello!"]))
    monkeypatch.setattr(module, "code_version", lambda: "another version")
    assert base != module.CodingCache(tmp_path, module.settings_digest(params)).key(segments)


def test_a_parquet_stream_writes_the_same_bytes_however_the_rows_arrive(tmp_path):
    import pandas as pd
    import pyarrow as pa

    from pipeline.io import ParquetStream

    schema = pa.schema([("id", pa.large_string()), ("n", pa.int64())])
    frame = pd.DataFrame({"id": [f"P{i}" for i in range(25)], "n": list(range(25))})
    for name, parts in (("one", [frame]), ("many", [frame.iloc[:3], frame.iloc[3:3],
                                                     frame.iloc[3:17], frame.iloc[17:]])):
        with ParquetStream(tmp_path / f"{name}.parquet", schema, rows_per_group=10) as sink:
            for part in parts:
                sink.write(part)
        assert sink.rows == 25
    assert (tmp_path / "one.parquet").read_bytes() == (tmp_path / "many.parquet").read_bytes()
    assert pd.read_parquet(tmp_path / "one.parquet").equals(frame)
    # a failure half-way leaves no file behind, and no temporary file either
    with pytest.raises(RuntimeError):
        with ParquetStream(tmp_path / "broken.parquet", schema) as sink:
            sink.write(frame)
            raise RuntimeError("stopped")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["many.parquet", "one.parquet"]


def test_topic_units_embedded_on_dask_workers_get_the_vectors_of_this_process(monkeypatch):
    """Many new topic units go to the engine's workers in tasks; each text is encoded on its
    own, so the vectors are those this process would give, in the same order."""
    import numpy as np

    from pipeline.coding.embedding import get_embedder
    from pipeline.params import parse_params
    from pipeline.topics import backends

    monkeypatch.setattr(backends, "DISTRIBUTE_MIN_TEXTS", 4)
    monkeypatch.setattr(backends, "TEXTS_PER_TASK", 3)
    texts = [f"Me ayudaron con los papeles en la oficina número {i}." for i in range(7)]
    engine = parse_params({"engine": {"workers": 2}}).engine
    encoder = backends.EngineEncoder("use", engine)
    assert encoder._distributed(len(texts)) and not encoder._distributed(3)
    np.testing.assert_array_equal(encoder.embed(texts), get_embedder("use").embed(texts))


def test_coding_cache_key_input_is_the_frame_as_strings():
    """The faster key input gives the bytes the frame's `astype(str)` gave, so a key does not
    depend on how it was computed (ints, missing values, accents)."""
    import json

    import pandas as pd

    from pipeline.coding.cache import _columns_digest

    segments = pd.DataFrame({
        "segment_id": ["P-T002", "P-T001"], "turn_index": [2, 1], "speaker": ["P", "I"],
        "start": [10, 0], "end": [20, 9], "language": ["es", None],
        "text": ["Me ayudó la señora", "¿Y después?"]}).astype({"text": "string"})
    expected = segments.sort_values("turn_index", kind="stable")[
        ["segment_id", "turn_index", "speaker", "start", "end", "language", "text"]
    ].astype(str).to_numpy().tolist()
    assert _columns_digest(segments) == json.dumps(expected, ensure_ascii=False).encode()


def test_participant_inputs_of_a_corpus_are_those_of_each_participant_alone():
    """Keys and turn texts built in one pass over the corpus equal those of each
    participant's own segments (rows interleaved and out of turn order, missing values)."""
    import pandas as pd

    from pipeline.coding.cache import _columns_digest, participant_inputs, turn_text

    segments = pd.DataFrame({
        "segment_id": ["B-T002", "A-T003", "B-T001", "A-T001", "A-T002", "C-T001"],
        "participant_id": ["B", "A", "B", "A", "A", "C"],
        "turn_index": [2, 3, 1, 1, 2, 1], "speaker": ["P", "P", "I", "I", None, "P"],
        "start": [5, 30, 0, 0, 12, 0], "end": [9, 40, 4, 11, 29, 3],
        "language": ["en", "es", "en", "es", "es", None],
        "text": ["Yes.", "Nadie me creyó.", "And then?", "¿Y después?", "Me fui.", "Ok"]})
    inputs = participant_inputs(segments)
    assert list(inputs) == ["A", "B", "C"]
    for pid, group in segments.groupby("participant_id"):
        assert inputs[pid] == (_columns_digest(group), turn_text(group))
