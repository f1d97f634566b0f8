"""The main entry: fit the topic model(s) and build every output table and metric."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from pipeline.errors import PipelineError
from pipeline.params import TopicParams
from pipeline.topics.backends import _set_threads, choose_backend, embed, sentence_model
from pipeline.topics.fit import OUTLIER, GroupFit, _combined, fit_model
from pipeline.topics.quality import _mean, npmi_coherence, stability_metrics
from pipeline.topics.seeds import seed_topics
from pipeline.topics.startup import import_bertopic
from pipeline.topics.tables import topic_code_overlap, topics_by_country
from pipeline.topics.text import snippet, stop_words
from pipeline.topics.units import _groups, build_units
from pipeline.topics.words import ctfidf_words, model_words, words_by_language

# the package's logger, so that log lines keep the name they had before the split
log = logging.getLogger("pipeline.topics")


@dataclass
class TopicsResult:
    groups: list[GroupFit]
    topic_info: pd.DataFrame
    doc_topics: pd.DataFrame
    by_country: pd.DataFrame
    overlap: pd.DataFrame
    metrics: dict


def model_topics(segments: pd.DataFrame, params: TopicParams,
                 codings: pd.DataFrame | None = None, codebook: list[dict] | None = None,
                 sentence: Any = None, stability: bool = True, engine=None) -> TopicsResult:
    """Fit the topic model(s) on redacted participant turns and build every output table.

    A corpus in one language gets one model. A mixed corpus gets one model over both
    languages on the multilingual encoder (topics.mixed_strategy: joint, the default), or one
    model per language with topic ids numbered on across languages (per_language).
    `sentence` lets a caller pass an already loaded sentence model (tests, benchmarks).
    `engine` (params.engine): where many new units are embedded (a Dask cluster); outputs do
    not depend on it.
    """
    _set_threads()
    import_bertopic()
    stops = stop_words(params.extra_stop_words)
    units = build_units(segments, params)
    if units.empty:
        raise PipelineError("no participant turn long enough to model; check topics.min_words")
    codebook = codebook or []

    groups: list[GroupFit] = []
    offset = 0
    for language, index in _groups(units, params):
        docs = units.loc[index, "clean"].tolist()
        backend = choose_backend(language, params)
        log.info("topics: %d units (%s), language %s, embedding backend %s", len(index),
                 params.unit, language, backend)
        if backend == "sentence" and sentence is None:
            sentence = sentence_model()
        embedder = embed(docs, backend, params, stops, params.seed, sentence, engine)
        seed_ids, seeds = [], None
        if params.guided:
            seed_ids, seeds = seed_topics(codebook, stops, params.seed_words_per_code,
                                          None if language == "mixed" else language)
            if not seeds:
                log.warning("topics.guided is on but the codebook gave no seed words; "
                            "fitting unguided")
                seeds = None
        fit = fit_model(docs, embedder, params, stops, params.seed, seeds)
        groups.append(GroupFit(language, backend, index, embedder, fit, offset, seed_ids))
        offset += int(fit.topics.max()) + 1 if (fit.topics != OUTLIER).any() else 0

    topics = _combined([(g.index, g.fit.topics, g.offset) for g in groups], len(units))
    probs = np.zeros(len(units))
    reassigned = np.zeros(len(units), dtype=bool)
    words: dict[int, list[str]] = {}
    base_words: dict[int, list[str]] = {}
    topic_language: dict[int, str] = {}
    for g in groups:
        probs[g.index] = g.fit.probs
        reassigned[g.index] = g.fit.reassigned
        for t, w in model_words(g.fit.model, params.top_n_words).items():
            if t != OUTLIER:
                words[t + g.offset] = w
                topic_language[t + g.offset] = g.language
        for t, w in ctfidf_words(g.fit.model, params.top_n_words).items():
            if t != OUTLIER:
                base_words[t + g.offset] = w

    # code overlap and emergent themes
    code_ids = [str(c["id"]) for c in codebook]
    if codings is not None and not codings.empty:
        code_ids = sorted(set(code_ids) | set(codings["code"].astype(str)))
    overlap = topic_code_overlap(units, topics, codings, code_ids, params)
    has_codes = not overlap.empty

    lang_words = words_by_language(units, topics, stops, params.top_n_words,
                                   params.word_min_participants)
    info_rows = []
    for topic in sorted(set(topics.tolist())):
        idx = np.flatnonzero(topics == topic)
        order = _representatives(idx, groups, params.snippets_per_topic)
        snippets = [snippet(units.at[i, "text"], params.snippet_chars) for i in order]
        tw = words.get(topic) or base_words.get(topic, [])
        row = {"topic": topic,
               "label": "outliers" if topic == OUTLIER else f"{topic}: " + ", ".join(tw[:4]),
               "language": topic_language.get(topic, ""),
               "languages": " ".join(sorted(set(units.loc[idx, "language"].astype(str)))),
               "size": int(len(idx)),
               "n_participants": int(units.loc[idx, "participant_id"].nunique()),
               "top_words": " ".join(tw), "ctfidf_words": " ".join(base_words.get(topic, []))}
        for k in range(params.snippets_per_topic):
            row[f"snippet_{k + 1}"] = snippets[k] if k < len(snippets) else ""
        for lang in ("en", "es"):
            lw = lang_words.get(lang, {}).get(topic, [])
            row[f"words_{lang}"] = " ".join(lw)
            row[f"label_{lang}"] = ("outliers" if topic == OUTLIER else
                                    f"{topic}: " + ", ".join((lw or tw)[:4]))
            in_lang = idx[(units.loc[idx, "language"] == lang).to_numpy()]
            near = _representatives(in_lang, groups, 1)
            row[f"snippet_{lang}"] = snippet(units.at[near[0], "text"],
                                             params.snippet_chars) if near else ""
        row.update({"best_code": "", "best_code_share": np.nan, "best_code_lift": np.nan,
                    "emergent": False})
        if has_codes:
            sub = overlap[overlap["topic"] == topic].sort_values(
                ["strong", "lift", "share", "code"], ascending=[False, False, False, True],
                kind="stable")
            best = sub.iloc[0]
            row.update({"best_code": best["code"], "best_code_share": best["share"],
                        "best_code_lift": best["lift"],
                        "emergent": bool(topic != OUTLIER and not sub["strong"].any())})
        info_rows.append(row)
    topic_info = pd.DataFrame(info_rows)
    if has_codes:
        flags = topic_info.set_index("topic")["emergent"]
        overlap["emergent_topic"] = overlap["topic"].map(flags).astype(bool)

    doc_topics = pd.DataFrame({
        "unit_id": units["unit_id"], "participant_id": units["participant_id"],
        "country": units["country"], "language": units["language"],
        "segment_ids": [",".join(s) for s in units["segment_ids"]],
        "topic": topics, "probability": np.round(probs, 6),
        "outlier_reassigned": reassigned,
    })
    by_country = topics_by_country(units, topics, sorted(set(segments["country"].astype(str))))

    # NPMI reference: every participant turn (whatever the unit), counted within the
    # topic's language, so that unit choices are compared on the same windows
    turns = build_units(segments, params.model_copy(update={"unit": "turn", "min_words": 1}))
    per_topic: dict[int, float] = {}
    repr_scores: dict[int, float] = {}
    per_language_npmi: dict[str, float | None] = {}
    for g in groups:
        if g.language not in set(turns["language"]):
            # one model over several languages: each topic's words in each language are
            # scored against that language's turns, and the topic's NPMI is their mean
            scores: dict[int, list[float]] = {}
            for lang, lw in sorted(lang_words.items()):
                ldocs = turns[turns["language"] == lang]["clean"].tolist()
                _, lt = npmi_coherence({t: w for t, w in lw.items()
                                        if topic_language.get(t) == g.language}, ldocs, stops)
                per_language_npmi[lang] = _mean(lt)
                for t, v in lt.items():
                    scores.setdefault(t, []).append(v)
            pt = {t: float(np.mean(v)) for t, v in scores.items()}
            gdocs = turns["clean"].tolist()
        else:
            gdocs = turns[turns["language"] == g.language]["clean"].tolist()
            _, pt = npmi_coherence({t: w for t, w in base_words.items()
                                    if topic_language.get(t) == g.language}, gdocs, stops)
        _, rt = npmi_coherence({t: w for t, w in words.items()
                                if topic_language.get(t) == g.language}, gdocs, stops)
        per_topic.update(pt)
        repr_scores.update(rt)
    topic_info["npmi"] = topic_info["topic"].map(per_topic).round(4)
    real = [t for t in set(topics.tolist()) if t != OUTLIER]
    outliers_before = sum(g.fit.outliers_before * len(g.index) for g in groups) / len(units)
    metrics: dict[str, Any] = {
        "n_units": int(len(units)), "unit": params.unit,
        "n_participants": int(units["participant_id"].nunique()),
        "models": [{"language": g.language, "embedding_backend": g.backend,
                    "n_units": int(len(g.index)),
                    "npmi_coherence": _mean({t: v for t, v in per_topic.items()
                                             if topic_language.get(t) == g.language}),
                    "n_topics": int(len(set(g.fit.topics.tolist()) - {OUTLIER}))}
                   for g in groups],
        "guided": bool(params.guided and any(g.seed_ids for g in groups)),
        "n_topics": len(real),
        "outlier_share_before_reduction": round(float(outliers_before), 4),
        "outlier_share": round(float(np.mean(topics == OUTLIER)), 4),
        "npmi_coherence": _mean(per_topic),
        "npmi_coherence_by_language": per_language_npmi,
        "share_topics_both_languages": round(float(np.mean(
            [units.loc[topics == t, "language"].nunique() > 1 for t in real])), 4)
        if real else None,
        "npmi_coherence_representation": _mean(repr_scores),
        "n_emergent_topics": int(topic_info["emergent"].sum()),
    }
    if stability and params.stability_runs >= 2:
        metrics.update(stability_metrics(units, groups, params, stops, topics, base_words))
    return TopicsResult(groups, topic_info, doc_topics, by_country, overlap, metrics)


def _representatives(idx: np.ndarray, groups: list[GroupFit], k: int) -> list[int]:
    """The `k` units of a topic nearest its centroid, in the embedding space of its model."""
    if k == 0 or len(idx) == 0:
        return []
    for g in groups:
        pos = np.searchsorted(g.index, idx)
        if (pos < len(g.index)).all() and (g.index[np.minimum(pos, len(g.index) - 1)]
                                          == idx).all():
            emb = g.embedder.embeddings[pos]
            cent = emb.mean(axis=0)
            norm = np.linalg.norm(cent)
            sims = emb @ (cent / norm if norm > 0 else cent)
            return [int(i) for i in idx[np.lexsort((idx, -sims))][:k]]
    return [int(i) for i in idx[:k]]
