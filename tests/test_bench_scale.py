"""bench/scale.py: the N x corpus and the log parser (fast: no pipeline run)."""

from __future__ import annotations

import importlib.util
from itertools import combinations
from pathlib import Path

import pytest
import yaml

from pipeline.corpus import load_corpus, validate_corpus
from pipeline.corpus.metadata import _ID_PATTERN, ID_MAX_LENGTH
from pipeline.params import CorpusParams, load_params
from tests.conftest import DEMO, ROOT


def _load_scale():
    spec = importlib.util.spec_from_file_location("bench_scale", ROOT / "bench" / "scale.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


scale = _load_scale()


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("scale") / "x2"
    scale.build_corpus(2, root, seed=0)
    return root


@pytest.fixture(scope="module")
def demo():
    return load_corpus(DEMO, CorpusParams())


def test_build_corpus_is_valid_with_unique_ids(built, demo):
    assert validate_corpus(built, CorpusParams()) == []
    corpus = load_corpus(built, CorpusParams())
    ids = [t.participant_id for t in corpus.transcripts]
    assert len(ids) == 134 == 2 * len(demo.transcripts)
    assert len(set(ids)) == len(ids)
    for pid in ids:
        assert _ID_PATTERN.match(pid) and len(pid) <= ID_MAX_LENGTH, pid
    assert {pid.rsplit("-R", 1)[0] for pid in ids} == {t.participant_id for t in demo.transcripts}
    assert corpus.synthetic  # corpus.yaml copied
    assert not (built / "gold").exists()  # evaluate is skipped


def test_metadata_rows_keep_everything_but_the_id(built, demo):
    corpus = load_corpus(built, CorpusParams())
    original = {t.participant_id: t.participant for t in demo.transcripts}
    for transcript in corpus.transcripts:
        copy = transcript.participant.as_dict()
        source = original[copy["participant_id"].rsplit("-R", 1)[0]].as_dict()
        copy.pop("participant_id")
        source.pop("participant_id")
        assert copy == source


def test_copies_vary_text_but_keep_turns_and_speakers(built, demo):
    corpus = load_corpus(built, CorpusParams())
    original = {t.participant_id: t for t in demo.transcripts}
    copies: dict[str, list] = {}
    for transcript in corpus.transcripts:
        copies.setdefault(transcript.participant_id.rsplit("-R", 1)[0], []).append(transcript)
    assert set(copies) == set(original)
    for pid, group in copies.items():
        source = original[pid]
        assert len(group) == 2
        texts = ["\n".join(turn.text for turn in t.turns) for t in [source, *group]]
        for a, b in combinations(texts, 2):
            assert a != b, pid  # differs from the original and from the other copy
        for copy in group:
            assert copy.source.suffix == source.source.suffix  # same format (.docx, .vtt...)
            assert [(t.speaker, t.label) for t in copy.turns] == \
                [(t.speaker, t.label) for t in source.turns], copy.participant_id


def test_same_seed_gives_byte_identical_corpora(built, tmp_path):
    again = scale.build_corpus(2, tmp_path / "again", seed=0)
    assert _files(again) == _files(built)
    other = scale.build_corpus(2, tmp_path / "other", seed=1)
    other_files = _files(other)
    assert other_files.keys() == _files(built).keys()
    assert other_files["metadata.csv"] == _files(built)["metadata.csv"]
    assert other_files != _files(built)


def test_variation_keeps_caption_timing_and_voice_tags():
    text = ("WEBVTT\n\n1\n00:00:01.000 --> 00:00:07.000\n"
            "<v Interviewer>Hello Valeria, it is 2014.\n")
    varied = scale._vary_captions(text, scale._Variation(0, "EC-E02-R001"))
    lines = varied.splitlines()
    assert lines[:4] == ["WEBVTT", "", "1", "00:00:01.000 --> 00:00:07.000"]
    assert lines[4].startswith("<v Interviewer>Hello ")
    assert "Valeria" not in lines[4] and "2014" not in lines[4]
    assert len([c for c in lines[4] if c.isdigit()]) == 4


def test_build_refuses_a_non_empty_folder(tmp_path):
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "keep.txt").write_text("x", encoding="utf-8")
    with pytest.raises(FileExistsError):
        scale.build_corpus(1, tmp_path / "x")


def test_copy_ids():
    assert scale.copy_id("AR-E01", 7, 10) == "AR-E01-R007"
    assert scale.copy_id("AR-E01", 7, 5000) == "AR-E01-R0007"
    with pytest.raises(ValueError):
        scale.copy_id("A" * 28 + "1", 1, 1)


def test_parse_stage_times():
    sample = (
        "INFO pipeline.corpus: corpus: 67 participants read, 2 excluded (consent withdrawn)\n"
        "INFO pipeline: stage redact done in 61.4 s\n"
        "INFO pipeline: stage code done in 95.0 s, peak memory 812 MB (this process 640 MB, "
        "largest worker 301 MB)\n"
        "WARNING pipeline.topics: not a stage line: stage code done in 9 s\n"
        "INFO pipeline: stage topics done in 40.2 s\n"
        "INFO pipeline: stage compare done in 7 s\n"
        "INFO pipeline: stage figures done in 22.9 s\n"
        "INFO pipeline: stage report done in 3.1 s\n"
        "Summary\n  participants processed: 67\n")
    times = scale.parse_stage_times(sample)
    assert list(times) == ["redact", "code", "topics", "compare", "figures", "report"]
    assert times["redact"] == 61.4 and times["compare"] == 7.0
    assert times["code"] == 95.0
    assert scale.parse_stage_times("no stage lines here\n") == {}
    assert scale.parse_stage_memory(sample) == {
        "code": {"total_mb": 812, "main_mb": 640, "largest_worker_mb": 301}}


def test_bench_params_keep_private_files_out_of_the_repository(tmp_path):
    data = scale.bench_params(ROOT / "params.yaml", tmp_path)
    assert Path(data["redaction"]["review_dir"]).is_relative_to(tmp_path)
    assert Path(data["coding"]["semantic"]["cache_dir"]).is_relative_to(tmp_path)
    assert Path(data["topics"]["cache_dir"]).is_relative_to(tmp_path)
    path = tmp_path / "params.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    params = load_params(path)  # still a valid params file
    assert params.redaction.review_dir == str(tmp_path / "review")


def test_add_transcripts_extends_a_built_corpus_with_new_varied_copies(tmp_path):
    corpus = scale.build_corpus(1, tmp_path / "corpus", seed=0)
    rows_before, granted_before = scale.count_granted(corpus)
    added = scale.add_transcripts(corpus, 3, factor=1, seed=0)
    rows_after, granted_after = scale.count_granted(corpus)
    assert (rows_after, granted_after) == (rows_before + 3, granted_before + 3)
    assert len(set(added)) == 3 and all(a.endswith("-R002") for a in added)
    for new_id in added:
        new = next((corpus / "transcripts").glob(f"{new_id}.*")).read_bytes()
        first = next((corpus / "transcripts").glob(f"{new_id[:-5]}-R001.*")).read_bytes()
        assert new != first  # varied: no cache keyed on content can short-cut it
    # a second call adds new participants, never the ids of the first
    again = scale.add_transcripts(corpus, 3, factor=1, seed=0)
    assert not set(again) & set(added) and all(a.endswith("-R003") for a in again)
    assert scale.count_granted(corpus)[1] == granted_before + 6
