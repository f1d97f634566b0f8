"""Saving fitted models with safetensors (no pickle), with scores rounded for stable bytes."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.topics.backends import _SENTENCE_MODEL_NAME
from pipeline.topics.model import TopicsResult


def save_model(result: TopicsResult, folder: Path) -> None:
    """Save each fitted model with safetensors (no pickle): folder/<language>/.

    The sentence model is saved as a pointer (its name) only; the TF-IDF embedder is not
    saved (it is refitted from the corpus by the stage).
    """
    for g in result.groups:
        pointer = _SENTENCE_MODEL_NAME if g.backend == "sentence" else False
        model = g.fit.model
        vocab = model.vectorizer_model.vocabulary_
        model.vectorizer_model.vocabulary_ = {k: int(v) for k, v in sorted(vocab.items())}
        model.save(str(Path(folder) / g.language), serialization="safetensors",
                   save_ctfidf=True, save_embedding_model=pointer)
        _round_scores(Path(folder) / g.language / "topics.json")


def _round_scores(path: Path, digits: int = 5) -> None:
    """Round the word scores BERTopic writes: their last float32 digits vary between runs
    (BLAS summation order), which would make the saved model differ byte for byte."""
    if not path.exists():
        return

    def rounded(value):
        if isinstance(value, float):
            return round(value, digits)
        if isinstance(value, list):
            return [rounded(v) for v in value]
        if isinstance(value, dict):
            return {k: rounded(v) for k, v in value.items()}
        return value

    data = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps(rounded(data), indent=2), encoding="utf-8")
