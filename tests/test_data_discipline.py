"""Generalisation discipline: no rule, codebook example or exemplar shares a run of seven
words with a validation, held-out or test transcript (an overlap would mean evaluation text
leaked into what the coder learns from, and the evaluation would flatter it)."""

from __future__ import annotations

import json
import re
from functools import lru_cache

from tests.conftest import ROOT

RUN = 7
EVALUATION = ("heldout", "validation", "validation2", "validation3", "test")


def _runs(text: str) -> set[str]:
    words = re.findall(r"\w+", text.lower())
    return {" ".join(words[i:i + RUN]) for i in range(len(words) - RUN + 1)}


@lru_cache(maxsize=1)
def _evaluation_runs() -> dict[str, str]:
    """Every seven-word run of the held-out, validation and test transcripts -> its file."""
    evaluation: dict[str, str] = {}
    for corpus in EVALUATION:
        for path in sorted((ROOT / "corpora" / corpus / "transcripts").glob("*")):
            for run in _runs(path.read_text(encoding="utf-8")):
                evaluation.setdefault(run, path.name)
    return evaluation


def test_training_text_shares_no_seven_word_run_with_evaluation_transcripts():
    evaluation = _evaluation_runs()
    found = []
    codebook = ROOT / "codebooks" / "trafficking_themes.yaml"
    for number, line in enumerate(codebook.read_text(encoding="utf-8").splitlines(), 1):
        found += [f"codebook line {number} ~ {evaluation[r]}" for r in _runs(line)
                  if r in evaluation]
    for path in sorted((ROOT / "codebooks" / "exemplars").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                found += [f"{record['id']} ~ {evaluation[r]}" for r in _runs(record["text"])
                          if r in evaluation]
    assert found == [], "rewrite these in your own words: " + "; ".join(sorted(set(found)))


def _official_name(path, line: str) -> bool:
    """A public body's official name with its source ("- fiscalía especializada en delitos de
    trata de personas  # source: https://...") is the same string wherever it is written: an
    evaluation transcript that names the same office shares it without anything leaking."""
    return path.name == "kept_public_names.yaml" and "# source: http" in line


def test_redaction_rules_and_lists_share_no_seven_word_run_with_evaluation_transcripts():
    """The redaction code, its word lists and its scorer settings are training material too:
    an example copied from a miss would make the evaluation flatter the recognizers."""
    evaluation = _evaluation_runs()
    redaction = ROOT / "pipeline" / "redaction"
    files = sorted([*redaction.glob("*.py"), *redaction.glob("*.yaml"),
                    *(redaction / "lexicon").glob("*.yaml")])
    found = [f"{path.name} ~ {evaluation[run]}" for path in files
             for line in path.read_text(encoding="utf-8").splitlines()
             if not _official_name(path, line)
             for run in _runs(line) if run in evaluation]
    assert found == [], "rewrite these in your own words: " + "; ".join(sorted(set(found)))



def test_the_calibration_corpus_was_written_apart_from_the_evaluation_transcripts():
    """The calibration corpus is training data from writers who saw no evaluation text. Whole
    interviews written apart still share stock phrases ("is there anything else you want to
    add"), so this bounds the share of shared seven-word runs: a copied passage would share
    hundreds."""
    evaluation = _evaluation_runs()
    runs = set()
    for path in sorted((ROOT / "corpora" / "calibration" / "transcripts").glob("*")):
        runs |= _runs(path.read_text(encoding="utf-8"))
    shared = runs & set(evaluation)
    assert len(runs) > 30000
    assert len(shared) / len(runs) < 0.005, f"{len(shared)} of {len(runs)} runs shared"
