"""The demo corpus: composition as specified, valid, and gold annotations that are exact."""

from __future__ import annotations

import csv
import json
import re
from collections import Counter

import pytest

from pipeline.corpus import read_metadata, read_transcript, validate_corpus
from pipeline.params import CorpusParams
from tests.conftest import DEMO

THEMES_MD_CODES = [
    "CARE_MEDICAL", "CARE_PSYCH", "CARE_LEGAL", "CARE_SHELTER", "CARE_EDU_WORK", "CARE_INFO",
    "CARE_NGO", "CARE_DOCUMENTS", "DISTRUST_JUSTICE", "FEAR_RETALIATION", "IMPUNITY",
    "CORRUPTION", "PRIVACY_BREACH", "REVICT_REPEATED_TESTIMONY", "REVICT_BLAME",
    "REVICT_INSTITUTIONAL", "RETURN_VOLUNTARY", "RETURN_FORCED", "FAMILY_SUPPORT",
    "FAMILY_REJECTION", "OFFICIAL_EMPATHY", "OFFICIAL_INDIFFERENCE", "ORGANIZED_CRIME",
    "CHILD_CUSTODY_THREAT", "RETURN_TO_EXPLOITATION",
]
PII_TYPES = {"PERSON", "LOCATION", "PHONE", "ID_NUMBER", "EMAIL", "ADDRESS", "DATE",
             "ORGANIZATION", "HANDLE", "URL", "PLATE"}


@pytest.fixture(scope="module")
def demo():
    params = CorpusParams()
    participants, problems = read_metadata(DEMO / "metadata.csv", params)
    assert not problems
    files = {p.stem: p for p in (DEMO / "transcripts").iterdir()}
    texts = {}
    for participant in participants:
        transcript, errors, _ = read_transcript(files[participant.participant_id], participant,
                                                params)
        assert not errors, errors
        texts[participant.participant_id] = "\n".join(t.text for t in transcript.turns)
    return participants, files, texts


def read_jsonl(name: str) -> list[dict]:
    return [json.loads(line) for line in (DEMO / "gold" / name).read_text(encoding="utf-8")
            .splitlines() if line.strip()]


def test_composition(demo):
    participants, files, texts = demo
    assert len(participants) == 69
    profiles = Counter(p.profile for p in participants)
    assert profiles == {"adult_woman": 49, "adolescent_girl": 8, "boy": 6, "transgender_woman": 6}
    countries = Counter(p.country for p in participants)
    assert set(countries) == {"AR", "CO", "EC", "MX", "PE"}
    assert all(12 <= n <= 16 for n in countries.values())
    assert sum(p.language == "es" for p in participants) >= 25
    assert sum(p.consent == "withdrawn" for p in participants) == 2
    assert {p.exploitation for p in participants} >= {"sexual", "labour"}
    suffixes = Counter(path.suffix for path in files.values())
    assert suffixes[".docx"] >= 3 and suffixes[".vtt"] >= 2
    for pid, text in texts.items():
        assert 500 <= len(text.split()) <= 1200, (pid, len(text.split()))


def test_short_labels_used(demo):
    participants, files, _ = demo
    short = 0
    for path in files.values():
        if path.suffix == ".txt":
            head = path.read_text(encoding="utf-8").lstrip()[:3]
            short += bool(re.match(r"^[IEP]:", head))
    assert short >= 4


def test_demo_corpus_validates():
    assert validate_corpus(DEMO, CorpusParams()) == []


def test_pii_gold_exact(demo):
    _, _, texts = demo
    records = read_jsonl("pii.jsonl")
    assert {r["participant_id"] for r in records} == set(texts)
    for r in records:
        assert r["type"] in PII_TYPES, r["type"]
        assert r["identifier"] in ("direct", "quasi")
        assert texts[r["participant_id"]].count(r["text"]) == r["count"] >= 1, (
            r["participant_id"], r["type"])
    seen = Counter((r["participant_id"], r["text"]) for r in records)
    assert max(seen.values()) == 1  # one line per distinct string per transcript


def _spans(text: str, needle: str) -> list[tuple[int, int]]:
    return [(m.start(), m.start() + len(needle)) for m in re.finditer(re.escape(needle), text)]


def test_preserve_gold_exact_and_disjoint_from_pii(demo):
    _, _, texts = demo
    pii = {}
    for r in read_jsonl("pii.jsonl"):
        pii.setdefault(r["participant_id"], []).append(r["text"])
    preserve = read_jsonl("preserve.jsonl")
    per_participant = Counter(r["participant_id"] for r in preserve)
    assert set(per_participant) == set(texts)
    assert all(8 <= n <= 15 for n in per_participant.values()), per_participant
    for r in preserve:
        text = texts[r["participant_id"]]
        spans = _spans(text, r["text"])
        assert spans, r["participant_id"]
        for name in pii.get(r["participant_id"], []):
            assert name not in r["text"] and r["text"] not in name, r["participant_id"]
            for a, b in _spans(text, name):
                assert all(b <= s or a >= e for s, e in spans), r["participant_id"]


def test_themes_gold_complete(demo):
    participants, _, _ = demo
    with open(DEMO / "gold" / "themes.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    by_participant: dict[str, list[str]] = {}
    for r in rows:
        by_participant.setdefault(r["participant_id"], []).append(r["code"])
        assert r["present"] in ("0", "1")
        if r["present"] == "1" and r["code"].startswith("CARE_"):
            assert r["valence"] in ("positive", "negative", "mixed"), r
        else:
            assert r["valence"] == "", r
    assert set(by_participant) == {p.participant_id for p in participants}
    for codes in by_participant.values():
        assert sorted(codes) == sorted(THEMES_MD_CODES)
