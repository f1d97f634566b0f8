"""Topic quality metrics: NPMI coherence, top-word overlap and stability across seeds."""

from __future__ import annotations

import math
from itertools import combinations

import numpy as np
import pandas as pd

from pipeline.params import TopicParams
from pipeline.topics.backends import Embedder, embed
from pipeline.topics.fit import OUTLIER, GroupFit, _combined, fit_model
from pipeline.topics.text import TOKEN_PATTERN
from pipeline.topics.words import ctfidf_words


def npmi_coherence(topic_words: dict[int, list[str]], docs: list[str], stops: list[str]
                   ) -> tuple[float, dict[int, float]]:
    """NPMI of each topic's top words over document co-occurrence in the corpus itself."""
    from sklearn.feature_extraction.text import CountVectorizer

    cv = CountVectorizer(lowercase=True, token_pattern=TOKEN_PATTERN, stop_words=stops,
                         binary=True)
    x = cv.fit_transform(docs).tocsc()
    vocab = cv.vocabulary_
    n = x.shape[0]
    per_topic: dict[int, float] = {}
    for topic, words in topic_words.items():
        if topic == OUTLIER:
            continue
        idx = [vocab[w] for w in words if w in vocab]
        scores = []
        for a, b in combinations(idx, 2):
            pa = x[:, a].sum() / n
            pb = x[:, b].sum() / n
            pab = x[:, a].multiply(x[:, b]).sum() / n
            if pab == 0:
                scores.append(-1.0)
            elif pab >= 1.0:
                scores.append(1.0)
            else:
                scores.append(math.log(pab / (pa * pb)) / -math.log(pab))
        if scores:
            per_topic[topic] = float(np.mean(scores))
    mean = float(np.mean(list(per_topic.values()))) if per_topic else float("nan")
    return mean, per_topic


def word_overlap(a: dict[int, list[str]], b: dict[int, list[str]]) -> float:
    """Mean over topics of `a` of the best Jaccard overlap with a topic of `b` (symmetrised)."""
    def one_way(x, y):
        xs = [set(w) for t, w in x.items() if t != OUTLIER and w]
        ys = [set(w) for t, w in y.items() if t != OUTLIER and w]
        if not xs or not ys:
            return 0.0
        return float(np.mean([max(len(s & u) / len(s | u) for u in ys) for s in xs]))
    return (one_way(a, b) + one_way(b, a)) / 2


def _mean(scores: dict[int, float]) -> float | None:
    return round(float(np.mean(list(scores.values()))), 4) if scores else None


PERTURBATION = 1e-6   # the last digit the vectors keep; where two CPU types' arithmetic differs


def _refit(units: pd.DataFrame, groups: list[GroupFit], params: TopicParams,
           stops: list[str], seed: int, noise: np.random.Generator | None = None
           ) -> tuple[np.ndarray, dict[int, list[str]]]:
    """Every group fitted again with `seed` (a seeded TF-IDF SVD refitted too), its vectors
    each moved by up to PERTURBATION per component when `noise` is given: the combined
    topics and their words."""
    parts, words, offset = [], {}, 0
    for g in groups:
        docs = units.loc[g.index, "clean"].tolist()
        emb = g.embedder
        if emb.backend == "tfidf" and seed != params.seed:   # the SVD is seeded too
            emb = embed(docs, "tfidf", params, stops, seed)
        if noise is not None:
            vectors = emb.embeddings
            moved = vectors + noise.uniform(-PERTURBATION, PERTURBATION, size=vectors.shape)
            emb = Embedder(emb.backend, emb.model, moved.astype(vectors.dtype))
        fit = fit_model(docs, emb, params, stops, seed, g.fit.model.seed_topic_list,
                        representation=False)
        parts.append((g.index, fit.topics, offset))
        for t, w in ctfidf_words(fit.model, params.top_n_words).items():
            if t != OUTLIER:
                words[t + offset] = w
        offset += int(fit.topics.max()) + 1 if (fit.topics != OUTLIER).any() else 0
    return _combined(parts, len(units)), words


def stability_metrics(units: pd.DataFrame, groups: list[GroupFit], params: TopicParams,
                      stops: list[str], main_topics: np.ndarray,
                      main_words: dict[int, list[str]]) -> dict:
    """Adjusted Rand index and top-word overlap between fits with different seeds."""
    from sklearn.metrics import adjusted_rand_score

    runs = [(main_topics, main_words)]
    runs += [_refit(units, groups, params, stops, params.seed + k)
             for k in range(1, params.stability_runs)]
    # the same seed on vectors moved in their last kept digit (another machine's arithmetic):
    # whether the topics are a property of the texts or of the arithmetic
    perturbed, _ = _refit(units, groups, params, stops, params.seed,
                          np.random.default_rng(params.seed))
    aris, overlaps = [], []
    unit_language = units["language"].astype(str).to_numpy()
    by_language: dict[str, list[float]] = {lang: [] for lang in sorted(set(unit_language))}
    for (ta, wa), (tb, wb) in combinations(runs, 2):
        aris.append(adjusted_rand_score(ta, tb))
        overlaps.append(word_overlap(wa, wb))
        for lang in by_language:  # per language of the units, whatever the models
            mask = unit_language == lang
            by_language[lang].append(adjusted_rand_score(ta[mask], tb[mask]))
    return {"stability_runs": len(runs),
            "stability_ari_by_language": {k: round(float(np.mean(v)), 4)
                                          for k, v in by_language.items()},
            "stability_seeds": [params.seed + k for k in range(len(runs))],
            "stability_ari": round(float(np.mean(aris)), 4),
            "stability_ari_min": round(float(np.min(aris)), 4),
            "stability_ari_perturbed": round(float(adjusted_rand_score(main_topics,
                                                                       perturbed)), 4),
            "stability_word_overlap": round(float(np.mean(overlaps)), 4),
            "n_topics_per_run": [len(set(t.tolist()) - {OUTLIER}) for t, _ in runs]}
