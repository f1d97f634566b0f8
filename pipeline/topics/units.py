"""What a topic unit is (participant turns or chunks), which turns are kept out, and which
units each model covers (one model per language of a mixed corpus)."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from pipeline.errors import PipelineError
from pipeline.params import TopicParams
from pipeline.topics.text import _WORD_RE, strip_tags

# the package's logger, so that log lines keep the name they had before the split
log = logging.getLogger("pipeline.topics")


def build_units(segments: pd.DataFrame, params: TopicParams) -> pd.DataFrame:
    """Participant turns (or chunks of them) that are long enough to model.

    Returns one row per unit: unit_id, participant_id, country, language, segment_ids (list),
    text (redacted, with tags), clean (tags removed), n_words.
    """
    required = {"segment_id", "participant_id", "turn_index", "speaker", "text", "country",
                "language"}
    missing = sorted(required - set(segments.columns))
    if missing:
        raise PipelineError(f"segments table lacks column(s) {', '.join(missing)}; re-run the "
                            "redact stage")
    part = segments[segments["speaker"] == "participant"].copy()
    part["text"] = part["text"].fillna("").astype(str)
    part = part.sort_values(["participant_id", "turn_index"], kind="stable")
    rows: list[dict] = []
    for pid, group in part.groupby("participant_id", sort=True):
        records = group.to_dict("records")
        if params.skip_edge_turns:
            k = params.skip_edge_turns
            records = records[k:len(records) - k] if len(records) > 2 * k else []
        step = params.chunk_turns if params.unit == "chunk" else 1
        for start in range(0, len(records), step):
            chunk = records[start:start + step]
            text = "\n".join(r["text"] for r in chunk if r["text"].strip())
            clean = strip_tags(text)
            rows.append({
                "unit_id": chunk[0]["segment_id"] if step == 1
                else f"{pid}-C{start // step + 1:03d}",
                "participant_id": pid,
                "country": str(chunk[0]["country"]),
                "language": str(chunk[0]["language"]),
                "segment_ids": [r["segment_id"] for r in chunk],
                "text": text,
                "clean": clean,
                "n_words": len(_WORD_RE.findall(clean)),
            })
    units = pd.DataFrame(rows, columns=["unit_id", "participant_id", "country", "language",
                                        "segment_ids", "text", "clean", "n_words"])
    return units[units["n_words"] >= params.min_words].reset_index(drop=True)


def corpus_language(units: pd.DataFrame) -> str:
    langs = sorted(set(units["language"]))
    return langs[0] if len(langs) == 1 else "mixed"


def _groups(units: pd.DataFrame, params: TopicParams) -> list[tuple[str, np.ndarray]]:
    language = corpus_language(units)
    if language == "mixed" and params.mixed_strategy == "per_language":
        out = []
        for lang in sorted(set(units["language"])):
            idx = np.flatnonzero((units["language"] == lang).to_numpy())
            if len(idx) < max(10, 2 * params.min_topic_size):
                log.warning("topics: only %d units in language %s; modelled with the rest",
                            len(idx), lang)
                continue
            out.append((lang, idx))
        used = set(np.concatenate([i for _, i in out])) if out else set()
        rest = np.array([i for i in range(len(units)) if i not in used], dtype=int)
        if len(rest) and out:   # too-small languages join the largest group's neighbours
            lang, idx = max(out, key=lambda g: len(g[1]))
            out = [(g, np.sort(np.concatenate([i, rest])) if g == lang else i) for g, i in out]
        if len(out) > 1:
            return out
    return [(language, np.arange(len(units)))]
